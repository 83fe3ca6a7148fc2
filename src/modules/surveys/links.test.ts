import { describe, expect, it } from 'vitest';
import { createLinkToken, hashLinkToken, surveyLinkUrl, verifyLinkToken } from './links.ts';

const SECRET = 'x'.repeat(40);
const now = new Date('2026-12-01T10:00:00Z');
const exp = Date.parse('2026-12-15T10:00:00Z');

describe('signed survey links', () => {
  it('verifies its own token and returns the payload and the hash to look up', () => {
    const { token, hash } = createLinkToken(SECRET, { kind: 'i', id: '42', expiresAt: exp });
    const r = verifyLinkToken(SECRET, token, now);
    expect(r).toEqual({ ok: true, payload: { kind: 'i', id: '42', expiresAt: exp }, hash });
    expect(hash).toBe(hashLinkToken(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('makes a different token each time (random nonce)', () => {
    const a = createLinkToken(SECRET, { kind: 'c', id: '7', expiresAt: exp });
    const b = createLinkToken(SECRET, { kind: 'c', id: '7', expiresAt: exp });
    expect(a.token).not.toBe(b.token);
  });

  it('refuses a token past its expiry as expired, not invalid', () => {
    const { token } = createLinkToken(SECRET, { kind: 'i', id: '1', expiresAt: exp });
    const r = verifyLinkToken(SECRET, token, new Date(exp));
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toBe('expired');
  });

  it('refuses a token signed with another secret, a changed id or expiry, and garbage', () => {
    const { token } = createLinkToken(SECRET, { kind: 'i', id: '1', expiresAt: exp });
    expect(verifyLinkToken('y'.repeat(40), token, now)).toEqual({ ok: false, reason: 'invalid' });
    const parts = token.split('.');
    expect(verifyLinkToken(SECRET, [parts[0], '2', ...parts.slice(2)].join('.'), now)).toEqual({ ok: false, reason: 'invalid' });
    expect(
      verifyLinkToken(SECRET, [parts[0], parts[1], String(Number(parts[2]) + 86400), ...parts.slice(3)].join('.'), now),
    ).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyLinkToken(SECRET, 'not-a-token', now)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyLinkToken(SECRET, `${token}x`, now)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('puts the token in the fragment of the answer page', () => {
    expect(surveyLinkUrl('https://meridian.un.org/', 'abc')).toBe('https://meridian.un.org/survey#abc');
  });
});
