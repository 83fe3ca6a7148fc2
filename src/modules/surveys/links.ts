/**
 * Signed single-use survey links. A token is `<kind>.<id>.<exp>.<nonce>.<signature>`:
 * - kind `i` (transactional invitation) or `c` (campaign target), id the row's id;
 * - exp the expiry in Unix seconds (authentic: it is signed);
 * - nonce 16 random bytes (base64url), so that a token cannot be guessed from the id;
 * - signature HMAC-SHA256 over the first four parts with the link secret (base64url).
 * The database keeps only the SHA-256 of the whole token (`token_hash`), cleared when the link is used or
 * replaced by a reminder's: a stolen database does not hold usable links, and a used link cannot be replayed.
 * Pure functions: no SQL, no HTTP.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type LinkKind = 'i' | 'c';

export interface LinkPayload {
  kind: LinkKind;
  /** The invitation or campaign target id (bigint as a decimal string). */
  id: string;
  /** Expiry, ms since the epoch (whole seconds). */
  expiresAt: number;
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/**
 * Makes a token for `payload`, signed with `secret` (at least 32 characters).
 * @returns the token and its SHA-256 (hex), the only thing to store.
 */
export function createLinkToken(secret: string, payload: LinkPayload): { token: string; hash: string } {
  const body = `${payload.kind}.${payload.id}.${Math.floor(payload.expiresAt / 1000)}.${randomBytes(16).toString('base64url')}`;
  const token = `${body}.${sign(secret, body)}`;
  return { token, hash: hashLinkToken(token) };
}

/** SHA-256 of a token, hex: what `token_hash` holds. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type LinkCheck =
  | { ok: true; payload: LinkPayload; hash: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'expired'; payload: LinkPayload };

/**
 * Checks a token's form and signature (constant-time), then its expiry against `now`.
 * Never throws: a malformed or forged token is `invalid`, an authentic one past its expiry `expired`.
 */
export function verifyLinkToken(secret: string, token: string, now: Date): LinkCheck {
  const parts = token.split('.');
  if (parts.length !== 5) return { ok: false, reason: 'invalid' };
  const [kind, id, exp, nonce, signature] = parts as [string, string, string, string, string];
  if ((kind !== 'i' && kind !== 'c') || !/^\d{1,18}$/.test(id) || !/^\d{1,12}$/.test(exp) || !/^[\w-]{22}$/.test(nonce)) {
    return { ok: false, reason: 'invalid' };
  }
  const expected = Buffer.from(sign(secret, `${kind}.${id}.${exp}.${nonce}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  const payload: LinkPayload = { kind, id, expiresAt: Number(exp) * 1000 };
  if (payload.expiresAt <= now.getTime()) return { ok: false, reason: 'expired', payload };
  return { ok: true, payload, hash: hashLinkToken(token) };
}

/** The answer page's address for a token: the token rides in the fragment, which browsers never send to servers or logs. */
export function surveyLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/survey#${token}`;
}
