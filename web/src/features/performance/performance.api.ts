/**
 * The performance screens' view of the API (src/modules/performance/performance.routes.ts): standards,
 * the dashboard (each standard x provider x period), the drill-down to the cases behind a figure, flow
 * analytics, and export links. Values are in the standard's unit: share 0-1, business hours, per case,
 * rating 1-5.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, withQuery } from '../../api/client.ts';

export const GRANULARITIES = ['month', 'quarter', 'half-year', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface Standard {
  code: string;
  version: number;
  name: Record<string, string>;
  measure: 'share-met' | 'percentile' | 'rate' | 'mean' | 'manual';
  subject: string;
  percentile: number | null;
  comparator: '>=' | '<=';
  target: number;
  unit: 'share' | 'business-hours' | 'per-case' | 'rating' | 'number';
  serviceLine: string | null;
  effectiveFrom: string;
  effectiveTo: string | null;
}

export interface Cell {
  standard: string;
  version: number;
  provider: string;
  period: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  met: boolean | null;
  frozen: boolean;
}

export interface Dashboard {
  periods: string[];
  providers: string[];
  standards: Standard[];
  cells: Cell[];
}

/** The view's filters (the same for the dashboard, drill-down and exports). */
export interface ViewParams {
  from: string;
  to: string;
  granularity: Granularity | 'range';
  serviceLine?: string | undefined;
  entity?: string | undefined;
  region?: string | undefined;
  provider?: string | undefined;
}

export const dashboardQuery = (p: ViewParams) =>
  queryOptions({
    queryKey: ['performance', 'dashboard', p],
    queryFn: ({ signal }) => api<Dashboard>('/api/performance/dashboard', { query: { ...p }, signal }),
    placeholderData: keepPreviousData,
  });

export interface DrilldownItem {
  reference: string;
  title: string;
  state: string;
  service: string;
  entity: string;
  month: string;
  value: number | null;
  outcome: string | null;
}

export interface Drilldown {
  standard: Standard;
  provider: string;
  period: string;
  total: number;
  items: DrilldownItem[];
  manual: {
    id: string;
    period: string;
    value: number;
    evidence: string;
    evidenceUrl: string | null;
    enteredBy: string;
    enteredAt: string;
  }[];
}

export type DrilldownParams = ViewParams & { standard: string; period: string; provider: string };

export const drilldownQuery = (p: DrilldownParams) =>
  queryOptions({
    queryKey: ['performance', 'drilldown', p],
    queryFn: ({ signal }) => api<Drilldown>('/api/performance/drilldown', { query: { ...p }, signal }),
  });

export interface LogFlow {
  log: { name: string; file: string; cases: number; events: number; hasLevels: boolean; hasSla: boolean };
  summary: Record<string, number | null>;
  teams: { team: string; cases: number; runs: number; handoffsOut: number; pingPongCases: number; meanHeldHours: number }[];
  worst: {
    caseId: string;
    events: number;
    teamHandoffs: number;
    pingPong: boolean;
    pushToFrontViolation: boolean | null;
    endToEndDays: number;
    teams: string;
  }[];
}

export interface CasesFlow {
  logs: { name: string; file: string; cases: number; events: number }[];
  providers: {
    provider: string;
    cases: number;
    providerHandoffs: number;
    teamHandoffs: number;
    pingPongCases: number;
    meanEndToEndMs: number | null;
  }[];
}

export const casesFlowQuery = (p: { from: string; to: string }) =>
  queryOptions({
    queryKey: ['performance', 'flow', p],
    queryFn: ({ signal }) => api<CasesFlow>('/api/performance/flow', { query: { ...p }, signal }),
  });

export const logFlowQuery = (log: string) =>
  queryOptions({
    queryKey: ['performance', 'flow', 'log', log],
    queryFn: ({ signal }) => api<LogFlow>('/api/performance/flow', { query: { log }, signal }),
  });

/** The URL that downloads a view as CSV or XLSX (the browser sends the session cookie). */
export function exportUrl(
  view: 'dashboard' | 'drilldown' | 'flow',
  format: 'csv' | 'xlsx',
  lang: string,
  params: Record<string, string | undefined>,
): string {
  return withQuery('/api/performance/export', { view, format, lang: lang.startsWith('fr') ? 'fr' : 'en', ...params });
}

export const standardsQuery = queryOptions({
  queryKey: ['performance', 'standards'],
  queryFn: ({ signal }) => api<{ items: Standard[] }>('/api/performance/standards', { signal }).then((r) => r.items),
});

export interface ManualValue {
  id: string;
  standard: string;
  provider: string;
  period: string;
  value: number;
  evidence: string;
  evidenceUrl: string | null;
  enteredBy: string;
  enteredAt: string;
}

export const manualValuesQuery = queryOptions({
  queryKey: ['performance', 'manual-values'],
  queryFn: ({ signal }) => api<{ items: ManualValue[] }>('/api/performance/manual-values', { signal }).then((r) => r.items),
});

export interface ManualValueInput {
  standard: string;
  provider: string;
  period: string;
  value: number;
  evidence: string;
  evidenceUrl: string | null;
}

/** Captures (or corrects) a manual value. */
export function saveManualValue(input: ManualValueInput): Promise<{ id: string }> {
  return api('/api/performance/manual-values', { method: 'POST', body: input });
}
