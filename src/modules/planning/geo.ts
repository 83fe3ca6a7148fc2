/**
 * Geography of planning: great-circle distance between duty stations and the working-hours overlap
 * between two duty stations' calendars.
 *
 * Working-hours model (documented in docs/decisions/0011-planning-optimiser.md): every duty station works
 * 09:00-17:00 local time, Monday to Friday, in its IANA time zone (offsets, including daylight saving
 * time, are taken in the week of the reference date). The overlap of two stations is the number of
 * hours per working day (of the client entity) during which both are at work, averaged over that week:
 * 8 for the same zone, 0 when the days do not meet. It is a planning simplification: local weekends
 * (Friday-Saturday) and holidays are left to the SLA engine's business calendars.
 */

/** Mean Earth radius in km (IUGG). */
export const EARTH_RADIUS_KM = 6371.0088;

/** Hours in the standard working day (09:00-17:00). */
export const WORKING_DAY_HOURS = 8;

const DAY_START_HOUR = 9;

/**
 * Great-circle (haversine) distance in km between two points given in degrees.
 * @returns km, 0 for the same point.
 */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

const offsetCache = new Map<string, number>();

/**
 * UTC offset of `timeZone` at the instant `utcMs`, in minutes (east positive: Nairobi +180).
 * @throws RangeError for an unknown time zone.
 */
export function utcOffsetMinutes(timeZone: string, utcMs: number): number {
  const key = `${timeZone}|${Math.floor(utcMs / 3_600_000)}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const minutes = Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
  offsetCache.set(key, minutes);
  return minutes;
}

/** The Monday (UTC midnight, ms) of the ISO week holding `date` (YYYY-MM-DD). */
function mondayOf(date: string): number {
  const d = Date.parse(`${date}T00:00:00Z`);
  const dow = new Date(d).getUTCDay(); // 0 Sunday
  return d - ((dow + 6) % 7) * 86_400_000;
}

/** Working intervals [start, end) in UTC ms of a 09:00-17:00 Monday-Friday week in `timeZone`. */
function workingWeek(timeZone: string, monday: number, days: number[]): Array<[number, number]> {
  return days.map((i) => {
    const localStart = monday + i * 86_400_000 + DAY_START_HOUR * 3_600_000;
    const offset = utcOffsetMinutes(timeZone, localStart) * 60_000;
    const start = localStart - offset;
    return [start, start + WORKING_DAY_HOURS * 3_600_000];
  });
}

const overlapCache = new Map<string, number>();

/**
 * Hours per working day (0-8) during which the client's and the provider's 09:00-17:00 days overlap,
 * averaged over the client's five working days of the week holding `referenceDate` (YYYY-MM-DD). Days
 * that meet across the date line (Monday morning in Suva and Sunday afternoon in Honolulu) count only when
 * both are working days.
 * @throws RangeError for an unknown time zone.
 */
export function workingHoursOverlap(clientZone: string, providerZone: string, referenceDate: string): number {
  if (clientZone === providerZone) return WORKING_DAY_HOURS;
  const key = `${clientZone}|${providerZone}|${referenceDate}`;
  const hit = overlapCache.get(key);
  if (hit !== undefined) return hit;
  const monday = mondayOf(referenceDate);
  const client = workingWeek(clientZone, monday, [0, 1, 2, 3, 4]);
  const provider = workingWeek(providerZone, monday, [0, 1, 2, 3, 4]);
  let ms = 0;
  for (const [a0, a1] of client) {
    for (const [b0, b1] of provider) ms += Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  }
  const hours = Math.round((ms / 3_600_000 / 5) * 100) / 100;
  overlapCache.set(key, hours);
  return hours;
}
