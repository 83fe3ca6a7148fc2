/**
 * Runs the planning solve in a `worker_threads` worker, so that a long solve does not hold the API's
 * event loop (other requests are served meanwhile) and can be stopped. The worker loads the TypeScript
 * sources through tsx's loader (as bin/meridian.js does), whatever runs the caller (tsx, vitest).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PlanInstance, PlanOptions } from './model.ts';
import type { SolveOutcome } from './optimiser.ts';

const require = createRequire(import.meta.url);

/** File URL of tsx's ESM loader API (`tsx/esm/api` under the `import` condition). */
function tsxEsmApi(): string {
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> };
  const rel = pkg.exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs';
  return pathToFileURL(path.join(path.dirname(pkgPath), rel)).href;
}

/** Extra wall-clock time (ms) allowed past the solver's time limit before the worker is stopped. */
export function graceMs(timeLimitSeconds: number): number {
  return Math.max(15_000, timeLimitSeconds * 500);
}

// CommonJS bootstrap (eval'd): register tsx's ESM loader, then import the worker module.
const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.tsxApi)
  .then((m) => { m.register(); return import(workerData.entry); })
  .catch((e) => parentPort.postMessage({ error: String((e && e.stack) || e) }));
`;

/**
 * Solves `instance` under `options` in a worker thread (see `optimise` for the outcome). The worker is
 * stopped when it runs past the time limit plus `graceMs` (HiGHS checks its limit only between phases);
 * the outcome is then status `error` with solverStatus saying so.
 * @throws Error when the worker fails (an exception in the solve, or it cannot start).
 */
export function optimiseInWorker(instance: PlanInstance, options: PlanOptions): Promise<SolveOutcome> {
  const t0 = performance.now();
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: {
      tsxApi: tsxEsmApi(),
      entry: new URL('./solve.worker.ts', import.meta.url).href,
      job: { instance, options },
    },
  });
  return new Promise<SolveOutcome>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const limitMs = options.solver.timeLimitSeconds * 1000 + graceMs(options.solver.timeLimitSeconds);
    const timer = setTimeout(
      () =>
        finish(() =>
          resolve({
            status: 'error',
            solverStatus: `Stopped: the solve ran past its time limit of ${options.solver.timeLimitSeconds} s by more than ${Math.round(graceMs(options.solver.timeLimitSeconds) / 1000)} s`,
            objectiveUsd: null,
            boundUsd: null,
            gap: null,
            solveTimeMs: performance.now() - t0,
            buildTimeMs: 0,
            model: { columns: 0, binaries: 0, rows: 0, nonzeros: 0 },
            assignment: [],
            measures: null,
            infeasibility: [],
          }),
        ),
      limitMs,
    );
    worker.on('message', (m: { outcome?: SolveOutcome; error?: string }) => {
      if (m.outcome) {
        const outcome = m.outcome;
        finish(() => resolve(outcome));
      } else finish(() => reject(new Error(`Planning solve failed in its worker: ${m.error}`)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`Planning solve worker exited (code ${code}) without a result`))));
  });
}
