/**
 * The SLA screens' view of the API (src/modules/sla/sla.routes.ts): a case's clocks, business calendars
 * (duty stations and providers, versioned), SLA policies and the monthly SLA report. Shapes mirror the
 * server's zod schemas; durations are business minutes, instants ISO-8601 UTC, targets ISO-8601 durations
 * of business time (`PT4H`, `PT30M`) or whole business days (`P2D`).
 */
import { keepPreviousData, type QueryClient, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Page, Priority } from '../../api/types.ts';

export const SLA_METRICS = ['first-response', 'next-response', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

export const CLOCK_STATES = ['running', 'paused', 'met', 'breached', 'stopped'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

/** One clock of a case: end to end (`case`, the client's view) or one provider's segment (`segment`, its OLA). */
export interface ClockView {
  scope: 'case' | 'segment';
  provider: string | null;
  segmentStartedAt: string | null;
  metric: SlaMetric;
  /** ISO-8601 duration of business time, e.g. `PT4H` or `P2D`. */
  target: string;
  targetBusinessMinutes: number;
  /** The calendar's IANA zone: the duty station's of the provider (or of the client, per the policy). */
  timeZone: string;
  startedAt: string;
  /** Null while paused: the due instant moves with the pause. */
  dueAt: string | null;
  stoppedAt: string | null;
  elapsedBusinessMinutes: number;
  pausedBusinessMinutes: number;
  /** Elapsed share of the target, percent (may pass 100 once breached). */
  percent: number | null;
  state: ClockState;
  breachedAt: string | null;
  /** Warning thresholds, percent of the target. */
  warnAt: number[];
}

export interface PendingEscalation {
  metric: string;
  threshold: number;
  fireAt: string;
  segmentId: string | null;
}

/** `GET /api/cases/:reference/sla`. `pendingEscalations` is empty for client staff. */
export interface CaseClocks {
  clocks: ClockView[];
  clientTimeZone: string | null;
  pendingEscalations: PendingEscalation[];
}

/** Under `['cases', ...]` so that every change to a case (which invalidates `['cases']`) refreshes its clocks. */
export const caseClocksQuery = (reference: string) =>
  queryOptions({
    queryKey: ['cases', 'sla', reference],
    queryFn: ({ signal }) => api<CaseClocks>(`/api/cases/${encodeURIComponent(reference)}/sla`, { signal }),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });

// ---- calendars

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** A working window in local time, `["09:00", "17:00"]`; an end at or before the start runs past midnight. */
export type Window = [string, string];

export interface CalendarSpec {
  timeZone: string;
  week: Record<Weekday, Window[]>;
  /** Whole-day holidays, local dates `YYYY-MM-DD`. */
  holidays?: string[];
  /** Partial closures, instants with an offset. */
  closures?: Array<{ from: string; to: string }>;
}

export interface CalendarVersion {
  version: number;
  /** Local date `YYYY-MM-DD` from which this version applies. */
  effectiveFrom: string;
  spec: CalendarSpec;
  note: string | null;
  createdAt: string | null;
}

export type CalendarKind = 'duty-stations' | 'providers';

/** A resolved calendar: a provider without its own answers its duty station's (owner `dutyStation`). */
export interface BusinessCalendar {
  id: number | null;
  name: string;
  owner: { dutyStation: string } | { provider: string };
  timeZone: string;
  source: 'stored' | 'default';
  versions: CalendarVersion[];
}

export interface CalendarOwnerRow {
  kind: 'duty-station' | 'provider';
  code: string;
  name: string;
  timeZone: string | null;
  stored: boolean;
  versions: number;
}

export interface CalendarListParams {
  q?: string;
  page?: number;
  pageSize?: number;
}

export const calendarsQuery = (p: CalendarListParams) =>
  queryOptions({
    queryKey: ['sla', 'calendars', p],
    queryFn: ({ signal }) => api<Page<CalendarOwnerRow>>('/api/sla/calendars', { query: { ...p }, signal }),
    placeholderData: keepPreviousData,
  });

const calendarPath = (kind: CalendarKind, code: string) => `/api/sla/calendars/${kind}/${encodeURIComponent(code)}`;

export const calendarQuery = (kind: CalendarKind, code: string) =>
  queryOptions({
    queryKey: ['sla', 'calendar', kind, code],
    queryFn: ({ signal }) => api<BusinessCalendar>(calendarPath(kind, code), { signal }),
  });

export interface NewCalendarVersion {
  effectiveFrom: string;
  spec: CalendarSpec;
  note?: string;
}

export function addCalendarVersion(kind: CalendarKind, code: string, body: NewCalendarVersion): Promise<BusinessCalendar> {
  return api<BusinessCalendar>(`${calendarPath(kind, code)}/versions`, { method: 'POST', body });
}

export interface HolidayImportResult {
  calendar: BusinessCalendar;
  /** How many of the dates were new. */
  added: number;
  holidays: Array<{ date: string; name: string }>;
}

export function importHolidays(
  kind: CalendarKind,
  code: string,
  body: { format: 'ics' | 'csv'; text: string; effectiveFrom: string },
): Promise<HolidayImportResult> {
  return api<HolidayImportResult>(`${calendarPath(kind, code)}/holidays`, { method: 'POST', body });
}

/** Forgets the calendar lists and views (after a change), and the clocks that ran on them. */
export async function invalidateCalendars(qc: QueryClient): Promise<void> {
  await qc.invalidateQueries({ queryKey: ['sla'] });
  await qc.invalidateQueries({ queryKey: ['cases', 'sla'] });
}

// ---- policies

export const PAUSABLE_STATES = ['new', 'in-progress', 'awaiting-client'] as const;
export type PausableState = (typeof PAUSABLE_STATES)[number];

/** A policy as written by its editor (`POST`, `PUT` body). Null scope parts mean "any". */
export interface PolicyInput {
  provider: string | null;
  service: string | null;
  priority: Priority | null;
  firstResponse: string | null;
  nextResponse: string | null;
  resolution: string | null;
  calendarBasis: 'provider' | 'client';
  pauseStates: PausableState[];
  warnAt: number[];
  escalateOutsideHours: boolean;
  basis: string;
}

export interface SlaPolicy extends PolicyInput {
  id: number;
  version: number;
  updatedAt: string;
}

export const policiesQuery = (provider?: string) =>
  queryOptions({
    queryKey: ['sla', 'policies', provider ?? ''],
    queryFn: ({ signal }): Promise<SlaPolicy[]> =>
      api<{ items: SlaPolicy[] }>('/api/sla/policies', { query: { provider }, signal }).then((r) => r.items),
    placeholderData: keepPreviousData,
  });

export function createPolicy(policy: PolicyInput): Promise<SlaPolicy> {
  return api<SlaPolicy>('/api/sla/policies', { method: 'POST', body: policy });
}

export function updatePolicy(id: number, version: number, policy: PolicyInput): Promise<SlaPolicy> {
  return api<SlaPolicy>(`/api/sla/policies/${id}`, { method: 'PUT', body: { version, policy } });
}

export function removePolicy(id: number): Promise<void> {
  return api<void>(`/api/sla/policies/${id}`, { method: 'DELETE' });
}

// ---- report

export interface ReportParams {
  /** `YYYY-MM`, the local month of the case's creation in the clock's zone. */
  from: string;
  to: string;
  provider?: string;
  metric?: SlaMetric;
}

export interface ReportRow {
  provider: string | null;
  month: string;
  total: number;
  met: number;
  breached: number;
  open: number;
}

export const reportQuery = (p: ReportParams) =>
  queryOptions({
    queryKey: ['sla', 'report', p],
    queryFn: ({ signal }): Promise<ReportRow[]> =>
      api<{ items: ReportRow[] }>('/api/sla/report', { query: { ...p }, signal }).then((r) => r.items),
    placeholderData: keepPreviousData,
  });
