/**
 * Import of a case history from a real service-desk event log: one CSV row per event of one ticket.
 * Each ticket of the log becomes one Meridian case (`source` = `import:<preset>`, `external_id` = the log's
 * case id, reference `<prefix>-<id>`), with one `imported-activity` case event per row and one provider
 * segment per run of consecutive events handled by the same support team (each team becomes a `teams` row
 * of the demo provider). See docs/decisions/0005-case-import-from-event-logs.md.
 *
 * Presets (public logs read from `../shared/data/event-logs/`, never copied into the project):
 * - `bpic2013`: BPI Challenge 2013, Volvo IT Belgium incidents (doi:10.4121/uuid:500573e6-accc-4b0c-9576-
 *   aa5468b10cee), as reshaped by IBM/processmining; ISO timestamps with offsets; mapped to GSC / DOS.
 * - `servicenow`: UCI dataset 498, "Incident management process enriched event log" (Amaral et al., 2018,
 *   CC BY 4.0); `d/M/yyyy H:mm` without zone (read as UTC), `?` for missing values; mapped to UNICTF / DMSPC.
 *
 * Any other log is read with an explicit column mapping. The file is read by the streaming reader
 * (event-log-stream.ts, shared with the analytics import) and checked row by row by `rowChecker`; the checked
 * events are kept in memory, since a case is built from all of its events. The import is all or nothing: a structural problem
 * (missing mapped column, wrong delimiter, not CSV) or any rejected row (no case id, bad timestamp, bad
 * priority, short row) rejects the file with every issue by line, and nothing is written. Accepted files are
 * written in one transaction with multi-row inserts; cases already imported (same source and external id)
 * are skipped and counted, so re-importing a file adds nothing. Every run is recorded in `import_runs`.
 */
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError, type FieldIssue } from '../../server/errors.ts';
import { recordImportRun } from '../reference/import-runs.repository.ts';
import { DEFAULT_LEVEL } from './cases.schema.ts';
import { NotUtf8Error, streamEventLog } from './event-log-stream.ts';
import { type CaseState, priorityOf } from './lifecycle.ts';

type Db = Kysely<Database> | Transaction<Database>;
type Priority = 'P1' | 'P2' | 'P3' | 'P4';
type Scale = 1 | 2 | 3;

export const EVENT_LOG_PRESETS = ['bpic2013', 'servicenow'] as const;
export type EventLogPreset = (typeof EVENT_LOG_PRESETS)[number];

/** Which column of the log holds what (header names, exactly as in the file). */
export interface EventLogColumns {
  /** The ticket's id (required). */
  case: string;
  /** The activity or status of the event (required), mapped to a case state by `stateOfActivity`. */
  activity: string;
  /** When the event happened (required), read with `EventLogFormat.timestampFormat`. */
  timestamp: string;
  /** The support team or assignment group handling the ticket at this event; missing: no team. */
  team?: string;
  /** The person or system acting. */
  resource?: string;
  /** The support level (L1, L2, L3...). */
  level?: string;
  /** The ticket's priority (`1 - Critical`..`4 - Low`, `Major`/`High`/`Medium`/`Low`); the last value wins. */
  priority?: string;
  /** Impact and urgency (`1 - High`..`3 - Low`); the last value wins. */
  impact?: string;
  urgency?: string;
  /** When the ticket was opened, resolved, closed (same format as `timestamp`). */
  openedAt?: string;
  resolvedAt?: string;
  closedAt?: string;
  /** Columns whose last value follows the case id in the title (`Incident 1-364285768: PROD582`). */
  title?: string[];
  /** Case attributes kept in `cases.fields`: field key -> column (the case's last non-missing value). */
  fields?: Record<string, string>;
}

/** How the file is written. */
export interface EventLogFormat {
  /** Field delimiter, one character. */
  delimiter: string;
  /** `iso` (ISO 8601, offset optional) or a pattern of `yyyy M MM d dd H HH m mm s ss` (see `timestampParser`). */
  timestampFormat: string;
  /** IANA zone of timestamps that carry no offset. */
  timeZone: string;
  /** Cell values that mean "no value" (after trimming); the empty cell always does. */
  missing: string[];
}

/** Where the imported cases go. */
export interface EventLogTarget {
  /** `cases.source`, e.g. `import:bpic2013`; with the log's case id, the identity of an imported case. */
  source: string;
  /** Case reference `<prefix>-<case id>` and team code `<prefix>-<team>` (the MER- sequence is not used). */
  referencePrefix: string;
  /** Demo provider that holds every segment (and owns the teams), client entity, catalogue service. */
  provider: string;
  entity: string;
  service: string;
  /** Team name: `<team> (<teamLabel>)`. */
  teamLabel: string;
  /** First word of the title: `<titleNoun> <case id>`. */
  titleNoun: string;
}

export interface EventLogSpec {
  columns: EventLogColumns;
  format: EventLogFormat;
  target: EventLogTarget;
}

/** The two public logs Meridian knows (see the module comment for their origin). */
export const PRESETS: Record<EventLogPreset, EventLogSpec> = {
  bpic2013: {
    columns: {
      case: 'SR Number',
      activity: 'Activity',
      timestamp: 'Change Date+Time',
      team: 'Involved ST',
      resource: 'Resource',
      level: 'ST Level',
      priority: 'SR Latest Impact',
      title: ['Product'],
      fields: { product: 'Product', country: 'Country', impact: 'SR Latest Impact', orgLine: 'Involved Org line 3' },
    },
    format: { delimiter: ',', timestampFormat: 'iso', timeZone: 'Europe/Brussels', missing: [''] },
    target: {
      source: 'import:bpic2013',
      referencePrefix: 'BPI',
      provider: 'GSC',
      entity: 'DOS',
      service: 'ICT-SERVICES',
      teamLabel: 'Volvo IT service desk team, BPIC 2013 log mapped to GSC',
      titleNoun: 'Incident',
    },
  },
  servicenow: {
    columns: {
      case: 'number',
      activity: 'incident_state',
      timestamp: 'sys_updated_at',
      team: 'assignment_group',
      resource: 'assigned_to',
      priority: 'priority',
      impact: 'impact',
      urgency: 'urgency',
      openedAt: 'opened_at',
      resolvedAt: 'resolved_at',
      closedAt: 'closed_at',
      title: ['category', 'subcategory'],
      fields: {
        category: 'category',
        subcategory: 'subcategory',
        symptom: 'u_symptom',
        contactType: 'contact_type',
        location: 'location',
        madeSla: 'made_sla',
        reassignmentCount: 'reassignment_count',
        reopenCount: 'reopen_count',
        closedCode: 'closed_code',
      },
    },
    format: { delimiter: ',', timestampFormat: 'd/M/yyyy H:mm', timeZone: 'UTC', missing: ['', '?'] },
    target: {
      source: 'import:servicenow',
      referencePrefix: 'SN',
      provider: 'UNICTF',
      entity: 'DMSPC',
      service: 'ICT-SERVICES',
      teamLabel: 'ServiceNow assignment group mapped to UNICTF',
      titleNoun: 'Incident',
    },
  },
};

