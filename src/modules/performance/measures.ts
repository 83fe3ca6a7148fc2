/**
 * The fixed vocabulary of measures behind the minimum service standards, and periods (pure). Each
 * measure's exact definition is in docs/standards.md; in short, over the cases of a provider (x service x
 * client entity) created in a period, in the local month of the calendar their clocks run on:
 * - `share-met` of `first-response` | `next-response` | `resolution`: end-to-end clocks met / clocks decided
 *   (met + breached); running, paused and stopped clocks are not counted;
 * - `percentile` of `first-response` | `resolution` business time: the p-th percentile (linear
 *   interpolation, as PostgreSQL's `percentile_cont`) of the decided clocks' elapsed business time, in
 *   business hours, estimated from the roll-ups' histograms within 1/64 (histogram.ts, decision 0018);
 * - `rate` of `reopened`: cases reopened at least once / cases resolved at least once;
 * - `mean` of `provider-handoffs` (handoffs between providers per case, over all cases), of `team-handoffs`,
 *   or of `satisfaction` (the survey's mean overall rating 1-5, per provider, from `satisfactionByProvider`);
 * - `manual`: a value captured by hand per provider and period (`subject` names what it is).
 */

export const MEASURES = ['share-met', 'percentile', 'rate', 'mean', 'manual'] as const;
export type Measure = (typeof MEASURES)[number];

/** The subjects each measure accepts (`manual`: any kebab-case name). */
export const SUBJECTS: Record<Exclude<Measure, 'manual'>, readonly string[]> = {
  'share-met': ['first-response', 'next-response', 'resolution'],
  percentile: ['first-response', 'resolution'],
  rate: ['reopened'],
  mean: ['provider-handoffs', 'team-handoffs', 'satisfaction'],
};

/** Units a standard's value is expressed in. */
export const UNITS = ['share', 'business-hours', 'per-case', 'rating', 'number'] as const;
export type Unit = (typeof UNITS)[number];

/** The unit a measure's value comes in (manual: as the standard says). */
export function unitOf(measure: Measure, subject: string, declared: Unit): Unit {
  if (measure === 'share-met' || measure === 'rate') return 'share';
  if (measure === 'percentile') return 'business-hours';
  if (measure === 'mean') return subject === 'satisfaction' ? 'rating' : 'per-case';
  return declared;
}

/**
 * Whether `measure`/`subject` (and `percentile`) form a measure of the vocabulary.
 * @returns null when valid, else what is wrong.
 */
export function vocabularyProblem(measure: Measure, subject: string, percentile: number | null): string | null {
  if (measure === 'manual') return /^[a-z][a-z0-9-]{1,40}$/.test(subject) ? null : 'a manual subject is a kebab-case name';
  if (!SUBJECTS[measure].includes(subject)) return `${measure} measures one of ${SUBJECTS[measure].join(', ')}`;
  if (measure === 'percentile' && (percentile === null || !(percentile > 0 && percentile < 100)))
    return 'a percentile measure needs a percentile between 0 and 100 (50 is the median)';
  if (measure !== 'percentile' && percentile !== null) return 'only a percentile measure takes a percentile';
  return null;
}

/** Met or not: `value comparator target`; null when there is no value. */
export function meets(value: number | null, comparator: '>=' | '<=', target: number): boolean | null {
  if (value === null) return null;
  return comparator === '>=' ? value >= target - 1e-12 : value <= target + 1e-12;
}

/** Business milliseconds in one business hour. */
export const MS_PER_HOUR = 3_600_000;

// ---------------------------------------------------------------------------------------------------------
// Periods

export const GRANULARITIES = ['month', 'quarter', 'half-year', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** A period label: `2026-03`, `2026-Q1`, `2026-H1`, `2026`. */
export const PERIOD = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-H([12]))?$/;

/** Months `YYYY-MM` from `from` to `to`, both included (empty when reversed). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const end = to;
  for (let guard = 0; guard < 1200; guard++) {
    const cur = `${y}-${String(m).padStart(2, '0')}`;
    if (cur > end) break;
    out.push(cur);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** The period of `granularity` that holds month `YYYY-MM`. */
export function periodOf(month: string, granularity: Granularity): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  if (granularity === 'month') return month;
  if (granularity === 'quarter') return `${y}-Q${Math.ceil(m / 3)}`;
  if (granularity === 'half-year') return `${y}-H${m <= 6 ? 1 : 2}`;
  return String(y);
}

/** The months of a period label (`2026-Q1` -> 2026-01..2026-03). @throws Error on a bad label. */
export function monthsOf(period: string): string[] {
  const p = PERIOD.exec(period);
  if (!p) throw new Error(`${JSON.stringify(period)} is not a period (2026-03, 2026-Q1, 2026-H1 or 2026)`);
  const y = p[1] as string;
  if (p[2]) return [period];
  const span = p[3] ? [(Number(p[3]) - 1) * 3 + 1, 3] : p[4] ? [(Number(p[4]) - 1) * 6 + 1, 6] : [1, 12];
  const [start, n] = span as [number, number];
  return monthsBetween(`${y}-${String(start).padStart(2, '0')}`, `${y}-${String(start + n - 1).padStart(2, '0')}`);
}

/** Whether `s` is a month `YYYY-MM`. */
export const isMonth = (s: string) => MONTH.test(s);

/** The first and last calendar dates of a month (`2026-02` -> 2026-02-01, 2026-02-28). */
export function monthDates(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** The version of a standard in force in `month`: effective_from <= month < effective_to. */
export function inForce<T extends { effectiveFrom: string; effectiveTo: string | null }>(
  versions: readonly T[],
  month: string,
): T | undefined {
  return versions.find((v) => v.effectiveFrom <= month && (v.effectiveTo === null || month < v.effectiveTo));
}

/**
 * The p-th percentile of values with linear interpolation between closest ranks (PostgreSQL's
 * `percentile_cont(p / 100)`); null for none.
 */
export function percentileCont(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (rank - lo);
}
