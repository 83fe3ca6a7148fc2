/**
 * The business-time engine of Meridian's SLA clocks (pure: no database, no HTTP).
 *
 * A calendar (the issue's JSON contract, {@link CalendarSpec}) says when a duty station works: an IANA time
 * zone, windows of wall-clock time per weekday (several a day, `24:00` as an end, a window whose end is not
 * after its start runs into the next day), whole-day holidays (local dates: the windows that START on that
 * date are removed) and partial closures (UTC instants). A {@link VersionedCalendarSpec} is a calendar edited
 * over time.
 *
 * Meaning (decision record 0009): an instant is working time when the calendar's wall clock shows a time
 * inside one of its windows, it is not in a closure, and the window's start date is not a holiday. So a part
 * of a window that falls in a spring-forward gap has no working time, and wall-clock times shown twice after
 * a fall-back are worked twice.
 *
 * Representation: compiled lazily into sorted arrays of working intervals in epoch ms (adjacent ones merged,
 * so 00:00-24:00 every day is one unbroken interval) with cumulative business-ms prefix sums; a due instant
 * is two binary searches. The arrays cover a range of local dates that grows on demand (doubling).
 *
 * Units: every instant is epoch milliseconds (UTC); every duration is business milliseconds.
 * Errors: {@link AppError} `VALIDATION_FAILED` for a malformed calendar (naming the field, e.g.
 * `week.mon[1][0]`, `holidays[3]`), an instant outside 1900-2999, or a calendar with no working time for
 * ten years after the start.
 */
import { AppError } from '../../server/errors.ts';
import { MAX_INSTANT_MS, MIN_INSTANT_MS, parseHhMm, parseInstant, parseLocalDate } from './iso-time.ts';
import { isKnownTimeZone, zoneOffsets } from './zone-offsets.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A business calendar, exactly the JSON of the SLA contract (docs/sla-contract.md). */
export interface CalendarSpec {
  /** IANA time zone, e.g. `Europe/Rome`. */
  timeZone: string;
  /** Working windows per weekday as "HH:MM" pairs; "24:00" allowed as an end; end <= start crosses midnight. */
  week: Record<Weekday, Array<[string, string]>>;
  /** Local dates YYYY-MM-DD: the windows that start on that date are removed. */
  holidays?: string[];
  /** Partial closures: ISO-8601 instants (with offset), removed from working time. */
  closures?: Array<{ from: string; to: string }>;
}

/**
 * A calendar edited over time: each version applies from the first instant its own zone's wall clock shows
 * its `effectiveFrom` date (local midnight), until the next version's; the first version also applies before
 * its date. Dates must increase.
 */
export interface VersionedCalendarSpec {
  versions: Array<{ effectiveFrom: string; spec: CalendarSpec }>;
}

/** A half-open interval of epoch ms [from, to). */
export interface Interval {
  from: number;
  to: number;
}

