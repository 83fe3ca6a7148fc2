/**
 * Replies by e-mail, threaded back onto their case. `receiveEmail` takes a raw RFC 822 message, finds the
 * case (subject tag `[MER-000123]`, else the In-Reply-To / References headers that `outbox.ts` seeds), the
 * user (the From address, who must be able to see the case), keeps the text above the reply marker, and
 * adds it as a public message with channel `email` — with the same event, state change and notifications
 * as a reply on the web (`addMessage` in `cases.service.ts`). Bad mail is refused with a reason, never
 * thrown. `startInboundSmtp` is the SMTP listener that feeds it (off unless INBOUND_SMTP_PORT is set).
 *
 * Trust: the From address of an e-mail is only as good as the relay that accepted it. The listener is
 * meant to sit behind the organisation's mail relay (which checks SPF/DKIM/DMARC), on loopback or a
 * private interface; it offers no AUTH and no STARTTLS.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Kysely, Transaction } from 'kysely';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { isUniqueViolation } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import type { User } from '../identity/identity.schema.ts';
import { roleHas } from '../identity/permissions.ts';
import { refreshCaseClocks } from '../sla/clocks.service.ts';
import { messageNoticeSubject } from './case-emails.ts';
import {
  appendCaseEvent,
  enqueueEmail,
  findCaseRow,
  findCaseRowById,
  findUsersByIds,
  insertMessage,
  touchCase,
  updateCaseIfVersion,
} from './cases.repository.ts';
import { findActiveUserByEmail, findInboundEmail, insertInboundEmail } from './inbound-email.repository.ts';
import { DEFAULT_MESSAGE_ID_DOMAIN, REPLY_MARKER } from './outbox.ts';

/** Why an e-mail was refused. */
export type InboundRejection =
  | 'unparseable'
  | 'auto-reply'
  | 'unknown-sender'
  | 'not-allowed'
  | 'no-case-reference'
  | 'case-not-found'
  | 'case-not-open'
  | 'empty-reply';

/** The outcome of one e-mail: added to a case (or already added: `duplicate`), or refused with a reason. */
export type InboundResult =
  | {
      ok: true;
      /** The case the message landed on (the primary, for a merged case). */
      reference: string;
      /** Id of the case message (the first one, for a duplicate). */
      caseMessageId: string | null;
      /** The same Message-ID was already added: nothing was written. */
      duplicate: boolean;
      /** Attachments of the e-mail, not kept (upload them on the web). */
      ignoredAttachments: number;
    }
  | { ok: false; reason: InboundRejection; message: string };

export interface InboundOptions {
  now?: Date;
  /** Domain of Meridian's Message-IDs (default `meridian`, as in `outbox.ts`). */
  messageIdDomain?: string;
  /** Longest kept reply, characters (default 20,000, as on the web); longer ones are cut. */
  maxBodyChars?: number;
}

const CLIENT_ROLES = new Set(['client-requester', 'entity-focal-point']);
const SUBJECT_TAG = /\[(MER-\d{6,})\]/i;
const MARKER_CORE = REPLY_MARKER.replace(/^#+-\s*|\s*-#+$/g, '').toLowerCase();

function refuse(reason: InboundRejection, message: string): InboundResult {
  return { ok: false, reason, message };
}

function headerText(mail: ParsedMail, name: string): string {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value);
  return String(v);
}

/** Whether the e-mail was sent by a machine on its own (RFC 3834 and the usual vendor headers). */
export function isAutoSubmitted(mail: ParsedMail): boolean {
  const auto = headerText(mail, 'auto-submitted').trim().toLowerCase();
  if (auto && auto !== 'no') return true;
  if (headerText(mail, 'x-autoreply') || headerText(mail, 'x-autorespond')) return true;
  if (/^(bulk|junk|list|auto_reply)$/i.test(headerText(mail, 'precedence').trim())) return true;
  return /multipart\/report/i.test(headerText(mail, 'content-type'));
}

/**
 * The case an e-mail is about: the `[MER-000123]` tag of the subject, else the first
 * `<MER-000123...@domain>` id in In-Reply-To, then References (only ids of Meridian's own `domain`).
 */
export function findCaseReference(
  mail: Pick<ParsedMail, 'subject' | 'inReplyTo' | 'references'>,
  domain = DEFAULT_MESSAGE_ID_DOMAIN,
): string | null {
  const tag = SUBJECT_TAG.exec(mail.subject ?? '');
  if (tag) return (tag[1] as string).toUpperCase();
  const refs = Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [];
  const ids = [...(mail.inReplyTo ? mail.inReplyTo.split(/\s+/) : []), ...refs.flatMap((r) => r.split(/\s+/))];
  const lowerDomain = domain.toLowerCase();
  for (const id of ids) {
    const m = /^<?(MER-\d{6,})(?:\.[^@<>]*)?@([^<>\s]+?)>?$/i.exec(id.trim());
    if (m && (m[2] as string).toLowerCase() === lowerDomain) return (m[1] as string).toUpperCase();
  }
  return null;
}

