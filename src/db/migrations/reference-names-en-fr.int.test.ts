/** Migration 20261130T0800: localized reference texts must hold English and French, or the upgrade says which do not. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../database.ts';
import { down, up } from './20261130T0800-reference-names-en-fr.ts';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => {
  await h.close();
});

const constraints = async () =>
  (
    await sql<{ conname: string }>`select conname from pg_constraint where conname like '%\\_en\\_fr' order by conname`.execute(
      h.db,
    )
  ).rows.map((r) => r.conname);

describe('reference texts in English and French', () => {
  it('are refused without French for service lines and service descriptions too', async () => {
    await expect(sql`update service_lines set name = name - 'fr' where code = 'PAY'`.execute(h.db)).rejects.toThrow(
      /service_lines_name_en_fr/,
    );
    await expect(
      sql`update services set description = jsonb_build_object('en', 'Only English') where code = 'PAY-PAYROLL'`.execute(h.db),
    ).rejects.toThrow(/services_description_en_fr/);
  });

  it('stop an upgrade that finds texts without French, naming each, and change nothing', async () => {
    await down(h.db as never);
    expect(await constraints()).toEqual([]);
    await sql`update client_entities set name = jsonb_build_object('en', 'Chile office') where code = 'RCO-CL'`.execute(h.db);
    await sql`update services set description = description || '{"fr": "  "}'::jsonb where code = 'PAY-PAYROLL'`.execute(h.db);
    const failed = up(h.db as never);
    await expect(failed).rejects.toThrow(/client_entities RCO-CL \(name\); services PAY-PAYROLL \(description\)/);
    expect(await constraints()).toEqual([]);
    // corrected, the upgrade goes through
    await sql`update client_entities set name = name || '{"fr": "Bureau du Chili"}'::jsonb where code = 'RCO-CL'`.execute(h.db);
    await sql`update services set description = description || '{"fr": "Paie"}'::jsonb where code = 'PAY-PAYROLL'`.execute(h.db);
    await up(h.db as never);
    expect(await constraints()).toHaveLength(5);
  });
});
