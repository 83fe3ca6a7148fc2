/**
 * Streaming reader of service-desk event logs: the file is read in chunks (gzip inflated as a stream,
 * detected by its magic bytes), parsed by csv-parse's stream parser (`Parser`, a Transform), and each row
 * checked by the same
 * `rowChecker` as the in-memory reader (`parseEventLog` in event-log-import.ts), so memory stays bounded by
 * one batch of checked events whatever the size of the log (40M events is about 4 GB of text). Same
 * contract as `parseEventLog`: a UTF-8 byte-order mark is skipped; a structural problem (not CSV, empty, a
 * mapped column missing from the header, naming the likely delimiter) rejects the file at once; each
 * rejected row is reported with its line. Text that is not valid UTF-8 is read as Windows-1252 (Latin-1)
 * instead: the reader then says so by throwing `NotUtf8Error`, and the caller reads the file again with
 * `encoding: 'windows-1252'` (after rolling back what it wrote). Decision record:
 * docs/decisions/0017-streaming-event-log-import.md.
 */
import fs from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Parser } from 'csv-parse';
import { AppError } from '../../server/errors.ts';
import { isGzipFile } from '../../server/files.ts';
import { checkHeader, type EventLogIssue, type EventLogSpec, type LogEvent, rowChecker } from './event-log-import.ts';

/** Thrown by `streamEventLog` (encoding `utf-8`) at the first bytes that are not UTF-8: read again as Windows-1252. */
export class NotUtf8Error extends Error {
  constructor(file: string) {
    super(`${file} is not UTF-8; read it as Windows-1252`);
    this.name = 'NotUtf8Error';
  }
}

export interface EventLogStreamOptions {
  /** File name for messages. */
  source: string;
  /** `utf-8` (default; throws `NotUtf8Error` on invalid bytes) or `windows-1252`. */
  encoding?: 'utf-8' | 'windows-1252';
  /** Checked events per call of `onBatch` (default 50,000). */
  batchSize?: number;
  /**
   * Receives the checked events in file order, `batchSize` at a time, while no row has been rejected; the
   * reader waits for it (backpressure). After the first rejected row it is not called again: the caller
   * must then discard what it has written (the import is all or nothing).
   */
  onBatch: (events: LogEvent[]) => Promise<void> | void;
  /** Issues kept at most (default 1,000); every rejected row is still counted. */
  maxIssues?: number;
  /** Called every 50,000 rows with the rows read so far. */
  onProgress?: (rowsRead: number) => void;
}

export interface EventLogStreamResult {
  /** Rows read, header excluded. */
  rowsRead: number;
  /** Rows accepted (all passed to `onBatch` when `rejectedRows` is 0). */
  accepted: number;
  /** Rows rejected (lines). */
  rejectedRows: number;
  /** The first `maxIssues` issues, by line. */
  rejected: EventLogIssue[];
  /** The encoding the file was read in. */
  encoding: 'utf-8' | 'windows-1252';
}

/** Passes the bytes on unchanged after checking they are UTF-8 (a character may span two chunks). */
class Utf8Check extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  constructor(private readonly file: string) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      cb(new NotUtf8Error(this.file));
      return;
    }
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.decoder.decode();
    } catch {
      cb(new NotUtf8Error(this.file));
      return;
    }
    cb();
  }
}

/** Decodes Windows-1252 bytes into UTF-8 bytes for the parser. */
class Windows1252ToUtf8 extends Transform {
  private readonly decoder = new TextDecoder('windows-1252');
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    cb(null, Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8'));
  }
}

/**
 * csv-parse's stream parser, handing each record with its line to `onRecord` as it is parsed instead of
 * queueing it on the readable side: the line is the parser's own counter at that moment (what its
 * `info: true` option reports, without building two info objects per record), and no object-mode queue
 * sits between parsing and checking. While a promise set in `pending` (a batch being written) is not
 * settled, the parser takes no new input, so the file is read no faster than the database takes it.
 */
class RecordParser extends Parser {
  pending: Promise<void> | null = null;
  constructor(
    options: ConstructorParameters<typeof Parser>[0],
    private readonly onRecord: (record: string[], line: number) => void,
  ) {
    super(options);
  }
  override push(record: unknown): boolean {
    if (record === null) return super.push(null);
    this.onRecord(record as string[], this.info.lines);
    return true;
  }
  private settle(cb: TransformCallback): TransformCallback {
    return (err) => {
      const p = this.pending;
      if (err || !p) return cb(err);
      this.pending = null;
      p.then(() => cb(), cb);
    };
  }
  override _transform(chunk: Buffer, enc: BufferEncoding, cb: TransformCallback): void {
    super._transform(chunk, enc, this.settle(cb));
  }
  override _flush(cb: TransformCallback): void {
    super._flush(this.settle(cb));
  }
}

