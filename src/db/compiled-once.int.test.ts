import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../tests/helpers/test-db.ts';
import { executeCompiledOnce } from './compiled-once.ts';
import type { DatabaseHandle } from './database.ts';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => {
  await h.close();
});

describe('executeCompiledOnce', () => {
  it('builds a shape once and binds each call its own values; constants stay as compiled', async () => {
    let builds = 0;
    const providers = (code: string, limit: number) =>
      executeCompiledOnce(
        h.db,
        'test:providers',
        (param) => {
          builds++;
          return h.db
            .selectFrom('providers')
            .select('code')
            .where('code', 'in', [param('code'), 'UNON'])
            .orderBy('code')
            .limit(param('limit'));
        },
        { code, limit },
      );
    expect((await providers('KJSO', 10)).map((r) => r.code)).toEqual(['KJSO', 'UNON']);
    expect((await providers('RSCE', 10)).map((r) => r.code)).toEqual(['RSCE', 'UNON']);
    expect((await providers('RSCE', 1)).map((r) => r.code)).toEqual(['RSCE']);
    expect(builds).toBe(1);
  });

  it('refuses a call that lacks a value its statement needs', async () => {
    await expect(
      executeCompiledOnce(
        h.db,
        'test:missing',
        (param) => h.db.selectFrom('providers').select('code').where('code', '=', param('code')),
        {},
      ),
    ).rejects.toThrow(/no value for code/);
  });
});
