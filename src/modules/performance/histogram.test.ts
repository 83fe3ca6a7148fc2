/** Histogram buckets and the percentile estimated from them, against the exact percentile_cont (pure). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketBounds,
  bucketOf,
  HISTOGRAM_RELATIVE_PRECISION,
  histogramDelta,
  histogramOf,
  histogramPercentile,
  representative,
} from './histogram.ts';
import { percentileCont } from './measures.ts';
import { rollupChanges } from './rollups.service.ts';
import { caseFact } from './rollups.test-fixtures.ts';

describe('histogram buckets', () => {
  it('cut 0..63 ms one by one, then each power of two in 32', () => {
    expect([0, 1, 63, 64, 65, 66, 127, 128, 131, 132].map(bucketOf)).toEqual([0, 1, 63, 64, 64, 65, 95, 96, 96, 97]);
    expect(bucketBounds(64)).toEqual({ lo: 64, width: 2 });
    expect(bucketBounds(96)).toEqual({ lo: 128, width: 4 });
    expect(bucketOf(-5)).toBe(0);
    expect(representative(10)).toBe(10);
    expect(representative(64)).toBe(64.5);
  });

  it('hold their values, are ordered, and are at most 1/32 of their lower bound wide', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
        const b = bucketOf(v);
        const { lo, width } = bucketBounds(b);
        expect(v).toBeGreaterThanOrEqual(lo);
        expect(v).toBeLessThan(lo + width);
        if (b >= 64) expect(width * 32).toBeLessThanOrEqual(lo);
        expect(Math.abs(representative(b) - v)).toBeLessThanOrEqual(v * HISTOGRAM_RELATIVE_PRECISION);
        expect(bucketOf(lo + width)).toBe(b + 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('percentile from a histogram', () => {
  it('is within 1/64 of percentile_cont over the same business times', () => {
    const times = fc.oneof(
      fc.integer({ min: 0, max: 200 }),
      fc.integer({ min: 0, max: 36_000_000 }),
      fc.integer({ min: 60_000, max: 2_000_000_000 }),
    );
    fc.assert(
      fc.property(fc.array(times, { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 99 }), (xs, p) => {
        const exact = percentileCont(xs, p) as number;
        const estimate = histogramPercentile(histogramOf(xs), p) as number;
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(exact * HISTOGRAM_RELATIVE_PRECISION + 1e-9);
      }),
      { numRuns: 1000 },
    );
  });

  it('is null for no values and exact below 64 ms', () => {
    expect(histogramPercentile(new Map(), 50)).toBeNull();
    expect(histogramPercentile(histogramOf([1, 2, 3, 10]), 50)).toBe(2.5);
  });
});

describe('roll-up changes of a fact', () => {
  it('take the old fact away and add the new one in one change per row when the row is the same', () => {
    const old = caseFact({});
    const next = caseFact({ res_state: 'met', res_ms: '90000', resolved: true });
    const changes = rollupChanges(old, next);
    expect(changes).toHaveLength(2);
    for (const c of changes) {
      expect(c.delta).toMatchObject({ cases: 0, res_met: 1, res_decided: 1, resolved: 1, fr_met: 0 });
      expect(c.hist).toEqual({ fr_hist: {}, res_hist: { [bucketOf(90_000)]: 1 } });
    }
    expect(histogramDelta(bucketOf(10), bucketOf(10))).toEqual({});
  });

  it('move a fact between providers at both levels, and nothing when nothing changed', () => {
    const changes = rollupChanges(caseFact({}), caseFact({ provider_code: 'P2' }));
    expect(changes.map((c) => [c.key.provider_code, 'service_code' in c.key, c.delta.cases, c.hist.fr_hist])).toEqual([
      ['P1', true, -1, { [bucketOf(1000)]: -1 }],
      ['P2', true, 1, { [bucketOf(1000)]: 1 }],
      ['P1', false, -1, { [bucketOf(1000)]: -1 }],
      ['P2', false, 1, { [bucketOf(1000)]: 1 }],
    ]);
    expect(rollupChanges(caseFact({}), caseFact({}))).toEqual([]);
    expect(rollupChanges(null, null)).toEqual([]);
  });
});
