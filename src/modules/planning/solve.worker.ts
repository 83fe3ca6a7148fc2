/**
 * Worker-thread entry of the planning solve (see solve-in-worker.ts). Long-lived: HiGHS (WebAssembly)
 * is loaded and warmed once, then each message `{ id, instance, options }` (PlanInstance, PlanOptions)
 * is solved by `optimise` in turn and answered with `{ id, outcome }` (SolveOutcome) or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import type { PlanInstance, PlanOptions } from './model.ts';
import { optimise } from './optimiser.ts';

interface Job {
  id: number;
  instance: PlanInstance;
  options: PlanOptions;
}

parentPort?.on('message', (job: Job) => {
  optimise(job.instance, job.options).then(
    (outcome) => parentPort?.postMessage({ id: job.id, outcome }),
    (e: unknown) => parentPort?.postMessage({ id: job.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
parentPort?.postMessage({ ready: true });
