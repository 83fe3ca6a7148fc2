/**
 * The planning commands of `meridian`: `plan solve --scenario FILE [--json] [--save]` (solve a scenario
 * file; format in docs/planning-scenarios.md, example in examples/planning/scenario.json) and
 * `plan co-locations [--json]`. Exit codes: 0 solved (optimal or within the time limit), 4 infeasible
 * (the explanation is printed), 1 solver error, 2 invalid scenario.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { insertScenario } from '../modules/planning/planning.repository.ts';
import { findCoLocations, solveScenario } from '../modules/planning/planning.service.ts';
import { AppError } from '../server/errors.ts';
import { print, withMeridian } from './cli-helpers.ts';

const usd = (n: number | null | undefined) =>
  n === null || n === undefined ? '-' : `${Math.round(n).toLocaleString('en-US')} USD`;

/** Registers `plan solve` and `plan co-locations` on `program`. */
export function registerPlanningCommands(program: Command): void {
  const plan = program.command('plan').description('shared-services planning: solve scenarios, find co-location candidates');
  plan
    .command('solve')
    .description('solve a planning scenario file against the planning data and compare it with today')
    .requiredOption('--scenario <file>', 'scenario file (JSON; see docs/planning-scenarios.md)')
    .option('--json', 'print the full result as JSON')
    .option('--save', 'save the scenario and its result (listed in the web app)')
    .action(async (opts: { scenario: string; json?: boolean; save?: boolean }, cmd: Command) => {
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(opts.scenario, 'utf8'));
      } catch (e) {
        throw new AppError('VALIDATION_FAILED', `${opts.scenario}: ${(e as Error).message}`, {
          issues: [{ field: 'scenario', message: 'not a readable JSON file' }],
        });
      }
      // The exit code is set after the database closes (closing the embedded database resets it).
      const status = await withMeridian(cmd, async (m) => {
        const { inputs, result } = await solveScenario(m.db, raw);
        let id: number | undefined;
        if (opts.save)
          id = await insertScenario(m.db, { name: inputs.name, status: result.status, inputs, result, createdBy: null });
        if (opts.json) print({ ...(id !== undefined ? { id } : {}), inputs, result });
        else {
          const lines = [
            `${inputs.name}: ${result.status} (${result.solverStatus}) in ${result.solveTimeMs} ms, ${result.demands} demands, ${result.model.binaries} binaries`,
            `objective ${usd(result.objectiveUsd)} (today ${usd(result.today?.objectiveUsd)}, greedy ${usd(result.greedy?.objectiveUsd)}${result.greedy?.unserved ? `, leaving ${result.greedy.unserved} demands unplaced` : ''}), gap ${result.gap === null ? '-' : `${(result.gap * 100).toFixed(3)}%`}`,
            `cost ${usd(result.scenario?.costUsd)} (today ${usd(result.today?.costUsd)}); changes ${result.assignments.filter((a) => a.provider !== a.current).length}`,
            ...result.infeasibility.slice(0, 20).map((f) => `cannot be met: ${f.message}`),
            ...(result.infeasibility.length > 20 ? [`... and ${result.infeasibility.length - 20} more (see --json)`] : []),
            ...(id !== undefined ? [`saved as scenario ${id}`] : []),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        return result.status;
      });
      if (status === 'infeasible') process.exitCode = 4;
      else if (status === 'error') process.exitCode = 1;
    });
  plan
    .command('co-locations')
    .description('duty stations where several entities each keep their own support for the same service')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withMeridian(cmd, async (m) => {
        const items = await findCoLocations(m.db);
        if (opts.json) print(items);
        else
          for (const c of items)
            process.stdout.write(
              `${c.city} (${c.dutyStation}) ${c.service}: ${c.entities.length} entities (${c.entities.map((e) => e.code).join(', ')}), ${c.totalQuantity} ${c.unit}/year\n`,
            );
      });
    });
}