/** A compiled calendar. Every method is pure apart from the lazily grown cache. */
export interface BusinessCalendar {
  /** Whether `ms` is working time. */
  isWorking(ms: number): boolean;
  /** The first working instant at or after `ms` (`ms` itself if working). @throws after ten years without work. */
  nextWorkingInstant(ms: number): number;
  /** Working ms in [fromMs, toMs) minus the working ms covered by `pauses` (0 when toMs <= fromMs). */
  businessMsBetween(fromMs: number, toMs: number, pauses?: Interval[]): number;
  /**
   * The due instant: the first instant at which businessMsBetween(startMs, due, pauses) reaches `businessMs`.
   * A target of 0 answers the next working instant not covered by a pause.
   */
  addBusinessMs(startMs: number, businessMs: number, pauses?: Interval[]): number;
  /**
   * A target in whole business days: the same position within the n-th following working day (a local date
   * with working time) as the start holds in its own (business ms since that day's first working instant),
   * clamped to that day's end; a start outside working time counts from the next working instant. Pauses push
   * the due on by the business time they cover: D0 = the due without pauses, m = businessMsBetween(start, D0);
   * if the pauses cover no working time before D0 the due is D0, else addBusinessMs(start, m, pauses).
   * 0 days = addBusinessMs(start, 0, pauses).
   */
  addBusinessDays(startMs: number, days: number, pauses?: Interval[]): number;
  /** The working intervals within [fromMs, toMs), merged, ascending. */
  workingIntervals(fromMs: number, toMs: number): Interval[];
  /** The calendar's zone (of its latest version). */
  readonly timeZone: string;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How long the engine looks for working time before it gives up: ten years. */
export const NO_WORKING_TIME_HORIZON_MS = 3653 * DAY;
const MAX_WINDOWS_PER_DAY = 48;
const MAX_LIST = 20_000;
const MAX_VERSIONS = 1_000;

// ---------------------------------------------------------------------------------------------------------
// Validation

/** One problem in a calendar: where (path segments) and what. */
export interface SpecIssue {
  path: Array<string | number>;
  message: string;
}

/** `['week','mon',1,0]` -> `week.mon[1][0]`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

/** A window in minutes from its start date's midnight: 0 <= startMin < endMin <= startMin + 1440. */
interface WindowMin {
  startMin: number;
  endMin: number;
}

/** A validated version, ready to compile. */
interface Version {
  timeZone: string;
  /** Local date (days since 1970-01-01) from which it applies; null for the first. */
  effectiveDay: number | null;
  /** Windows per weekday, index 0 = Monday, ascending. */
  week: WindowMin[][];
  holidays: Set<number>;
  /** Closures, merged, ascending, flattened [from0, to0, from1, to1, ...]. */
  closures: number[];
  /** First UTC instant it applies (-Infinity for the first version). */
  boundary: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SPEC_KEYS = ['timeZone', 'week', 'holidays', 'closures'];

function checkSpec(
  spec: unknown,
  at: Array<string | number>,
  issues: SpecIssue[],
): Omit<Version, 'effectiveDay' | 'boundary'> | null {
  const start = issues.length;
  if (!isPlainObject(spec)) {
    issues.push({ path: at, message: 'must be an object with timeZone and week' });
    return null;
  }
  for (const k of Object.keys(spec)) {
    if (!SPEC_KEYS.includes(k)) issues.push({ path: [...at, k], message: `unknown field (expected ${SPEC_KEYS.join(', ')})` });
  }
  const timeZone = spec.timeZone;
  if (typeof timeZone !== 'string' || !isKnownTimeZone(timeZone)) {
    issues.push({
      path: [...at, 'timeZone'],
      message:
        typeof timeZone === 'string'
          ? `"${timeZone}" is not a known IANA time zone (e.g. Europe/Rome)`
          : 'required: an IANA time zone',
    });
  }
  const week: WindowMin[][] = WEEKDAYS.map(() => []);
  // Every window in minutes of the week (Monday 00:00 = 0), for the overlap check.
  const all: Array<{ from: number; to: number; path: Array<string | number> }> = [];
  if (!isPlainObject(spec.week)) {
    issues.push({
      path: [...at, 'week'],
      message: 'required: an object with mon..sun, each a list of ["HH:MM","HH:MM"] windows',
    });
  } else {
    for (const [key, list] of Object.entries(spec.week)) {
      const d = (WEEKDAYS as readonly string[]).indexOf(key);
      if (d < 0) {
        issues.push({ path: [...at, 'week', key], message: `unknown weekday (expected ${WEEKDAYS.join(', ')})` });
        continue;
      }
      if (!Array.isArray(list)) {
        issues.push({ path: [...at, 'week', key], message: 'must be a list of ["HH:MM","HH:MM"] windows' });
        continue;
      }
      if (list.length > MAX_WINDOWS_PER_DAY) {
        issues.push({ path: [...at, 'week', key], message: `at most ${MAX_WINDOWS_PER_DAY} windows a day` });
        continue;
      }
      list.forEach((w: unknown, i) => {
        const p = [...at, 'week', key, i];
        if (!Array.isArray(w) || w.length !== 2) {
          issues.push({ path: p, message: 'must be a pair ["HH:MM","HH:MM"]' });
          return;
        }
        const s = parseHhMm(w[0], false);
        const e = parseHhMm(w[1], true);
        if (typeof s === 'string') issues.push({ path: [...p, 0], message: s });
        if (typeof e === 'string') issues.push({ path: [...p, 1], message: e });
        if (typeof s === 'string' || typeof e === 'string') return;
        const win = { startMin: s, endMin: e > s ? e : e + 1440 };
        week[d]?.push(win);
        all.push({ from: d * 1440 + win.startMin, to: d * 1440 + win.endMin, path: p });
      });
    }
    for (const w of week) w.sort((a, b) => a.startMin - b.startMin);
    // Overlaps after expansion, around the week (Sunday's late window may run into Monday).
    const doubled = [...all, ...all.map((w) => ({ ...w, from: w.from + 7 * 1440, to: w.to + 7 * 1440 }))].sort(
      (a, b) => a.from - b.from,
    );
    const seen = new Set<string>();
    for (let i = 1; i < doubled.length; i++) {
      const prev = doubled[i - 1] as (typeof doubled)[number];
      const cur = doubled[i] as (typeof doubled)[number];
      if (cur.from < prev.to) {
        const a = formatPath(prev.path.slice(at.length));
        const b = formatPath(cur.path.slice(at.length));
        const key = [a, b].sort().join('|');
        if (seen.has(key)) continue;
        seen.add(key);
        issues.push({ path: cur.path, message: `overlaps ${a} (windows of one calendar may touch but not overlap)` });
      }
    }
  }
  const holidays = new Set<number>();
  if (spec.holidays !== undefined) {
    if (!Array.isArray(spec.holidays) || spec.holidays.length > MAX_LIST) {
      issues.push({ path: [...at, 'holidays'], message: `must be a list of at most ${MAX_LIST} dates YYYY-MM-DD` });
    } else {
      spec.holidays.forEach((h: unknown, i) => {
        const d = parseLocalDate(h);
        if (typeof d === 'string') issues.push({ path: [...at, 'holidays', i], message: d });
        else holidays.add(d);
      });
    }
  }
  const closures: Array<[number, number]> = [];
  if (spec.closures !== undefined) {
    if (!Array.isArray(spec.closures) || spec.closures.length > MAX_LIST) {
      issues.push({ path: [...at, 'closures'], message: `must be a list of at most ${MAX_LIST} {from, to} instants` });
    } else {
      spec.closures.forEach((c: unknown, i) => {
        const p = [...at, 'closures', i];
        if (!isPlainObject(c)) {
          issues.push({ path: p, message: 'must be an object {from, to} of ISO-8601 instants' });
          return;
        }
        for (const k of Object.keys(c)) {
          if (k !== 'from' && k !== 'to') issues.push({ path: [...p, k], message: 'unknown field (expected from, to)' });
        }
        const f = parseInstant(c.from);
        const t = parseInstant(c.to);
        if (typeof f === 'string') issues.push({ path: [...p, 'from'], message: f });
        if (typeof t === 'string') issues.push({ path: [...p, 'to'], message: t });
        if (typeof f === 'number' && typeof t === 'number') {
          if (t <= f) issues.push({ path: [...p, 'to'], message: 'must be after from' });
          else closures.push([f, t]);
        }
      });
    }
  }
  if (issues.length > start) return null;
  return { timeZone: timeZone as string, week, holidays, closures: mergeIntervals(closures) };
}

/** Sorts and merges [from, to) pairs (overlapping or touching) into a flattened ascending list. */
function mergeIntervals(list: Array<[number, number]>): number[] {
  const sorted = list.filter(([f, t]) => t > f).sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [f, t] of sorted) {
    const n = out.length;
    if (n && f <= (out[n - 1] as number)) out[n - 1] = Math.max(out[n - 1] as number, t);
    else out.push(f, t);
  }
  return out;
}

/** Validates a calendar (plain or versioned) from untrusted JSON; returns its versions or the issues. */
function checkCalendar(input: unknown): { versions: Version[]; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const versions: Version[] = [];
  if (isPlainObject(input) && 'versions' in input) {
    for (const k of Object.keys(input)) {
      if (k !== 'versions') issues.push({ path: [k], message: 'unknown field (a versioned calendar has only versions)' });
    }
    const list = input.versions;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_VERSIONS) {
      issues.push({ path: ['versions'], message: `must be a list of 1 to ${MAX_VERSIONS} {effectiveFrom, spec}` });
      return { versions, issues };
    }
    let prevDay: number | null = null;
    list.forEach((v: unknown, i) => {
      if (!isPlainObject(v)) {
        issues.push({ path: ['versions', i], message: 'must be an object {effectiveFrom, spec}' });
        return;
      }
      for (const k of Object.keys(v)) {
        if (k !== 'effectiveFrom' && k !== 'spec')
          issues.push({ path: ['versions', i, k], message: 'unknown field (expected effectiveFrom, spec)' });
      }
      const day = parseLocalDate(v.effectiveFrom);
      if (typeof day === 'string') issues.push({ path: ['versions', i, 'effectiveFrom'], message: day });
      else if (prevDay !== null && day <= prevDay)
        issues.push({ path: ['versions', i, 'effectiveFrom'], message: `must be after versions[${i - 1}].effectiveFrom` });
      const spec = checkSpec(v.spec, ['versions', i, 'spec'], issues);
      if (typeof day === 'number') prevDay = day;
      if (spec && typeof day === 'number') versions.push({ ...spec, effectiveDay: i === 0 ? null : day, boundary: 0 });
    });
  } else {
    const spec = checkSpec(input, [], issues);
    if (spec) versions.push({ ...spec, effectiveDay: null, boundary: Number.NEGATIVE_INFINITY });
  }
  if (issues.length) return { versions: [], issues };
  // Each version starts at the first instant its zone's clock shows its date; those instants must increase.
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i] as Version;
    v.boundary =
      v.effectiveDay === null ? Number.NEGATIVE_INFINITY : zoneOffsets(v.timeZone).firstInstantAtOrAfter(v.effectiveDay * DAY);
    const prev = versions[i - 1];
    if (prev && v.boundary <= prev.boundary)
      issues.push({
        path: ['versions', i, 'effectiveFrom'],
        message: `starts (in ${v.timeZone}) no later than versions[${i - 1}] starts (in ${prev.timeZone})`,
      });
  }
  return { versions: issues.length ? [] : versions, issues };
}