/** A problem with one line of the log (`line` is 1-based; the header is line 1). */
export interface EventLogIssue extends FieldIssue {
  line: number;
  /** The log's case id, when known. */
  case?: string;
}

/** One row of the log, checked. Times are UTC milliseconds. */
export interface LogEvent {
  line: number;
  caseId: string;
  at: number;
  activity: string;
  team: string | null;
  resource: string | null;
  level: string | null;
  priority: Priority | null;
  impact: Scale | null;
  urgency: Scale | null;
  openedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  title: (string | null)[];
  fields: Record<string, string>;
}

export interface ImportedEvent {
  at: Date;
  line: number;
  activity: string;
  /** The state the activity maps to; null when it maps to none (the case keeps its previous state). */
  state: CaseState | null;
  team: string | null;
  resource: string | null;
  level: string | null;
}

export interface ImportedSegment {
  /** The log's team (null: the ticket had no team then). */
  team: string | null;
  startedAt: Date;
  /** Start of the next segment; for the last one the close (closed, cancelled) or null while still held. */
  endedAt: Date | null;
  endReason: string | null;
}

/** One case built from a log ticket, ready to write. */
export interface ImportedCase {
  externalId: string;
  reference: string;
  title: string;
  state: CaseState;
  priority: Priority;
  impact: Scale;
  urgency: Scale;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  fields: Record<string, string>;
  /** Team of the last segment. */
  team: string | null;
  events: ImportedEvent[];
  segments: ImportedSegment[];
}

export interface EventLogImportOptions {
  /** Path of the log (plain or gzip, detected by magic bytes; UTF-8 with or without BOM, or Latin-1). */
  file: string;
  /** A known log: fills the columns, format and target, which the other options then override. */
  preset?: EventLogPreset;
  columns?: Partial<EventLogColumns>;
  format?: Partial<EventLogFormat>;
  target?: Partial<EventLogTarget>;
  /** Cases per write batch (events and segments go in multi-row inserts of at most 1,000 rows). */
  batchSize?: number;
  /** Called as rows are read and cases written: phase, done, total (rows when reading, cases when writing). */
  onProgress?: (phase: 'reading' | 'writing', done: number, total: number) => void;
}

export interface EventLogImportReport {
  file: string;
  preset: EventLogPreset | null;
  source: string;
  provider: string;
  entity: string;
  service: string;
  rowsRead: number;
  casesRead: number;
  casesWritten: number;
  eventsWritten: number;
  segmentsWritten: number;
  teamsCreated: number;
  /** Cases already present (same source and external id): not written again. */
  skipped: number;
  /** Up to 20 of the skipped case ids. */
  skippedSample: string[];
  /** Cases written, per state. */
  byState: Record<string, number>;
  /** Activities that map to no case state, with their event counts. */
  unmappedActivities: Record<string, number>;
  /** Remarks that do not block the import (events out of time order, a close time on an open case...). */
  warnings: EventLogIssue[];
  durationMs: number;
}

const MAX_ISSUES = 1000;
const ROW_CHUNK = 1000;

// ---------------------------------------------------------------------------------------------------------
// Options

/**
 * The full specification of an import: the preset's, overridden by the explicit options. Without a preset
 * the case, activity and timestamp columns are required; the target defaults to source `import:<file name>`,
 * provider GSC, entity DOS, service ICT-SERVICES.
 * @throws AppError VALIDATION_FAILED naming the option (missing column, unknown preset, bad delimiter,
 *   time zone or timestamp format).
 */
export function resolveEventLogSpec(opts: Omit<EventLogImportOptions, 'onProgress' | 'batchSize'>): EventLogSpec {
  const issues: FieldIssue[] = [];
  if (opts.preset !== undefined && !EVENT_LOG_PRESETS.includes(opts.preset)) {
    throw new AppError('VALIDATION_FAILED', `Unknown preset ${JSON.stringify(opts.preset)}`, {
      issues: [{ field: 'preset', message: `must be one of ${EVENT_LOG_PRESETS.join(', ')}` }],
    });
  }
  const base = opts.preset ? PRESETS[opts.preset] : undefined;
  const defined = <T extends object>(o: T | undefined): Partial<T> =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
  const columns = { ...base?.columns, ...defined(opts.columns) } as Partial<EventLogColumns>;
  for (const key of ['case', 'activity', 'timestamp'] as const) {
    if (!columns[key]) issues.push({ field: key, message: `name the ${key} column (or give a preset)` });
  }
  const name = path
    .basename(opts.file)
    .replace(/(\.csv)?(\.gz)?$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const format: EventLogFormat = {
    delimiter: ',',
    timestampFormat: 'iso',
    timeZone: 'UTC',
    missing: [''],
    ...base?.format,
    ...defined(opts.format),
  };
  const target: EventLogTarget = {
    source: `import:${name || 'log'}`,
    referencePrefix: (name || 'IMP').toUpperCase(),
    provider: 'GSC',
    entity: 'DOS',
    service: 'ICT-SERVICES',
    teamLabel: `team of ${path.basename(opts.file)}`,
    titleNoun: 'Case',
    ...base?.target,
    ...defined(opts.target),
  };
  if (format.delimiter.length !== 1) issues.push({ field: 'delimiter', message: 'must be one character' });
  if (!isTimeZone(format.timeZone))
    issues.push({ field: 'timeZone', message: `${JSON.stringify(format.timeZone)} is not an IANA time zone` });
  else {
    try {
      timestampParser(format.timestampFormat, format.timeZone);
    } catch (e) {
      issues.push({ field: 'timestampFormat', message: (e as Error).message });
    }
  }
  if (issues.length) {
    throw new AppError('VALIDATION_FAILED', `Cannot import ${path.basename(opts.file)}: ${issues[0]?.message}`, { issues });
  }
  return { columns: columns as EventLogColumns, format: { ...format, missing: [...new Set(['', ...format.missing])] }, target };
}

// ---------------------------------------------------------------------------------------------------------
// Timestamps

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validFields(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && !leap ? 28 : (DAYS_IN_MONTH[mo - 1] ?? 0));
}

/**
 * UTC milliseconds of a wall-clock time (given as if it were UTC) in an IANA zone, disambiguated as Temporal's
 * `compatible` does: a time skipped by a daylight-saving change moves forward by the gap, a time that occurs
 * twice is taken at its earlier occurrence. Assumes at most one offset change within a day of the time.
 */
