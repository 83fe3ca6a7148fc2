/** URL search parameters of the case lists (work queue, my requests) and of the request form. */
import { CASE_STATES, type CaseState, PRIORITIES, type Priority } from '../../api/types.ts';
import { compact, optInt, optOneOf, optString } from '../../lib/search-params.ts';
import type { CaseSort } from './cases.api.ts';

export const CASE_SORTS = ['createdAt', 'updatedAt', 'priority', 'reference'] as const satisfies readonly CaseSort[];
/** The state tabs: open (new, in progress, awaiting client), each state, or all. */
export const STATE_TABS = ['open', ...CASE_STATES, 'all'] as const;
export type StateTab = (typeof STATE_TABS)[number];

export interface CaseListSearch {
  state?: StateTab;
  priority?: Priority;
  service?: string;
  /** `me`, `none` (unassigned) or a user id. */
  assignee?: string;
  /** A provider code, or `none` for the DOS coordination queue (coordinators). */
  provider?: string;
  q?: string;
  sort?: CaseSort;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export function validateCaseListSearch(raw: Record<string, unknown>): CaseListSearch {
  const assignee = optString(raw.assignee);
  return compact({
    state: optOneOf(raw.state, STATE_TABS),
    priority: optOneOf(raw.priority, PRIORITIES),
    service: optString(raw.service),
    assignee: assignee && /^(me|none|\d+)$/.test(assignee) ? assignee : undefined,
    provider: optString(raw.provider),
    q: optString(raw.q),
    sort: optOneOf(raw.sort, CASE_SORTS),
    order: optOneOf(raw.order, ['asc', 'desc'] as const),
    page: optInt(raw.page, 1, 100_000),
    pageSize: optInt(raw.pageSize, 1, 500),
  });
}

/** The API's state filter for a tab (`all`: none). */
export function stateFilter(tab: StateTab): CaseState | 'open' | undefined {
  return tab === 'all' ? undefined : tab;
}

export function assigneeFilter(v: string | undefined): 'me' | 'none' | number | undefined {
  if (v === 'me' || v === 'none') return v;
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

export interface RequestSearch {
  /** The chosen service. */
  service?: string;
  /** The catalogue search. */
  q?: string;
}

export function validateRequestSearch(raw: Record<string, unknown>): RequestSearch {
  return compact({ service: optString(raw.service), q: optString(raw.q) });
}
