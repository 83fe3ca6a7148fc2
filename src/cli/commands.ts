/** The commands of `meridian`; each calls services in-process. */
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { routeRequest } from '../modules/agreements/routing.service.ts';
import { startInboundSmtp } from '../modules/cases/inbound-email.ts';
import { createMailTransport, startOutboxWorker } from '../modules/cases/outbox.ts';
import { findAllServices } from '../modules/catalogue/catalogue.repository.ts';
import { importDutyStations } from '../modules/directory/duty-station-import.ts';
import { ensureDemoUsers } from '../modules/identity/demo-users.ts';
import { DRAIN_INTERVAL_MS, startPerformanceDrainWorker } from '../modules/performance/queue.service.ts';
import { stopPlanningWorker } from '../modules/planning/solve-in-worker.ts';
import { buildFidelityReport } from '../modules/reference/fidelity.service.ts';
import { loadReferenceData } from '../modules/reference/reference-data.ts';
import { startEscalationWorker } from '../modules/sla/escalations.ts';
import { startSurveyScheduler } from '../modules/surveys/campaigns.service.ts';
import { surveySettingsOf } from '../modules/surveys/settings.ts';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openMeridian } from '../server/runtime.ts';
import { isCalendarDate } from '../server/validation.ts';
import { configOf, print, withMeridian } from './cli-helpers.ts';

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number 0-65535');
  return n;
}

function parseDate(v: string): string {
  if (!isCalendarDate(v)) throw new InvalidArgumentError('a real date as YYYY-MM-DD');
  return v;
}

