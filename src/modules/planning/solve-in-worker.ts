/**
 * Runs the planning solve in a `worker_threads` worker, so that a long solve does not hold the API's
 * event loop (other requests are served meanwhile) and can be stopped. One long-lived worker per
 * process: HiGHS's WebAssembly is compiled and warmed once (the first solve in a fresh runtime costs
 * several seconds more than the next ones), and solves queue one after the other (HiGHS here is single
 * threaded; the machine's other core serves requests). The worker loads the TypeScript sources through
 * tsx's loader (as bin/meridian.js does), whatever runs the caller (tsx, vitest). It does not keep the
 * process alive while idle.
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
  .catch((e) => parentPort.postMessage({ fatal: String((e && e.stack) || e) }));
`;

interface Pending {
  id: number;
  instance: PlanInstance;
  options: PlanOptions;
  resolve: (o: SolveOutcome) => void;
  reject: (e: Error) => void;
}

let worker: Worker | null = null;
let running: (Pending & { timer: NodeJS.Timeout; startedAt: number }) | null = null;
const queue: Pending[] = [];
let nextId = 1;

function stopped(p: Pending, startedAt: number): SolveOutcome {
  const limit = p.options.solver.timeLimitSeconds;
  return {
    status: 'error',
    solverStatus: `Stopped: the solve ran past its time limit of ${limit} s by more than ${Math.round(graceMs(limit) / 1000)} s`,
    objectiveUsd: null,
    boundUsd: null,
    gap: null,
    solveTimeMs: performance.now() - startedAt,
    buildTimeMs: 0,
    model: { columns: 0, binaries: 0, rows: 0, nonzeros: 0 },
    assignment: [],
    measures: null,
    infeasibility: [],
  };
}

function discardWorker(): void {
  const w = worker;
  worker = null;
  if (w) void w.terminate();
}

function startWorker(): Worker {
  const w = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { tsxApi: tsxEsmApi(), entry: new URL('./solve.worker.ts', import.meta.url).href },
  });
  w.on('message', (m: { id?: number; outcome?: SolveOutcome; error?: string; fatal?: string; ready?: boolean }) => {
    if (m.ready || worker !== w) return;
    const job = running;
    if (m.fatal) {
      discardWorker();
      if (job) finishRunning((p) => p.reject(new Error(`Planning solve worker failed to start: ${m.fatal}`)));
      return;
    }
    if (!job || m.id !== job.id) return;
    const outcome = m.outcome;
    if (outcome) finishRunning((p) => p.resolve(outcome));
    else finishRunning((p) => p.reject(new Error(`Planning solve failed in its worker: ${m.error}`)));
  });
  // A worker already discarded (stopped after an overrun) no longer speaks for the running solve.
  w.on('error', (e) => {
    if (worker !== w) return;
    worker = null;
    finishRunning((p) => p.reject(e));
  });
  w.on('exit', (code) => {
    if (worker !== w) return;
    worker = null;
    finishRunning((p) => p.reject(new Error(`Planning solve worker exited (code ${code}) without a result`)));
  });
  return w;
}

function finishRunning(settle: (p: Pending) => void): void {
  const job = running;
  if (!job) return;
  running = null;
  clearTimeout(job.timer);
  settle(job);
  pump();
}

function pump(): void {
  if (running) return;
  const job = queue.shift();
  if (!job) {
    worker?.unref();
    return;
  }
  if (!worker) worker = startWorker();
  worker.ref();
  const startedAt = performance.now();
  const limitMs = job.options.solver.timeLimitSeconds * 1000 + graceMs(job.options.solver.timeLimitSeconds);
  const timer = setTimeout(() => {
    // Overran: stop the worker (the next solve starts a fresh one) and answer without a result.
    discardWorker();
    finishRunning((p) => p.resolve(stopped(p, startedAt)));
  }, limitMs);
  running = { ...job, timer, startedAt };
  worker.postMessage({ id: job.id, instance: job.instance, options: job.options });
}

/**
 * Solves `instance` under `options` in the planning worker thread (see `optimise` for the outcome).
 * Solves queue behind one another. A solve that runs past its time limit plus `graceMs` (HiGHS checks its
 * limit only between phases) has its worker stopped; its outcome is then status `error`, solverStatus
 * saying so.
 * @throws Error when the solve throws in the worker, or the worker cannot start.
 */
export function optimiseInWorker(instance: PlanInstance, options: PlanOptions): Promise<SolveOutcome> {
  return new Promise<SolveOutcome>((resolve, reject) => {
    queue.push({ id: nextId++, instance, options, resolve, reject });
    pump();
  });
}

/** Stops the planning worker (tests, shutdown); queued solves are rejected. */
export async function stopPlanningWorker(): Promise<void> {
  for (const p of queue.splice(0)) p.reject(new Error('Planning solve worker stopped'));
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}
