/**
 * The performance roll-ups, refreshed after commit (decision 0019). A case change only appends the case's
 * id to `performance_queue` in its transaction (`queueCasePerformance`, called by `refreshCaseClocks`);
 * `drainPerformanceQueue` then runs `refreshCasePerformance` for the queued cases in its own transaction
 * and deletes their rows in that same transaction. Nothing is lost: a crash before or during a drain
 * leaves the rows queued (the drain's transaction rolls back), and a case whose refresh fails stays queued
 * (logged) while the others go through.
 *
 * Two callers drain: a worker in the server (`startPerformanceDrainWorker`, every `DRAIN_INTERVAL_MS` and
 * whenever a batch was full), and every reader of the figures (dashboard, drill-down, flow, exports, closing a month),
 * which drains first with `wait` so that the figures it reads include every change committed before it.
 * Drains of one process run one at a time; drains of several processes share the queue with row locks, and
 * take an advisory lock per case (`lockCasesForRefresh`) so that no case is refreshed by two at once.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { startPeriodic } from '../../server/periodic.ts';
import { enqueueCaseRefresh, lockCasesForRefresh, type QueuedRefresh, requeue, takeQueued } from './queue.repository.ts';
import { refreshCasePerformance, refreshCasesPerformance } from './rollups.service.ts';

/** Queues case `caseId`'s performance refresh inside the transaction of its change (no roll-up row is touched). */
export async function queueCasePerformance(trx: Transaction<Database>, caseId: string): Promise<void> {
  await enqueueCaseRefresh(trx, caseId);
}

/** What a drain did: distinct cases refreshed, and the ids of cases whose refresh failed (left queued). */
export interface DrainResult {
  refreshed: number;
  failed: string[];
}

export interface DrainOptions {
  /** Queue rows claimed per transaction (default 500). */
  batchSize?: number;
  /** Wait for rows another drain holds (readers of the figures), rather than skip them (the worker). Default true. */
  wait?: boolean;
  /** The instant stored as the facts' `updated_at` (default: now). */
  now?: () => Date;
  /** Receives failed refreshes. */
  logger?: { error(obj: unknown, msg: string): void };
}

// One drain at a time per database handle in this process (the worker and the readers).
const running = new WeakMap<object, Promise<unknown>>();

/**
 * Refreshes the facts and roll-ups of every queued case (`refreshCasePerformance`) and removes its queue
 * rows, in transactions of at most `batchSize` rows, until the queue holds no row it may take (rows queued
 * meanwhile by other transactions are taken too). A batch runs in one transaction; if a refresh in it
 * throws, the batch is redone with a savepoint per case, and the failing cases are put back in the queue
 * (and not retried by this call).
 * @returns distinct cases refreshed and the cases that failed.
 * @throws only database errors outside a refresh (e.g. the connection is lost): the batch then stays queued.
 */
export async function drainPerformanceQueue(db: Kysely<Database>, opts: DrainOptions = {}): Promise<DrainResult> {
  const before = running.get(db) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(() => drain(db, opts));
  running.set(
    db,
    mine.catch(() => undefined),
  );
  return mine;
}

async function drain(db: Kysely<Database>, opts: DrainOptions): Promise<DrainResult> {
  const batchSize = opts.batchSize ?? 500;
  const wait = opts.wait ?? true;
  const now = opts.now ?? (() => new Date());
  const failed: string[] = [];
  let refreshed = 0;
  for (;;) {
    let taken = 0;
    try {
      await db.transaction().execute(async (trx) => {
        const rows = await takeQueued(trx, batchSize, { wait, excluded: failed });
        taken = rows.length;
        const at = now();
        const ids = distinctCases(rows);
        await lockCasesForRefresh(trx, ids);
        await refreshCasesPerformance(trx, ids, at);
        refreshed += ids.length;
      });
    } catch {
      // A refresh failed (or the batch could not commit): redo the batch case by case.
      await db.transaction().execute(async (trx) => {
        const rows = await takeQueued(trx, batchSize, { wait, excluded: failed });
        taken = rows.length;
        const at = now();
        await lockCasesForRefresh(trx, distinctCases(rows));
        for (const id of distinctCases(rows)) {
          await sql.raw('savepoint perf_refresh').execute(trx);
          try {
            await refreshCasePerformance(trx, id, at);
            await sql.raw('release savepoint perf_refresh').execute(trx);
            refreshed++;
          } catch (e) {
            await sql.raw('rollback to savepoint perf_refresh').execute(trx);
            await requeue(
              trx,
              rows.filter((r) => r.caseId === id),
            );
            failed.push(id);
            opts.logger?.error({ err: e, caseId: id }, 'performance: refreshing a case failed; it stays queued');
          }
        }
      });
    }
    if (taken < batchSize) return { refreshed, failed };
  }
}

const distinctCases = (rows: readonly QueuedRefresh[]) => [...new Set(rows.map((r) => r.caseId))];

/**
 * How often the server's worker drains (ms): every 250 ms rather than every second, so that under load each
 * drain is a quarter the size; a second's burst of roll-up work beside the requests lengthened their tail
 * (creation at 64 connections, alternated runs: p99 44-48 ms against 50-60, docs/performance.md). Idle, a
 * drain is one look at an empty queue.
 */
export const DRAIN_INTERVAL_MS = 250;

/**
 * Drains the queue every `intervalMs` (and again at once while batches come back full) until the returned
 * stop function is called; skips rows another drain holds.
 * @param logger receives failed refreshes and failed runs (the loop goes on).
 */
export function startPerformanceDrainWorker(
  db: Kysely<Database>,
  intervalMs: number,
  logger?: { error(obj: unknown, msg: string): void },
): () => Promise<void> {
  return startPeriodic(
    async () => {
      await drainPerformanceQueue(db, { wait: false, ...(logger ? { logger } : {}) });
    },
    intervalMs,
    (e) => logger?.error({ err: e }, 'performance: a queue drain failed'),
  );
}