/** Registers every command on `program`. */
export function registerCommands(program: Command): void {
  program
    .command('serve')
    .description('serve the API (and its browsable reference at /api/docs)')
    .option('-p, --port <n>', 'port (default 3000, or PORT)', parsePort)
    .option('--host <host>', 'interface (default 127.0.0.1, or HOST)')
    .action(async (opts: { port?: number; host?: string }, cmd: Command) => {
      const config = loadConfig({
        ...configOf(cmd),
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        ...(opts.host ? { host: opts.host } : {}),
      });
      const m = await openMeridian(config);
      if (m.referenceLoaded) {
        process.stderr.write(`Loaded reference data: ${JSON.stringify(m.referenceLoaded)}\n`);
      }
      const app = await buildApp({
        db: m.db,
        databaseKind: m.kind,
        logLevel: config.logLevel,
        sessionPolicy: { ttlMinutes: config.sessionTtlMinutes, idleMinutes: config.sessionIdleMinutes },
        secureCookies: config.secureCookies,
        signInRateLimit: config.signInRateLimit,
        attachments: { dir: path.join(config.dataDir, 'attachments'), maxBytes: config.attachmentMaxBytes },
        surveys: surveySettingsOf(config),
      });
      const transport = createMailTransport({
        host: config.smtpHost,
        port: config.smtpPort,
        secure: config.smtpSecure,
        user: config.smtpUser,
        password: config.smtpPassword,
      });
      if (!transport) app.log.warn('SMTP_HOST is not set: e-mails stay queued in the outbox');
      const stopOutbox = startOutboxWorker(m.db, transport, config.outboxIntervalMs, {
        from: config.smtpFrom,
        replyTo: config.smtpReplyTo,
        logger: app.log,
      });
      const stopEscalations = startEscalationWorker(m.db, config.slaEscalationIntervalMs, app.log);
      const stopPerformanceDrain = startPerformanceDrainWorker(m.db, DRAIN_INTERVAL_MS, app.log); // roll-ups after commit (0019)
      const inbound =
        config.inboundSmtpPort !== undefined
          ? await startInboundSmtp({ port: config.inboundSmtpPort, host: config.inboundSmtpHost, db: m.db, logger: app.log })
          : null;
      // survey campaigns: reminders and closing, every 15 minutes
      const stopSurveys = startSurveyScheduler(m.db, surveySettingsOf(config), 15 * 60_000, app.log);
      const shutdown = async () => {
        await stopSurveys();
        await stopOutbox();
        await stopEscalations();
        await stopPerformanceDrain();
        await inbound?.close();
        transport?.close?.();
        await app.close();
        await stopPlanningWorker(); // a solve still running is stopped; its request has ended with the server
        await m.close();
      };
      const close = async () => {
        await shutdown();
        process.exit(0);
      };
      process.once('SIGINT', close);
      process.once('SIGTERM', close);
      let address: string;
      try {
        address = await app.listen({ port: config.port, host: config.host });
      } catch (e) {
        // e.g. the port is taken: stop what was started so that the process can exit.
        await shutdown();
        throw new Error(`Cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`);
      }
      process.stderr.write(
        `Meridian ${m.kind === 'pglite' ? `on PGlite (${config.dataDir})` : 'on PostgreSQL'} at ${address}/api/docs\n`,
      );
    });

  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply pending migrations')
    .action(async (_opts, cmd: Command) => {
      const config = configOf(cmd);
      const h = await openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir });
      try {
        const applied = await migrateToLatest(h.db);
        process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date\n');
      } finally {
        await h.close();
      }
    });

  const imp = program.command('import').description('import data (all or nothing)');
  imp
    .command('reference')
    .description("(re)load Meridian's reference data (directory, catalogue, assignments from the report)")
    .option('--json', 'print the counts as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withMeridian(
        cmd,
        async (m) => {
          const r = await loadReferenceData(m.db);
          if (configOf(cmd).demoUsers) await ensureDemoUsers(m.db);
          if (opts.json) print(r);
          else
            process.stdout.write(
              `Reference data loaded: ${r.dutyStations} duty stations, ${r.providers} providers, ${r.entities} client entities, ${r.serviceLines} service lines, ${r.services} services, ${r.assignments} assignments\n`,
            );
        },
        { loadReference: false },
      );
    });
  imp
    .command('duty-stations')
    .description('import the CEB duty-station list (DSCITYCD.csv, plain or gzip); time zones from coordinates')
    .argument('<file>', 'CSV file')
    .option('--countries <file>', 'CEB country list (DSCTRYCD.csv); default: beside FILE, else by country name')
    .option('--delimiter <char>', 'field delimiter', ',')
    .option('--strict', 'reject the file on any conflict too')
    .option('--json', 'print the report as JSON')
    .action(
      async (file: string, opts: { countries?: string; delimiter: string; strict?: boolean; json?: boolean }, cmd: Command) => {
        await withMeridian(cmd, async (m) => {
          const bar = new SingleBar(
            { format: '{phase} [{bar}] {value}/{total} rows', stream: process.stderr },
            Presets.shades_classic,
          );
          let started = false;
          try {
            const report = await importDutyStations(m.db, {
              file,
              delimiter: opts.delimiter,
              strict: Boolean(opts.strict),
              ...(opts.countries ? { countriesFile: opts.countries } : {}),
              onProgress: (phase, done, total) => {
                if (!started) {
                  bar.start(total, 0, { phase });
                  started = true;
                }
                bar.setTotal(total);
                bar.update(done, { phase: phase === 'check' ? 'checking' : 'writing ' });
              },
            });
            bar.stop();
            if (opts.json) {
              print(report);
              return;
            }
            process.stdout.write(
              `${report.file}: ${report.rowsRead} rows read, ${report.written} duty stations written (${report.obsolete} obsolete), ${report.conflicts.length} conflict(s), ${report.warnings.length} warning(s)\n`,
            );
            for (const c of report.conflicts) process.stdout.write(`  conflict, line ${c.line}: ${c.message}\n`);
            for (const w of report.warnings) process.stdout.write(`  warning, line ${w.line}: ${w.message}\n`);
          } finally {
            bar.stop();
          }
        });
      },
    );

  const catalogue = program.command('catalogue').description('the common service catalogue');
  catalogue
    .command('list')
    .description('list the services of the catalogue')
    .option('--json', 'print JSON: [{code, name: {en, fr}, delivery, unit, serviceLine, ...}]')
    .option('--lang <lang>', 'language of names in the table (en, fr)', 'en')
    .action(async (opts: { json?: boolean; lang: string }, cmd: Command) => {
      await withMeridian(cmd, async (m) => {
        const services = await findAllServices(m.db);
        if (opts.json) {
          print(services.map((s) => ({ ...s, serviceLine: s.serviceLine.code })));
          return;
        }
        for (const s of services) {
          const name = s.name[opts.lang] ?? s.name.en;
          process.stdout.write(`${s.code.padEnd(20)} ${s.delivery.padEnd(8)} ${s.unit.padEnd(18)} ${name}\n`);
        }
      });
    });

  program
    .command('route')
    .description('which provider serves a client entity for a service, and why (exit 3 when none)')
    .requiredOption('--entity <code>', 'client entity code, e.g. RCO-CL, UNAMA')
    .requiredOption('--service <code>', 'service code, e.g. PAY-PAYROLL')
    .option('--on <date>', 'date of the request, YYYY-MM-DD (default today)', parseDate)
    .option('--json', 'print JSON: {provider: {code, ...}, basis, scope, ...}')
    .action(async (opts: { entity: string; service: string; on?: string; json?: boolean }, cmd: Command) => {
      await withMeridian(cmd, async (m) => {
        const route = await routeRequest(m.db, opts);
        if (opts.json) print(route);
        else
          process.stdout.write(
            `${route.entity.code} / ${route.service.code} -> ${route.provider.code} (${route.provider.name.en}), ${route.scope}${route.costRecovery ? ', cost recovery' : ''}; basis: ${route.basis}\n`,
          );
      });
    });

  const report = program.command('report').description('reports');
  report
    .command('fidelity')
    .description("each figure of the report beside Meridian's")
    .option('--json', 'print JSON: [{claim, report, meridian, paragraph, agrees}]')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withMeridian(cmd, async (m) => {
        const claims = await buildFidelityReport(m.db);
        if (opts.json) {
          print(claims);
          return;
        }
        for (const c of claims) {
          process.stdout.write(
            `${c.agrees ? 'agrees ' : 'differs'}  ${c.claim} (${c.paragraph})\n         report:   ${c.report}\n         meridian: ${c.meridian}\n`,
          );
        }
      });
    });
}
