import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { createCase, mergeCase, transitionCase, viewCase } from './cases.service.ts';
import { receiveEmail, startInboundSmtp } from './inbound-email.ts';
import { createMailTransport, REPLY_MARKER, sendPendingEmails } from './outbox.ts';

let h: DatabaseHandle;
const users: Record<string, User> = {};

async function user(who: string): Promise<User> {
  users[who] ??= (await findUserForSignIn(h.db, `${who}@meridian.test`)) as User;
  return users[who] as User;
}

async function openCase(title = 'Salary for October not received') {
  const { case: c } = await createCase(h.db, await user('requester.rco-cl'), {
    service: 'PAY-PAYROLL',
    title,
    fields: { indexNumber: '123456', payPeriod: '2026-10', issue: 'missing-payment' },
    impact: 2,
    urgency: 1,
  });
  return c;
}

function rawEmail(m: {
  from: string;
  subject: string;
  body: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  headers?: string[];
}): string {
  return [
    `From: ${m.from}`,
    'To: replies@meridian.test',
    `Subject: ${m.subject}`,
    `Message-ID: ${m.messageId ?? `<${randomUUID()}@mail.example>`}`,
    'Date: Tue, 01 Dec 2026 10:00:00 +0000',
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references ? [`References: ${m.references}`] : []),
    ...(m.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    m.body,
  ].join('\r\n');
}

const quoted = (ref: string) =>
  `\r\n\r\nOn Tue, 1 Dec 2026 at 09:00, Meridian <meridian@meridian.test> wrote:\r\n> ${REPLY_MARKER}\r\n>\r\n> Your request ${ref} was received.\r\n`;

async function messagesOf(ref: string) {
  return (await viewCase(h.db, await user('coordinator'), ref)).messages;
}

beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => {
  await h.close();
});

