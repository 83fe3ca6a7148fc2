/** URL search parameters of the sign-in page: every key, undefined when missing or not valid (see search-params.ts). */
import { optString } from '../../lib/search-params.ts';

/**
 * `redirect`: where to go after signing in, a path of the app (`/queue?page=2`), else undefined (checked again
 * by `safeRedirect` before it is followed).
 */
export function validateSignInSearch(raw: Record<string, unknown>): { redirect?: string | undefined } {
  const redirect = optString(raw.redirect, 2000);
  return { redirect: redirect?.startsWith('/') && !redirect.startsWith('//') ? redirect : undefined };
}
