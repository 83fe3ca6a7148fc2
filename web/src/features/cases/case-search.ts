/** URL search parameters of the case lists (work queue, my requests) and of the request form. */
import { CASE_STATES, type CaseState, PRIORITIES, type Priority } from '../../api/types.ts';
import { optInt, optOneOf, optPageSize, optString } from '../../lib/search-params.ts';
import type { CaseSort } from './cases.api.ts';

export const CASE_SORTS = ['createdAt', 'updatedAt', 'priority', 'reference'] as const satisfies readonly CaseSort[];
/** The state tabs: open (new, in progress, awaiting client), each state, or all. */
export const STATE_TABS = ['open', ...CASE_STATES, 'all'] as const;
export type StateTab = (typeof STATE_TABS)[number];

export interface CaseListSearch {
  state?: StateTab;
  priority?: Priority;
  service?: string;
  /** `me`, `none` (unassigned) or a user id (a number, so that the URL keeps `assignee=42`). */
  assignee?: 'me' | 'none' | number;
  /** A provider code, or `none` for the DOS coordination queue (coordinators). */
  provider?: string;
  q?: string;
  sort?: CaseSort;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

/** The largest user id the API takes (a PostgreSQL integer). */
const MAX_USER_ID = 2_147_483_647;

/** The case lists' search from the address bar: every key, undefined when missing or not valid (see search-params.ts). */
export function validateCaseListSearch(raw: Record<string, unknown>): CaseListSearch {
  return {
    state: optOneOf(raw.state, STATE_TABS),
    priority: optOneOf(raw.priority, PRIORITIES),
    service: optString(raw.service, 40),
    assignee: optOneOf(raw.assignee, ['me', 'none'] as const) ?? optInt(raw.assignee, 1, MAX_USER_ID),
    provider: optString(raw.provider, 40),
    q: optString(raw.q, 200),
    sort: optOneOf(raw.sort, CASE_SORTS),
    order: optOneOf(raw.order, ['asc', 'desc'] as const),
    page: optInt(raw.page, 1, 100_000),
    pageSize: optPageSize(raw.pageSize),
  };
}

/** The API's state filter for a tab (`all`: none). */
export function stateFilter(tab: StateTab): CaseState | 'open' | undefined {
  return tab === 'all' ? undefined : tab;
}

export interface RequestSearch {
  /** The chosen service. */
  service?: string;
  /** The catalogue search. */
  q?: string;
}

export function validateRequestSearch(raw: Record<string, unknown>): RequestSearch {
  return { service: optString(raw.service, 40), q: optString(raw.q) };
}