const ATTRIBUTION_START = /^\s*(On|Le|Am|El|Il|Em)\s.+/i;
const ATTRIBUTION_END = /(wrote|a écrit|schrieb|escribió|ha scritto|escreveu)\s*:\s*$/i;
const SEPARATOR = /^\s*(_{10,}|-{3,}\s*(Original Message|Message d'origine|Mensaje original)\s*-{3,})\s*$/i;
const HEADER_FROM = /^\s*\*?(From|De|Von)\s*:\*?\s*\S/i;
const HEADER_SENT = /^\s*\*?(Sent|Date|Envoyé|Gesendet|Enviado)\s*:/i;
const HEADER_SUBJECT = /^\s*\*?(Subject|Objet|Betreff|Asunto)\s*:/i;

function quoteStartsAt(lines: string[], i: number): boolean {
  const line = lines[i] as string;
  if (SEPARATOR.test(line)) return true;
  if (ATTRIBUTION_START.test(line)) {
    if (ATTRIBUTION_END.test(line)) return true;
    const next = lines[i + 1];
    if (next !== undefined && ATTRIBUTION_END.test(`${line} ${next}`)) return true;
  }
  if (HEADER_FROM.test(line)) {
    // An Outlook header block: From, then Sent (or Date) and Subject within the next four lines.
    const next = lines.slice(i + 1, i + 5);
    if (next.some((l) => HEADER_SENT.test(l)) && next.some((l) => HEADER_SUBJECT.test(l))) return true;
  }
  return false;
}

/**
 * The new text of a reply: everything above the reply marker, less the quote attribution ("On ... wrote:",
 * "Le ... a écrit :"), an Outlook header block or separator, trailing `>` lines and the signature
 * (after a `-- ` line). Line ends become `\n`.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let cut = lines.findIndex((l) => l.toLowerCase().includes(MARKER_CORE));
  if (cut < 0) cut = lines.length;
  for (let i = 0; i < cut; i++) {
    if (quoteStartsAt(lines, i)) {
      cut = i;
      break;
    }
  }
  const kept = lines.slice(0, cut);
  const sig = kept.findIndex((l) => l === '-- ' || l === '--');
  if (sig >= 0) kept.length = sig;
  while (kept.length > 0 && (/^\s*>/.test(kept[kept.length - 1] as string) || (kept[kept.length - 1] as string).trim() === '')) {
    kept.pop();
  }
  return kept.join('\n').trim();
}

class VersionRace extends Error {}

type CaseRow = NonNullable<Awaited<ReturnType<typeof findCaseRowById>>>;

/**
 * Adds the reply in one transaction, as `addMessage` does for the web (the case moves up "recently updated"
 * without a new version), plus the inbound record.
 */
async function addEmailReply(
  trx: Transaction<Database>,
  actor: User,
  target: CaseRow,
  body: string,
  e: { messageId: string; from: string; hops: string[]; at: Date },
): Promise<string> {
  const caseMessageId = await insertMessage(trx, {
    caseId: target.id,
    authorUserId: actor.id,
    visibility: 'public',
    body,
    mentions: [],
    channel: 'email',
    at: e.at,
  });
  await insertInboundEmail(trx, { messageId: e.messageId, caseId: target.id, caseMessageId, from: e.from, at: e.at });
  await appendCaseEvent(trx, {
    caseId: target.id,
    at: e.at,
    actorUserId: actor.id,
    type: 'reply-added',
    after: { message: caseMessageId },
    details: { channel: 'email', ...(e.hops.length ? { via: e.hops } : {}) },
  });
  await touchCase(trx, target.id, e.at);
  const fresh = await findCaseRowById(trx, target.id);
  if (fresh && CLIENT_ROLES.has(actor.role) && fresh.state === 'awaiting-client') {
    if (!(await updateCaseIfVersion(trx, fresh.id, fresh.version, { state: 'in-progress' }, e.at))) throw new VersionRace();
    await appendCaseEvent(trx, {
      caseId: target.id,
      at: e.at,
      actorUserId: actor.id,
      type: 'state-changed',
      before: { state: 'awaiting-client' },
      after: { state: 'in-progress' },
      details: { reason: 'client replied by e-mail' },
    });
  }
  await refreshCaseClocks(trx, target.id, e.at);
  const ids = [target.requester_user_id, target.assignee_user_id].filter((x): x is number => x !== null && x !== actor.id);
  for (const u of await findUsersByIds(trx, [...new Set(ids)])) {
    await enqueueEmail(trx, {
      caseId: target.id,
      to: u.email,
      subject: messageNoticeSubject(u.locale, 'reply', target.reference),
      body,
      at: e.at,
    });
  }
  return caseMessageId;
}

/**
 * Adds an e-mail reply to its case as a public message (channel `email`), or refuses it.
 * @param rawMessage the whole RFC 822 message (headers and body), as received.
 * @returns `{ok: true, reference, caseMessageId, duplicate, ignoredAttachments}` or
 *   `{ok: false, reason, message}` where `message` is safe to send back to the sender.
 * @throws only on database failures (the caller should ask the relay to retry later).
 */
export async function receiveEmail(
  db: Kysely<Database>,
  rawMessage: string | Buffer,
  opts: InboundOptions = {},
): Promise<InboundResult> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(rawMessage, { skipImageLinks: true });
  } catch {
    return refuse('unparseable', 'The message could not be read as an e-mail');
  }
  if (isAutoSubmitted(mail)) return refuse('auto-reply', 'Automatic replies are not added to cases');
  const senders = (mail.from?.value ?? []).map((a) => a.address).filter((a): a is string => Boolean(a));
  if (senders.length !== 1) return refuse('unknown-sender', 'The message must come from exactly one sender address');
  const from = String(senders[0]).toLowerCase();
  const actor = await findActiveUserByEmail(db, from);
  if (!actor) return refuse('unknown-sender', `${from} is not the address of a Meridian user`);
  if (!roleHas(actor.role, 'cases:reply')) return refuse('not-allowed', `${from} may not reply on cases`);
  const reference = findCaseReference(mail, opts.messageIdDomain);
  if (!reference) return refuse('no-case-reference', 'No case reference: keep the [MER-000000] tag in the subject');

  let row = await findCaseRow(db, actor, reference);
  if (!row) return refuse('case-not-found', `No case ${reference} that ${from} can see`);
  const hops: string[] = [];
  while (row.state === 'merged' && row.merged_into_case_id && hops.length < 10) {
    hops.push(row.reference);
    const primary = await findCaseRowById(db, row.merged_into_case_id);
    if (!primary) break;
    row = primary;
  }
  if (row.state === 'cancelled') return refuse('case-not-open', `${row.reference} is cancelled`);

  const max = opts.maxBodyChars ?? 20_000;
  let body = stripQuotedReply(mail.text ?? '');
  if (!body) return refuse('empty-reply', 'The reply has no text above the quoted message');
  if (body.length > max) body = `${body.slice(0, max - 40)}\n[message shortened]`;

  const messageId = mail.messageId ?? `sha256:${createHash('sha256').update(rawMessage).digest('hex')}`;
  const ignoredAttachments = mail.attachments.filter((a) => a.contentDisposition !== 'inline').length;
  const prior = await findInboundEmail(db, messageId);
  if (prior) return { ok: true, reference: prior.reference, caseMessageId: null, duplicate: true, ignoredAttachments };

  const target = row;
  for (let attempt = 1; ; attempt++) {
    try {
      const caseMessageId = await db
        .transaction()
        .execute((trx) => addEmailReply(trx, actor, target, body, { messageId, from, hops, at: opts.now ?? new Date() }));
      return { ok: true, reference: target.reference, caseMessageId, duplicate: false, ignoredAttachments };
    } catch (e) {
      if (isUniqueViolation(e)) {
        const dup = await findInboundEmail(db, messageId);
        if (dup) return { ok: true, reference: dup.reference, caseMessageId: null, duplicate: true, ignoredAttachments };
      }
      if (!(e instanceof VersionRace) || attempt >= 3) throw e;
    }
  }
}