function zonedToUtc(fmt: Intl.DateTimeFormat | null, wall: number): number {
  if (!fmt) return wall;
  const offsetAt = (t: number): number => {
    const parts = fmt.formatToParts(new Date(t));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return local - (t - (((t % 1000) + 1000) % 1000));
  };
  const before = offsetAt(wall - 86_400_000);
  const after = offsetAt(wall + 86_400_000);
  if (before === after) return wall - before;
  const early = offsetAt(wall - before) === before ? wall - before : null;
  const late = offsetAt(wall - after) === after ? wall - after : null;
  if (early !== null && late !== null) return Math.min(early, late);
  return early ?? late ?? wall - before;
}

const HOUR_MS = 3_600_000;

/**
 * `zonedToUtc` for one zone, with the offset cached per wall-clock hour: an hour whose offset is the same a
 * day before its start and a day after its end (no change near it, the assumption `zonedToUtc` makes) maps
 * every time in it by that one offset, so the `Intl` formatting runs once per distinct hour of the log, not
 * once per row. Hours near an offset change are computed in full each time. The cache holds at most 100,000
 * hours (about 11 years), then starts again.
 */
function zoneConverter(fmt: Intl.DateTimeFormat | null): (wall: number) => number {
  if (!fmt) return (wall) => wall;
  const offsets = new Map<number, number | null>();
  return (wall) => {
    const hour = Math.floor(wall / HOUR_MS);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const start = hour * HOUR_MS;
      const a = start - zonedToUtc(fmt, start);
      const b = start + HOUR_MS - 1 - zonedToUtc(fmt, start + HOUR_MS - 1);
      const edges = [start - 86_400_000, start + HOUR_MS + 86_400_000].map((t) => t - zonedToUtc(fmt, t));
      offset = a === b && edges[0] === a && edges[1] === a ? a : null;
      if (offsets.size >= 100_000) offsets.clear();
      offsets.set(hour, offset);
    }
    return offset === null ? zonedToUtc(fmt, wall) : wall - offset;
  };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A parser of the log's timestamps into UTC milliseconds (null when the text does not match).
 * @param format `iso` (`2010-03-31T15:59:42+01:00`, `2016-02-29 01:16`, `...Z`; no offset: `timeZone`) or a
 *   pattern: `yyyy`, `M`/`MM` month, `d`/`dd` day, `H`/`HH` (or `h`/`hh`) hour 0-23, `m`/`mm` minute,
 *   `s`/`ss` second; other characters are literal, a space matches any run of spaces. In a pattern with no
 *   `M`, a lowercase `m` before the hour is the month (`d/m/yyyy hh:mm` reads as `d/M/yyyy H:mm`).
 * @param timeZone IANA zone of times without offset (patterns never carry one).
 * @throws Error when the pattern has no year, month or day, or the zone is unknown.
 */
