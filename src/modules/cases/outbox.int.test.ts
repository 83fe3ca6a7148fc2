import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { enqueueEmail } from './cases.repository.ts';
import { createCase } from './cases.service.ts';
import { claimDueEmails, markEmailSent } from './outbox.repository.ts';
import { createMailTransport, type MailTransport, REPLY_MARKER, sendPendingEmails, startOutboxWorker } from './outbox.ts';

let h: DatabaseHandle;
let requester: User;
const FROM = 'Meridian <meridian@meridian.test>';

/** A real SMTP listener on 127.0.0.1 that keeps what it receives and refuses `nobody@...` recipients. */
async function startCapture() {
  const received: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('nobody@')) cb(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function outboxRows() {
  const r = await sql<{
    id: string;
    to_address: string;
    subject: string;
    status: string;
    attempts: number;
    last_error: string | null;
    next_attempt_at: Date | null;
    sent_at: Date | null;
    message_id: string | null;
  }>`select id, to_address, subject, status, attempts, last_error, next_attempt_at, sent_at, message_id from outbox order by id`.execute(
    h.db,
  );
  return r.rows;
}

async function queue(n: number, prefix = 'mail') {
  for (let i = 0; i < n; i++) {
    await enqueueEmail(h.db, {
      caseId: null,
      to: `${prefix}-${i}@meridian.test`,
      subject: `${prefix} ${i}`,
      body: 'x',
      at: new Date(),
    });
  }
}

beforeAll(async () => {
  h = await createTestDatabase();
  requester = (await findUserForSignIn(h.db, 'requester.rco-cl@meridian.test')) as User;
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.db.deleteFrom('outbox').execute();
});

describe('outbox sender', () => {
  it('delivers a case e-mail to a real SMTP listener, tagged and threaded on the case', async () => {
    const smtp = await startCapture();
    try {
      const { case: c } = await createCase(h.db, requester, {
        service: 'PAY-PAYROLL',
        title: 'Salary for October not received',
        fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
        impact: 2,
        urgency: 1,
      });
      const transport = createMailTransport({ host: '127.0.0.1', port: smtp.port, secure: false });
      const r = await sendPendingEmails(h.db, transport, { from: FROM, replyTo: 'replies@meridian.test' });
      expect(r).toMatchObject({ enabled: true, claimed: 1, sent: 1, failed: 0, retrying: 0 });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]?.to).toEqual(['requester.rco-cl@meridian.test']);
      const mail = await simpleParser(smtp.received[0]?.raw as string);
      expect(mail.subject).toContain(`[${c.reference}]`);
      expect(mail.references).toBe(`<${c.reference}@meridian>`);
      expect(mail.inReplyTo).toBe(`<${c.reference}@meridian>`);
      expect(mail.messageId).toMatch(new RegExp(`^<${c.reference}\\.o\\d+\\.[0-9a-f]{8}@meridian>$`));
      expect(mail.replyTo?.text).toBe('replies@meridian.test');
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      expect(mail.text).toContain(REPLY_MARKER);
      expect(mail.text).toContain(`Your request ${c.reference} was received`);
      const [row] = await outboxRows();
      expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null, message_id: mail.messageId });
      expect(row?.sent_at).toBeTruthy();
      // Nothing is left to send.
      expect((await sendPendingEmails(h.db, transport, { from: FROM })).claimed).toBe(0);
      transport?.close?.();
    } finally {
      await smtp.close();
    }
  });

  it('leaves rows pending when sending is disabled (no SMTP_HOST)', async () => {
    await queue(2);
    const transport = createMailTransport({ host: undefined });
    expect(await sendPendingEmails(h.db, transport, { from: FROM })).toMatchObject({ enabled: false, claimed: 0 });
    const stop = startOutboxWorker(h.db, transport, 10, { from: FROM });
    await new Promise((r) => setTimeout(r, 50));
    await stop();
    expect((await outboxRows()).map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
  });

  it('counts failed attempts, backs off, and marks the row failed after the last one', async () => {
    await queue(1);
    let clock = new Date('2026-12-01T10:00:00Z');
    let calls = 0;
    const failing: MailTransport = {
      sendMail: async () => {
        calls++;
        throw new Error('connect ECONNREFUSED 127.0.0.1:25');
      },
    };
    const opts = { from: FROM, maxAttempts: 3, backoffMs: 60_000, now: () => clock };
    expect(await sendPendingEmails(h.db, failing, opts)).toMatchObject({ claimed: 1, retrying: 1, failed: 0 });
    let [row] = await outboxRows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'connect ECONNREFUSED 127.0.0.1:25' });
    expect(new Date(row?.next_attempt_at as Date).toISOString()).toBe('2026-12-01T10:01:00.000Z');
    // Not due before the backoff has passed.
    expect((await sendPendingEmails(h.db, failing, opts)).claimed).toBe(0);
    clock = new Date('2026-12-01T10:01:00Z');
    expect(await sendPendingEmails(h.db, failing, opts)).toMatchObject({ claimed: 1, retrying: 1 });
    [row] = await outboxRows();
    expect(new Date(row?.next_attempt_at as Date).toISOString()).toBe('2026-12-01T10:03:00.000Z');
    clock = new Date('2026-12-01T10:02:59Z');
    expect((await sendPendingEmails(h.db, failing, opts)).claimed).toBe(0);
    clock = new Date('2026-12-01T10:03:00Z');
    expect(await sendPendingEmails(h.db, failing, opts)).toMatchObject({ claimed: 1, retrying: 0, failed: 1 });
    [row] = await outboxRows();
    expect(row).toMatchObject({ status: 'failed', attempts: 3, next_attempt_at: null, sent_at: null });
    expect(row?.last_error).toContain('ECONNREFUSED');
    clock = new Date('2026-12-02T10:00:00Z');
    expect((await sendPendingEmails(h.db, failing, opts)).claimed).toBe(0);
    expect(calls).toBe(3);
  });

  it('marks a row failed at once when the SMTP server refuses the recipient (5xx)', async () => {
    const smtp = await startCapture();
    try {
      await enqueueEmail(h.db, { caseId: null, to: 'nobody@meridian.test', subject: 'x', body: 'x', at: new Date() });
      const transport = createMailTransport({ host: '127.0.0.1', port: smtp.port });
      expect(await sendPendingEmails(h.db, transport, { from: FROM, maxAttempts: 5 })).toMatchObject({ failed: 1 });
      const [row] = await outboxRows();
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row?.last_error).toMatch(/^550 /);
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });

  it('never sends a row twice with two senders at work at once', async () => {
    await queue(40, 'concurrent');
    const sentBy: Record<string, string[]> = { a: [], b: [] };
    const transportOf = (name: 'a' | 'b'): MailTransport => ({
      sendMail: async (mail) => {
        await new Promise((r) => setTimeout(r, Math.random() * 4));
        sentBy[name]?.push(String(mail.subject));
      },
    });
    const drain = async (name: 'a' | 'b') => {
      const t = transportOf(name);
      for (;;) {
        const r = await sendPendingEmails(h.db, t, { from: FROM, batchSize: 5 });
        if (r.claimed === 0) return;
      }
    };
    await Promise.all([drain('a'), drain('b')]);
    const all = [...(sentBy.a ?? []), ...(sentBy.b ?? [])];
    expect(all).toHaveLength(40);
    expect(new Set(all).size).toBe(40);
    expect(sentBy.a?.length).toBeGreaterThan(0);
    expect(sentBy.b?.length).toBeGreaterThan(0);
    const rows = await outboxRows();
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it("gives a dead sender's claimed rows back after the lease, and ignores its late outcome", async () => {
    await queue(1);
    const t0 = new Date('2026-12-01T10:00:00Z');
    const [dead] = await claimDueEmails(h.db, {
      at: t0,
      limit: 10,
      leaseUntil: new Date(t0.getTime() + 300_000),
      token: crypto.randomUUID(),
    });
    expect(dead).toBeDefined();
    const sent: string[] = [];
    const ok: MailTransport = { sendMail: async (m) => void sent.push(String(m.to)) };
    expect((await sendPendingEmails(h.db, ok, { from: FROM, now: () => new Date(t0.getTime() + 299_000) })).claimed).toBe(0);
    expect(await sendPendingEmails(h.db, ok, { from: FROM, now: () => new Date(t0.getTime() + 300_000) })).toMatchObject({
      sent: 1,
    });
    expect(sent).toEqual(['mail-0@meridian.test']);
    expect(await markEmailSent(h.db, dead?.id as string, dead?.claimToken as string, new Date(), '<late@meridian>')).toBe(false);
    const [row] = await outboxRows();
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(row?.message_id).not.toBe('<late@meridian>');
  });

  it('runs as a worker until stopped', async () => {
    await queue(25, 'worker');
    const sent: string[] = [];
    const ok: MailTransport = { sendMail: async (m) => void sent.push(String(m.subject)) };
    const stop = startOutboxWorker(h.db, ok, 20, { from: FROM, batchSize: 10 });
    for (let i = 0; i < 100 && sent.length < 25; i++) await new Promise((r) => setTimeout(r, 20));
    await stop();
    expect(sent).toHaveLength(25);
    await queue(1, 'after-stop');
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toHaveLength(25);
    expect((await outboxRows()).filter((r) => r.status === 'pending').map((r) => r.subject)).toEqual(['after-stop 0']);
  });
});
