/**
 * The e-mail outbox sender. `cases.service.ts` queues e-mails in the `outbox` table inside the
 * transaction of the change they tell about; this module delivers them through an SMTP transport
 * (`nodemailer`), with retries and backoff, from any number of senders at once.
 *
 * Threading: an e-mail about a case keeps `[MER-000123]` in its subject, carries
 * `References` / `In-Reply-To: <MER-000123@meridian>`, and its own Message-ID starts with the reference
 * (`<MER-000123.o42.1a2b3c4d@meridian>`), so that a reply finds its case from the subject or from the
 * headers its mail client adds (see `inbound-email.ts`). Its body opens with a reply marker below which
 * the quoted text of a reply is cut.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { Database } from '../../db/types.ts';
import { startPeriodic } from '../../server/periodic.ts';
import { type ClaimedEmail, claimDueEmails, markEmailAttemptFailed, markEmailSent } from './outbox.repository.ts';

/** The line that opens each case e-mail; a reply's text below it (quoted) is not kept. */
export const REPLY_MARKER = '##- Please type your reply above this line -##';
/** Domain of Meridian's Message-IDs and thread ids (`<MER-000123@meridian>`). */
export const DEFAULT_MESSAGE_ID_DOMAIN = 'meridian';

/** SMTP settings, from SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD. */
export interface SmtpSettings {
  /** The relay; unset or empty: sending is disabled and rows stay pending. */
  host?: string | undefined;
  /** Default 587 (25 or 465 elsewhere). */
  port?: number | undefined;
  /** TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  secure?: boolean | undefined;
  user?: string | undefined;
  password?: string | undefined;
}

/** What the sender needs of a transport: a nodemailer `Transporter` fits, and so does a test fake. */
export interface MailTransport {
  sendMail(mail: Mail.Options): Promise<unknown>;
  close?(): void;
}

/**
 * Builds the SMTP transport, or null when `settings.host` is unset (sending disabled).
 * Timeouts: 30 s to connect and for the greeting, 60 s of socket inactivity, well under the claim lease.
 */
export function createMailTransport(settings: SmtpSettings): MailTransport | null {
  if (!settings.host) return null;
  return nodemailer.createTransport({
    host: settings.host,
    port: settings.port ?? 587,
    secure: settings.secure ?? false,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
}

export interface OutboxOptions {
  /** The From address (SMTP_FROM), e.g. `Meridian <meridian@un.org>`. */
  from: string;
  /** The Reply-To address where replies reach `inbound-email.ts` (optional; default: replies go to From). */
  replyTo?: string | undefined;
  /** Rows claimed per call (default 20). */
  batchSize?: number;
  /** Attempts before a row is marked failed (default 5). */
  maxAttempts?: number;
  /** Delay after the first failed attempt, ms (default 60,000); doubles with each attempt. */
  backoffMs?: number;
  /** Longest delay between attempts, ms (default 3,600,000). */
  maxBackoffMs?: number;
  /** How long a claim holds a row, ms (default 300,000); then a dead sender's row is due again. */
  leaseMs?: number;
  /** Domain of Message-IDs (default `meridian`). */
  messageIdDomain?: string;
  /** The clock (tests). */
  now?: () => Date;
  /** Where lost claims and worker errors are reported (e.g. the Fastify logger). */
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Counts of one `sendPendingEmails` call. */
export interface OutboxRunResult {
  /** False when no transport is configured: nothing was claimed. */
  enabled: boolean;
  claimed: number;
  sent: number;
  /** Failed attempts that will be tried again after the backoff. */
  retrying: number;
  /** Rows marked failed for good (attempts used up, or the recipient refused). */
  failed: number;
  /** Rows whose claim ran out while sending (another sender may have sent them too). */
  lostClaims: number;
}

/** The thread id of a case: `<MER-000123@meridian>`. */
export function caseThreadId(reference: string, domain = DEFAULT_MESSAGE_ID_DOMAIN): string {
  return `<${reference}@${domain}>`;
}

/** Delay before the attempt after `attempts` failed ones, ms: `backoffMs * 2^(attempts-1)`, capped. */
export function backoffDelay(attempts: number, backoffMs: number, maxBackoffMs: number): number {
  return Math.min(maxBackoffMs, backoffMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * The e-mail for an outbox row: subject tagged `[MER-000123]`, thread headers, the reply marker on top,
 * and `Auto-Submitted: auto-generated` (RFC 3834) so that auto-responders do not answer it.
 */
export function composeEmail(row: ClaimedEmail, opts: OutboxOptions): Mail.Options & { messageId: string } {
  const domain = opts.messageIdDomain ?? DEFAULT_MESSAGE_ID_DOMAIN;
  const ref = row.caseReference;
  const messageId = `<${ref ?? 'meridian'}.o${row.id}.${randomUUID().slice(0, 8)}@${domain}>`;
  const mail: Mail.Options & { messageId: string } = {
    from: opts.from,
    to: row.to,
    subject: row.subject,
    text: row.body,
    messageId,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  };
  if (opts.replyTo) mail.replyTo = opts.replyTo;
  if (ref) {
    if (!row.subject.includes(`[${ref}]`)) mail.subject = `[${ref}] ${row.subject}`;
    const thread = caseThreadId(ref, domain);
    mail.references = thread;
    mail.inReplyTo = thread;
    mail.headers = { ...(mail.headers as Record<string, string>), 'X-Meridian-Case': ref };
    mail.text = `${REPLY_MARKER}\n\n${row.body}\n\n-- \nMeridian, ${ref}. Reply to this e-mail to add a message to ${ref}; keep [${ref}] in the subject.\n`;
  }
  return mail;
}

/** A recipient the server refused for good (5xx to RCPT TO): trying again will not help. */
function isPermanent(e: unknown): boolean {
  const err = e as { code?: string; responseCode?: number; command?: string };
  const fiveHundred = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600;
  return fiveHundred && (err.code === 'EENVELOPE' || err.command === 'RCPT TO');
}

function describe(e: unknown): string {
  const err = e as { message?: string; responseCode?: number };
  return `${err.responseCode ? `${err.responseCode} ` : ''}${err.message ?? String(e)}`;
}

/**
 * Claims the due pending outbox rows (up to `batchSize`) and sends each through `transport`. A sent row
 * becomes `sent` with `sent_at` and its Message-ID; a failed attempt stays `pending` with `last_error` and
 * `next_attempt_at` pushed back by the backoff, until `maxAttempts` is reached (or the recipient is
 * refused with a 5xx), when it becomes `failed`. With no transport (SMTP_HOST unset) nothing is claimed.
 * Sending errors never throw; database errors do.
 */
export async function sendPendingEmails(
  db: Kysely<Database>,
  transport: MailTransport | null,
  opts: OutboxOptions,
): Promise<OutboxRunResult> {
  const result: OutboxRunResult = { enabled: transport !== null, claimed: 0, sent: 0, retrying: 0, failed: 0, lostClaims: 0 };
  if (!transport) return result;
  const now = opts.now ?? (() => new Date());
  const maxAttempts = opts.maxAttempts ?? 5;
  const at = now();
  const rows = await claimDueEmails(db, {
    at,
    limit: opts.batchSize ?? 20,
    leaseUntil: new Date(at.getTime() + (opts.leaseMs ?? 300_000)),
    token: randomUUID(),
  });
  result.claimed = rows.length;
  for (const row of rows) {
    const mail = composeEmail(row, opts);
    let kept: boolean;
    try {
      await transport.sendMail(mail);
      kept = await markEmailSent(db, row.id, row.claimToken, now(), mail.messageId);
      if (kept) result.sent++;
    } catch (e) {
      const final = row.attempts >= maxAttempts || isPermanent(e);
      const retryAt = final
        ? null
        : new Date(now().getTime() + backoffDelay(row.attempts, opts.backoffMs ?? 60_000, opts.maxBackoffMs ?? 3_600_000));
      kept = await markEmailAttemptFailed(db, row.id, row.claimToken, describe(e), retryAt);
      if (kept) {
        if (final) result.failed++;
        else result.retrying++;
      }
    }
    if (!kept) {
      result.lostClaims++;
      opts.logger?.warn({ outboxId: row.id }, 'outbox: the claim ran out while sending; the row was taken by another sender');
    }
  }
  return result;
}

/**
 * Runs `sendPendingEmails` every `intervalMs` ms (at once when a batch came back full) until stopped.
 * With no transport it does nothing. Errors of a run are logged and the next run goes on.
 * @returns stop: ends the loop and resolves once the run in progress, if any, has finished.
 */
export function startOutboxWorker(
  db: Kysely<Database>,
  transport: MailTransport | null,
  intervalMs: number,
  opts: OutboxOptions,
): () => Promise<void> {
  if (!transport) return async () => {};
  const batchSize = opts.batchSize ?? 20;
  return startPeriodic(
    async (stopped) => {
      let r: OutboxRunResult;
      do {
        r = await sendPendingEmails(db, transport, opts);
      } while (!stopped() && r.claimed === batchSize);
    },
    intervalMs,
    (e) => opts.logger?.error({ err: e }, 'outbox: a sending run failed'),
  );
}
