/**
 * The analytics commands of `meridian`: `import event-log FILE --log NAME` (a real service-desk log for flow
 * analytics, all or nothing) and `analytics summary --log NAME [--json]`, `analytics flow --log NAME`.
 * Wired into the program by `registerPerformanceCommands(program)` after the case commands.
 */
import type { Command } from 'commander';
import { EVENT_LOG_PRESETS, type EventLogPreset } from '../modules/cases/event-log-import.ts';
import { importAnalyticsLog, logFlow, logSummary } from '../modules/performance/event-log.service.ts';
import { parsePreset } from './cases-commands.ts';
import { print, withMeridian } from './cli-helpers.ts';

interface ImportLogOptions {
  log: string;
  preset?: EventLogPreset;
  case?: string;
  activity?: string;
  timestamp?: string;
  team?: string;
  resource?: string;
  level?: string;
  sla?: string;
  timestampFormat?: string;
  timeZone?: string;
  delimiter?: string;
  replace?: boolean;
  json?: boolean;
}

/** Registers `import event-log` (under `import`) and the `analytics` commands. */
export function registerPerformanceCommands(program: Command): void {
  const imp =
    program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('import data (all or nothing)');
  imp
    .command('event-log')
    .description('load a service-desk event log (CSV, plain or gzip) for flow analytics, all or nothing')
    .argument('<file>', 'CSV event log, e.g. ../shared/data/event-logs/servicenow-incident-event-log.csv.gz')
    .requiredOption('--log <name>', 'name of the loaded log (letters, digits, . _ -)')
    .option('--preset <name>', `a known log: ${EVENT_LOG_PRESETS.join(', ')}`, parsePreset)
    .option('--case <col>', 'column of the case id')
    .option('--activity <col>', 'column of the activity')
    .option('--timestamp <col>', 'column of the event time')
    .option('--team <col>', 'column of the team')
    .option('--resource <col>', 'column of the resource')
    .option('--level <col>', 'column of the support level (L1, L2...)')
    .option('--sla <col>', 'column of the SLA flag (true/false)')
    .option('--timestamp-format <fmt>', 'iso (offset optional) or a pattern such as d/M/yyyy H:mm')
    .option('--time-zone <iana>', 'zone of timestamps without offset (default UTC)')
    .option('--delimiter <char>', 'field delimiter, one character (default ",", "tab" for tabs)', (v) =>
      v === 'tab' || v === '\\t' ? '\t' : v,
    )
    .option('--replace', 'replace a loaded log of the same name')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: ImportLogOptions, cmd: Command) => {
      await withMeridian(cmd, async (m) => {
        const r = await importAnalyticsLog(m.db, {
          file,
          log: o.log,
          ...(o.preset ? { preset: o.preset } : {}),
          columns: {
            case: o.case,
            activity: o.activity,
            timestamp: o.timestamp,
            team: o.team,
            resource: o.resource,
            level: o.level,
            ...(o.sla ? { sla: o.sla } : {}),
          },
          format: { delimiter: o.delimiter, timestampFormat: o.timestampFormat, timeZone: o.timeZone },
          replace: !!o.replace,
        });
        if (o.json) print(r);
        else
          process.stdout.write(
            `${r.file}: log ${r.log} loaded, ${r.cases} cases, ${r.events} events in ${(r.durationMs / 1000).toFixed(2)} s\n`,
          );
      });
    });

  const analytics = program.command('analytics').description('flow analytics of loaded event logs');
  analytics
    .command('summary')
    .description('cases, events, case duration (days), team handoffs, ping-pong, levels, SLA share of a loaded log')
    .requiredOption('--log <name>', 'the loaded log')
    .option('--json', 'print JSON (exactly the summary keys)')
    .action(async (o: { log: string; json?: boolean }, cmd: Command) => {
      await withMeridian(cmd, async (m) => {
        const s = await logSummary(m.db, o.log);
        if (o.json) print(s);
        else for (const [k, v] of Object.entries(s)) process.stdout.write(`${k}: ${v === null ? '—' : v}\n`);
      });
    });
  analytics
    .command('flow')
    .description('per-team figures and the worst cases of a loaded log, as JSON')
    .requiredOption('--log <name>', 'the loaded log')
    .option('--limit <n>', 'worst cases listed', (v) => Number.parseInt(v, 10), 20)
    .action(async (o: { log: string; limit: number }, cmd: Command) => {
      await withMeridian(cmd, async (m) => print(await logFlow(m.db, o.log, o.limit)));
    });
}
