/**
 * Real service-desk logs loaded for flow analytics (`meridian import event-log FILE --log NAME`): the file
 * is streamed through the reader shared with the cases import (src/modules/cases/event-log-stream.ts, with the
 * checks of event-log-import.ts: presets, column mapping, timestamp formats and zones, delimiter, BOM, gzip,
 * rejection by line) and its events (case id, activity, time, team, resource, level, SLA flag) copied into
 * `analytics_events` batch by batch with COPY (src/db/copy.ts), all or nothing, in one transaction: a
 * rejected row stops the copy and rolls it back, after every rejected row has been read and reported
 * (decision 0017). Memory stays bounded whatever the size of the log. The SLA flag is a column read as a boolean (`true/false`, `yes/no`, `1/0`, `met/breached`);
 * the ServiceNow preset reads `made_sla`.
 */
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import {
  type EventLogColumns,
  type EventLogFormat,
  type EventLogPreset,
  resolveEventLogSpec,
} from '../cases/event-log-import.ts';
import { NotUtf8Error, streamEventLog } from '../cases/event-log-stream.ts';
import { recordImportRun } from '../reference/import-runs.repository.ts';
import { type CaseFlow, caseFlow, flowsByTeam, type LogSummary, summarizeFlows } from './flow.ts';
import {
  countLogCases,
  deleteLog,
  findLog,
  insertLog,
  type LogEventRow,
  listLogs,
  logEventCopier,
  logEvents,
  setLogCounts,
} from './performance.repository.ts';

/** Distinct case ids counted in memory during an import; beyond, they are counted in SQL after loading. */
const MAX_CASE_IDS_IN_MEMORY = 1_000_000;

/** The SLA column of each preset (ServiceNow's `made_sla`; BPIC 2013 has none). */
export const PRESET_SLA_COLUMN: Record<EventLogPreset, string | null> = { bpic2013: null, servicenow: 'made_sla' };

export interface AnalyticsImportOptions {
  file: string;
  /** The loaded log's name (`--log`). */
  log: string;
  preset?: EventLogPreset;
  columns?: Partial<Pick<EventLogColumns, 'case' | 'activity' | 'timestamp' | 'team' | 'resource' | 'level'>> & { sla?: string };
  format?: Partial<EventLogFormat>;
  /** Replace a log of the same name (else ANALYTICS_LOG_EXISTS). */
  replace?: boolean;
  /** Checked events per COPY write (default 50,000; tests use small batches). */
  batchSize?: number;
}

/** Reads an SLA flag: true/yes/1/met/y, false/no/0/breached/n (case-insensitive); null otherwise. */
export function slaFlag(raw: string | undefined): boolean | null {
  if (raw === undefined) return null;
  const s = raw.trim().toLowerCase();
  if (['true', 'yes', 'y', '1', 'met'].includes(s)) return true;
  if (['false', 'no', 'n', '0', 'breached', 'not met'].includes(s)) return false;
  return null;
}

/**
 * Loads a log for analytics, all or nothing (see the module comment), reading it as UTF-8 and, when it is not,
 * again as Windows-1252.
 * @param opts.batchSize events per COPY write (default 50,000).
 * @returns the log's name, cases, events, whether it has levels and an SLA flag, and the time taken (ms).
 * @throws AppError VALIDATION_FAILED (bad options: unknown preset, delimiter not one character, bad zone or
 *   timestamp format, missing case/activity/timestamp mapping), IMPORT_REJECTED (a mapped column missing
 *   from the header — naming the likely delimiter when the header has one column —, not CSV, or rows with
 *   no case id, no activity, an unparsable timestamp or a wrong number of fields: every issue with its
 *   line), ANALYTICS_LOG_EXISTS. Nothing is written on error; every run is recorded in `import_runs`
 *   (kind `event-log`).
 */
