/**
 * The parallel polish (decision 0020): a long-lived `worker_threads` worker (polish.worker.ts, loaded
 * through tsx's loader as the solve worker is) that runs part of the per-service polish while the solving
 * thread runs the rest. With the relationships fixed, the services' assignment problems are independent
 * (each has its own capacity rows), so the two halves merge into one feasible assignment. One helper per
 * thread that solves, unreferenced while idle (it does not keep a process alive). When it cannot start or
 * fails, the solving thread polishes the helper's services itself.
 */
import { Worker } from 'node:worker_threads';
import type { AssignmentVector, PlanInstance, PlanOptions } from './model.ts';
import { BOOTSTRAP, tsxEsmApi } from './solve-in-worker.ts';

let worker: Worker | null = null;
let ready: Promise<boolean> | null = null;
let nextId = 1;
const waiting = new Map<number, (a: AssignmentVector | null) => void>();

function settleAll(): void {
  for (const [id, settle] of waiting) {
    waiting.delete(id);
    settle(null);
  }
}

/** Starts the helper (and warms its HiGHS) if not running. @returns whether it is ready. */
export function warmPolishHelper(): Promise<boolean> {
  if (ready) return ready;
  const w = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { tsxApi: tsxEsmApi(), entry: new URL('./polish.worker.ts', import.meta.url).href },
  });
  worker = w;
  w.unref();
  ready = new Promise<boolean>((resolve) => {
    w.on('message', (m: { type?: string; id?: number; fatal?: string; assignment?: AssignmentVector | null }) => {
      if (m.type === 'ready') resolve(true);
      else if (m.type === 'fatal' || m.fatal) {
        resolve(false);
        void stopPolishHelper();
      } else if (m.type === 'polished' && m.id !== undefined) {
        const settle = waiting.get(m.id);
        waiting.delete(m.id);
        if (waiting.size === 0) w.unref();
        settle?.(m.assignment ?? null);
      }
    });
    const gone = () => {
      resolve(false);
      if (worker === w) {
        worker = null;
        ready = null;
      }
      settleAll();
    };
    w.on('error', gone);
    w.on('exit', gone);
  });
  return ready;
}

/** One solve's use of the helper. */
export interface PolishSession {
  /**
   * Polishes `services` of `assignment` in the helper until `deadline` (this thread's performance.now() ms).
   * @returns the helper's assignment (only those services' demands may differ), or null when it failed.
   */
  polish(assignment: AssignmentVector, services: string[], deadline: number): Promise<AssignmentVector | null>;
}

/**
 * Opens a session for one solve: sends the instance to the helper (indexed there while this thread runs
 * the relaxation). Not awaited: a helper still loading takes it when ready.
 * @returns the session, or null when the helper is not available (the caller polishes alone).
 */
export function openPolishSession(instance: PlanInstance, options: PlanOptions): PolishSession | null {
  void warmPolishHelper();
  if (!worker) return null;
  const w = worker;
  const id = nextId++;
  w.postMessage({ type: 'instance', id, instance, options });
  return {
    polish: (assignment, services, deadline) =>
      new Promise<AssignmentVector | null>((resolve) => {
        if (worker !== w) return resolve(null);
        waiting.set(id, resolve);
        w.ref();
        w.postMessage({ type: 'polish', id, assignment, services, deadlineEpochMs: performance.timeOrigin + deadline });
      }),
  };
}

/** Stops the helper (tests, shutdown). */
export async function stopPolishHelper(): Promise<void> {
  const w = worker;
  worker = null;
  ready = null;
  settleAll();
  if (w) await w.terminate();
}
