/**
 * TEMPORARY stand-in for the business-time engine (minute stepping), replaced by the real engine from the
 * sla-engine branch. Same exported shapes.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export interface CalendarSpec {
  timeZone: string;
  week: Record<Weekday, Array<[string, string]>>;
  holidays?: string[];
  closures?: Array<{ from: string; to: string }>;
}
export interface VersionedCalendarSpec {
  versions: Array<{ effectiveFrom: string; spec: CalendarSpec }>;
}
export interface Interval {
  from: number;
  to: number;
}
export interface BusinessCalendar {
  isWorking(ms: number): boolean;
  nextWorkingInstant(ms: number): number;
  businessMsBetween(fromMs: number, toMs: number, pauses?: Interval[]): number;
  addBusinessMs(startMs: number, businessMs: number, pauses?: Interval[]): number;
  addBusinessDays(startMs: number, days: number, pauses?: Interval[]): number;
  workingIntervals(fromMs: number, toMs: number): Interval[];
  readonly timeZone: string;
}
const MIN = 60_000;
function parts(ms: number, tz: string) {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const o: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) o[p.type] = p.value;
  return {
    wd: (o.weekday as string).toLowerCase().slice(0, 3) as Weekday,
    date: `${o.year}-${o.month}-${o.day}`,
    hm: `${o.hour}:${o.minute}`,
  };
}
function toMin(hm: string) {
  const [h, m] = hm.split(':').map(Number);
  return (h as number) * 60 + (m as number);
}
export function compileCalendar(input: CalendarSpec | VersionedCalendarSpec): BusinessCalendar {
  const versions = 'versions' in input ? input.versions : [{ effectiveFrom: '0000-01-01', spec: input }];
  const specAt = (date: string) =>
    [...versions].reverse().find((v) => v.effectiveFrom <= date)?.spec ?? (versions[0] as { spec: CalendarSpec }).spec;
  const tz = (versions[0] as { spec: CalendarSpec }).spec.timeZone;
  const working = (ms: number): boolean => {
    const p = parts(ms, tz);
    const spec = specAt(p.date);
    if (spec.closures?.some((c) => ms >= Date.parse(c.from) && ms < Date.parse(c.to))) return false;
    const m = toMin(p.hm);
    const idx = WEEKDAYS.indexOf(p.wd);
    const prevWd = WEEKDAYS[(idx + 6) % 7] as Weekday;
    const prevDate = parts(ms - 86_400_000, tz).date;
    for (const [a, b] of spec.week[p.wd]) {
      const s = toMin(a);
      const e = toMin(b);
      if (spec.holidays?.includes(p.date)) break;
      if (e > s ? m >= s && m < e : m >= s) return true;
    }
    for (const [a, b] of spec.week[prevWd]) {
      const s = toMin(a);
      const e = toMin(b);
      if (e <= s && m < e && !spec.holidays?.includes(prevDate)) return true;
    }
    return false;
  };
  const cal: BusinessCalendar = {
    timeZone: tz,
    isWorking: working,
    nextWorkingInstant(ms) {
      let t = Math.ceil(ms / MIN) * MIN;
      for (let i = 0; i < 5e6; i++, t += MIN) if (working(t)) return Math.max(t, ms);
      throw new Error('no working time');
    },
    businessMsBetween(from, to, pauses = []) {
      let n = 0;
      for (let t = Math.floor(from / MIN) * MIN; t < to; t += MIN)
        if (working(t) && !pauses.some((p) => t >= p.from && t < p.to)) n += MIN;
      return n;
    },
    addBusinessMs(start, ms, pauses = []) {
      let left = ms;
      let t = Math.floor(start / MIN) * MIN;
      if (left <= 0) return cal.nextWorkingInstant(start);
      for (let i = 0; i < 5e6; i++, t += MIN) {
        if (working(t) && !pauses.some((p) => t >= p.from && t < p.to)) {
          left -= MIN;
          if (left <= 0) return t + MIN;
        }
      }
      throw new Error('no working time');
    },
    addBusinessDays(start, days, pauses = []) {
      return cal.addBusinessMs(start, days * 8 * 60 * MIN, pauses);
    },
    workingIntervals() {
      return [];
    },
  };
  return cal;
}
export function parseSlaTarget(iso: string): { kind: 'business-ms'; ms: number } | { kind: 'business-days'; days: number } {
  const d = /^P(\d+)D$/.exec(iso);
  if (d) return { kind: 'business-days', days: Number(d[1]) };
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(iso);
  if (!m) throw new Error(`bad target ${iso}`);
  return { kind: 'business-ms', ms: (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * MIN };
}