export function timestampParser(format: string, timeZone: string): (raw: string) => number | null {
  const fmt =
    timeZone === 'UTC' || timeZone === 'Etc/UTC'
      ? null
      : new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
  const toUtc = zoneConverter(fmt);
  // Logs repeat timestamps (opened-at on every row of a ticket): remembered, at most 50,000 at a time so that
  // a log of millions of distinct times does not grow the cache without bound.
  const cache = new Map<string, number | null>();
  const memo = (f: (raw: string) => number | null) => (raw: string) => {
    let v = cache.get(raw);
    if (v === undefined) {
      v = f(raw);
      if (cache.size >= 50_000) cache.clear();
      cache.set(raw, v);
    }
    return v;
  };
  if (format.toLowerCase() === 'iso') {
    return memo((raw) => {
      const m = ISO.exec(raw.trim());
      if (!m) return null;
      const y = +(m[1] as string);
      const mo = +(m[2] as string);
      const d = +(m[3] as string);
      const h = m[4] === undefined ? 0 : +m[4];
      const mi = m[5] === undefined ? 0 : +m[5];
      const s = m[6] === undefined ? 0 : +m[6];
      if (!validFields(y, mo, d, h, mi, s)) return null;
      const ms = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
      const wall = Date.UTC(y, mo - 1, d, h, mi, s) + Math.floor(ms);
      const zone = m[8];
      if (!zone) return toUtc(wall);
      if (zone.toUpperCase() === 'Z') return wall;
      const digits = zone.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2));
      const om = Number(digits.slice(2) || '0');
      if (oh > 14 || om > 59) return null;
      return wall - (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
    });
  }
  const tokens = format.match(/yyyy|MM?|dd?|HH?|hh?|mm?|ss?|\s+|./g) ?? [];
  const hasUpperM = tokens.some((t) => t === 'M' || t === 'MM');
  const hourAt = tokens.findIndex((t) => /^[Hh]/.test(t));
  const fields: ('y' | 'mo' | 'd' | 'h' | 'mi' | 's')[] = [];
  let source = '^';
  tokens.forEach((t, i) => {
    const group = (field: (typeof fields)[number], width: string) => {
      fields.push(field);
      source += `(\\d${width})`;
    };
    if (t === 'yyyy') group('y', '{4}');
    else if (t === 'M' || t === 'MM') group('mo', t === 'M' ? '{1,2}' : '{2}');
    else if (t === 'd' || t === 'dd') group('d', t === 'd' ? '{1,2}' : '{2}');
    else if (/^[Hh]{1,2}$/.test(t)) group('h', t.length === 1 ? '{1,2}' : '{2}');
    else if (t === 'm' || t === 'mm') {
      const month = !hasUpperM && (hourAt < 0 || i < hourAt) && !fields.includes('mo');
      group(month ? 'mo' : 'mi', t === 'm' ? '{1,2}' : '{2}');
    } else if (t === 's' || t === 'ss') group('s', t === 's' ? '{1,2}' : '{2}');
    else if (/^\s+$/.test(t)) source += '\\s+';
    else source += t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  for (const [f, what] of [
    ['y', 'yyyy'],
    ['mo', 'M'],
    ['d', 'd'],
  ] as const) {
    if (!fields.includes(f))
      throw new Error(`timestamp format ${JSON.stringify(format)} has no ${what}; e.g. d/M/yyyy H:mm or iso`);
  }
  const re = new RegExp(`${source}$`);
  return memo((raw) => {
    const m = re.exec(raw.trim());
    if (!m) return null;
    const v = { y: 0, mo: 1, d: 1, h: 0, mi: 0, s: 0 };
    for (let i = 0; i < fields.length; i++) v[fields[i] as (typeof fields)[number]] = +(m[i + 1] as string);
    if (!validFields(v.y, v.mo, v.d, v.h, v.mi, v.s)) return null;
    return toUtc(Date.UTC(v.y, v.mo - 1, v.d, v.h, v.mi, v.s));
  });
}

// ---------------------------------------------------------------------------------------------------------
// Values

/**
 * The case state an activity or status of a log maps to (case-insensitive), or null for none:
 * cancel* -> cancelled; closed -> closed; resolved, "in call" (solved during the call), fixed, solved ->
 * resolved; queued, awaiting assignment, new -> new; a wait on a vendor, an implementation, a problem or a
 * change -> in-progress (the provider is still accountable); any other wait, awaiting, pending or hold ->
 * awaiting-client; in progress, active, assigned, accepted, open, work -> in-progress; complete(d), done ->
 * resolved. Examples: BPIC `Completed-Closed` closed, `Completed-Resolved` and `Completed-In Call` resolved,
 * `Accepted-Wait - User` awaiting-client, `Accepted-Wait - Vendor` in-progress, `Queued-Awaiting Assignment`
 * new, `Unmatched-Unmatched` none; ServiceNow `Awaiting User Info` awaiting-client, `-100` none.
 */
export function stateOfActivity(activity: string): CaseState | null {
  const s = activity.toLowerCase();
  if (/cancel/.test(s)) return 'cancelled';
  if (/\bclosed?\b/.test(s)) return 'closed';
  if (/resolved|in call|fixed|solved/.test(s)) return 'resolved';
  if (/queued|awaiting assignment|unassigned|\bnew\b/.test(s)) return 'new';
  if (/wait|pending|on hold/.test(s))
    return /vendor|supplier|implementation|problem|change/.test(s) ? 'in-progress' : 'awaiting-client';
  if (/in progress|active|assigned|accepted|open|work/.test(s)) return 'in-progress';
  if (/complete|done/.test(s)) return 'resolved';
  return null;
}

/**
 * A priority from a log's value: a leading digit (`1 - Critical` P1 .. `4 - Low` P4, `5 - Planning` P4) or
 * a word (critical, major, urgent P1; high P2; medium, moderate, normal P3; low, minor, planning P4).
 * @returns null when the value says neither.
 */
export function priorityOfValue(raw: string): Priority | null {
  const digit = /^\s*([1-5])\b/.exec(raw);
  if (digit) return `P${Math.min(4, Number(digit[1]))}` as Priority;
  const s = raw.toLowerCase();
  if (/critical|major|urgent|highest/.test(s)) return 'P1';
  if (/high/.test(s)) return 'P2';
  if (/medium|moderate|normal/.test(s)) return 'P3';
  if (/low|minor|planning/.test(s)) return 'P4';
  return null;
}

/** Impact or urgency 1 (high) .. 3 (low) from a log's value (`1 - High`, `Medium`, `Low`), or null. */
export function scaleOfValue(raw: string): Scale | null {
  const digit = /^\s*([1-3])\b/.exec(raw);
  if (digit) return Number(digit[1]) as Scale;
  const s = raw.toLowerCase();
  if (/critical|major|high/.test(s)) return 1;
  if (/medium|moderate|normal/.test(s)) return 2;
  if (/low|minor/.test(s)) return 3;
  return null;
}

/** Impact and urgency behind a priority when the log gives only the priority (ITIL matrix of `priorityOf`). */
const IMPACT_URGENCY: Record<Priority, [Scale, Scale]> = { P1: [1, 1], P2: [1, 2], P3: [2, 2], P4: [3, 3] };

/**
 * Priority, impact and urgency of a case from the log's last values: the priority when given (impact and
 * urgency filled from it when absent), else from impact and urgency (the API's default level, 2 medium,
 * for the one absent), else the API's default request: medium and medium, P3 (2, 2).
 *
 * Why P3 and not the lowest priority: a case whose log carries no priority at all (a mapping without a
 * priority column, or a ticket whose every row leaves it blank) says nothing about its urgency, and the
 * API reads "not said" as medium (`DEFAULT_LEVEL`, cases.schema.ts), as the web request form starts; one
 * default for every way in keeps imported history comparable with the cases opened since (SLA targets and
 * reports by priority). Neither preset relies on it: every row of the BPIC 2013 log has `SR Latest Impact`
 * (Medium, Low, High or Major) and every row of the ServiceNow log its priority, impact and urgency; a
 * value the importer cannot read is not defaulted but rejected with its line.
 */
export function casePriority(priority: Priority | null, impact: Scale | null, urgency: Scale | null) {
  if (priority) {
    const [i, u] = IMPACT_URGENCY[priority];
    return { priority, impact: impact ?? i, urgency: urgency ?? u };
  }
  const i = impact ?? DEFAULT_SCALE;
  const u = urgency ?? DEFAULT_SCALE;
  return { priority: priorityOf(i, u), impact: i, urgency: u };
}

/** Impact or urgency when the log does not say: the API's default (medium). */
const DEFAULT_SCALE = DEFAULT_LEVEL as Scale;

// ---------------------------------------------------------------------------------------------------------
// Reading

export function checkHeader(header: readonly string[], spec: EventLogSpec, what: string): void {
  const c = spec.columns;
  const wanted: [string, string | undefined][] = [
    ['case', c.case],
    ['activity', c.activity],
    ['timestamp', c.timestamp],
    ['team', c.team],
    ['resource', c.resource],
    ['level', c.level],
    ['priority', c.priority],
    ['impact', c.impact],
    ['urgency', c.urgency],
    ['openedAt', c.openedAt],
    ['resolvedAt', c.resolvedAt],
    ['closedAt', c.closedAt],
    ...(c.title ?? []).map((t): [string, string] => ['title', t]),
    ...Object.entries(c.fields ?? {}).map(([k, t]): [string, string] => [`fields.${k}`, t]),
  ];
  const missing = [...new Map(wanted.filter(([, col]) => col && !header.includes(col)).map(([r, col]) => [col, r])).entries()];
  if (missing.length === 0) return;
  let hint = '';
  if (header.length === 1) {
    const seen = [';', '\t', '|', ','].find((d) => d !== spec.format.delimiter && (header[0] ?? '').includes(d));
    if (seen)
      hint = ` The header has a single column: the file seems to use ${JSON.stringify(seen)} as delimiter, not ${JSON.stringify(spec.format.delimiter)}.`;
  }
  throw new AppError(
    'IMPORT_REJECTED',
    `${what}: missing column(s) ${missing.map(([col]) => JSON.stringify(col)).join(', ')} in the header; nothing was imported.${hint}`,
    {
      issues: missing.map(([col, role]) => ({
        line: 1,
        field: col,
        message: `missing column ${JSON.stringify(col)} (${role})${hint}`,
      })),
    },
  );
}

/**
 * The per-row checks of a log with this header (the header already checked by `checkHeader`), shared by the
 * in-memory reader (`parseEventLog`) and the streaming one (event-log-stream.ts). The returned function
 * takes a row's cells and its line (1-based, the header is line 1) and returns the checked event, or null
 * after pushing the row's issues to `rejected`: a wrong number of fields; no case id; no activity; no or an
 * unparsable timestamp (event, opened, resolved, closed); a priority, impact or urgency it cannot read.
 * Indexes, the timestamp parser and the messages are prepared once; a row allocates its event only.
 */
export function rowChecker(
  header: readonly string[],
  spec: EventLogSpec,
): (cells: readonly string[], line: number, rejected: EventLogIssue[]) => LogEvent | null {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(h)) index.set(h, i);
  });
  const missing = new Set(spec.format.missing);
  const c = spec.columns;
  const at = (col: string | undefined) => (col === undefined ? -1 : (index.get(col) ?? -1));
  const iCase = at(c.case);
  const iActivity = at(c.activity);
  const iTimestamp = at(c.timestamp);
  const iTeam = at(c.team);
  const iResource = at(c.resource);
  const iLevel = at(c.level);
  const iPriority = at(c.priority);
  const iImpact = at(c.impact);
  const iUrgency = at(c.urgency);
  const iOpened = at(c.openedAt);
  const iResolved = at(c.resolvedAt);
  const iClosed = at(c.closedAt);
  const titleIdx = (c.title ?? []).map(at);
  const fieldIdx = Object.entries(c.fields ?? {}).map(([k, col]) => [k, at(col)] as const);
  const parseTime = timestampParser(spec.format.timestampFormat, spec.format.timeZone);
  const expected = spec.format.timestampFormat.toLowerCase() === 'iso' ? 'an ISO 8601 timestamp' : spec.format.timestampFormat;
  const width = header.length;
  const value = (cells: readonly string[], k: number): string | null => {
    if (k < 0) return null;
    const v = cells[k] ?? '';
    return missing.has(v) ? null : v;
  };
  const issue = (line: number, caseId: string | null, field: string | undefined, message: string): EventLogIssue =>
    caseId ? { line, field: field ?? '*', message, case: caseId } : { line, field: field ?? '*', message };
  // A time column: undefined when it has no value, null when it does not parse.
  const time = (cells: readonly string[], k: number): number | null | undefined => {
    const raw = value(cells, k);
    return raw === null ? undefined : parseTime(raw);
  };
  const badTime = (cells: readonly string[], k: number) =>
    `${JSON.stringify(value(cells, k))} is not a valid timestamp as ${expected}`;
  const scales = [
    [iPriority, c.priority, priorityOfValue, 'priority (1-4, or critical/high/medium/low)'],
    [iImpact, c.impact, scaleOfValue, 'impact (1-3, or high/medium/low)'],
    [iUrgency, c.urgency, scaleOfValue, 'urgency (1-3, or high/medium/low)'],
  ] as const;
  return (cells, line, rejected) => {
    const caseId = value(cells, iCase);
    if (cells.length !== width) {
      rejected.push(issue(line, caseId, '*', `has ${cells.length} fields, the header has ${width}`));
      return null;
    }
    const before = rejected.length;
    if (!caseId) rejected.push(issue(line, caseId, c.case, 'no case id'));
    const activity = value(cells, iActivity);
    if (!activity) rejected.push(issue(line, caseId, c.activity, 'no activity'));
    const eventAt = time(cells, iTimestamp);
    if (eventAt === undefined) rejected.push(issue(line, caseId, c.timestamp, 'no timestamp'));
    else if (eventAt === null) rejected.push(issue(line, caseId, c.timestamp, badTime(cells, iTimestamp)));
    const openedAt = iOpened < 0 ? undefined : time(cells, iOpened);
    if (openedAt === null) rejected.push(issue(line, caseId, c.openedAt, badTime(cells, iOpened)));
    const resolvedAt = iResolved < 0 ? undefined : time(cells, iResolved);
    if (resolvedAt === null) rejected.push(issue(line, caseId, c.resolvedAt, badTime(cells, iResolved)));
    const closedAt = iClosed < 0 ? undefined : time(cells, iClosed);
    if (closedAt === null) rejected.push(issue(line, caseId, c.closedAt, badTime(cells, iClosed)));
    let priority: Priority | null = null;
    let impact: Scale | null = null;
    let urgency: Scale | null = null;
    for (let s = 0; s < scales.length; s++) {
      const [k, col, fn, what] = scales[s] as (typeof scales)[number];
      const raw = value(cells, k);
      if (raw === null) continue;
      const v = fn(raw);
      if (v === null) rejected.push(issue(line, caseId, col, `${JSON.stringify(raw)} is not a ${what}`));
      else if (s === 0) priority = v as Priority;
      else if (s === 1) impact = v as Scale;
      else urgency = v as Scale;
    }
    if (rejected.length > before) return null;
    const fields: Record<string, string> = {};
    for (const [k, fi] of fieldIdx) {
      const v = value(cells, fi);
      if (v !== null) fields[k] = v;
    }
    const title: (string | null)[] = new Array(titleIdx.length);
    for (let t = 0; t < titleIdx.length; t++) title[t] = value(cells, titleIdx[t] as number);
    return {
      line,
      caseId: caseId as string,
      at: eventAt as number,
      activity: activity as string,
      team: value(cells, iTeam),
      resource: value(cells, iResource),
      level: value(cells, iLevel),
      priority,
      impact,
      urgency,
      openedAt: openedAt ?? null,
      resolvedAt: resolvedAt ?? null,
      closedAt: closedAt ?? null,
      title,
      fields,
    };
  };
}

