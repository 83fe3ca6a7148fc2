import { describe, expect, it } from 'vitest';
import { backoffDelay, caseThreadId, composeEmail, createMailTransport, REPLY_MARKER } from './outbox.ts';

const row = {
  id: '42',
  caseId: '7',
  caseReference: 'MER-000007',
  to: 'ana@un.org',
  subject: 'Your request was received',
  body: 'Hello',
  attempts: 1,
  claimToken: 't',
};

describe('composeEmail', () => {
  it('tags the subject once, threads on the case and opens with the reply marker', () => {
    const m = composeEmail(row, { from: 'Meridian <meridian@un.org>', replyTo: 'replies@un.org' });
    expect(m.subject).toBe('[MER-000007] Your request was received');
    expect(m.references).toBe('<MER-000007@meridian>');
    expect(m.inReplyTo).toBe(caseThreadId('MER-000007'));
    expect(m.messageId).toMatch(/^<MER-000007\.o42\.[0-9a-f]{8}@meridian>$/);
    expect(m.replyTo).toBe('replies@un.org');
    expect(String(m.text).startsWith(`${REPLY_MARKER}\n\nHello`)).toBe(true);
    expect(m.headers).toMatchObject({ 'Auto-Submitted': 'auto-generated', 'X-Meridian-Case': 'MER-000007' });
    expect(composeEmail({ ...row, subject: '[MER-000007] resolved' }, { from: 'x@y' }).subject).toBe('[MER-000007] resolved');
  });

  it('sends e-mails about no case as they are', () => {
    const m = composeEmail({ ...row, caseId: null, caseReference: null }, { from: 'x@y' });
    expect(m.subject).toBe(row.subject);
    expect(m.text).toBe('Hello');
    expect(m.references).toBeUndefined();
  });
});

describe('backoff and configuration', () => {
  it('doubles the delay per attempt up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 60_000, 200_000))).toEqual([60_000, 120_000, 200_000, 200_000]);
  });

  it('disables sending without SMTP_HOST', () => {
    expect(createMailTransport({})).toBeNull();
    expect(createMailTransport({ host: '' })).toBeNull();
    expect(createMailTransport({ host: '127.0.0.1', port: 2525 })).not.toBeNull();
  });
});
