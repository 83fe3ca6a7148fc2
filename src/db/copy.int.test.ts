/** COPY through the Kysely handle (src/db/copy.ts) on the test database's kind: values round trip, abort keeps nothing. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../tests/helpers/test-db.ts';
import { copyRows, copyText } from './copy.ts';
import type { DatabaseHandle } from './database.ts';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await createTestDatabase();
  await sql`create table copy_probe (id int primary key, label text, at timestamptz, ok boolean)`.execute(h.db);
});
afterAll(async () => {
  await h.close();
});

const row = (id: number, label: string | null, at: string, ok: boolean | null) =>
  `${[copyText(id), copyText(label), copyText(at), copyText(ok)].join('\t')}\n`;

describe('copyRows', () => {
  it('copies rows in several writes inside a transaction; tabs, newlines, backslashes and nulls round trip', async () => {
    const labels = ['plain', 'tab\there', 'line\nbreak', 'back\\slash \\N', 'cr\r', null, 'Équipe'];
    const n = await h.db.transaction().execute(async (trx) => {
      const c = await copyRows(trx, 'copy_probe', ['id', 'label', 'at', 'ok'], { batchBytes: 40 });
      for (let i = 0; i < labels.length; i++)
        await c.write(row(i + 1, labels[i] ?? null, '2024-03-01T10:00:00.000Z', i % 2 === 0));
      const copied = await c.end();
      // the transaction's connection is free again
      await sql`update copy_probe set ok = null where id = 7`.execute(trx);
      return copied;
    });
    expect(n).toBe(labels.length);
    const r = await sql<{ id: number; label: string | null; at: Date; ok: boolean | null }>`
      select id, label, at, ok from copy_probe order by id`.execute(h.db);
    expect(r.rows.map((x) => x.label)).toEqual(labels);
    expect(new Date(r.rows[0]?.at as Date).toISOString()).toBe('2024-03-01T10:00:00.000Z');
    expect(r.rows.map((x) => x.ok)).toEqual([true, false, true, false, true, false, null]);
  });

  it('aborted, or failing on a constraint, keeps nothing of the transaction', async () => {
    await expect(
      h.db.transaction().execute(async (trx) => {
        const c = await copyRows(trx, 'copy_probe', ['id', 'label', 'at', 'ok']);
        await c.write(row(100, 'x', '2024-03-01T10:00:00Z', true));
        await c.abort();
        throw new Error('rejected');
      }),
    ).rejects.toThrow('rejected');
    await expect(
      h.db.transaction().execute(async (trx) => {
        const c = await copyRows(trx, 'copy_probe', ['id', 'label', 'at', 'ok']);
        await c.write(row(200, 'y', '2024-03-01T10:00:00Z', true) + row(1, 'duplicate', '2024-03-01T10:00:00Z', true));
        await c.end();
      }),
    ).rejects.toThrow(/duplicate key/);
    const r = await sql<{ n: string }>`select count(*) as n from copy_probe where id in (100, 200)`.execute(h.db);
    expect(Number(r.rows[0]?.n)).toBe(0);
  });
});