/**
 * Parses and checks an event log held in memory, without writing anything (the imports stream the file with
 * `streamEventLog` instead; this form serves small texts and tests, with the same checks).
 * @param text the file's text (a UTF-8 BOM is stripped); `spec` from `resolveEventLogSpec`.
 * @returns the events in file order, the rows read (header excluded) and the rejected rows (by line).
 * @throws AppError IMPORT_REJECTED on a structural problem: not CSV, empty, or a mapped column missing from
 *   the header (naming the column, and the likely delimiter when the header has a single column).
 */
export function parseEventLog(
  text: string,
  spec: EventLogSpec,
  opts: { source: string; onProgress?: (done: number, total: number) => void },
): { rowsRead: number; events: LogEvent[]; rejected: EventLogIssue[] } {
  const options = {
    bom: true,
    delimiter: spec.format.delimiter,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
  } as const;
  type Rec = { record: string[]; info: { lines: number } };
  const run = (extra: { to_line?: number }): Rec[] => {
    try {
      return parse(text, { ...options, ...extra }) as unknown as Rec[];
    } catch (e) {
      const err = e as Error & { lines?: number };
      throw new AppError('IMPORT_REJECTED', `${opts.source} is not valid CSV: ${err.message}; nothing was imported`, {
        issues: [{ line: err.lines ?? 0, message: err.message }],
      });
    }
  };
  const head = run({ to_line: 1 })[0];
  if (!head)
    throw new AppError('IMPORT_REJECTED', `${opts.source} is empty`, { issues: [{ line: 1, message: 'no header row' }] });
  const header = head.record;
  checkHeader(header, spec, opts.source);
  const [, ...rows] = run({});
  const check = rowChecker(header, spec);
  const events: LogEvent[] = [];
  const rejected: EventLogIssue[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i % 5000 === 0) opts.onProgress?.(i, rows.length);
    const { record, info } = rows[i] as Rec;
    const e = check(record, info.lines, rejected);
    if (e) events.push(e);
  }
  opts.onProgress?.(rows.length, rows.length);
  return { rowsRead: rows.length, events, rejected };
}

