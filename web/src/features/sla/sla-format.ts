/**
 * Presenting SLA figures: targets in words ("4 business hours", "2 business days"), business durations,
 * instants in a given IANA zone (the viewer's, the duty station's, the client's) with the zone's city and
 * offset, local dates in a zone, and the conversions the editors need (target ⇄ amount and unit, a local
 * date-time in a zone → an instant with its offset). Pure functions first, then hooks that add the UI language.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { type CalendarSpec, type CalendarVersion, type ClockState, type ReportRow, WEEKDAYS, type Weekday } from './sla.api.ts';

export const CLOCK_STATE_COLOR: Record<ClockState, string> = {
  running: 'blue',
  paused: 'yellow',
  met: 'green',
  breached: 'red',
  stopped: 'gray',
};

/** A target split into what an editor shows: an amount and a unit (minutes, hours or whole business days). */
export interface TargetParts {
  amount: number;
  unit: 'minutes' | 'hours' | 'days';
}

/**
 * Reads an SLA target (`PT4H`, `PT30M`, `PT1H30M`, `P2D`), as the server accepts them.
 * @returns null when `iso` is not such a target.
 */
export function parseTarget(iso: string): TargetParts | null {
  const d = /^P(\d+)D$/.exec(iso);
  if (d) return { amount: Number(d[1]), unit: 'days' };
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(iso);
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  const hours = Number(m[1] ?? 0);
  const minutes = Number(m[2] ?? 0);
  if (minutes === 0) return { amount: hours, unit: 'hours' };
  return { amount: hours * 60 + minutes, unit: 'minutes' };
}

/** The ISO-8601 duration of a target: `{3, hours}` → `PT3H`, `{90, minutes}` → `PT90M`, `{2, days}` → `P2D`. */
export function targetIso(p: TargetParts): string {
  if (p.unit === 'days') return `P${p.amount}D`;
  return p.unit === 'hours' ? `PT${p.amount}H` : `PT${p.amount}M`;
}

/** The last part of an IANA zone as a city: `America/Argentina/Buenos_Aires` → `Buenos Aires`. */
export function zoneCity(timeZone: string): string {
  const last = timeZone.split('/').at(-1) ?? timeZone;
  return last.replace(/_/g, ' ');
}

