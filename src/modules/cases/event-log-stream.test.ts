/**
 * The streaming reader against the in-memory one (`parseEventLog`): same events, same rejected lines, across
 * batches and chunk boundaries; gzip, BOM, `;` delimiter, quoted fields spanning lines, Windows-1252 text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { type LogEvent, parseEventLog, resolveEventLogSpec } from './event-log-import.ts';
import { NotUtf8Error, streamEventLog } from './event-log-stream.ts';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-stream-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const columns = { case: 'id', activity: 'act', timestamp: 'at', team: 'team' };
const spec = (file: string, delimiter = ',') => resolveEventLogSpec({ file, columns, format: { delimiter } });

/** A log of `n` rows, `d` as delimiter; `bad` maps a row index (0-based) to a broken timestamp. */
function logText(n: number, d = ',', bad: Record<number, string> = {}): string {
  const rows = [`id${d}act${d}at${d}team`];
  for (let i = 0; i < n; i++) {
    const at = bad[i] ?? new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    rows.push([`C${i >> 3}`, i % 8 === 7 ? 'closed' : 'work', at, `T${i % 5}`].join(d));
  }
  return `${rows.join('\n')}\n`;
}

async function readAll(file: string, opts: { batchSize?: number; delimiter?: string; encoding?: 'utf-8' | 'windows-1252' } = {}) {
  const batches: LogEvent[][] = [];
  const r = await streamEventLog(file, spec(file, opts.delimiter), {
    source: path.basename(file),
    batchSize: opts.batchSize ?? 100,
    ...(opts.encoding ? { encoding: opts.encoding } : {}),
    onBatch: async (events) => {
      await new Promise((res) => setTimeout(res, 1)); // a slow writer: the reader must wait for it
      batches.push(events);
    },
  });
  return { ...r, batches, events: batches.flat() };
}

describe('streamEventLog', () => {
  it('gives the events of the in-memory reader, in batches, with the same lines (gzip, several chunks)', async () => {
    const text = logText(5_003);
    const file = path.join(work, 'big.csv.gz');
    fs.writeFileSync(file, zlib.gzipSync(text));
    const r = await readAll(file, { batchSize: 1_000 });
    const mem = parseEventLog(text, spec(file), { source: 'big.csv' });
    expect(r.rowsRead).toBe(5_003);
    expect(r.rejectedRows).toBe(0);
    expect(r.batches.map((b) => b.length)).toEqual([1000, 1000, 1000, 1000, 1000, 3]);
    expect(r.events).toEqual(mem.events);
    expect(r.events[4_999]?.line).toBe(5_001);
  });

  it('reports rejected rows with their lines across batches and stops handing batches at the first', async () => {
    const text = logText(2_500, ',', { 150: 'yesterday', 2499: '2024-02-30T10:00Z' });
    const file = path.join(work, 'bad.csv');
    fs.writeFileSync(file, text);
    const r = await readAll(file, { batchSize: 100 });
    expect(r.rejected.map((i) => i.line)).toEqual([152, 2_501]);
    expect(r.rejected[0]).toMatchObject({ field: 'at', case: 'C18' });
    expect(r.rejectedRows).toBe(2);
    expect(r.accepted).toBe(2_498);
    // only the batches complete before line 152
    expect(r.events.length).toBe(100);
    expect(parseEventLog(text, spec(file), { source: 'bad.csv' }).rejected).toEqual(r.rejected);
  });

  it('reads a BOM, a ";" delimiter and quoted fields over several lines, with the right lines after them', async () => {
    const file = path.join(work, 'semi.csv');
    const text = '\ufeffid;act;at;team\n1;"work\non it";2024-01-01T00:00Z;A\n\n1;closed;2024-01-02T00:00Z;"B;C"\n';
    fs.writeFileSync(file, text);
    const r = await readAll(file, { delimiter: ';' });
    expect(r.events.map((e) => [e.line, e.activity, e.team])).toEqual([
      [3, 'work\non it', 'A'],
      [5, 'closed', 'B;C'],
    ]);
    fs.writeFileSync(file, `${text}2;x;never;A\n`);
    const bad = await readAll(file, { delimiter: ';' });
    expect(bad.rejected.map((i) => i.line)).toEqual([6]);
    expect(bad.events).toEqual([]);
  });

  it('rejects a missing column (naming the likely delimiter) and a file that is not CSV', async () => {
    const f1 = path.join(work, 'semi-as-comma.csv');
    fs.writeFileSync(f1, 'id;act;at;team\n1;open;2024-01-01T00:00Z;A\n');
    const e1 = await readAll(f1).catch((e) => e);
    expect(e1).toBeInstanceOf(AppError);
    expect(e1.issues[0]).toMatchObject({ line: 1, field: 'id' });
    expect(e1.message).toMatch(/";" as delimiter/);
    const f2 = path.join(work, 'quote.csv');
    fs.writeFileSync(f2, 'id,act,at,team\n1,"open,2024-01-01T00:00Z,A\n');
    const e2 = await readAll(f2).catch((e) => e);
    expect(e2.code).toBe('IMPORT_REJECTED');
    expect(e2.message).toMatch(/not valid CSV/);
    const f3 = path.join(work, 'empty.csv');
    fs.writeFileSync(f3, '');
    expect((await readAll(f3).catch((e) => e)).message).toMatch(/empty/);
  });

  it('says when the text is not UTF-8, and reads it as Windows-1252', async () => {
    const file = path.join(work, 'latin1.csv');
    fs.writeFileSync(file, Buffer.from('id,act,at,team\n1,opened,2024-01-01T00:00Z,Bo\xeete\n', 'latin1'));
    await expect(readAll(file)).rejects.toBeInstanceOf(NotUtf8Error);
    const r = await readAll(file, { encoding: 'windows-1252' });
    expect(r.events[0]?.team).toBe('Boîte');
  });
});
