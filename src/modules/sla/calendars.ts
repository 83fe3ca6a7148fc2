/**
 * Business calendars: one per duty station (its IANA time zone and working week), shared by the providers
 * and client entities there unless a provider keeps its own. Calendars are versioned: an edit is a new
 * version that applies from a local date (never before the newest existing version), so the past of a
 * clock is always measured on the calendar that was in force then.
 *
 * A duty station with no stored calendar uses its default: Monday–Friday 09:00–17:00 local time, or
 * Sunday–Thursday in the countries whose weekend is Friday–Saturday (assumption, see
 * docs/decisions/0013-sla-clocks.md). Holidays are imported from iCalendar (.ics) or CSV.
 */

import { parse as parseCsv } from 'csv-parse/sync';
import ICAL from 'ical.js';
import type { Kysely, Transaction } from 'kysely';
import { fromJson } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { isCalendarDate } from '../../server/validation.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import {
  type BusinessCalendar,
  type CalendarSpec,
  compileCalendar,
  type VersionedCalendarSpec,
  WEEKDAYS,
  type Weekday,
} from './business-calendar.ts';
import { type CalendarOwnerRow, findCalendarOwners, findCalendarVersions } from './clocks.repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Countries whose working week is Sunday–Thursday (weekend Friday–Saturday). Source: national labour
 * rules as commonly published (assumption; editable per duty station by a new calendar version).
 */
export const SUNDAY_THURSDAY_COUNTRIES: ReadonlySet<string> = new Set([
  'AF',
  'BH',
  'BD',
  'DZ',
  'EG',
  'IQ',
  'IL',
  'JO',
  'KW',
  'LY',
  'OM',
  'PS',
  'QA',
  'SA',
  'SD',
  'SY',
  'YE',
]);

/** The default working week: 09:00–17:00 on the country's five working days, no holidays. */
export function defaultCalendarSpec(timeZone: string, country: string | null): CalendarSpec {
  const day: Array<[string, string]> = [['09:00', '17:00']];
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as Array<[string, string]>])) as Record<
    Weekday,
    Array<[string, string]>
  >;
  const days: Weekday[] =
    country && SUNDAY_THURSDAY_COUNTRIES.has(country) ? ['sun', 'mon', 'tue', 'wed', 'thu'] : ['mon', 'tue', 'wed', 'thu', 'fri'];
  for (const d of days) week[d] = day.map((w) => [...w] as [string, string]);
  return { timeZone, week, holidays: [], closures: [] };
}

/** One version of a calendar. */
export interface CalendarVersion {
  version: number;
  /** Local date `YYYY-MM-DD`. */
  effectiveFrom: string;
  spec: CalendarSpec;
  note: string | null;
  createdAt: string | null;
}

/** A resolved calendar: the stored one, or the duty station's default (`id` null, one version). */
export interface ResolvedCalendar {
  id: number | null;
  /** Stable key for caches: `cal:<id>:v<newest>` or `default:<duty station>`. */
  key: string;
  name: string;
  owner: { dutyStation: string } | { provider: string };
  timeZone: string;
  source: 'stored' | 'default';
  versions: CalendarVersion[];
}

const compiled = new Map<string, BusinessCalendar>();

/** The compiled engine for a resolved calendar (cached by key; a new version has a new key). */
export function compiledCalendar(cal: ResolvedCalendar): BusinessCalendar {
  let c = compiled.get(cal.key);
  if (!c) {
    const spec: VersionedCalendarSpec = { versions: cal.versions.map((v) => ({ effectiveFrom: v.effectiveFrom, spec: v.spec })) };
    c = compileCalendar(spec);
    if (compiled.size > 2000) compiled.clear();
    compiled.set(cal.key, c);
  }
  return c;
}