export interface InboundSmtpOptions {
  /** Port to listen on (INBOUND_SMTP_PORT); 0 picks a free one. */
  port: number;
  /** Interface (default 127.0.0.1: behind the organisation's relay). */
  host?: string;
  db: Kysely<Database>;
  /** Largest accepted message, bytes (default 26,214,400 = 25 MiB); larger ones are refused with 552. */
  maxBytes?: number;
  receive?: InboundOptions;
  logger?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** A running inbound SMTP listener. */
export interface InboundSmtp {
  /** The port it listens on. */
  port: number;
  /** Stops accepting connections and resolves when open ones have ended. */
  close(): Promise<void>;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * Starts an SMTP listener (`smtp-server`) that hands each message to `receiveEmail`: an added reply is
 * accepted (250), a refused one answered 550 with the reason (the relay bounces it to the sender), a
 * database failure 451 (the relay retries later), an oversized one 552. No AUTH, no STARTTLS.
 * @throws Error when the port cannot be bound.
 */
export async function startInboundSmtp(opts: InboundSmtpOptions): Promise<InboundSmtp> {
  const maxBytes = opts.maxBytes ?? 25 * 1024 * 1024;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    banner: 'Meridian case replies',
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= maxBytes) chunks.push(chunk);
      });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > maxBytes) {
          callback(smtpError(`Message too large (at most ${maxBytes} bytes)`, 552));
          return;
        }
        receiveEmail(opts.db, Buffer.concat(chunks), opts.receive).then(
          (r) => {
            if (r.ok) {
              opts.logger?.info({ reference: r.reference, duplicate: r.duplicate }, 'inbound e-mail added to a case');
              callback(null, `Added to ${r.reference}`);
            } else {
              opts.logger?.info({ reason: r.reason }, 'inbound e-mail refused');
              callback(smtpError(r.message, 550));
            }
          },
          (err: unknown) => {
            opts.logger?.error({ err }, 'inbound e-mail failed');
            callback(smtpError('Temporary failure; try again later', 451));
          },
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => opts.logger?.error({ err }, 'inbound SMTP listener error'));
  const port = (server.server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