/** The problems of a calendar (plain or versioned) given as untrusted JSON; empty when it compiles. */
export function calendarIssues(input: unknown): SpecIssue[] {
  return checkCalendar(input).issues;
}

/**
 * Validates and compiles a calendar. Compilation of working intervals is lazy (on first use, per range).
 * @throws AppError VALIDATION_FAILED naming each bad field (`week.mon[1][0]`, `holidays[3]`, `closures[0].to`).
 */
export function compileCalendar(spec: CalendarSpec | VersionedCalendarSpec): BusinessCalendar {
  const { versions, issues } = checkCalendar(spec);
  if (issues.length) {
    const fields = issues.map((i) => ({ field: formatPath(i.path) || 'calendar', message: i.message }));
    throw new AppError(
      'VALIDATION_FAILED',
      `Invalid calendar: ${fields
        .slice(0, 5)
        .map((f) => `${f.field}: ${f.message}`)
        .join('; ')}${fields.length > 5 ? ` (and ${fields.length - 5} more)` : ''}`,
      { issues: fields },
    );
  }
  return new CompiledCalendar(versions);
}

// ---------------------------------------------------------------------------------------------------------
// Compiled calendar

/** First index i in [0, n) with a[i] > x (n when none). */
function upper(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i in [0, n) with a[i] >= x (n when none). */
function lower(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function checkInstant(ms: number, what: string): void {
  if (!Number.isFinite(ms) || ms < MIN_INSTANT_MS || ms >= MAX_INSTANT_MS)
    throw new AppError('VALIDATION_FAILED', `${what} must be an instant in the years 1900-2999 (epoch ms), got ${ms}`, {
      issues: [{ field: what, message: 'outside the years 1900-2999' }],
    });
}

/** The error for a due instant that cannot be found: ten years without working time, or past the year 2999. */
function noWorkingTime(fromMs: number, why: 'ten-years' | 'year-3000' | 'pauses'): AppError {
  const after = new Date(fromMs).toISOString();
  const message =
    why === 'ten-years'
      ? `The calendar has no working time for ten years after ${after}: no due instant can be computed`
      : why === 'pauses'
        ? `A pause never ends (or ends after the year 2999): no due instant after ${after} can be computed`
        : `The due instant from ${after} would fall after the year 2999: no due instant can be computed`;
  return new AppError('VALIDATION_FAILED', message, {
    issues: [
      { field: why === 'pauses' ? 'pauses' : 'calendar', message: message.slice(0, message.lastIndexOf(': no due instant')) },
    ],
  });
}

/** Merged, ascending pauses as a flattened list, or null when there are none. */
function normalizePauses(pauses: Interval[] | undefined): number[] | null {
  if (!pauses || pauses.length === 0) return null;
  const list: Array<[number, number]> = [];
  for (const p of pauses) {
    if (Number.isNaN(p.from) || Number.isNaN(p.to))
      throw new AppError('VALIDATION_FAILED', 'A pause has a bound that is not a number');
    if (p.to > p.from) list.push([p.from, p.to]);
  }
  const merged = mergeIntervals(list);
  return merged.length ? merged : null;
}

const DAY_MIN = Math.floor(MIN_INSTANT_MS / DAY) - 8;
const DAY_MAX = Math.ceil(MAX_INSTANT_MS / DAY) + 8;

class CompiledCalendar implements BusinessCalendar {
  readonly timeZone: string;
  private readonly versions: Version[];

  /** Local dates generated: [dLo, dHi) (days since 1970-01-01); intervals are exact in UTC [covLo, covHi). */
  private dLo = 0;
  private dHi = 0;
  private covLo = 0;
  private covHi = 0;
  /** Merged working intervals and prefix sums: cumStart[i] = business ms in [covLo, starts[i]). */
  private n = 0;
  private starts = new Float64Array(0);
  private ends = new Float64Array(0);
  private cumStart = new Float64Array(0);
  private cumEnd = new Float64Array(0);
  /** Unmerged intervals (one window's part each), ascending, with the index of their working day (or -1). */
  private rn = 0;
  private rStart = new Float64Array(0);
  private rDay = new Int32Array(0);
  /** Complete working days (local dates with working time), ascending by first working instant. */
  private nDays = 0;
  private dFirst = new Float64Array(0);
  private dEnd = new Float64Array(0);

  constructor(versions: Version[]) {
    this.versions = versions;
    this.timeZone = (versions[versions.length - 1] as Version).timeZone;
  }

  /** Makes the compiled range cover the UTC range [lo, hi), growing it by at least its own size. */
  private ensure(lo: number, hi: number): void {
    if (this.dHi > this.dLo && lo >= this.covLo && hi <= this.covHi) return;
    let nLo = Math.floor(lo / DAY) - 4;
    let nHi = Math.ceil(hi / DAY) + 3;
    if (this.dHi > this.dLo) {
      const span = this.dHi - this.dLo;
      if (nLo < this.dLo) nLo = Math.min(nLo, this.dLo - (span >> 1));
      else nLo = this.dLo;
      if (nHi > this.dHi) nHi = Math.max(nHi, this.dHi + span);
      else nHi = this.dHi;
    } else {
      nLo -= 30;
      nHi += 400;
    }
    this.build(Math.max(nLo, DAY_MIN), Math.min(nHi, DAY_MAX));
  }

  /** Compiles the local dates [dLo, dHi) of every version into the arrays. */
  private build(dLo: number, dHi: number): void {
    const covLo = (dLo + 3) * DAY;
    const covHi = (dHi - 2) * DAY;
    const rawS: number[] = [];
    const rawE: number[] = [];
    const rawKey: number[] = [];
    const keyComplete: boolean[] = [];
    const pieces: number[] = [];
    const versions = this.versions;
    for (let vi = 0; vi < versions.length; vi++) {
      const v = versions[vi] as Version;
      const next = versions[vi + 1];
      const vLo = Math.max(covLo, v.boundary);
      const vHi = Math.min(covHi, next ? next.boundary : Number.POSITIVE_INFINITY);
      if (vLo >= vHi) continue;
      const zone = zoneOffsets(v.timeZone);
      const cl = v.closures;
      const d0 = Math.max(dLo, Math.floor(vLo / DAY) - 2);
      const d1 = Math.min(dHi - 1, Math.ceil(vHi / DAY) + 1);
      for (let d = d0; d <= d1; d++) {
        if (v.holidays.has(d)) continue;
        const wins = v.week[(((d + 3) % 7) + 7) % 7] as WindowMin[];
        if (wins.length === 0) continue;
        let key = -1;
        for (const w of wins) {
          pieces.length = 0;
          zone.preimage(d * DAY + w.startMin * MINUTE, d * DAY + w.endMin * MINUTE, pieces);
          for (let k = 0; k < pieces.length; k += 2) {
            let a = Math.max(pieces[k] as number, vLo);
            const b = Math.min(pieces[k + 1] as number, vHi);
            if (a >= b) continue;
            // Subtract closures.
            let c = 0;
            if (cl.length) {
              let lo = 0;
              let hi = cl.length >> 1;
              while (lo < hi) {
                const mid = (lo + hi) >>> 1;
                if ((cl[2 * mid + 1] as number) <= a) lo = mid + 1;
                else hi = mid;
              }
              c = lo;
            }
            for (; 2 * c < cl.length && (cl[2 * c] as number) < b; c++) {
              const cf = cl[2 * c] as number;
              const ct = cl[2 * c + 1] as number;
              if (cf > a) {
                if (key < 0) {
                  key = keyComplete.length;
                  keyComplete.push(d >= dLo + 4 && d <= dHi - 5);
                }
                rawS.push(a);
                rawE.push(cf);
                rawKey.push(key);
              }
              if (ct > a) a = ct;
            }
            if (a < b) {
              if (key < 0) {
                key = keyComplete.length;
                keyComplete.push(d >= dLo + 4 && d <= dHi - 5);
              }
              rawS.push(a);
              rawE.push(b);
              rawKey.push(key);
            }
          }
        }
      }
    }
    // Sort the raw intervals by start (they are disjoint: each instant shows one wall-clock time).
    const rn = rawS.length;
    const order = Array.from({ length: rn }, (_, i) => i);
    let sorted = true;
    for (let i = 1; i < rn && sorted; i++) if ((rawS[i] as number) < (rawS[i - 1] as number)) sorted = false;
    if (!sorted) order.sort((x, y) => (rawS[x] as number) - (rawS[y] as number));
    // Working days: first and last instant per key, complete keys only, ascending by first instant.
    const nKeys = keyComplete.length;
    const kFirst = new Float64Array(nKeys).fill(Number.POSITIVE_INFINITY);
    const kEnd = new Float64Array(nKeys).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < rn; i++) {
      const k = rawKey[i] as number;
      if ((rawS[i] as number) < (kFirst[k] as number)) kFirst[k] = rawS[i] as number;
      if ((rawE[i] as number) > (kEnd[k] as number)) kEnd[k] = rawE[i] as number;
    }
    const dayKeys: number[] = [];
    for (let k = 0; k < nKeys; k++) if (keyComplete[k]) dayKeys.push(k);
    dayKeys.sort((x, y) => (kFirst[x] as number) - (kFirst[y] as number));
    const dayOfKey = new Int32Array(nKeys).fill(-1);
    const nDays = dayKeys.length;
    const dFirst = new Float64Array(nDays);
    const dEnd = new Float64Array(nDays);
    dayKeys.forEach((k, i) => {
      dayOfKey[k] = i;
      dFirst[i] = kFirst[k] as number;
      dEnd[i] = kEnd[k] as number;
    });
    const rStart = new Float64Array(rn);
    const rDay = new Int32Array(rn);
    const starts = new Float64Array(rn);
    const ends = new Float64Array(rn);
    let n = 0;
    for (let j = 0; j < rn; j++) {
      const i = order[j] as number;
      const s = rawS[i] as number;
      const e = rawE[i] as number;
      rStart[j] = s;
      rDay[j] = dayOfKey[rawKey[i] as number] as number;
      if (n > 0 && s <= (ends[n - 1] as number)) {
        if (e > (ends[n - 1] as number)) ends[n - 1] = e;
      } else {
        starts[n] = s;
        ends[n] = e;
        n++;
      }
    }
    const cumStart = new Float64Array(n);
    const cumEnd = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      cumStart[i] = acc;
      acc += (ends[i] as number) - (starts[i] as number);
      cumEnd[i] = acc;
    }
    this.dLo = dLo;
    this.dHi = dHi;
    this.covLo = covLo;
    this.covHi = covHi;
    this.n = n;
    this.starts = starts.subarray(0, n);
    this.ends = ends.subarray(0, n);
    this.cumStart = cumStart;
    this.cumEnd = cumEnd;
    this.rn = rn;
    this.rStart = rStart;
    this.rDay = rDay;
    this.nDays = nDays;
    this.dFirst = dFirst;
    this.dEnd = dEnd;
  }

  /** Business ms in [covLo, x) (x within coverage). */
  private cum(x: number): number {
    const i = upper(this.starts, this.n, x) - 1;
    if (i < 0) return 0;
    const s = this.starts[i] as number;
    const len = (this.ends[i] as number) - s;
    const d = x - s;
    return (this.cumStart[i] as number) + Math.min(d, len);
  }

  /** The first instant at which the cumulative business time reaches `goal` (> 0), or NaN beyond coverage. */
  private instantOfCum(goal: number): number {
    const j = lower(this.cumEnd, this.n, goal);
    if (j >= this.n) return Number.NaN;
    return (this.starts[j] as number) + (goal - (this.cumStart[j] as number));
  }

  /** Grows the range forward from `fromMs`, or throws when ten years of it hold no working time. */
  private growForward(fromMs: number, lastWorkMs: number): void {
    if (this.covHi - Math.max(fromMs, lastWorkMs) > NO_WORKING_TIME_HORIZON_MS) throw noWorkingTime(fromMs, 'ten-years');
    if (this.dHi >= DAY_MAX) throw noWorkingTime(fromMs, 'year-3000');
    this.ensure(fromMs, this.covHi + DAY);
  }

  isWorking(ms: number): boolean {
    checkInstant(ms, 'instant');
    this.ensure(ms, ms + 1);
    const i = upper(this.starts, this.n, ms) - 1;
    return i >= 0 && ms < (this.ends[i] as number);
  }

  nextWorkingInstant(ms: number): number {
    checkInstant(ms, 'instant');
    this.ensure(ms, ms + 1);
    for (;;) {
      const i = upper(this.ends, this.n, ms);
      if (i < this.n) {
        const s = this.starts[i] as number;
        return Math.max(s, ms);
      }
      this.growForward(ms, ms);
    }
  }

  businessMsBetween(fromMs: number, toMs: number, pauses?: Interval[]): number {
    checkInstant(fromMs, 'from');
    checkInstant(toMs, 'to');
    if (!(toMs > fromMs)) return 0;
    this.ensure(fromMs, toMs);
    let w = this.cum(toMs) - this.cum(fromMs);
    const p = normalizePauses(pauses);
    if (p) {
      for (let k = 0; k < p.length; k += 2) {
        const a = Math.max(p[k] as number, fromMs);
        const b = Math.min(p[k + 1] as number, toMs);
        if (a < b) w -= this.cum(b) - this.cum(a);
      }
    }
    return w;
  }

  /** The first instant at which business time since `startMs` reaches `target` (> 0), no pauses. */
  private addPlain(startMs: number, target: number): number {
    this.ensure(startMs, startMs + 1);
    for (;;) {
      const due = this.instantOfCum(this.cum(startMs) + target);
      if (!Number.isNaN(due)) return due;
      const lastWork = this.n ? (this.ends[this.n - 1] as number) : startMs;
      this.growForward(startMs, lastWork);
    }
  }

  /** The first working instant at or after `ms` not covered by a pause (`p` merged, flattened). */
  private nextEffective(ms: number, p: number[] | null): number {
    let x = this.nextWorkingInstant(ms);
    if (!p) return x;
    for (let k = 0; k < p.length; k += 2) {
      const a = p[k] as number;
      const b = p[k + 1] as number;
      if (b <= x) continue;
      if (a > x) break;
      if (b >= MAX_INSTANT_MS) throw noWorkingTime(ms, 'pauses');
      x = this.nextWorkingInstant(b);
    }
    return x;
  }

  addBusinessMs(startMs: number, businessMs: number, pauses?: Interval[]): number {
    checkInstant(startMs, 'start');
    if (!Number.isFinite(businessMs) || businessMs < 0)
      throw new AppError('VALIDATION_FAILED', `The business time to add must be a non-negative number of ms, got ${businessMs}`, {
        issues: [{ field: 'target', message: 'must be a non-negative duration' }],
      });
    const p = normalizePauses(pauses);
    if (businessMs === 0) return this.nextEffective(startMs, p);
    if (!p) return this.addPlain(startMs, businessMs);
    // Walk the pauses in order: the business time between them counts, the time inside them does not.
    let pos = startMs;
    let remaining = businessMs;
    for (let k = 0; k < p.length; k += 2) {
      const a = p[k] as number;
      const b = p[k + 1] as number;
      if (b <= pos) continue;
      if (a > pos) {
        const due = this.addPlain(pos, remaining);
        if (due <= a) return due;
        // The compiled range now reaches past `a`: count the business time before the pause.
        remaining -= this.cum(a) - this.cum(pos);
      }
      if (b >= MAX_INSTANT_MS) throw noWorkingTime(startMs, 'pauses');
      pos = b;
    }
    return this.addPlain(pos, remaining);
  }

  addBusinessDays(startMs: number, days: number, pauses?: Interval[]): number {
    checkInstant(startMs, 'start');
    if (!Number.isInteger(days) || days < 0)
      throw new AppError('VALIDATION_FAILED', `The number of business days must be a whole number >= 0, got ${days}`, {
        issues: [{ field: 'target', message: 'must be a whole number of days' }],
      });
    if (days === 0) return this.addBusinessMs(startMs, 0, pauses);
    const s1 = this.nextWorkingInstant(startMs);
    let due0: number;
    for (;;) {
      this.ensure(s1 - 5 * DAY, s1 + 5 * DAY);
      const k = this.rDay[upper(this.rStart, this.rn, s1) - 1] as number;
      if (k < 0) throw new Error(`internal: working day of ${s1} not compiled`);
      const t = k + days;
      if (t < this.nDays) {
        const f2 = this.dFirst[t] as number;
        const e2 = this.dEnd[t] as number;
        const p = this.cum(s1) - this.cum(this.dFirst[k] as number);
        const total = this.cum(e2) - this.cum(f2);
        due0 = p >= total ? e2 : p === 0 ? f2 : this.instantOfCum(this.cum(f2) + p);
        break;
      }
      this.growForward(s1, this.nDays ? (this.dFirst[this.nDays - 1] as number) : s1);
    }
    const p = normalizePauses(pauses);
    if (!p) return due0;
    const m = this.businessMsBetween(s1, due0);
    if (this.businessMsBetween(startMs, due0, pauses) === m) return due0;
    return this.addBusinessMs(startMs, m, pauses);
  }

  workingIntervals(fromMs: number, toMs: number): Interval[] {
    checkInstant(fromMs, 'from');
    checkInstant(toMs, 'to');
    const out: Interval[] = [];
    if (!(toMs > fromMs)) return out;
    this.ensure(fromMs, toMs);
    for (let i = upper(this.ends, this.n, fromMs); i < this.n && (this.starts[i] as number) < toMs; i++) {
      out.push({ from: Math.max(this.starts[i] as number, fromMs), to: Math.min(this.ends[i] as number, toMs) });
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Targets

/** A parsed SLA target: business time in ms, or whole business days. */
export type SlaTarget = { kind: 'business-ms'; ms: number } | { kind: 'business-days'; days: number };

const TARGET_RE = /^P(?:(\d{1,5})D|T(?:(\d{1,6})H)?(?:(\d{1,8})M)?(?:(\d{1,10})S)?)$/;

/**
 * Parses an SLA target, an ISO-8601 duration of business time (`PT2H`, `PT30M`, `PT1H30M`, `PT45S`) or of whole
 * business days (`P1D`, `P3D`). Days and time cannot be mixed (`P1DT2H`); weeks, months, years and fractions
 * are refused.
 * @throws AppError VALIDATION_FAILED (field `target`) on anything else.
 */
export function parseSlaTarget(iso: string): SlaTarget {
  const fail = (why: string): never => {
    throw new AppError('VALIDATION_FAILED', `target "${iso}" ${why}`, { issues: [{ field: 'target', message: why }] });
  };
  if (typeof iso !== 'string') return fail('must be an ISO-8601 duration string such as PT2H or P1D');
  const m = TARGET_RE.exec(iso);
  if (!m || iso === 'PT') {
    if (/^P\d+DT/.test(iso))
      return fail('mixes days and time: a target is whole business days (P1D) or business time (PT2H30M), not both');
    return fail(
      'is not a supported ISO-8601 duration: use business time PT#H#M#S (PT2H, PT30M, PT1H30M) or whole days P#D (P1D)',
    );
  }
  if (m[1] !== undefined) {
    const days = Number(m[1]);
    if (days > 3660) fail('is more than 3,660 business days');
    return { kind: 'business-days', days };
  }
  const ms = (Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 1000;
  if (ms > 87_840 * 3_600_000) fail('is more than ten years of business time');
  return { kind: 'business-ms', ms };
}

/** The due instant of a parsed target from `startMs` on `calendar` (epoch ms). */
export function dueOf(calendar: BusinessCalendar, startMs: number, target: SlaTarget, pauses?: Interval[]): number {
  return target.kind === 'business-days'
    ? calendar.addBusinessDays(startMs, target.days, pauses)
    : calendar.addBusinessMs(startMs, target.ms, pauses);
}