async function storedVersions(db: Db, calendarId: number): Promise<CalendarVersion[]> {
  const rows = await db
    .selectFrom('business_calendar_versions')
    .selectAll()
    .where('calendar_id', '=', calendarId)
    .orderBy('version')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    effectiveFrom: r.effective_from,
    spec: fromJson<CalendarSpec>(r.spec),
    note: r.note,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

async function stored(db: Db, where: { dutyStation: string } | { provider: string }) {
  let q = db.selectFrom('business_calendars').selectAll();
  q =
    'dutyStation' in where ? q.where('duty_station_code', '=', where.dutyStation) : q.where('provider_code', '=', where.provider);
  return q.executeTakeFirst();
}

/**
 * The calendar of a duty station: the stored one, or its default.
 * @throws AppError DIRECTORY_DUTY_STATION_NOT_FOUND; VALIDATION_FAILED when the station has no time zone.
 */
export async function calendarOfDutyStation(db: Db, code: string): Promise<ResolvedCalendar> {
  const row = await stored(db, { dutyStation: code });
  if (row) {
    const versions = await storedVersions(db, row.id);
    const last = versions.at(-1) as CalendarVersion;
    return {
      id: row.id,
      key: `cal:${row.id}:v${last.version}`,
      name: row.name,
      owner: { dutyStation: code },
      timeZone: last.spec.timeZone,
      source: 'stored',
      versions,
    };
  }
  const ds = await db
    .selectFrom('duty_stations')
    .select(['code', 'city', 'country', 'time_zone'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!ds) throw new AppError('DIRECTORY_DUTY_STATION_NOT_FOUND', `No duty station ${code}`);
  if (!ds.time_zone) {
    throw new AppError('VALIDATION_FAILED', `Duty station ${code} has no time zone; its calendar cannot be built`, {
      issues: [{ field: 'dutyStation', message: 'no time zone' }],
    });
  }
  return {
    id: null,
    key: `default:${code}`,
    name: ds.city,
    owner: { dutyStation: code },
    timeZone: ds.time_zone,
    source: 'default',
    versions: [
      {
        version: 0,
        effectiveFrom: '1970-01-01',
        spec: defaultCalendarSpec(ds.time_zone, ds.country),
        note: null,
        createdAt: null,
      },
    ],
  };
}

/**
 * The calendar a provider works on: its own when it keeps one, otherwise its duty station's.
 * @throws AppError DIRECTORY_PROVIDER_NOT_FOUND.
 */
export async function calendarOfProvider(db: Db, providerCode: string): Promise<ResolvedCalendar> {
  const row = await stored(db, { provider: providerCode });
  if (row) {
    const versions = await storedVersions(db, row.id);
    const last = versions.at(-1) as CalendarVersion;
    return {
      id: row.id,
      key: `cal:${row.id}:v${last.version}`,
      name: row.name,
      owner: { provider: providerCode },
      timeZone: last.spec.timeZone,
      source: 'stored',
      versions,
    };
  }
  const p = await db.selectFrom('providers').select('duty_station_code').where('code', '=', providerCode).executeTakeFirst();
  if (!p) throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${providerCode}`);
  return calendarOfDutyStation(db, p.duty_station_code);
}

/**
 * The calendar of a client entity's duty station.
 * @throws AppError DIRECTORY_ENTITY_NOT_FOUND.
 */
export async function calendarOfEntity(db: Db, entityCode: string): Promise<ResolvedCalendar> {
  const e = await db.selectFrom('client_entities').select('duty_station_code').where('code', '=', entityCode).executeTakeFirst();
  if (!e) throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${entityCode}`);
  return calendarOfDutyStation(db, e.duty_station_code);
}

/**
 * The compiled calendars of a case: its client entity's (its duty station's) and each provider's (the
 * provider's own, else its duty station's), resolved as `calendarOfEntity` and `calendarOfProvider` do, in
 * one statement, plus one for the versions of the stored calendars this process has not compiled yet
 * (a compiled calendar is cached by calendar and newest version, so an edit is seen at once).
 * @throws AppError DIRECTORY_ENTITY_NOT_FOUND, DIRECTORY_PROVIDER_NOT_FOUND, DIRECTORY_DUTY_STATION_NOT_FOUND;
 *   VALIDATION_FAILED when a duty station without a stored calendar has no time zone.
 */
export async function caseCalendars(
  db: Db,
  entity: string,
  providers: readonly string[],
): Promise<{ client: BusinessCalendar; providers: Map<string, BusinessCalendar> }> {
  return calendarsOfOwners(db, entity, providers, await findCalendarOwners(db, entity, providers));
}

/**
 * As `caseCalendars`, from the owners already read (`findCalendarOwners`, or `findCaseHistory` with the
 * case): no statement unless a stored calendar is not compiled yet in this process.
 */
export async function calendarsOfOwners(
  db: Db,
  entity: string,
  providers: readonly string[],
  owners: readonly CalendarOwnerRow[],
): Promise<{ client: BusinessCalendar; providers: Map<string, BusinessCalendar> }> {
  const keyOf = (o: CalendarOwnerRow) =>
    o.calendar_id !== null ? `cal:${o.calendar_id}:v${o.newest_version}` : `default:${o.duty_station_code}`;
  const missing = [
    ...new Set(owners.filter((o) => o.calendar_id !== null && !compiled.has(keyOf(o))).map((o) => o.calendar_id as number)),
  ];
  const versionsOf = new Map<number, VersionedCalendarSpec['versions']>();
  for (const v of await findCalendarVersions(db, missing)) {
    const list = versionsOf.get(v.calendar_id) ?? [];
    list.push({ effectiveFrom: v.effective_from, spec: fromJson<CalendarSpec>(v.spec) });
    versionsOf.set(v.calendar_id, list);
  }
  const calendarOfOwner = (o: CalendarOwnerRow): BusinessCalendar => {
    const key = keyOf(o);
    let c = compiled.get(key);
    if (c) return c;
    if (o.calendar_id !== null) {
      c = compileCalendar({ versions: versionsOf.get(o.calendar_id) ?? [] });
    } else {
      if (o.ds_code === null) throw new AppError('DIRECTORY_DUTY_STATION_NOT_FOUND', `No duty station ${o.duty_station_code}`);
      if (!o.time_zone) {
        throw new AppError('VALIDATION_FAILED', `Duty station ${o.ds_code} has no time zone; its calendar cannot be built`, {
          issues: [{ field: 'dutyStation', message: 'no time zone' }],
        });
      }
      c = compileCalendar({ versions: [{ effectiveFrom: '1970-01-01', spec: defaultCalendarSpec(o.time_zone, o.country) }] });
    }
    if (compiled.size > 2000) compiled.clear();
    compiled.set(key, c);
    return c;
  };
  const client = owners.find((o) => o.kind === 'entity');
  if (!client) throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${entity}`);
  const byProvider = new Map<string, BusinessCalendar>();
  for (const p of providers) {
    const o = owners.find((x) => x.kind === 'provider' && x.code === p);
    if (!o) throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${p}`);
    byProvider.set(p, calendarOfOwner(o));
  }
  return { client: calendarOfOwner(client), providers: byProvider };
}

