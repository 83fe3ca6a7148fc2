/**
 * The address bar shows only the search parameters the page understands. A route's `validateSearch` keeps the
 * keys it reads and gives `undefined` for a value it refuses (see search-params.ts); the router itself leaves
 * the address as typed, so `/queue?foo=1&page=abc` stayed in the address (and the pages' own `navigate`s
 * carried `foo` along). After each navigation, when the page's routes validate their search, the address is
 * REPLACED (not pushed: Back still leaves the page) by the validated search: unknown keys and refused values
 * dropped, valid ones kept. A page without a validator keeps its address as is.
 */
import type { AnyRouter } from '@tanstack/react-router';
import { compact } from './search-params.ts';

/**
 * The search of the page of `matches` (default: the router's current ones) as its validators read it, or
 * undefined when none of its routes validates its search.
 */
export function canonicalSearch(
  router: AnyRouter,
  matches: ReadonlyArray<{ routeId: string; _strictSearch?: unknown }> = router.state.matches,
): Record<string, unknown> | undefined {
  const leaf = matches[matches.length - 1];
  if (!leaf) return undefined;
  const validated = matches.some((m) => router.routesById[m.routeId]?.options.validateSearch !== undefined);
  if (!validated) return undefined;
  // the search of the leaf match as its validators (and its parents') gave it, without the raw keys
  return compact((leaf._strictSearch ?? {}) as Record<string, unknown>);
}

/** Whether the address's parameters `typed` are those of `canon` (in any order: a valid address is left as typed). */
export function sameSearch(canon: Record<string, unknown>, typed: Record<string, unknown>): boolean {
  const keys = Object.keys(typed);
  return keys.length === Object.keys(canon).length && keys.every((k) => k in canon && String(canon[k]) === String(typed[k]));
}

/**
 * Subscribes `router` so that after each navigation the address holds only the validated search (replace).
 * @returns the unsubscribe function.
 */
export function keepSearchCanonical(router: AnyRouter): () => void {
  return router.subscribe('onResolved', () => {
    const canon = canonicalSearch(router);
    if (!canon) return;
    const { location } = router.state;
    if (sameSearch(canon, router.options.parseSearch(location.searchStr))) return;
    void router.navigate({ to: location.pathname, search: canon, hash: true, state: true, replace: true, resetScroll: false });
  });
}
