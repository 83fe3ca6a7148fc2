/**
 * Group commit of new cases (decision 0021). Case creations that arrive while earlier ones are being written
 * wait and are written together, in one statement (`insertNewCases`), when a writer is free: at most
 * `maxInFlight` statements run at once and each takes at most `maxBatch` waiting cases. A creation that
 * finds a writer free is written at once, alone: batching adds no wait, it only takes what queued up during
 * a write. Each case gets its own outcome: when a batch fails (one case's idempotency key is already taken,
 * say), nothing of it was written and each of its cases is written again alone; a refusal because the
 * reference data changed (`MR001`) concerns them all and is passed on to each (they reload and retry).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { insertNewCases, type NewCaseWrite, type WrittenCase } from './case-creation.repository.ts';
import { isReferenceDataChanged } from './creation-context.ts';

interface Waiting {
  write: NewCaseWrite;
  resolve: (w: WrittenCase) => void;
  reject: (e: unknown) => void;
}

/** The writer of new cases of one database handle. */
export class NewCaseWriter {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  /** Statements run, cases written by them, and the largest batch so far (for tests and diagnostics). */
  readonly stats = { statements: 0, cases: 0, largestBatch: 0 };

  /**
   * @param maxInFlight statements writing new cases at once (default 1: the next batch gathers while one is
   *   written; measured on 2 cores, 1 wrote as many cases a second as 2 for ~20% less CPU a case, the batches
   *   being larger; one statement of 64 cases takes ~10-20 ms, so 1 allows thousands of cases a second)
   * @param maxBatch cases per statement at most (default 64)
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxInFlight = 1,
    private readonly maxBatch = 64,
  ) {}

  /**
   * Writes new case `w` (alone or with others waiting) and returns its id, reference and version.
   * @throws what `insertNewCases` throws for this case.
   */
  write(w: NewCaseWrite): Promise<WrittenCase> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ write: w, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Waiting[]): Promise<void> {
    this.stats.statements++;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    try {
      const written = await insertNewCases(
        this.db,
        batch.map((b) => b.write),
      );
      this.stats.cases += batch.length;
      for (const [i, b] of batch.entries()) b.resolve(written[i] as WrittenCase);
    } catch (e) {
      if (batch.length === 1 || isReferenceDataChanged(e)) {
        for (const b of batch) b.reject(e);
        return;
      }
      // One case's error failed the batch, which wrote nothing: each case alone, for its own outcome.
      for (const b of batch) {
        try {
          this.stats.statements++;
          b.resolve((await insertNewCases(this.db, [b.write]))[0] as WrittenCase);
          this.stats.cases++;
        } catch (err) {
          b.reject(err);
        }
      }
    }
  }
}

const writers = new WeakMap<object, NewCaseWriter>();

/** The writer of new cases of database handle `db` (one per handle in this process). */
export function newCaseWriter(db: Kysely<Database>): NewCaseWriter {
  let w = writers.get(db);
  if (!w) {
    w = new NewCaseWriter(db);
    writers.set(db, w);
  }
  return w;
}