export async function importAnalyticsLog(db: Kysely<Database>, opts: AnalyticsImportOptions) {
  const started = new Date();
  const file = path.basename(opts.file);
  const slaColumn = opts.columns?.sla ?? (opts.preset ? PRESET_SLA_COLUMN[opts.preset] : null);
  const { sla: _sla, ...columns } = opts.columns ?? {};
  const base = resolveEventLogSpec({
    file: opts.file,
    ...(opts.preset ? { preset: opts.preset } : {}),
    columns,
    format: opts.format ?? {},
  });
  // only what the analytics tables keep; the SLA column rides as a case field of the shared reader
  const spec = {
    ...base,
    columns: {
      case: base.columns.case,
      activity: base.columns.activity,
      timestamp: base.columns.timestamp,
      ...(base.columns.team ? { team: base.columns.team } : {}),
      ...(base.columns.resource ? { resource: base.columns.resource } : {}),
      ...(base.columns.level ? { level: base.columns.level } : {}),
      fields: (slaColumn ? { sla: slaColumn } : {}) as Record<string, string>,
    },
  };
  if (!/^[\w.-]{1,80}$/.test(opts.log))
    throw new AppError('VALIDATION_FAILED', `Log name ${JSON.stringify(opts.log)}: letters, digits, . _ - only`, {
      issues: [{ field: 'log', message: 'bad name' }],
    });
  const existing = await findLog(db, opts.log);
  if (existing && !opts.replace)
    throw new AppError(
      'ANALYTICS_LOG_EXISTS',
      `A log named ${opts.log} is already loaded (${existing.file}); use --replace or another --log`,
    );
  let rowsRead = 0;
  const load = (encoding: 'utf-8' | 'windows-1252') =>
    db.transaction().execute(async (trx) => {
      if (existing) await deleteLog(trx, existing.id);
      const id = await insertLog(trx, {
        name: opts.log,
        file,
        preset: opts.preset ?? null,
        has_levels: !!spec.columns.level,
        has_sla: !!slaColumn,
        cases: 0,
        events: 0,
        imported_at: new Date(),
      });
      const copier = await logEventCopier(trx, id);
      // distinct case ids in memory up to a bound; a larger log counts them in SQL once loaded
      let caseIds: Set<string> | null = new Set();
      let read: Awaited<ReturnType<typeof streamEventLog>>;
      try {
        read = await streamEventLog(opts.file, spec, {
          source: file,
          encoding,
          batchSize: opts.batchSize ?? 50_000,
          onBatch: (events) => {
            const rows: LogEventRow[] = new Array(events.length);
            for (let i = 0; i < events.length; i++) {
              const e = events[i] as (typeof events)[number];
              rows[i] = {
                seq: e.line,
                caseId: e.caseId,
                at: e.at,
                activity: e.activity,
                team: e.team,
                resource: e.resource,
                level: e.level,
                slaMet: slaColumn ? slaFlag(e.fields.sla) : null,
              };
              if (caseIds) {
                caseIds.add(e.caseId);
                if (caseIds.size > MAX_CASE_IDS_IN_MEMORY) caseIds = null;
              }
            }
            return copier.write(rows);
          },
        });
      } catch (e) {
        await copier.abort();
        throw e;
      }
      rowsRead = read.rowsRead;
      if (read.rejectedRows) {
        await copier.abort();
        throw new AppError(
          'IMPORT_REJECTED',
          `${file}: ${read.rejectedRows} row(s) rejected (first on line ${read.rejected[0]?.line}); nothing was imported`,
          { issues: read.rejected },
        );
      }
      const events = await copier.end();
      const cases = caseIds ? caseIds.size : await countLogCases(trx, id);
      await setLogCounts(trx, id, { cases, events });
      await recordImportRun(trx, {
        kind: 'event-log',
        file,
        status: 'succeeded',
        rowsRead,
        written: events,
        issues: [],
        startedAt: started,
      });
      return { cases, events };
    });
  try {
    let loaded: { cases: number; events: number };
    try {
      loaded = await load('utf-8');
    } catch (e) {
      if (!(e instanceof NotUtf8Error)) throw e;
      loaded = await load('windows-1252');
    }
    return {
      log: opts.log,
      file,
      cases: loaded.cases,
      events: loaded.events,
      hasLevels: !!spec.columns.level,
      hasSla: !!slaColumn,
      durationMs: Date.now() - started.getTime(),
    };
  } catch (e) {
    if (e instanceof AppError && e.code === 'IMPORT_REJECTED')
      await recordImportRun(db, {
        kind: 'event-log',
        file,
        status: 'rejected',
        rowsRead,
        written: 0,
        issues: e.issues,
        startedAt: started,
      });
    throw e;
  }
}

async function flowsOf(db: Kysely<Database>, name: string) {
  const log = await findLog(db, name);
  if (!log)
    throw new AppError(
      'ANALYTICS_LOG_NOT_FOUND',
      `No log named ${name}; load it with meridian import event-log FILE --log ${name}`,
    );
  const events = await logEvents(db, log.id);
  const flows: (CaseFlow & { caseId: string })[] = [];
  let start = 0;
  for (let i = 1; i <= events.length; i++) {
    if (i === events.length || events[i]?.caseId !== events[start]?.caseId) {
      flows.push({ caseId: events[start]?.caseId as string, ...caseFlow(events.slice(start, i)) });
      start = i;
    }
  }
  return { log, flows };
}

/**
 * The summary of a loaded log (exactly the keys of `LogSummary`; see flow.ts for each definition).
 * @throws AppError ANALYTICS_LOG_NOT_FOUND.
 */
export async function logSummary(db: Kysely<Database>, name: string): Promise<LogSummary> {
  const { log, flows } = await flowsOf(db, name);
  return summarizeFlows(flows, { hasLevels: log.has_levels, hasSla: log.has_sla });
}

/**
 * Flow analytics of a loaded log: the summary, figures per team, and the worst cases (most team handoffs,
 * then longest end to end), `limit` of them.
 * @throws AppError ANALYTICS_LOG_NOT_FOUND.
 */
export async function logFlow(db: Kysely<Database>, name: string, limit = 20) {
  const { log, flows } = await flowsOf(db, name);
  const worst = [...flows]
    .sort((a, b) => b.teamHandoffs - a.teamHandoffs || b.endToEndMs - a.endToEndMs || a.caseId.localeCompare(b.caseId))
    .slice(0, limit)
    .map((f) => ({
      caseId: f.caseId,
      events: f.events,
      teamHandoffs: f.teamHandoffs,
      pingPong: f.pingPong,
      pushToFrontViolation: log.has_levels ? f.pushToFrontViolation : null,
      endToEndDays: Math.round((f.endToEndMs / 86_400_000) * 100) / 100,
      teams: f.teamRuns.join(' > '),
    }));
  return {
    log: { name: log.name, file: log.file, cases: log.cases, events: log.events, hasLevels: log.has_levels, hasSla: log.has_sla },
    summary: summarizeFlows(flows, { hasLevels: log.has_levels, hasSla: log.has_sla }),
    teams: flowsByTeam(flows).map((t) => ({ ...t, meanHeldHours: Math.round((t.meanHeldMs / 3_600_000) * 100) / 100 })),
    worst,
  };
}

/** The loaded logs. */
export async function loadedLogs(db: Kysely<Database>) {
  return (await listLogs(db)).map((l) => ({
    name: l.name,
    file: l.file,
    cases: l.cases,
    events: l.events,
    hasLevels: l.has_levels,
    hasSla: l.has_sla,
  }));
}