/** The zone's offset at an instant, e.g. `GMT+3` or `GMT-3` (`GMT` for UTC). */
export function zoneOffset(timeZone: string, at: Date, lng = 'en'): string {
  try {
    const part = new Intl.DateTimeFormat(lng, { timeZone, timeZoneName: 'shortOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName');
    return part?.value ?? '';
  } catch {
    return '';
  }
}

/** The browser's IANA zone (the viewer's). */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The local calendar date `YYYY-MM-DD` of instant `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    at,
  );
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The date `YYYY-MM-DD` `days` after `date` (calendar arithmetic, no zone). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (east positive). */
function offsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time `YYYY-MM-DDTHH:MM` in `timeZone`, written with that zone's offset
 * (`2026-12-24T13:00:00+03:00`). A time skipped by a daylight-saving change is moved forward by the gap.
 * @returns null when `local` is not such a time.
 */
export function zonedIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let ms = wall - offsetMs(wall, timeZone);
  ms = wall - offsetMs(ms, timeZone);
  const off = offsetMs(ms, timeZone) / 60_000;
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  const localIso = new Date(ms + off * 60_000).toISOString().slice(0, 19);
  return `${localIso}${sign}${hh}:${mm}`;
}

/** Every IANA zone the browser knows (for the calendar editor), with `current` first when it is unknown. */
export function timeZones(current?: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const list = all.includes('UTC') ? all : [...all, 'UTC'];
  return current && !list.includes(current) ? [current, ...list] : list;
}

/** Minutes from midnight of `HH:MM` (`24:00` → 1440). */
export function minutesOf(hm: string): number {
  const [h, m] = hm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether `v` is a window bound the server takes: `00:00` to `23:59`, or `24:00`. */
export const isHhMm = (v: string) => /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/.test(v);

/** Working minutes a window gives (a window ending at or before its start runs past midnight). */
export function windowMinutes([from, to]: [string, string]): number {
  const a = minutesOf(from);
  const b = minutesOf(to);
  return b > a ? b - a : 1440 - a + b;
}

/** A piece of a window on one day's 24-hour bar, minutes from midnight. */
export interface DayBlock {
  from: number;
  to: number;
  /** The window as written, `09:00–17:00`. */
  label: string;
  /** The part after midnight of a window that began the day before. */
  carried: boolean;
}

/**
 * The blocks of each weekday: its own windows (cut at midnight when they run past it) and the part after
 * midnight of the previous day's windows that cross it.
 */
export function dayBlocks(week: CalendarSpec['week']): Record<Weekday, DayBlock[]> {
  const out = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as DayBlock[]])) as Record<Weekday, DayBlock[]>;
  WEEKDAYS.forEach((day, i) => {
    const next = WEEKDAYS[(i + 1) % 7] as Weekday;
    for (const [a, b] of week[day] ?? []) {
      const from = minutesOf(a);
      const to = minutesOf(b);
      const label = `${a}–${b}`;
      if (to > from) out[day].push({ from, to, label, carried: false });
      else {
        out[day].push({ from, to: 1440, label, carried: false });
        if (to > 0) out[next].push({ from: 0, to, label, carried: true });
      }
    }
  });
  for (const d of WEEKDAYS) out[d].sort((x, y) => x.from - y.from);
  return out;
}

/** The version in force on local date `today` (the newest whose effective date has come), else the first. */
export function versionInForce(versions: CalendarVersion[], today: string): CalendarVersion | undefined {
  let found: CalendarVersion | undefined;
  for (const v of versions) if (v.effectiveFrom <= today) found = v;
  return found ?? versions[0];
}

/** Met share of the decided clocks, percent (null when none was decided). */
export function metPercent(r: Pick<ReportRow, 'met' | 'breached'>): number | null {
  const decided = r.met + r.breached;
  return decided === 0 ? null : Math.round((r.met / decided) * 1000) / 10;
}

/** Formats instants in the UI language: in a given zone, and as "in 3 hours" / "2 days ago". */
export function useZonedFormat() {
  const { i18n } = useTranslation();
  const lng = i18n.language;
  /** Weekday, day, month and time in `timeZone` (the year too when it is not this year). */
  const inZone = useCallback(
    (iso: string, timeZone: string) => {
      const d = new Date(iso);
      const sameYear = d.getUTCFullYear() === new Date().getUTCFullYear();
      return new Intl.DateTimeFormat(lng, {
        timeZone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        ...(sameYear ? {} : { year: 'numeric' }),
        hour: '2-digit',
        minute: '2-digit',
      }).format(d);
    },
    [lng],
  );
  const offset = useCallback((timeZone: string, iso: string) => zoneOffset(timeZone, new Date(iso), lng), [lng]);
  /** Wall-clock distance from now, e.g. "in 3 hours", "2 days ago". */
  const relative = useCallback(
    (iso: string, now = Date.now()) => {
      const diff = Date.parse(iso) - now;
      const rtf = new Intl.RelativeTimeFormat(lng, { numeric: 'auto' });
      const abs = Math.abs(diff);
      if (abs < 60 * 60_000) return rtf.format(Math.round(diff / 60_000), 'minute');
      if (abs < 48 * 60 * 60_000) return rtf.format(Math.round(diff / (60 * 60_000)), 'hour');
      return rtf.format(Math.round(diff / (24 * 60 * 60_000)), 'day');
    },
    [lng],
  );
  /** A local date `YYYY-MM-DD` with its weekday, in the UI language (no zone shift). */
  const date = useCallback(
    (ymd: string) =>
      new Intl.DateTimeFormat(lng, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(
        new Date(`${ymd}T12:00:00Z`),
      ),
    [lng],
  );
  /** A month `YYYY-MM` ("November 2026"). */
  const month = useCallback(
    (ym: string) =>
      new Intl.DateTimeFormat(lng, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(`${ym}-15T12:00:00Z`)),
    [lng],
  );
  return { inZone, offset, relative, date, month };
}

/** `target("PT4H")` → "4 business hours"; `target("P2D")` → "2 business days"; unknown shapes as written. */
export function useTargetText(): (iso: string | null) => string {
  const { t } = useTranslation();
  return useCallback(
    (iso) => {
      if (iso === null) return t('sla.target.none');
      const p = parseTarget(iso);
      if (!p) return iso;
      if (p.unit === 'days') return t('sla.target.days', { count: p.amount });
      if (p.unit === 'hours') return t('sla.target.hours', { count: p.amount });
      if (p.amount >= 60) return t('sla.target.hoursMinutes', { h: Math.floor(p.amount / 60), m: p.amount % 60 });
      return t('sla.target.minutes', { count: p.amount });
    },
    [t],
  );
}

/** Business minutes as "3 h 20 min", "45 min", "0 min". */
export function useBusinessDuration(): (minutes: number) => string {
  const { t } = useTranslation();
  return useCallback(
    (minutes: number) => {
      const m = Math.max(0, Math.floor(minutes));
      if (m < 60) return t('duration.minutes', { m });
      const h = Math.floor(m / 60);
      return m % 60 === 0 ? t('sla.duration.hours', { h }) : t('duration.hoursMinutes', { h, m: m % 60 });
    },
    [t],
  );
}

/** The label of a zone: "Nairobi (GMT+3)". */
export function useZoneLabel(): (timeZone: string, at?: string) => string {
  const { i18n } = useTranslation();
  const lng = i18n.language;
  return useCallback(
    (timeZone: string, at?: string) => {
      const off = zoneOffset(timeZone, at ? new Date(at) : new Date(), lng);
      return off ? `${zoneCity(timeZone)} (${off})` : zoneCity(timeZone);
    },
    [lng],
  );
}

/**
 * A version's note in the UI language: the notes the server writes (`N holiday(s) imported from ICS`, `default
 * working week`, `from <calendar>`: calendars.ts) are read and said again; a note typed by a person is shown as typed.
 */
export function versionNote(t: (key: string, values?: Record<string, unknown>) => string, note: string | null | undefined) {
  if (note == null) return undefined;
  const m = /^(\d+) holiday\(s\) imported from (ICS|CSV)$/.exec(note);
  if (m) return t('sla.calendar.importedNote', { count: Number(m[1]), format: m[2] });
  // the notes of the versions copied when a calendar is first stored (calendars.ts)
  if (note === 'default working week') return t('sla.calendar.defaultNote');
  const from = /^from (.+)$/.exec(note);
  return from ? t('sla.calendar.copiedNote', { name: from[1] }) : note;
}