/** Who owns a calendar: a duty station (shared) or a provider (its override). */
export type CalendarOwner = { dutyStation: string } | { provider: string };

/**
 * The calendar of an owner as stored or defaulted (a provider without an override answers its duty
 * station's, with `owner` still the duty station).
 */
export function calendarOf(db: Db, owner: CalendarOwner): Promise<ResolvedCalendar> {
  return 'dutyStation' in owner ? calendarOfDutyStation(db, owner.dutyStation) : calendarOfProvider(db, owner.provider);
}

/**
 * Adds a version to an owner's calendar (creating the stored calendar on first edit, with the default
 * as version 1 from 1970 when `effectiveFrom` is later, so the past keeps its calendar). The new version
 * applies from `effectiveFrom`, which must be later than the newest version's date.
 * @throws AppError VALIDATION_FAILED (invalid spec, with the field; date not after the newest version),
 *   DIRECTORY_DUTY_STATION_NOT_FOUND, DIRECTORY_PROVIDER_NOT_FOUND.
 */
export async function addCalendarVersion(
  db: Kysely<Database>,
  actorUserId: number | null,
  owner: CalendarOwner,
  input: { effectiveFrom: string; spec: CalendarSpec; note?: string | undefined; name?: string | undefined },
  now = new Date(),
): Promise<ResolvedCalendar> {
  if (!isCalendarDate(input.effectiveFrom)) {
    throw new AppError('VALIDATION_FAILED', `effectiveFrom ${input.effectiveFrom} is not a calendar date (YYYY-MM-DD)`, {
      issues: [{ field: 'effectiveFrom', message: 'not a calendar date' }],
    });
  }
  compileCalendar(input.spec); // validates, naming the field
  return db.transaction().execute(async (trx) => {
    const current = await calendarOf(trx, owner);
    const ownedHere =
      current.source === 'stored' &&
      ('dutyStation' in owner
        ? 'dutyStation' in current.owner
        : 'provider' in current.owner && current.owner.provider === owner.provider);
    let calendarId: number;
    let versions: CalendarVersion[];
    if (ownedHere && current.id !== null) {
      calendarId = current.id;
      versions = current.versions;
      await trx.selectFrom('business_calendars').select('id').where('id', '=', calendarId).forUpdate().execute();
    } else {
      const inserted = await trx
        .insertInto('business_calendars')
        .values({
          duty_station_code: 'dutyStation' in owner ? owner.dutyStation : null,
          provider_code: 'provider' in owner ? owner.provider : null,
          name: input.name ?? current.name,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      calendarId = inserted.id;
      // The calendar in force until now (the default, or the duty station's for a new provider override)
      // stays the past's calendar.
      versions = [];
      for (const v of current.versions) {
        const version = versions.length + 1;
        await trx
          .insertInto('business_calendar_versions')
          .values({
            calendar_id: calendarId,
            version,
            effective_from: v.effectiveFrom,
            spec: JSON.stringify(v.spec),
            // the web says these notes in the reader's language by their wording (versionNote, sla-format.ts)
            note: v.note ?? (current.source === 'default' ? 'default working week' : `from ${current.name}`),
            created_by: actorUserId,
            created_at: now,
          })
          .execute();
        versions.push({ ...v, version });
      }
    }
    const newest = versions.at(-1);
    if (newest && input.effectiveFrom <= newest.effectiveFrom) {
      throw new AppError(
        'VALIDATION_FAILED',
        `A new version must apply after the newest one (${newest.effectiveFrom}); past clocks are never rewritten`,
        { issues: [{ field: 'effectiveFrom', message: `must be after ${newest.effectiveFrom}` }] },
      );
    }
    const version = (newest?.version ?? 0) + 1;
    await trx
      .insertInto('business_calendar_versions')
      .values({
        calendar_id: calendarId,
        version,
        effective_from: input.effectiveFrom,
        spec: JSON.stringify(input.spec),
        note: input.note ?? null,
        created_by: actorUserId,
        created_at: now,
      })
      .execute();
    await appendAuditEvent(trx, {
      actorUserId,
      action: 'sla.calendar-version-added',
      targetType: 'business-calendar',
      targetId: String(calendarId),
      details: { owner, version, effectiveFrom: input.effectiveFrom },
    });
    return calendarOf(trx, owner);
  });
}

/** A holiday read from a file: the local date and its name. */
export interface ImportedHoliday {
  date: string;
  name: string;
}

/**
 * Reads holidays from an iCalendar file: each VEVENT's all-day start date (and every date up to its
 * exclusive DTEND for multi-day events), with its SUMMARY. Timed events are refused: they are closures.
 * @throws AppError IMPORT_REJECTED naming the line of the problem (parse error, timed event, no DTSTART, a
 *   start or end that is not a real date, e.g. 20260230).
 */
export function parseHolidaysIcs(text: string): ImportedHoliday[] {
  let component: ICAL.Component;
  try {
    component = new ICAL.Component(ICAL.parse(text));
  } catch (e) {
    throw new AppError('IMPORT_REJECTED', `Not a valid iCalendar file: ${(e as Error).message}`, {
      issues: [{ message: (e as Error).message }],
    });
  }
  // each VEVENT's lines as written (1-based), for the checks ical.js does not make and for the lines named
  const written = veventLines(text);
  const out: ImportedHoliday[] = [];
  const issues: Array<{ line?: number; field?: string; message: string }> = [];
  for (const [n, ev] of component.getAllSubcomponents('vevent').entries()) {
    const event = new ICAL.Event(ev);
    const raw = written[n];
    const title = `event ${n + 1} (${event.summary ?? 'untitled'})`;
    const at = (line: number | undefined) => (line ? { line } : {});
    const start = event.startDate;
    if (!start || !raw?.dtstart) {
      issues.push({ ...at(raw?.begin), field: 'DTSTART', message: `event ${n + 1} has no DTSTART` });
      continue;
    }
    if (!start.isDate) {
      issues.push({
        ...at(raw.dtstart.line),
        field: 'DTSTART',
        message: `${title} has a time of day: holidays are whole days (use a closure for part of a day)`,
      });
      continue;
    }
    // the dates as written: ical.js rolls an impossible one over (20260230 -> 2026-03-02, 20269999 ->
    // 2034-06-07) and ignores what follows the digits (20260302abc)
    const startDay = basicDate(raw.dtstart.value);
    if (!startDay) {
      issues.push({
        ...at(raw.dtstart.line),
        field: 'DTSTART',
        message: `${title}: ${raw.dtstart.value} is not a real date (YYYYMMDD)`,
      });
      continue;
    }
    const endDay = raw.dtend && !/T/.test(raw.dtend.value) ? basicDate(raw.dtend.value) : undefined;
    if (raw.dtend && !/T/.test(raw.dtend.value) && !endDay) {
      issues.push({
        ...at(raw.dtend.line),
        field: 'DTEND',
        message: `${title}: ${raw.dtend.value} is not a real date (YYYYMMDD)`,
      });
      continue;
    }
    if (endDay && endDay <= startDay) {
      issues.push({
        ...at(raw.dtend?.line),
        field: 'DTEND',
        message: `${title}: DTEND ${raw.dtend?.value} is not after DTSTART ${raw.dtstart.value} (the end is the day after the last)`,
      });
      continue;
    }
    const end = event.endDate?.isDate ? event.endDate : null;
    const d = start.clone();
    do {
      out.push({ date: d.toString().slice(0, 10), name: event.summary ?? '' });
      d.adjust(1, 0, 0, 0);
    } while (end && d.compare(end) < 0);
  }
  if (issues.length) {
    throw new AppError('IMPORT_REJECTED', `${issues.length} event(s) refused; nothing was imported`, { issues });
  }
  return out;
}

/** `YYYYMMDD` (iCalendar's DATE) as `YYYY-MM-DD` when it is a real date; undefined for anything else. */
function basicDate(v: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v.trim());
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return isCalendarDate(iso) ? iso : undefined;
}

/** Per VEVENT of an iCalendar text, in order: its BEGIN line and its DTSTART and DTEND lines and values as written. */
function veventLines(
  text: string,
): Array<{ begin: number; dtstart?: { line: number; value: string }; dtend?: { line: number; value: string } }> {
  const out: ReturnType<typeof veventLines> = [];
  let current: (typeof out)[number] | undefined;
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const upper = line.toUpperCase();
    if (upper.startsWith('BEGIN:VEVENT')) {
      current = { begin: i + 1 };
      out.push(current);
    } else if (upper.startsWith('END:VEVENT')) current = undefined;
    else if (current) {
      const name = /^(DTSTART|DTEND)[;:]/.exec(upper)?.[1];
      const colon = line.indexOf(':');
      if (name && colon > 0)
        current[name === 'DTSTART' ? 'dtstart' : 'dtend'] ??= { line: i + 1, value: line.slice(colon + 1).trim() };
    }
  }
  return out;
}

