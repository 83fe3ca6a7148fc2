/**
 * Histograms of business time kept in the roll-ups, and the percentile estimated from them (pure). Decision
 * 0018, docs/standards.md ("percentile").
 *
 * Buckets are fixed and log-linear, as in HdrHistogram with 64 sub-buckets (2 significant binary digits
 * plus 5 bits): a business time of `v` whole milliseconds (negative counted as 0) falls in
 * - bucket `v` when v < 64 (one millisecond wide: exact);
 * - else, with e = floor(log2 v) (e >= 6), bucket `64 + (e - 6) * 32 + (floor(v / 2^(e-5)) - 32)`, which holds
 *   the 2^(e-5) integers from `floor(v / 2^(e-5)) * 2^(e-5)`: each power of two is cut into 32 equal buckets,
 *   so a bucket is at most 1/32 of its lower bound wide.
 * A bucket is reported by its representative value, the middle of its integers: `lo + (width - 1) / 2`.
 * Every value is then within `width / 2 <= lo / 64 <= v / 64` of its representative: relative precision
 * 1/64 (1.5625 %). The SQL function `performance_hist_bucket(bigint)` (migration 20261130T0300) computes the
 * same bucket; a test checks that both agree.
 *
 * A histogram is stored sparse, as a jsonb object `{"<bucket>": count}` (zero counts removed).
 */

/** Sub-buckets in each power of two above 64 ms. */
const HALF = 32;
/** Values below this are their own bucket. */
const LINEAR = 64;

/** Relative precision of a value's representative, and so of the percentile estimate: 1/64. */
export const HISTOGRAM_RELATIVE_PRECISION = 1 / 64;

/** A sparse histogram: bucket index -> count. */
export type Histogram = Map<number, number>;

/** floor(log2 v) for an integer v >= 1, exact for every safe integer. */
function log2Floor(v: number): number {
  let e = Math.floor(Math.log2(v));
  if (2 ** e > v) e--;
  if (2 ** (e + 1) <= v) e++;
  return e;
}

/** The bucket of a business time in ms (fractions dropped, negative as 0). */
export function bucketOf(ms: number): number {
  const v = Math.max(0, Math.floor(ms));
  if (v < LINEAR) return v;
  const e = log2Floor(v);
  const shift = e - 5;
  return LINEAR + (e - 6) * HALF + (Math.floor(v / 2 ** shift) - HALF);
}

/** The integers of a bucket: from `lo`, `width` of them (ms). */
export function bucketBounds(bucket: number): { lo: number; width: number } {
  if (bucket < LINEAR) return { lo: bucket, width: 1 };
  const k = bucket - LINEAR;
  const e = 6 + Math.floor(k / HALF);
  const width = 2 ** (e - 5);
  return { lo: (HALF + (k % HALF)) * width, width };
}

/** The value a bucket is reported by (ms): the middle of its integers. */
export function representative(bucket: number): number {
  const { lo, width } = bucketBounds(bucket);
  return lo + (width - 1) / 2;
}

/** Adds a stored histogram (jsonb object, or its JSON text) into `into`, scaled by `sign`. */
export function addHistogram(into: Histogram, stored: Record<string, number> | string | null | undefined, sign = 1): Histogram {
  if (!stored) return into;
  const obj = typeof stored === 'string' ? (JSON.parse(stored) as Record<string, number>) : stored;
  for (const [k, n] of Object.entries(obj)) {
    const b = Number(k);
    const next = (into.get(b) ?? 0) + sign * Number(n);
    if (next === 0) into.delete(b);
    else into.set(b, next);
  }
  return into;
}

/** A histogram of values (ms). */
export function histogramOf(values: readonly number[]): Histogram {
  const h: Histogram = new Map();
  for (const v of values) {
    const b = bucketOf(v);
    h.set(b, (h.get(b) ?? 0) + 1);
  }
  return h;
}

/** Number of values in a histogram. */
export const countOf = (h: Histogram) => [...h.values()].reduce((a, n) => a + n, 0);

/**
 * The p-th percentile (0 < p < 100) estimated from a histogram, in ms: PostgreSQL's `percentile_cont(p/100)`
 * (linear interpolation between the closest ranks) applied to the values with each one replaced by its
 * bucket's representative. With n values, rank r = p/100 * (n - 1); the values of order floor(r) and ceil(r)
 * (0-based) are found by cumulative counts over the buckets in order, and the estimate is
 * `rep(lower) + (rep(upper) - rep(lower)) * (r - floor(r))`. As interpolation is a convex combination, the
 * estimate is within 1/64 (relative) of the exact `percentile_cont` over the same integer values.
 * @returns null for an empty histogram.
 */
export function histogramPercentile(h: Histogram, p: number): number | null {
  const entries = [...h.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((a, [, c]) => a + c, 0);
  if (n === 0) return null;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const at = (i: number) => {
    let seen = 0;
    for (const [b, c] of entries) {
      seen += c;
      if (i < seen) return representative(b);
    }
    return representative((entries[entries.length - 1] as [number, number])[0]);
  };
  const a = at(lo);
  const b = hi === lo ? a : at(hi);
  return a + (b - a) * (rank - lo);
}

/**
 * The change of a histogram from `old` to `next` bucket (either may be null: no value), as a sparse
 * delta `bucket -> +1/-1` (empty when both are in the same bucket).
 */
export function histogramDelta(old: number | null, next: number | null): Record<string, number> {
  const d: Record<string, number> = {};
  if (old !== null) d[old] = (d[old] ?? 0) - 1;
  if (next !== null) d[next] = (d[next] ?? 0) + 1;
  for (const k of Object.keys(d)) if (d[k] === 0) delete d[k];
  return d;
}
