/**
 * The case commands of `meridian`: `import cases FILE` (a service-desk event log as cases) and `cases stats`.
 * Wired into the program by `registerCaseCommands(program)` after `registerCommands(program)`.
 */
import { Presets, SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { caseStats } from '../modules/cases/cases.repository.ts';
import {
  EVENT_LOG_PRESETS,
  type EventLogImportReport,
  type EventLogPreset,
  importEventLog,
} from '../modules/cases/event-log-import.ts';
import { print, withMeridian } from './cli-helpers.ts';

/** Reads `--preset` (commander argument parser). @throws InvalidArgumentError naming the presets. */
export function parsePreset(v: string): EventLogPreset {
  if (!(EVENT_LOG_PRESETS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`one of ${EVENT_LOG_PRESETS.join(', ')}`);
  return v as EventLogPreset;
}

function parseDelimiter(v: string): string {
  const d = v === '\\t' || v.toLowerCase() === 'tab' ? '\t' : v;
  if (d.length !== 1) throw new InvalidArgumentError('one character (or "tab")');
  return d;
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

interface ImportCasesOptions {
  preset?: EventLogPreset;
  case?: string;
  activity?: string;
  timestamp?: string;
  team?: string;
  resource?: string;
  level?: string;
  priority?: string;
  impact?: string;
  urgency?: string;
  openedAt?: string;
  resolvedAt?: string;
  closedAt?: string;
  titleColumns?: string[];
  timestampFormat?: string;
  timeZone?: string;
  delimiter?: string;
  missing?: string[];
  source?: string;
  referencePrefix?: string;
  provider?: string;
  entity?: string;
  service?: string;
  json?: boolean;
}

function printReport(r: EventLogImportReport): void {
  const out = process.stdout;
  out.write(
    `${r.file}: ${r.rowsRead} rows, ${r.casesRead} cases read; ${r.casesWritten} cases written (${r.eventsWritten} events, ${r.segmentsWritten} segments, ${r.teamsCreated} new team(s) of ${r.provider}), ${r.skipped} skipped as already imported; ${(r.durationMs / 1000).toFixed(1)} s\n`,
  );
  out.write(`  source ${r.source}, client entity ${r.entity}, service ${r.service}\n`);
  const states = Object.entries(r.byState).sort((a, b) => b[1] - a[1]);
  if (states.length) out.write(`  by state: ${states.map(([s, n]) => `${s} ${n}`).join(', ')}\n`);
  for (const w of r.warnings.slice(0, 50)) out.write(`  warning, line ${w.line}: ${w.message}\n`);
  if (r.warnings.length > 50) out.write(`  ... and ${r.warnings.length - 50} more warning(s) (see --json)\n`);
}

/** Registers `import cases` (under the existing `import` command, created if absent) and `cases stats`. */
export function registerCaseCommands(program: Command): void {
  const imp =
    program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('import data (all or nothing)');
  imp
    .command('cases')
    .description(
      'import a service-desk event log (one row per event, plain or gzip) as cases with their events and team segments; ' +
        'all or nothing, cases already imported are skipped',
    )
    .argument('<file>', 'CSV event log, e.g. ../shared/data/event-logs/bpic2013-incidents.csv.gz')
    .option('--preset <name>', `a known log: ${EVENT_LOG_PRESETS.join(', ')} (fills every option below)`, parsePreset)
    .option('--case <col>', 'column of the case id')
    .option('--activity <col>', 'column of the activity or status')
    .option('--timestamp <col>', 'column of the event time')
    .option('--team <col>', 'column of the support team / assignment group')
    .option('--resource <col>', 'column of the person or system acting')
    .option('--level <col>', 'column of the support level (L1, L2...)')
    .option('--priority <col>', 'column of the priority (1 - Critical..4 - Low, or words)')
    .option('--impact <col>', 'column of the impact (1-3)')
    .option('--urgency <col>', 'column of the urgency (1-3)')
    .option('--opened-at <col>', 'column of the opening time')
    .option('--resolved-at <col>', 'column of the resolution time')
    .option('--closed-at <col>', 'column of the closing time')
    .option('--title-columns <cols>', 'comma-separated columns appended to the title', list)
    .option('--timestamp-format <fmt>', 'iso (offset optional) or a pattern such as d/M/yyyy H:mm')
    .option('--time-zone <iana>', 'zone of timestamps without offset, e.g. Europe/Brussels (default UTC)')
    .option('--delimiter <char>', 'field delimiter (default ","; "tab" for tabs)', parseDelimiter)
    .option('--missing <values>', 'comma-separated cell values meaning "no value", e.g. "?,N/A"', list)
    .option('--source <name>', 'cases.source (default import:<preset or file name>)')
    .option('--reference-prefix <prefix>', 'case reference prefix: <prefix>-<case id>')
    .option('--provider <code>', 'demo provider holding the segments and teams')
    .option('--entity <code>', 'client entity of the cases')
    .option('--service <code>', 'catalogue service of the cases')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: ImportCasesOptions, cmd: Command) => {
      await withMeridian(cmd, async (m) => {
        const bar = new SingleBar(
          { format: '{phase} [{bar}] {value}/{total} {unit}', stream: process.stderr, hideCursor: true },
          Presets.shades_classic,
        );
        let started = false;
        try {
          const report = await importEventLog(m.db, {
            file,
            ...(o.preset ? { preset: o.preset } : {}),
            columns: {
              case: o.case,
              activity: o.activity,
              timestamp: o.timestamp,
              team: o.team,
              resource: o.resource,
              level: o.level,
              priority: o.priority,
              impact: o.impact,
              urgency: o.urgency,
              openedAt: o.openedAt,
              resolvedAt: o.resolvedAt,
              closedAt: o.closedAt,
              title: o.titleColumns,
            },
            format: { delimiter: o.delimiter, timestampFormat: o.timestampFormat, timeZone: o.timeZone, missing: o.missing },
            target: {
              source: o.source,
              referencePrefix: o.referencePrefix,
              provider: o.provider,
              entity: o.entity,
              service: o.service,
            },
            onProgress: (phase, done, total) => {
              const payload = {
                phase: phase === 'reading' ? 'reading' : 'writing',
                unit: phase === 'reading' ? 'rows' : 'cases',
              };
              if (!started) {
                bar.start(total, done, payload);
                started = true;
              }
              bar.setTotal(total);
              bar.update(done, payload);
            },
          });
          bar.stop();
          if (o.json) print(report);
          else printReport(report);
        } finally {
          bar.stop();
        }
      });
    });

  const cases = program.commands.find((c) => c.name() === 'cases') ?? program.command('cases').description('cases');
  cases
    .command('stats')
    .description('count the cases and their events, and the cases per state')
    .option('--json', 'print JSON: {"cases": N, "events": N, "byState": {...}}')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      await withMeridian(cmd, async (m) => {
        const s = await caseStats(m.db);
        if (o.json) {
          print(s);
          return;
        }
        const rows: [string, number][] = [
          ['cases', s.cases],
          ['events', s.events],
          ...Object.entries(s.byState)
            .sort((a, b) => b[1] - a[1])
            .map(([state, n]): [string, number] => [`  ${state}`, n]),
        ];
        const width = Math.max(...rows.map(([k]) => k.length));
        for (const [k, n] of rows) process.stdout.write(`${k.padEnd(width)}  ${String(n).padStart(8)}\n`);
      });
    });
}