describe('replies by e-mail', () => {
  it('adds a reply from the requester as a public e-mail message, without the quoted text', async () => {
    const c = await openCase();
    const r = await receiveEmail(
      h.db,
      rawEmail({
        from: 'Ana Silva <Requester.RCO-CL@meridian.test>',
        subject: `Re: [${c.reference}] ${c.title}`,
        body: `The bank letter is on its way.\r\nAna${quoted(c.reference)}`,
      }),
    );
    expect(r).toEqual({
      ok: true,
      reference: c.reference,
      caseMessageId: expect.any(String),
      duplicate: false,
      ignoredAttachments: 0,
    });
    const last = (await messagesOf(c.reference)).at(-1);
    expect(last).toMatchObject({ visibility: 'public', channel: 'email', body: 'The bank letter is on its way.\nAna' });
    expect(last?.author?.id).toBe((await user('requester.rco-cl')).id);
    const v = await viewCase(h.db, await user('requester.rco-cl'), c.reference);
    expect(v.timeline.at(-1)).toMatchObject({ type: 'reply-added', details: { channel: 'email' } });
    expect(v.messages.map((m) => m.body)).toContain('The bank letter is on its way.\nAna');
  });

  it('refuses a reply from a stranger, from a user who cannot see the case, and from a viewer', async () => {
    const c = await openCase();
    const before = (await messagesOf(c.reference)).length;
    const mail = (from: string) => rawEmail({ from, subject: `Re: [${c.reference}] hello`, body: 'Please close it.' });
    expect(await receiveEmail(h.db, mail('stranger@example.org'))).toMatchObject({ ok: false, reason: 'unknown-sender' });
    expect(await receiveEmail(h.db, mail('agent.kjso@meridian.test'))).toMatchObject({
      ok: false,
      reason: 'case-not-found',
      message: expect.stringContaining(c.reference),
    });
    expect(await receiveEmail(h.db, mail('requester.minusca@meridian.test'))).toMatchObject({
      ok: false,
      reason: 'case-not-found',
    });
    expect(await receiveEmail(h.db, mail('viewer@meridian.test'))).toMatchObject({ ok: false, reason: 'not-allowed' });
    expect((await messagesOf(c.reference)).length).toBe(before);
  });

  it('refuses mail without a case reference, automatic replies, empty replies and junk', async () => {
    const c = await openCase();
    const from = 'requester.rco-cl@meridian.test';
    expect(await receiveEmail(h.db, rawEmail({ from, subject: 'Hello', body: 'Any news?' }))).toMatchObject({
      ok: false,
      reason: 'no-case-reference',
    });
    const auto = rawEmail({
      from,
      subject: `Out of office: [${c.reference}]`,
      body: 'I am away.',
      headers: ['Auto-Submitted: auto-replied'],
    });
    expect(await receiveEmail(h.db, auto)).toMatchObject({ ok: false, reason: 'auto-reply' });
    expect(
      await receiveEmail(h.db, rawEmail({ from, subject: `Re: [${c.reference}]`, body: quoted(c.reference) })),
    ).toMatchObject({
      ok: false,
      reason: 'empty-reply',
    });
    expect(await receiveEmail(h.db, 'not an e-mail at all')).toMatchObject({ ok: false });
    expect(await receiveEmail(h.db, rawEmail({ from, subject: '[MER-999999] x', body: 'x' }))).toMatchObject({
      ok: false,
      reason: 'case-not-found',
    });
  });

  it("finds the case from In-Reply-To when the subject lost its tag, only for Meridian's ids", async () => {
    const c = await openCase();
    const from = 'requester.rco-cl@meridian.test';
    const ok = await receiveEmail(
      h.db,
      rawEmail({
        from,
        subject: 'Re: your request',
        body: 'Threaded by header.',
        inReplyTo: `<${c.reference}.o1.1a2b3c4d@meridian>`,
      }),
    );
    expect(ok).toMatchObject({ ok: true, reference: c.reference });
    const foreign = await receiveEmail(
      h.db,
      rawEmail({ from, subject: 'Re: your request', body: 'x', inReplyTo: `<${c.reference}.o1.1a2b3c4d@evil.example>` }),
    );
    expect(foreign).toMatchObject({ ok: false, reason: 'no-case-reference' });
  });

  it('adds a message delivered twice only once', async () => {
    const c = await openCase();
    const raw = rawEmail({
      from: 'requester.rco-cl@meridian.test',
      subject: `Re: [${c.reference}]`,
      body: 'Only once, please.',
      messageId: '<twice-1@mail.example>',
    });
    const [a, b] = await Promise.all([receiveEmail(h.db, raw), receiveEmail(h.db, raw)]);
    expect([a, b].filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect([a, b].filter((r) => r.ok && r.duplicate)).toHaveLength(1);
    expect(await receiveEmail(h.db, raw)).toMatchObject({ ok: true, duplicate: true, reference: c.reference });
    expect((await messagesOf(c.reference)).filter((m) => m.body === 'Only once, please.')).toHaveLength(1);
  });

  it("moves a case awaiting the client back to in progress, and notifies the requester of an agent's reply", async () => {
    const c = await openCase();
    const agent = await user('agent.unon');
    const s = await transitionCase(h.db, agent, c.reference, 1, 'in-progress', undefined);
    await transitionCase(h.db, agent, c.reference, s.version, 'awaiting-client', 'Need your bank letter');
    await receiveEmail(
      h.db,
      rawEmail({ from: 'requester.rco-cl@meridian.test', subject: `Re: [${c.reference}]`, body: 'Here it is.' }),
    );
    const v = await viewCase(h.db, agent, c.reference);
    expect(v.case.state).toBe('in-progress');
    expect(v.timeline.at(-1)).toMatchObject({ type: 'state-changed', after: { state: 'in-progress' } });

    await h.db.deleteFrom('outbox').execute();
    const r = await receiveEmail(
      h.db,
      rawEmail({ from: 'agent.unon@meridian.test', subject: `Re: [${c.reference}]`, body: 'Payment is scheduled for Friday.' }),
    );
    expect(r).toMatchObject({ ok: true });
    const queued = await h.db.selectFrom('outbox').select(['to_address', 'subject', 'body']).execute();
    expect(queued).toEqual([
      {
        to_address: 'requester.rco-cl@meridian.test',
        subject: `[${c.reference}] New reply on ${c.reference}`,
        body: 'Payment is scheduled for Friday.',
      },
    ]);
  });
});

describe('recently updated', () => {
  it("moves the case (or a merged duplicate's primary) up on an e-mail reply, without changing its version", async () => {
    const c = await openCase('Replied to by e-mail');
    const at = new Date(Date.now() + 10 * 60_000);
    const r = await receiveEmail(
      h.db,
      rawEmail({ from: 'requester.rco-cl@meridian.test', subject: `Re: [${c.reference}]`, body: 'Any news?' }),
      { now: at },
    );
    expect(r).toMatchObject({ ok: true, reference: c.reference });
    expect((await viewCase(h.db, await user('agent.unon'), c.reference)).case).toMatchObject({
      updatedAt: at.toISOString(),
      version: c.version,
    });

    const primary = await openCase('Primary of an e-mailed duplicate');
    const dup = await openCase('Duplicate replied to by e-mail');
    const merged = new Date(at.getTime() + 60_000);
    await mergeCase(h.db, await user('agent.unon'), dup.reference, dup.version, primary.reference, { now: merged });
    const later = new Date(merged.getTime() + 60_000);
    const r2 = await receiveEmail(
      h.db,
      rawEmail({ from: 'requester.rco-cl@meridian.test', subject: `Re: [${dup.reference}]`, body: 'Still waiting.' }),
      { now: later },
    );
    expect(r2).toMatchObject({ ok: true, reference: primary.reference });
    expect((await viewCase(h.db, await user('agent.unon'), primary.reference)).case).toMatchObject({
      updatedAt: later.toISOString(),
      version: primary.version,
    });
  });
});

describe('the round trip through SMTP', () => {
  it('threads a reply to an e-mail Meridian sent, through the inbound SMTP listener; a stranger gets 550', async () => {
    const received: string[] = [];
    const out = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, _s, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (x: Buffer) => chunks.push(x));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => out.listen(0, '127.0.0.1', resolve));
    const inbound = await startInboundSmtp({ port: 0, db: h.db });
    try {
      await h.db.deleteFrom('outbox').execute();
      const c = await openCase('Round trip');
      const transport = createMailTransport({ host: '127.0.0.1', port: (out.server.address() as AddressInfo).port });
      await sendPendingEmails(h.db, transport, { from: 'Meridian <meridian@meridian.test>' });
      const sent = await simpleParser(received[0] as string);

      // The requester's mail client replies: "Re:" subject without the tag, thread headers, quoted text.
      const client = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true });
      const info = await client.sendMail({
        from: 'requester.rco-cl@meridian.test',
        to: 'replies@meridian.test',
        subject: 'Re: your request',
        inReplyTo: sent.messageId,
        references: [String(sent.references), String(sent.messageId)],
        text: `I sent the form this morning.\n\nOn Tue, 1 Dec 2026, Meridian wrote:\n${String(sent.text)
          .split('\n')
          .map((l) => `> ${l}`)
          .join('\n')}`,
      });
      expect(info.response).toContain(`Added to ${c.reference}`);
      expect((await messagesOf(c.reference)).at(-1)).toMatchObject({ body: 'I sent the form this morning.', channel: 'email' });

      await expect(
        client.sendMail({
          from: 'stranger@example.org',
          to: 'replies@meridian.test',
          subject: `Re: [${c.reference}]`,
          text: 'hi',
        }),
      ).rejects.toMatchObject({ responseCode: 550, message: expect.stringContaining('not the address of a Meridian user') });
      client.close();
      transport?.close?.();
    } finally {
      await inbound.close();
      await new Promise<void>((resolve) => out.close(() => resolve()));
    }
  });
});
