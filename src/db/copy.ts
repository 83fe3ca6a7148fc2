/**
 * Bulk loading with `COPY ... FROM` (text format) through the project's Kysely handle, inside the caller's
 * transaction, on both kinds of database:
 * - PostgreSQL: `COPY table (cols) FROM STDIN` streamed with pg-copy-streams on the transaction's own
 *   connection; the server parses while the caller produces the next rows.
 * - PGlite: `COPY table (cols) FROM '/dev/blob'` with the `blob` query option, one statement per
 *   `batchBytes` of rows (PGlite has no COPY FROM STDIN).
 * Kysely does not expose its driver's client: the helper reaches it through the transaction's connection
 * (`getExecutor().provideConnection`). PGlite's Kysely connection carries the PGlite instance as `client`;
 * on PostgreSQL the COPY query object (a node-postgres "submittable") is handed to the connection's
 * `executeQuery` as its statement, which node-postgres runs as a query of that connection. The connection
 * is held by the copy until `end()` (other statements of the transaction wait for it). Decision record:
 * docs/decisions/0017-streaming-event-log-import.md.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';

/** A COPY in progress: `write` rows in COPY text format, then `end` (or `abort`). */
export interface RowCopier {
  /**
   * Rows of the COPY text format, each ending in `\n` (see `copyText`). On PostgreSQL returns once the
   * previous write has been sent, so one write is in flight while the caller prepares the next.
   */
  write(text: string): Promise<void>;
  /** Finishes the COPY. @returns the rows copied. @throws the database's error (constraint, bad value). */
  end(): Promise<number>;
  /** Gives up: nothing of this COPY is kept (PostgreSQL: CopyFail; PGlite: the pending rows are dropped). */
  abort(): Promise<void>;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * A value as a field of the COPY text format: null as `\N`, backslash, tab, newline and carriage return
 * escaped; booleans as `t`/`f`; numbers as they print.
 */
export function copyText(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return NEEDS_ESCAPE.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] as string) : v;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Starts a COPY into `table` (`columns` in the order of each row's fields), on the connection of `db`
 * (give the transaction, so that the rows go or stay with it).
 * @param opts.batchBytes PGlite only: bytes of rows per COPY statement (default 8 MiB).
 * @returns a `RowCopier`; call `end()` before anything else runs on the transaction.
 * A connection that is not PGlite's is taken to be node-postgres's (the two kinds `openDatabase` opens).
 */
export async function copyRows<DB>(
  db: Kysely<DB> | Transaction<DB>,
  table: string,
  columns: readonly string[],
  opts: { batchBytes?: number } = {},
): Promise<RowCopier> {
  const statement = `copy ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})`;
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const conn = await new Promise<unknown>((resolve, reject) => {
    db.getExecutor()
      .provideConnection(async (c) => {
        resolve(c);
        await released;
      })
      .catch(reject);
  });
  const client = (conn as { client?: unknown }).client;
  if (client && typeof (client as PGlite).query === 'function' && 'dumpDataDir' in (client as object)) {
    return pgliteCopier(client as PGlite, `${statement} from '/dev/blob'`, opts.batchBytes ?? 8 * 2 ** 20, release);
  }
  return postgresCopier(conn as { executeQuery(q: CompiledQuery): Promise<unknown> }, `${statement} from stdin`, release);
}

function pgliteCopier(pglite: PGlite, statement: string, batchBytes: number, release: () => void): RowCopier {
  let parts: string[] = [];
  let bytes = 0;
  let rows = 0;
  const flush = async () => {
    if (parts.length === 0) return;
    const blob = new Blob(parts);
    parts = [];
    bytes = 0;
    const r = await pglite.query(statement, [], { blob });
    rows += r.affectedRows ?? 0;
  };
  return {
    async write(text) {
      parts.push(text);
      bytes += text.length;
      if (bytes >= batchBytes) await flush();
    },
    async end() {
      try {
        await flush();
        return rows;
      } finally {
        release();
      }
    },
    async abort() {
      parts = [];
      release();
    },
  };
}

function postgresCopier(
  conn: { executeQuery(q: CompiledQuery): Promise<unknown> },
  statement: string,
  release: () => void,
): RowCopier {
  const stream = copyFrom(statement);
  let failure: Error | null = null;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (e) => {
      failure = e;
      reject(e);
    });
  });
  done.catch(() => {});
  // node-postgres runs a submittable given as the query text; Kysely passes the text through unchanged.
  const started = conn.executeQuery({ sql: stream as unknown as string, parameters: [] } as unknown as CompiledQuery);
  // One write in flight: the caller prepares the next rows while the server takes these (double buffering).
  let drained: Promise<void> = Promise.resolve();
  return {
    async write(text) {
      await drained;
      if (failure) throw failure;
      if (!stream.write(text)) {
        drained = Promise.race([new Promise<void>((r) => stream.once('drain', () => r())), done]);
      }
    },
    async end() {
      try {
        await started;
        await drained;
        stream.end();
        await done;
        return stream.rowCount;
      } finally {
        release();
      }
    },
    async abort() {
      try {
        await started;
        stream.destroy(new Error('import rejected'));
        await done.catch(() => {});
      } finally {
        release();
      }
    },
  };
}
