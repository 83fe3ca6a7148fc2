/**
 * The search the address keeps: only the parameters the page's validators understand, with their valid
 * values; none for a page without a validator (its address is left alone). Run through a real router; the
 * replacement of the address itself (a browser history) is tested in e2e/addresses.e2e.test.ts.
 */
import { createMemoryHistory, createRootRoute, createRoute, createRouter } from '@tanstack/react-router';
import { describe, expect, it } from 'vitest';
import { validateCaseListSearch } from '../features/cases/case-search.ts';
import { canonicalSearch, sameSearch } from './canonical-search.ts';
import { parseSearch, stringifySearch } from './search-params.ts';

/** The canonical search of the page at `entry`, and how the router would write it. */
function canonicalAt(entry: string) {
  const root = createRootRoute();
  const list = createRoute({ getParentRoute: () => root, path: '/queue', validateSearch: validateCaseListSearch });
  const plain = createRoute({ getParentRoute: () => root, path: '/plain' });
  const router = createRouter({
    routeTree: root.addChildren([list, plain]),
    history: createMemoryHistory({ initialEntries: [entry] }),
    parseSearch,
    stringifySearch,
  });
  // the matches the router makes for the address (those the subscription reads once the page is loaded)
  const canon = canonicalSearch(router, router.matchRoutes(router.state.location));
  const typed = parseSearch(router.state.location.searchStr);
  return { canon, written: canon && stringifySearch(canon), kept: canon !== undefined && sameSearch(canon, typed) };
}

describe('the search the address keeps', () => {
  it('drops unknown keys and refused values, keeps valid ones', () => {
    const r = canonicalAt('/queue?foo=1&page=2&pageSize=7&sort=updatedAt&utm_source=mail');
    expect(r.canon).toEqual({ page: 2, sort: 'updatedAt' });
    expect(r.written).toBe('?sort=updatedAt&page=2'); // in the validator's order
    expect(r.kept).toBe(false); // so the address is replaced
  });

  it('drops a hand-typed page number the API would refuse (1e1)', () => {
    expect(canonicalAt('/queue?page=1e1').written).toBe('');
    expect(canonicalAt('/queue?page=1e1').kept).toBe(false);
  });

  it('writes a valid address as it was typed (nothing to replace), and leaves a page without a validator alone', () => {
    expect(canonicalAt('/queue?page=3&q=salary').kept).toBe(true);
    expect(canonicalAt('/queue?q=salary&page=3').kept).toBe(true);
    expect(canonicalAt('/queue').kept).toBe(true);
    expect(canonicalAt('/plain?foo=1').canon).toBeUndefined();
  });
});
