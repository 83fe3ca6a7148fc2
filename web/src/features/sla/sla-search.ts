/**
 * URL search parameters of the SLA screens, validated from whatever is in the address bar: every key,
 * undefined when missing or not valid (see search-params.ts).
 */
import { optInt, optMonth, optOneOf, optPageSize, optString } from '../../lib/search-params.ts';
import { SLA_METRICS, type SlaMetric } from './sla.api.ts';

export const CALENDARS_PAGE_SIZE = 25;

export interface CalendarsSearch {
  q?: string;
  page?: number;
  pageSize?: number;
}
export function validateCalendarsSearch(raw: Record<string, unknown>): CalendarsSearch {
  return { q: optString(raw.q, 100), page: optInt(raw.page, 1, 100_000), pageSize: optPageSize(raw.pageSize) };
}

export interface PoliciesSearch {
  provider?: string;
}
export function validatePoliciesSearch(raw: Record<string, unknown>): PoliciesSearch {
  return { provider: optString(raw.provider, 40)?.toUpperCase() };
}

export interface ReportSearch {
  from?: string;
  to?: string;
  provider?: string;
  metric?: SlaMetric;
}
export function validateReportSearch(raw: Record<string, unknown>): ReportSearch {
  return {
    from: optMonth(raw.from),
    to: optMonth(raw.to),
    provider: optString(raw.provider, 40)?.toUpperCase(),
    metric: optOneOf(raw.metric, SLA_METRICS),
  };
}

/** The month `YYYY-MM` `delta` months from `ym`. */
export function addMonths(ym: string, delta: number): string {
  const [y, m] = ym.split('-').map(Number);
  const d = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1 + delta, 1));
  return d.toISOString().slice(0, 7);
}