/**
 * Reads holidays from CSV with a header: a `date` column (`YYYY-MM-DD`) and an optional `name` column;
 * any delimiter among `,` `;` and tab; a byte-order mark is ignored.
 * @throws AppError IMPORT_REJECTED naming each bad line (every problem is reported; nothing is imported).
 */
export function parseHolidaysCsv(text: string): ImportedHoliday[] {
  const clean = text.replace(/^\uFEFF/, '');
  const first = clean.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].sort((a, b) => first.split(b).length - first.split(a).length)[0] as string;
  const firstCell = (first.split(delimiter)[0] ?? '').trim().replace(/^"|"$/g, '');
  if (isCalendarDate(firstCell)) {
    throw new AppError('IMPORT_REJECTED', 'The CSV needs a header row naming its columns, e.g. "date,name"', {
      issues: [{ line: 1, field: 'date', message: 'line 1 is data, not a header' }],
    });
  }
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(clean, {
      columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
      delimiter,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (e) {
    throw new AppError('IMPORT_REJECTED', `Not a readable CSV file: ${(e as Error).message}`, {
      issues: [{ message: (e as Error).message }],
    });
  }
  if (rows.length && !('date' in (rows[0] as object))) {
    throw new AppError('IMPORT_REJECTED', 'The CSV needs a "date" column (YYYY-MM-DD)', {
      issues: [{ line: 1, field: 'date', message: 'missing column' }],
    });
  }
  const issues: Array<{ line: number; field: string; message: string }> = [];
  const out: ImportedHoliday[] = [];
  rows.forEach((r, i) => {
    const date = r.date ?? '';
    if (!isCalendarDate(date))
      issues.push({ line: i + 2, field: 'date', message: `"${date}" is not a calendar date (YYYY-MM-DD)` });
    else out.push({ date, name: r.name ?? '' });
  });
  if (issues.length) throw new AppError('IMPORT_REJECTED', `${issues.length} row(s) refused; nothing was imported`, { issues });
  return out;
}

/**
 * Imports holidays into an owner's calendar as a new version from `effectiveFrom` (the newest spec with the
 * imported dates added; duplicates ignored).
 * @returns the calendar and how many dates were new.
 * @throws AppError IMPORT_REJECTED (file problems, by line), VALIDATION_FAILED (date order).
 */
export async function importHolidays(
  db: Kysely<Database>,
  actorUserId: number | null,
  owner: CalendarOwner,
  input: { format: 'ics' | 'csv'; text: string; effectiveFrom: string },
  now = new Date(),
): Promise<{ calendar: ResolvedCalendar; added: number; holidays: ImportedHoliday[] }> {
  const holidays = input.format === 'ics' ? parseHolidaysIcs(input.text) : parseHolidaysCsv(input.text);
  if (!holidays.length)
    throw new AppError('IMPORT_REJECTED', 'The file holds no holidays', { issues: [{ message: 'no holidays' }] });
  const current = await calendarOf(db, owner);
  const spec = (current.versions.at(-1) as CalendarVersion).spec;
  const before = new Set(spec.holidays ?? []);
  const merged = [...new Set([...before, ...holidays.map((h) => h.date)])].sort();
  const calendar = await addCalendarVersion(
    db,
    actorUserId,
    owner,
    {
      effectiveFrom: input.effectiveFrom,
      spec: { ...spec, holidays: merged },
      // the web says this note in the reader's language by its wording (versionNote, web/src/features/sla/sla-format.ts)
      note: `${merged.length - before.size} holiday(s) imported from ${input.format.toUpperCase()}`,
    },
    now,
  );
  return { calendar, added: merged.length - before.size, holidays };
}