// ---------------------------------------------------------------------------------------------------------
// Building cases

const FINISHED: readonly CaseState[] = ['resolved', 'closed'];

/**
 * Groups checked events into cases (pure). Per case: events sorted by time (stable: rows of the same time
 * keep their file order; a case whose rows were out of order gets a warning); the state of each event is
 * the state its activity maps to, else the previous one (`new` at first); the case's state is the last.
 * created_at is the first event (or the opened-at column, when earlier); resolved_at the resolved-at column,
 * else the start of the final run of resolved/closed events; closed_at the closed-at column, else the first
 * closing event of that run (cancelled: the cancelling event); neither is set on a case the log leaves open
 * (a warning when the log gives one). Segments: one per run of consecutive events with the same team (no
 * team is a run of its own), the first starting at created_at, each ending where the next starts; the last
 * ends at the close of a closed or cancelled case and stays open otherwise (the team still holds the case).
 * Priority, impact, urgency, title and fields take the case's last non-missing values.
 */
export function buildImportedCases(
  events: LogEvent[],
  target: Pick<EventLogTarget, 'referencePrefix' | 'titleNoun'>,
): { cases: ImportedCase[]; warnings: EventLogIssue[]; unmappedActivities: Record<string, number> } {
  const byCase = new Map<string, LogEvent[]>();
  for (const e of events) {
    const list = byCase.get(e.caseId);
    if (list) list.push(e);
    else byCase.set(e.caseId, [e]);
  }
  const warnings: EventLogIssue[] = [];
  const unmapped = new Map<string, { n: number; line: number }>();
  const stateCache = new Map<string, CaseState | null>();
  const stateOf = (activity: string) => {
    let s = stateCache.get(activity);
    if (s === undefined) {
      s = stateOfActivity(activity);
      stateCache.set(activity, s);
    }
    return s;
  };
  const cases: ImportedCase[] = [];
  for (const [caseId, list] of byCase) {
    const outOfOrder = list.findIndex((e, i) => i > 0 && e.at < (list[i - 1] as LogEvent).at);
    if (outOfOrder > 0) {
      const a = list[outOfOrder - 1] as LogEvent;
      const b = list[outOfOrder] as LogEvent;
      warnings.push({
        line: b.line,
        case: caseId,
        message: `events of ${caseId} are out of time order (line ${b.line}, ${new Date(b.at).toISOString()}, comes after line ${a.line}, ${new Date(a.at).toISOString()}); sorted by time`,
      });
      list.sort((x, y) => x.at - y.at);
    }
    const first = list[0] as LogEvent;
    const last = list[list.length - 1] as LogEvent;
    let state = 'new' as CaseState;
    const carried: CaseState[] = [];
    const imported: ImportedEvent[] = list.map((e) => {
      const s = stateOf(e.activity);
      if (s === null) {
        const u = unmapped.get(e.activity);
        if (u) u.n++;
        else unmapped.set(e.activity, { n: 1, line: e.line });
      } else state = s;
      carried.push(state);
      return {
        at: new Date(e.at),
        line: e.line,
        activity: e.activity,
        state: s,
        team: e.team,
        resource: e.resource,
        level: e.level,
      };
    });
    const lastOf = <T>(pick: (e: LogEvent) => T | null): T | null => {
      for (let i = list.length - 1; i >= 0; i--) {
        const v = pick(list[i] as LogEvent);
        if (v !== null && v !== undefined) return v;
      }
      return null;
    };
    const openedCol = list.find((e) => e.openedAt !== null)?.openedAt ?? null;
    const createdAt = openedCol !== null && openedCol < first.at ? openedCol : first.at;
    let finalRun = list.length;
    if (FINISHED.includes(state) || state === 'cancelled') {
      const finishedStates: readonly CaseState[] = state === 'cancelled' ? ['cancelled'] : FINISHED;
      while (finalRun > 0 && finishedStates.includes(carried[finalRun - 1] as CaseState)) finalRun--;
    }
    const resolvedCol = lastOf((e) => e.resolvedAt);
    const closedCol = lastOf((e) => e.closedAt);
    let resolvedAt: number | null = null;
    let closedAt: number | null = null;
    if (FINISHED.includes(state)) resolvedAt = resolvedCol ?? (list[finalRun] as LogEvent).at;
    if (state === 'closed') {
      const closing = carried.indexOf('closed', finalRun);
      closedAt = closedCol ?? (list[closing] as LogEvent).at;
    }
    if (state === 'cancelled') closedAt = (list[finalRun] as LogEvent).at;
    const ignored = [
      !FINISHED.includes(state) && resolvedCol !== null ? `resolved at ${new Date(resolvedCol).toISOString()}` : '',
      state !== 'closed' && closedCol !== null ? `closed at ${new Date(closedCol).toISOString()}` : '',
    ].filter(Boolean);
    if (ignored.length) {
      warnings.push({
        line: last.line,
        case: caseId,
        message: `${caseId} ends ${state} (last activity ${JSON.stringify(last.activity)}, line ${last.line}) but the log gives ${ignored.join(' and ')}; kept ${state}, without those times`,
      });
    }

    const segments: ImportedSegment[] = [];
    list.forEach((e, i) => {
      const prev = segments[segments.length - 1];
      if (prev && prev.team === e.team) return;
      const startedAt = new Date(i === 0 ? createdAt : e.at);
      if (prev) {
        prev.endedAt = startedAt;
        prev.endReason = 'handoff';
      }
      segments.push({ team: e.team, startedAt, endedAt: null, endReason: null });
    });
    const lastSegment = segments[segments.length - 1] as ImportedSegment;
    if (state === 'closed' || state === 'cancelled') {
      const end = Math.max(closedAt ?? last.at, lastSegment.startedAt.getTime());
      lastSegment.endedAt = new Date(end);
      lastSegment.endReason = state;
    }

    const titleParts = (list[0]?.title ?? []).map((_, k) => lastOf((e) => e.title[k] ?? null)).filter((v): v is string => !!v);
    const fields: Record<string, string> = {};
    for (const e of list) Object.assign(fields, e.fields);
    const p = casePriority(
      lastOf((e) => e.priority),
      lastOf((e) => e.impact),
      lastOf((e) => e.urgency),
    );
    cases.push({
      externalId: caseId,
      reference: `${target.referencePrefix}-${caseId}`,
      title: `${target.titleNoun} ${caseId}${titleParts.length ? `: ${titleParts.join(' / ')}` : ''}`,
      state,
      ...p,
      createdAt: new Date(createdAt),
      updatedAt: new Date(Math.max(last.at, resolvedAt ?? 0, closedAt ?? 0)),
      resolvedAt: resolvedAt === null ? null : new Date(resolvedAt),
      closedAt: closedAt === null ? null : new Date(closedAt),
      fields,
      team: lastSegment.team,
      events: imported,
      segments,
    });
  }
  for (const [activity, u] of unmapped) {
    warnings.push({
      line: u.line,
      message: `activity ${JSON.stringify(activity)} (${u.n} event(s), first on line ${u.line}) maps to no case state; those events keep the case's previous state`,
    });
  }
  return {
    cases,
    warnings,
    unmappedActivities: Object.fromEntries([...unmapped].map(([a, u]) => [a, u.n])),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Writing (all SQL of the import; candidates for cases.repository.ts)

/**
 * External ids of the cases already imported from `source`.
 * @returns a set of the log's case ids.
 */
export async function findImportedExternalIds(db: Db, source: string): Promise<Set<string>> {
  const rows = await db.selectFrom('cases').select('external_id').where('source', '=', source).execute();
  return new Set(rows.map((r) => r.external_id).filter((v): v is string => v !== null));
}

/**
 * Makes sure each team code exists under `provider` (existing teams are left as they are).
 * @param teams code -> name. @returns code -> team id, and how many teams were created.
 */
export async function ensureTeams(
  db: Db,
  provider: string,
  teams: Map<string, string>,
): Promise<{ ids: Map<string, number>; created: number }> {
  const entries = [...teams];
  let created = 0;
  for (let i = 0; i < entries.length; i += ROW_CHUNK) {
    const r = await db
      .insertInto('teams')
      .values(entries.slice(i, i + ROW_CHUNK).map(([code, name]) => ({ provider_code: provider, code, name })))
      .onConflict((oc) => oc.columns(['provider_code', 'code']).doNothing())
      .returning('id')
      .execute();
    created += r.length;
  }
  const ids = new Map<string, number>();
  const codes = entries.map(([code]) => code);
  for (let i = 0; i < codes.length; i += ROW_CHUNK) {
    const rows = await db
      .selectFrom('teams')
      .select(['id', 'code'])
      .where('provider_code', '=', provider)
      .where('code', 'in', codes.slice(i, i + ROW_CHUNK))
      .execute();
    for (const r of rows) ids.set(r.code, r.id);
  }
  return { ids, created };
}

/**
 * Inserts imported cases with their events and segments in multi-row inserts (at most 1,000 rows each).
 * A case whose source and external id already exist is skipped (ON CONFLICT DO NOTHING), with its events.
 * @param teamIds the log's team -> `teams.id` (from `ensureTeams`, codes prefixed as the target says).
 * @returns the counts written and the external ids skipped.
 */
export async function insertImportedCases(
  db: Db,
  cases: ImportedCase[],
  ctx: { target: EventLogTarget; routingReason: string; teamId: (team: string | null) => number | null },
): Promise<{ cases: number; events: number; segments: number; skipped: string[] }> {
  const { target } = ctx;
  const inserted = await db
    .insertInto('cases')
    .values(
      cases.map((c) => ({
        reference: c.reference,
        parent_case_id: null,
        entity_code: target.entity,
        requester_user_id: null,
        service_code: target.service,
        title: c.title,
        fields: JSON.stringify(c.fields),
        impact: c.impact,
        urgency: c.urgency,
        priority: c.priority,
        state: c.state,
        provider_code: target.provider,
        team_id: ctx.teamId(c.team),
        assignee_user_id: null,
        routing_reason: ctx.routingReason,
        merged_into_case_id: null,
        created_at: c.createdAt,
        updated_at: c.updatedAt,
        resolved_at: c.resolvedAt,
        closed_at: c.closedAt,
        source: target.source,
        external_id: c.externalId,
      })),
    )
    .onConflict((oc) => oc.columns(['source', 'external_id']).doNothing())
    .returning(['id', 'external_id'])
    .execute();
  const idOf = new Map(inserted.map((r) => [r.external_id as string, String(r.id)]));
  const written = cases.filter((c) => idOf.has(c.externalId));
  const eventRows = written.flatMap((c) =>
    c.events.map((e) => ({
      case_id: idOf.get(c.externalId) as string,
      at: e.at,
      actor_user_id: null,
      type: 'imported-activity',
      details: JSON.stringify({
        activity: e.activity,
        state: e.state,
        team: e.team,
        resource: e.resource,
        level: e.level,
        line: e.line,
      }),
    })),
  );
  for (let i = 0; i < eventRows.length; i += ROW_CHUNK) {
    await db
      .insertInto('case_events')
      .values(eventRows.slice(i, i + ROW_CHUNK))
      .execute();
  }
  const segmentRows = written.flatMap((c) =>
    c.segments.map((s) => ({
      case_id: idOf.get(c.externalId) as string,
      provider_code: target.provider,
      team_id: ctx.teamId(s.team),
      started_at: s.startedAt,
      ended_at: s.endedAt,
      start_reason: 'imported',
      end_reason: s.endReason,
    })),
  );
  for (let i = 0; i < segmentRows.length; i += ROW_CHUNK) {
    await db
      .insertInto('case_segments')
      .values(segmentRows.slice(i, i + ROW_CHUNK))
      .execute();
  }
  return {
    cases: written.length,
    events: eventRows.length,
    segments: segmentRows.length,
    skipped: cases.filter((c) => !idOf.has(c.externalId)).map((c) => c.externalId),
  };
}

async function checkTarget(db: Db, target: EventLogTarget): Promise<void> {
  const [provider, entity, service] = await Promise.all([
    db.selectFrom('providers').select('code').where('code', '=', target.provider).executeTakeFirst(),
    db.selectFrom('client_entities').select('code').where('code', '=', target.entity).executeTakeFirst(),
    db.selectFrom('services').select('code').where('code', '=', target.service).executeTakeFirst(),
  ]);
  if (!provider)
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${target.provider}`, {
      issues: [{ field: 'provider', message: `no provider ${target.provider}` }],
    });
  if (!entity)
    throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${target.entity}`, {
      issues: [{ field: 'entity', message: `no client entity ${target.entity}` }],
    });
  if (!service)
    throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${target.service}`, {
      issues: [{ field: 'service', message: `no service ${target.service}` }],
    });
}

function capped(issues: EventLogIssue[]): FieldIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  return [...issues.slice(0, MAX_ISSUES), { message: `... and ${issues.length - MAX_ISSUES} more issue(s)` }];
}

/**
 * Imports a service-desk event log as cases, all or nothing, in one transaction (see the module comment).
 * Records the run (succeeded or rejected, with its issues) in `import_runs`, kind `cases`.
 * @returns what was read, written (cases, events, segments, new teams) and skipped, with warnings.
 * @throws AppError VALIDATION_FAILED on bad options; DIRECTORY_PROVIDER_NOT_FOUND, DIRECTORY_ENTITY_NOT_FOUND
 *   or CATALOGUE_SERVICE_NOT_FOUND when the target does not exist; IMPORT_REJECTED (issues by line, at most
 *   1,000 listed) on a structural problem, any rejected row, or a reference already used by another case.
 *   Nothing is written then.
 */
export async function importEventLog(db: Kysely<Database>, opts: EventLogImportOptions): Promise<EventLogImportReport> {
  const startedAt = new Date();
  const file = path.basename(opts.file);
  const spec = resolveEventLogSpec(opts);
  const { target } = spec;
  const rejectedRun = (rowsRead: number, issues: unknown[]) =>
    recordImportRun(db, { kind: 'cases', file, status: 'rejected', rowsRead, written: 0, issues, startedAt });
  await checkTarget(db, target);
  let rowsRead = 0;
  try {
    // The streaming reader (event-log-stream.ts), its checked events kept: cases are built from all of them.
    const events: LogEvent[] = [];
    const read = (encoding: 'utf-8' | 'windows-1252') =>
      streamEventLog(opts.file, spec, {
        source: file,
        encoding,
        maxIssues: Number.POSITIVE_INFINITY,
        onBatch: (batch) => {
          for (const e of batch) events.push(e);
        },
        onProgress: (n) => opts.onProgress?.('reading', n, n),
      });
    let parsed: Awaited<ReturnType<typeof read>>;
    try {
      parsed = await read('utf-8');
    } catch (e) {
      if (!(e instanceof NotUtf8Error)) throw e;
      events.length = 0;
      parsed = await read('windows-1252');
    }
    rowsRead = parsed.rowsRead;
    if (parsed.rejected.length) {
      const issues = capped(parsed.rejected);
      const lines = parsed.rejectedRows;
      const badTimes = parsed.rejected.filter((i) => i.field === spec.columns.timestamp).length;
      const hint =
        badTimes === rowsRead
          ? ` (no ${spec.columns.timestamp} value reads as ${spec.format.timestampFormat}: check the timestamp format)`
          : '';
      throw new AppError('IMPORT_REJECTED', `${file}: ${lines} row(s) rejected; nothing was imported${hint}`, { issues });
    }
    const built = buildImportedCases(events, target);
    const existing = await findImportedExternalIds(db, target.source);
    const fresh = built.cases.filter((c) => !existing.has(c.externalId));
    const skipped = built.cases.filter((c) => existing.has(c.externalId)).map((c) => c.externalId);
    const teamCode = (team: string) => `${target.referencePrefix}-${team}`;
    const teams = new Map<string, string>();
    for (const c of fresh) {
      for (const s of c.segments) if (s.team !== null) teams.set(teamCode(s.team), `${s.team} (${target.teamLabel})`);
    }
    const batchSize = Math.max(1, opts.batchSize ?? 500);
    const totals = { cases: 0, events: 0, segments: 0, teams: 0 };
    const byState: Record<string, number> = {};
    opts.onProgress?.('writing', 0, fresh.length);
    try {
      await db.transaction().execute(async (trx) => {
        const { ids, created } = await ensureTeams(trx, target.provider, teams);
        totals.teams = created;
        const teamId = (team: string | null) => (team === null ? null : (ids.get(teamCode(team)) ?? null));
        for (let i = 0; i < fresh.length; i += batchSize) {
          const batch = fresh.slice(i, i + batchSize);
          const r = await insertImportedCases(trx, batch, { target, routingReason: `Imported from ${file}`, teamId });
          totals.cases += r.cases;
          totals.events += r.events;
          totals.segments += r.segments;
          skipped.push(...r.skipped);
          const skippedNow = new Set(r.skipped);
          for (const c of batch) if (!skippedNow.has(c.externalId)) byState[c.state] = (byState[c.state] ?? 0) + 1;
          opts.onProgress?.('writing', Math.min(i + batchSize, fresh.length), fresh.length);
        }
        await recordImportRun(trx, {
          kind: 'cases',
          file,
          status: 'succeeded',
          rowsRead,
          written: totals.cases,
          issues: [
            ...capped(built.warnings),
            ...(skipped.length ? [{ message: `${skipped.length} case(s) already imported from ${target.source}: skipped` }] : []),
          ],
          startedAt,
        });
      });
    } catch (e) {
      const err = e as { code?: string; constraint?: string; detail?: string; message?: string };
      if (err.code === '23505') {
        throw new AppError(
          'IMPORT_REJECTED',
          `${file}: a case reference or team is already used by another record (${err.detail ?? err.message}); choose another reference prefix; nothing was imported`,
          { issues: [{ field: 'referencePrefix', message: err.detail ?? err.message ?? 'unique violation' }] },
        );
      }
      throw e;
    }
    return {
      file,
      preset: opts.preset ?? null,
      source: target.source,
      provider: target.provider,
      entity: target.entity,
      service: target.service,
      rowsRead,
      casesRead: built.cases.length,
      casesWritten: totals.cases,
      eventsWritten: totals.events,
      segmentsWritten: totals.segments,
      teamsCreated: totals.teams,
      skipped: skipped.length,
      skippedSample: skipped.slice(0, 20),
      byState,
      unmappedActivities: built.unmappedActivities,
      warnings: built.warnings,
      durationMs: Date.now() - startedAt.getTime(),
    };
  } catch (e) {
    if (e instanceof AppError && e.code === 'IMPORT_REJECTED') await rejectedRun(rowsRead, e.issues);
    throw e;
  }
}