/**
 * Reads and checks an event log as a stream (see the module comment), handing checked events to
 * `opts.onBatch` in batches.
 * @param file path of the log (plain or gzip); `spec` from `resolveEventLogSpec`.
 * @returns rows read, accepted and rejected, the first issues by line, the encoding used.
 * @throws AppError IMPORT_REJECTED on a structural problem (not CSV, empty, a mapped column missing from the
 *   header); NotUtf8Error (see the module comment); Error when the file cannot be read; whatever `onBatch`
 *   throws.
 */
export async function streamEventLog(
  file: string,
  spec: EventLogSpec,
  opts: EventLogStreamOptions,
): Promise<EventLogStreamResult> {
  const encoding = opts.encoding ?? 'utf-8';
  const batchSize = Math.max(1, opts.batchSize ?? 50_000);
  const maxIssues = opts.maxIssues ?? 1000;
  let gzip: boolean;
  try {
    gzip = isGzipFile(file);
  } catch (e) {
    throw new Error(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let check: ReturnType<typeof rowChecker> | null = null;
  let rowsRead = 0;
  let accepted = 0;
  const issues: EventLogIssue[] = [];
  const kept: EventLogIssue[] = [];
  let rejectedRows = 0;
  let batch: LogEvent[] = [];
  let failure: unknown = null;
  const parser = new RecordParser(
    {
      bom: true,
      delimiter: spec.format.delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    },
    (record, line) => {
      if (failure !== null) return;
      try {
        if (check === null) {
          checkHeader(record, spec, opts.source);
          check = rowChecker(record, spec);
          return;
        }
        rowsRead++;
        if (rowsRead % 50_000 === 0) opts.onProgress?.(rowsRead);
        const e = check(record, line, issues);
        if (e === null) {
          rejectedRows++;
          for (const i of issues) if (kept.length < maxIssues) kept.push(i);
          issues.length = 0;
          batch = [];
          return;
        }
        accepted++;
        if (rejectedRows > 0) return;
        batch.push(e);
        if (batch.length >= batchSize) {
          const full = batch;
          batch = [];
          const before = parser.pending ?? Promise.resolve();
          parser.pending = before.then(() => opts.onBatch(full));
        }
      } catch (err) {
        failure = err;
        parser.destroy(err as Error);
      }
    },
  );
  const stages: NodeJS.ReadWriteStream[] = [];
  if (gzip) stages.push(zlib.createGunzip({ chunkSize: 256 * 1024 }));
  stages.push(encoding === 'utf-8' ? new Utf8Check(opts.source) : new Windows1252ToUtf8());
  const input = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
  parser.resume(); // nothing is queued on its readable side; let it end
  try {
    await pipeline([input, ...stages, parser] as unknown as readonly NodeJS.ReadWriteStream[]);
    if (failure !== null) throw failure;
  } catch (e0) {
    const e = failure ?? e0;
    input.destroy();
    if (e instanceof AppError || e instanceof NotUtf8Error) throw e;
    const err = e as Error & { code?: string; lines?: number };
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR')
      throw new Error(`Cannot read ${file}: ${err.code}`);
    if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR')
      throw new AppError('IMPORT_REJECTED', `${opts.source} is not a valid gzip file: ${err.message}; nothing was imported`, {
        issues: [{ line: 0, message: err.message }],
      });
    if (typeof err.code === 'string' && err.code.startsWith('CSV_'))
      throw new AppError('IMPORT_REJECTED', `${opts.source} is not valid CSV: ${err.message}; nothing was imported`, {
        issues: [{ line: err.lines ?? 0, message: err.message }],
      });
    throw e;
  }
  if (check === null)
    throw new AppError('IMPORT_REJECTED', `${opts.source} is empty`, { issues: [{ line: 1, message: 'no header row' }] });
  if (rejectedRows === 0 && batch.length) await opts.onBatch(batch);
  opts.onProgress?.(rowsRead);
  return { rowsRead, accepted, rejectedRows, rejected: kept, encoding };
}
