/**
 * The test oracle of the business-time engine: a deliberately simple, slow reference that walks minute by
 * minute and asks Intl for each minute's wall-clock time. It shares no code with the engine beyond the
 * calendar's JSON shape, so the property tests and the benchmark compare two independent readings of the
 * same rules (decision record 0009):
 *
 * - a minute is working when the wall clock in the calendar's zone shows a time inside a window of the
 *   weekday whose date the window starts on, that date is not a holiday, and the minute is not in a closure;
 * - a versioned calendar uses, at each minute, the last version whose start (the first minute its own zone's
 *   clock shows its effectiveFrom date) is not after it;
 * - due instants are the end of the minute that completes the target; days follow the day rule of
 *   {@link BusinessCalendar.addBusinessDays}.
 *
 * Inputs must be minute-aligned epoch ms (UTC); answers are epoch ms; durations in minutes.
 * Throws a plain Error when it walks more than `maxMinutes` (default three years) without an answer.
 */
import type { CalendarSpec, Interval, VersionedCalendarSpec, Weekday } from './business-calendar.ts';

const MIN = 60_000;
const DAY_MIN = 1440;
/** Longer than any working day lasts, first minute to last (48 h of wall clock plus a DST shift). */
const SPAN = 52 * 60 * MIN;
/** Memoised minutes per calendar (cleared when full): the same minutes are asked about several times. */
const MEMO_LIMIT = 2_000_000;
const WEEKDAY_OF_UTC_DAY: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface OracleVersion {
  spec: CalendarSpec;
  /** First minute this version applies (-Infinity for the first). */
  from: number;
  fmt: Intl.DateTimeFormat;
}

/** A date "YYYY-MM-DD" as a plain string, and the date before it. */
function previousDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

function weekdayOf(date: string): Weekday {
  return WEEKDAY_OF_UTC_DAY[new Date(`${date}T00:00:00Z`).getUTCDay()] as Weekday;
}

function hhmm(s: string): number {
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
}

/** The minute-stepping reference implementation over one calendar. */
export class OracleCalendar {
  private readonly versions: OracleVersion[];
  readonly maxMinutes: number;

