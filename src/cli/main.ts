/**
 * The `meridian` command. Every command works on the database named by `--data-dir DIR` /
 * MERIDIAN_DATA_DIR (PGlite) or `--database-url` / DATABASE_URL (PostgreSQL), migrating it and loading the
 * reference data on first use. Exit codes: 0 ok, 1 error, 2 bad usage or rejected input, 3 no route, 4 infeasible plan.
 */
import { Command, CommanderError, Option } from 'commander';
import { AppError } from '../server/errors.ts';
import { registerCaseCommands } from './cases-commands.ts';
import { registerCommands } from './commands.ts';
import { registerPerformanceCommands } from './performance-commands.ts';
import { registerPlanningCommands } from './planning-commands.ts';
import { registerSlaCommands } from './sla-commands.ts';

const program = new Command();
program
  .name('meridian')
  .description("Meridian: the UN Secretariat's shared-services delivery platform")
  .addOption(new Option('--data-dir <dir>', 'folder of the embedded PGlite database').env('MERIDIAN_DATA_DIR'))
  .addOption(new Option('--database-url <url>', 'PostgreSQL server URL (instead of PGlite)').env('DATABASE_URL'))
  .showHelpAfterError()
  .exitOverride();
registerCommands(program);
registerCaseCommands(program);
registerSlaCommands(program);
registerPlanningCommands(program);
registerPerformanceCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version exit 0; a usage error (unknown option, bad or missing value) exits 2.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof AppError) {
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    for (const i of e.issues.slice(0, 200)) {
      const where = [i.line !== undefined ? `line ${i.line}` : '', i.field ?? ''].filter(Boolean).join(' ');
      process.stderr.write(`  ${where ? `${where}: ` : ''}${i.message}\n`);
    }
    if (e.issues.length > 200) process.stderr.write(`  ... and ${e.issues.length - 200} more\n`);
    process.exitCode = e.code === 'ROUTING_NO_ASSIGNMENT' ? 3 : e.status < 500 ? 2 : 1;
  } else {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
