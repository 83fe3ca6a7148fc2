/**
 * The reads of `refreshCaseClocks` and the case view's clocks: in one statement, a case's history (the
 * case, its state events, segments and public replies with their authors' roles), the SLA policies that
 * may apply to it, and the calendar owners of its client entity and providers (stored calendar and newest
 * version, or the duty station's default data); plus, when needed, the versions of stored calendars not
 * yet compiled in this process.
 */
import { type Kysely, type RawBuilder, type Selectable, sql, type Transaction } from 'kysely';
import type { Database, SlaPolicyTable } from '../../db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A case with its history as read in one statement. Instants in epoch ms (truncated to the ms, as node-postgres reads them). */
export interface CaseHistoryRow {
  id: string;
  reference: string;
  entity_code: string;
  service_code: string;
  priority: string;
  state: string;
  created_ms: string | number;
  /** State events (`created`, `state-changed`, `reopened`, `merged`) by time then id. */
  events: { at: number; type: string; after: unknown }[] | null;
  /** Segments by start then id. */
  segments:
    | { id: number | string; provider_code: string | null; started: number; ended: number | null; end_reason: string | null }[]
    | null;
  /** Public messages by time then id, with the author's role and provider (null: no author). */
  replies: { at: number; role: string | null; provider_code: string | null }[] | null;
  /** The active SLA policies for the case's service and priority (any provider), as rows (JSON). */
  policies: Selectable<SlaPolicyTable>[] | null;
  /** The calendar owners of the case's client entity and of the providers of its segments. */
  calendars: CalendarOwnerRow[] | null;
}

// Epoch ms, truncated. Divided by 0.001 rather than multiplied by 1000: a statement with a `*` is never
// prepared (src/db/prepared-statements.ts), and this one would then be planned on every call (~1.5 ms).
const ms = (col: ReturnType<typeof sql.ref>) => sql`floor(extract(epoch from ${col}) / 0.001)::bigint`;

/** Case `caseId` with its history (one statement), or undefined. */
export async function findCaseHistory(db: Db, caseId: string): Promise<CaseHistoryRow | undefined> {
  const r = await sql<CaseHistoryRow>`
    select c.id, c.reference, c.entity_code, c.service_code, c.priority, c.state, ${ms(sql.ref('c.created_at'))} as created_ms,
      (select json_agg(json_build_object('at', ${ms(sql.ref('e.at'))}, 'type', e.type, 'after', e.after) order by e.at, e.id)
         from case_events e
         where e.case_id = c.id and e.type in ('created', 'state-changed', 'reopened', 'merged')) as events,
      (select json_agg(json_build_object('id', s.id, 'provider_code', s.provider_code, 'started', ${ms(sql.ref('s.started_at'))},
                                         'ended', ${ms(sql.ref('s.ended_at'))}, 'end_reason', s.end_reason) order by s.started_at, s.id)
         from case_segments s where s.case_id = c.id) as segments,
      (select json_agg(json_build_object('at', ${ms(sql.ref('m.created_at'))}, 'role', u.role, 'provider_code', u.provider_code)
                       order by m.created_at, m.id)
         from case_messages m left join users u on u.id = m.author_user_id
         where m.case_id = c.id and m.visibility = 'public') as replies,
      (select json_agg(json_build_object(${sql.join(POLICY_COLUMNS.map((k) => sql`${sql.lit(k)}, ${sql.ref(`p.${k}`)}`))}))
         from sla_policies p
         where p.active and (p.service_code is null or p.service_code = c.service_code)
           and (p.priority is null or p.priority = c.priority)) as policies,
      (select json_agg(json_build_object('kind', o.kind, 'code', o.code, 'duty_station_code', o.duty_station_code,
                                         'ds_code', o.ds_code, 'city', o.city, 'country', o.country, 'time_zone', o.time_zone,
                                         'calendar_id', o.calendar_id, 'newest_version', o.newest_version))
         from ${ownersOf(sql`c.entity_code`, sql`(select s.provider_code from case_segments s where s.case_id = c.id)`)} o) as calendars
    from cases c where c.id = ${caseId}`.execute(db);
  return r.rows[0];
}

/** The columns of `sla_policies` (by name, so that statements reading them can be prepared). */
export const POLICY_COLUMNS = [
  'id',
  'provider_code',
  'service_code',
  'priority',
  'first_response',
  'next_response',
  'resolution',
  'calendar_basis',
  'pause_states',
  'warn_at',
  'escalate_outside_hours',
  'basis',
  'active',
  'version',
  'updated_by',
  'updated_at',
] as const;

/** The calendar owners (see `CalendarOwnerRow`) of client entity `entity` and of the providers `providers` (a list or subquery). */
function ownersOf(entity: RawBuilder<unknown>, providers: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(select w.kind, w.code, w.duty_station_code, d.code as ds_code, d.city, d.country, d.time_zone,
      coalesce(pc.id, dc.id) as calendar_id,
      (select max(v.version) from business_calendar_versions v where v.calendar_id = coalesce(pc.id, dc.id)) as newest_version
    from (select 'entity' as kind, e.code, e.duty_station_code from client_entities e where e.code = ${entity}
          union all
          select 'provider' as kind, p.code, p.duty_station_code from providers p where p.code in ${providers}) w
    left join business_calendars pc on w.kind = 'provider' and pc.provider_code = w.code
    left join business_calendars dc on dc.duty_station_code = w.duty_station_code
    left join duty_stations d on d.code = w.duty_station_code)`;
}

/** How one calendar owner (the client entity, or a provider) resolves. */
export interface CalendarOwnerRow {
  kind: 'entity' | 'provider';
  code: string;
  duty_station_code: string;
  /** The duty station's data (null when the station does not exist). */
  ds_code: string | null;
  city: string | null;
  country: string | null;
  time_zone: string | null;
  /** The stored calendar in force for the owner (the provider's own, else the duty station's), if any. */
  calendar_id: number | null;
  newest_version: number | null;
}

/**
 * The calendar owners of a case in one statement: client entity `entity` and providers `providers`,
 * each with its duty station, and the stored calendar that applies (a provider's own first) with its
 * newest version. Owners that do not exist are absent.
 */
export async function findCalendarOwners(db: Db, entity: string, providers: readonly string[]): Promise<CalendarOwnerRow[]> {
  const r = await sql<CalendarOwnerRow>`
    select o.kind, o.code, o.duty_station_code, o.ds_code, o.city, o.country, o.time_zone, o.calendar_id, o.newest_version
    from ${ownersOf(sql`${entity}`, sql`(select unnest(${sql.val(providers)}::text[]))`)} o`.execute(db);
  return r.rows;
}

/** The versions of stored calendars `ids`, by calendar then version (`effective_from` a local date `YYYY-MM-DD`). */
export async function findCalendarVersions(
  db: Db,
  ids: readonly number[],
): Promise<{ calendar_id: number; version: number; effective_from: string; spec: unknown }[]> {
  if (!ids.length) return [];
  const r = await sql<{ calendar_id: number; version: number; effective_from: string; spec: unknown }>`
    select calendar_id, version, to_char(effective_from, 'YYYY-MM-DD') as effective_from, spec
    from business_calendar_versions where calendar_id = any(${sql.val(ids)}::int[]) order by calendar_id, version`.execute(db);
  return r.rows;
}