  constructor(calendar: CalendarSpec | VersionedCalendarSpec, opts: { maxMinutes?: number } = {}) {
    this.maxMinutes = opts.maxMinutes ?? 3 * 366 * DAY_MIN;
    const list = 'versions' in calendar ? calendar.versions : [{ effectiveFrom: '1900-01-01', spec: calendar }];
    this.versions = [];
    list.forEach((v, i) => {
      const fmt = new Intl.DateTimeFormat('en-CA', {
        timeZone: v.spec.timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
      let from = Number.NEGATIVE_INFINITY;
      if (i > 0) {
        // Step minute by minute from well before the date until the zone's clock shows it.
        from = Date.parse(`${v.effectiveFrom}T00:00:00Z`) - 16 * 60 * MIN;
        while (this.wall(fmt, from).date < v.effectiveFrom) from += MIN;
      }
      this.versions.push({ spec: v.spec, from, fmt });
    });
  }

  private wall(fmt: Intl.DateTimeFormat, t: number): { date: string; minute: number } {
    const s = fmt.format(t); // "2026-03-29, 02:30"
    return { date: s.slice(0, 10), minute: Number(s.slice(12, 14)) * 60 + Number(s.slice(15, 17)) };
  }

  private versionAt(t: number): OracleVersion {
    let v = this.versions[0] as OracleVersion;
    for (const x of this.versions) if (x.from <= t) v = x;
    return v;
  }

  private readonly memo = new Map<number, string | null>();

  /** The working day ("version:YYYY-MM-DD", the date its window starts on) of minute `t`, or null. */
  dayOf(t: number): string | null {
    let d = this.memo.get(t);
    if (d === undefined) {
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      d = this.computeDayOf(t);
      this.memo.set(t, d);
    }
    return d;
  }

  private computeDayOf(t: number): string | null {
    const v = this.versionAt(t);
    const spec = v.spec;
    for (const c of spec.closures ?? []) if (t >= Date.parse(c.from) && t < Date.parse(c.to)) return null;
    const { date, minute } = this.wall(v.fmt, t);
    const holidays = spec.holidays ?? [];
    if (!holidays.includes(date)) {
      for (const [a, b] of spec.week[weekdayOf(date)] ?? []) {
        const s = hhmm(a);
        const e = hhmm(b);
        const end = e > s ? e : DAY_MIN; // a window crossing midnight covers the rest of its own day
        if (minute >= s && minute < end) return `${this.versions.indexOf(v)}:${date}`;
      }
    }
    const yesterday = previousDate(date);
    if (!holidays.includes(yesterday)) {
      for (const [a, b] of spec.week[weekdayOf(yesterday)] ?? []) {
        const s = hhmm(a);
        const e = hhmm(b);
        if (e <= s && minute < e) return `${this.versions.indexOf(v)}:${yesterday}`;
      }
    }
    return null;
  }

  isWorking(t: number): boolean {
    return this.dayOf(t) !== null;
  }

  private paused(t: number, pauses: Interval[]): boolean {
    return pauses.some((p) => t >= p.from && t < p.to);
  }

  /** Business minutes in [from, to) outside the pauses. */
  elapsedMinutes(from: number, to: number, pauses: Interval[] = []): number {
    let n = 0;
    for (let t = from; t < to; t += MIN) if (this.isWorking(t) && !this.paused(t, pauses)) n++;
    return n;
  }

  /** The instant at which `minutes` business minutes after `start` (outside the pauses) are complete. */
  dueMinutes(start: number, minutes: number, pauses: Interval[] = []): number {
    let t = start;
    if (minutes === 0) {
      while (!this.isWorking(t) || this.paused(t, pauses)) t = this.step(t, start);
      return t;
    }
    let n = 0;
    for (;;) {
      if (this.isWorking(t) && !this.paused(t, pauses)) n++;
      t = this.step(t, start);
      if (n === minutes) return t;
    }
  }

  private step(t: number, start: number): number {
    if (t - start > this.maxMinutes * MIN) throw new Error('oracle: no answer within its horizon');
    return t + MIN;
  }

  /** First minute of working day `day`, walking back from one of its minutes `t` (a day spans < 52 h). */
  private firstMinuteOf(day: string, t: number): number {
    let first = t;
    for (let u = t - MIN; u > t - SPAN; u -= MIN) if (this.dayOf(u) === day) first = u;
    return first;
  }

  /** End of working day `day` (the instant after its last minute), walking forward from its first minute. */
  private endOf(day: string, first: number): number {
    let last = first;
    for (let u = first; u < first + SPAN; u += MIN) if (this.dayOf(u) === day) last = u;
    return last + MIN;
  }

  /** The due instant of a target of `days` whole business days (the day rule; pauses push it on). */
  dueDays(start: number, days: number, pauses: Interval[] = []): number {
    if (days === 0) return this.dueMinutes(start, 0, pauses);
    let s1 = start;
    while (!this.isWorking(s1)) s1 = this.step(s1, start);
    const ownDay = this.dayOf(s1) as string;
    const ownFirst = this.firstMinuteOf(ownDay, s1);
    const position = this.elapsedMinutes(ownFirst, s1);
    // The following working days, in the order of their first minutes.
    const seen = new Set<string>([ownDay]);
    let count = 0;
    let t = ownFirst;
    let targetDay = '';
    let targetFirst = 0;
    while (count < days) {
      t = this.step(t, start);
      const d = this.dayOf(t);
      if (d === null || seen.has(d)) continue;
      seen.add(d);
      // A day that began before the start's day (only possible within one day span of it) does not follow it.
      if (t - ownFirst < SPAN && this.firstMinuteOf(d, t) < ownFirst) continue;
      count++;
      targetDay = d;
      targetFirst = t;
    }
    const targetEnd = this.endOf(targetDay, targetFirst);
    const total = this.elapsedMinutes(targetFirst, targetEnd);
    let due0: number;
    if (position >= total) due0 = targetEnd;
    else if (position === 0) due0 = targetFirst;
    else due0 = this.dueMinutes(targetFirst, position);
    if (pauses.length === 0) return due0;
    const m = this.elapsedMinutes(s1, due0);
    if (this.elapsedMinutes(start, due0, pauses) === m) return due0;
    return this.dueMinutes(start, m, pauses);
  }
}
