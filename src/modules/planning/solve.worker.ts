/**
 * Worker-thread entry of the planning solve (see `optimiseInWorker` in solve-in-worker.ts): receives
 * `{ instance, options }` (PlanInstance, PlanOptions) in `workerData.job`, runs `optimise` and posts
 * back `{ outcome }` (SolveOutcome) or `{ error }` (a message). One solve per worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PlanInstance, PlanOptions } from './model.ts';
import { optimise } from './optimiser.ts';

const job = (workerData as { job: { instance: PlanInstance; options: PlanOptions } }).job;
optimise(job.instance, job.options).then(
  (outcome) => parentPort?.postMessage({ outcome }),
  (e: unknown) => parentPort?.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
);
