/** The drain's sum of roll-up changes (decision 0021): one change per row, zeros dropped, rows in a fixed order. */
import { describe, expect, it } from 'vitest';
import { bucketOf } from './histogram.ts';
import type { CaseFactRow } from './performance.repository.ts';
import { mergeRollupChanges, rollupChanges } from './rollups.service.ts';
import { caseFact } from './rollups.test-fixtures.ts';

const fact = (id: string, over: Partial<CaseFactRow> = {}) => caseFact({ case_id: id, ...over });

describe('mergeRollupChanges', () => {
  it('sums the changes of several cases by row, as applying them one by one would, and drops what cancels out', () => {
    const changes = [
      ...rollupChanges(null, fact('1')),
      ...rollupChanges(null, fact('2', { entity_code: 'MINUSCA', fr_state: 'breached', fr_ms: '7200000' })),
      ...rollupChanges(fact('3'), fact('3', { res_state: 'met', res_ms: '3600000', resolved: true })),
      // a case that moved to another provider: taken from one row, added to another
      ...rollupChanges(fact('4'), fact('4', { provider_code: 'P2' })),
    ];
    const merged = mergeRollupChanges(changes);
    // applied one by one: the sum per row key
    const byKey = new Map<string, Record<string, number>>();
    for (const c of changes) {
      const k = JSON.stringify(c.key);
      const sum = byKey.get(k) ?? {};
      for (const [x, n] of Object.entries(c.delta)) sum[x] = (sum[x] ?? 0) + n;
      byKey.set(k, sum);
    }
    for (const m of merged) expect(m.delta).toEqual(byKey.get(JSON.stringify(m.key)));
    // one change per row, cells before provider x month rows, each level sorted
    const keys = merged.map((m) => JSON.stringify(m.key));
    expect(new Set(keys).size).toBe(keys.length);
    const cellsFirst = merged.map((m) => ('service_code' in m.key ? 0 : 1));
    expect(cellsFirst).toEqual([...cellsFirst].sort());
    const p1 = merged.find((m) => !('service_code' in m.key) && m.key.provider_code === 'P1');
    // P1 x month: cases 1, 2 and 3 added (3 was there already: +0), case 4 taken away
    expect(p1?.delta.cases).toBe(1);
    expect(p1?.delta.res_met).toBe(1);
    // first-response histogram: +1 (case 1) and -1 (case 4) in the 1-second bucket cancel out; +1 at 2 h (case 2)
    expect(p1?.hist.fr_hist).toEqual({ [String(bucketOf(7_200_000))]: 1 });
    // a row whose changes cancel out entirely is not written
    expect(mergeRollupChanges([...rollupChanges(null, fact('5')), ...rollupChanges(fact('5'), null)])).toEqual([]);
  });
});
