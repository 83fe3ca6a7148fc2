/**
 * The URL search of every list page, as TanStack Router gives it to the page (the validated search laid over
 * the raw one): whatever the address bar says, each value is one the page and the API accept, else absent
 * (the page's default). Run through a real router, since the merge is the router's.
 */
import { createMemoryHistory, createRootRoute, createRoute, createRouter } from '@tanstack/react-router';
import { describe, expect, it } from 'vitest';
import { validateMatrixSearch } from '../features/agreements/matrix-search.ts';
import { validateRoutingSearch } from '../features/agreements/routing-search.ts';
import { validateSignInSearch } from '../features/auth/sign-in-search.ts';
import { validateCaseListSearch, validateRequestSearch } from '../features/cases/case-search.ts';
import { validateCatalogueSearch } from '../features/catalogue/catalogue-search.ts';
import {
  validateDutyStationsSearch,
  validateEntitiesSearch,
  validateProvidersSearch,
} from '../features/directory/list-search.ts';
import {
  validateDrilldownSearch,
  validateFlowSearch,
  validatePerformanceSearch,
} from '../features/performance/performance-format.ts';
import { validateCalendarsSearch, validatePoliciesSearch, validateReportSearch } from '../features/sla/sla-search.ts';
import { validateMySurveysSearch } from '../features/surveys/survey-search.ts';
import { optDate, optInt, parseSearch, stringifySearch } from './search-params.ts';

/** The search a route with `validateSearch` sees at `/page?<query>`. */
function searchSeen(validateSearch: (raw: Record<string, unknown>) => object, query: string) {
  const root = createRootRoute();
  const page = createRoute({ getParentRoute: () => root, path: '/page', validateSearch });
  const router = createRouter({
    routeTree: root.addChildren([page]),
    parseSearch,
    stringifySearch,
    history: createMemoryHistory({ initialEntries: [`/page?${query}`] }),
  });
  // the matches the router makes for the address (what `useSearch` of the page returns)
  const match = router.matchRoutes(router.state.location).find((m) => (m.routeId as string) === '/page');
  if (!match) throw new Error(`the router did not match /page?${query}`);
  return { ...match.search } as Record<string, unknown>;
}

const LONG = 'x'.repeat(300);

describe('URL search of the list pages', () => {
  it('drops invalid and unknown values of the case lists (/queue, /requests) instead of passing them to the API', () => {
    expect(
      searchSeen(
        validateCaseListSearch,
        `page=abc&pageSize=0x10&sort=bogus&order=sideways&state=nope&priority=P9&assignee=99999999999&q=${LONG}`,
      ),
    ).toEqual({});
    expect(searchSeen(validateCaseListSearch, 'page=-3&sort=bogus')).toEqual({});
    // a page size the page-size menu does not offer falls back to the default (the menu could not show it)
    expect(searchSeen(validateCaseListSearch, 'pageSize=7')).toEqual({});
    expect(searchSeen(validateCaseListSearch, 'pageSize=100')).toEqual({ pageSize: 100 });
    // hand-typed numbers follow the API's rule, plain decimal digits (the router's default read 1e1 and ' 25'
    // as the JSON numbers 10 and 25): else the page's default
    expect(searchSeen(validateCaseListSearch, 'page=1e1&pageSize=%2025')).toEqual({});
    expect(searchSeen(validateCaseListSearch, 'page=2.0&pageSize=25')).toEqual({ pageSize: 25 });
    expect(searchSeen(validateCaseListSearch, 'page=%222%22')).toEqual({});
    // valid values are kept as they are
    expect(searchSeen(validateCaseListSearch, 'page=2&sort=updatedAt&state=open&assignee=me&q=salary')).toEqual({
      page: 2,
      sort: 'updatedAt',
      state: 'open',
      assignee: 'me',
      q: 'salary',
    });
    expect(searchSeen(validateCaseListSearch, 'assignee=42')).toEqual({ assignee: 42 });
  });

  it('drops invalid values of every other page with URL state', () => {
    const pages: Array<[string, (raw: Record<string, unknown>) => object, string]> = [
      ['request form', validateRequestSearch, `service=${LONG}&q=${LONG}`],
      ['matrix', validateMatrixSearch, 'page=abc&pageSize=900&kind=zzz'],
      ['providers', validateProvidersSearch, 'page=0&sort=bogus&order=up&kind=zzz'],
      ['entities', validateEntitiesSearch, 'page=-3&pageSize=9999&country=FRA'],
      ['duty stations', validateDutyStationsSearch, 'page=abc&sort=bogus&obsolete=maybe'],
      ['catalogue', validateCatalogueSearch, 'delivery=bogus&serviceLine=ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
      ['routing', validateRoutingSearch, 'on=2026-02-30'],
      ['SLA calendars', validateCalendarsSearch, `page=abc&pageSize=500&q=${LONG}`],
      ['SLA policies', validatePoliciesSearch, `provider=${LONG}`],
      ['SLA report', validateReportSearch, 'from=abc&to=2026-13&metric=zz'],
      ['performance', validatePerformanceSearch, 'from=2026-13&granularity=x&compareFrom=abc'],
      ['drill-down', validateDrilldownSearch, 'standard=not%20a%20code&provider=X&period=2026-Q5'],
      ['flow', validateFlowSearch, `log=${LONG}`],
      ['my surveys', validateMySurveysSearch, 'saved=bogus'],
    ];
    for (const [name, validate, query] of pages) expect(searchSeen(validate, query), name).toEqual({});
  });

  it('never lets anything but a path of the app through as the sign-in redirect', () => {
    expect(searchSeen(validateSignInSearch, 'redirect=%7B%22a%22%3A1%7D')).toEqual({});
    expect(searchSeen(validateSignInSearch, 'redirect=%2Fqueue')).toEqual({ redirect: '/queue' });
    expect(searchSeen(validateSignInSearch, 'redirect=https%3A%2F%2Fevil.example%2F')).toEqual({});
    expect(searchSeen(validateSignInSearch, 'redirect=%2F%2Fevil.example')).toEqual({});
  });

  it('reads numbers as decimal digits and dates as real calendar dates', () => {
    expect(['16', '0x10', '1e1', ' 3', '', '-1'].map((v) => optInt(v, 1, 100))).toEqual([
      16,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(['2026-02-28', '2026-02-30', '2026-13-01', '1899-12-31'].map(optDate)).toEqual([
      '2026-02-28',
      undefined,
      undefined,
      undefined,
    ]);
  });
});
