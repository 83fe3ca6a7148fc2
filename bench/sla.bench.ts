/**
 * SLA clock engine (issue 5): due instants for 1,000,000 (start, target, calendar) triples over 200 generated
 * calendars (30 zones of duty stations, most with daylight saving; holidays, closures, lunch breaks, night
 * windows crossing midnight, Sunday-Thursday weeks, 24x7), on one core. Then the minute-stepping oracle on a
 * sample of the triples: its rate, the ratio, and a check that every answer is identical.
 * Run: npx tsx bench/sla.bench.ts [--triples 1000000] [--sample 2000]
 * Exits 1 when an answer differs from the oracle's.
 */

import { OracleCalendar } from '../src/modules/sla/business-calendar.oracle.ts';
import {
  type BusinessCalendar,
  type CalendarSpec,
  compileCalendar,
  WEEKDAYS,
  type Weekday,
} from '../src/modules/sla/business-calendar.ts';
import { machine } from './machine.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const TRIPLES = arg('triples', 1_000_000);
const SAMPLE = arg('sample', 2_000);
const CALENDARS = 200;

/** Deterministic PRNG (mulberry32), so every run measures the same work. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20261129);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const ZONES = [
  'Europe/Rome',
  'Europe/Madrid',
  'Europe/Vienna',
  'Europe/Zurich',
  'America/New_York',
  'America/Santiago',
  'America/Bogota',
  'America/Port-au-Prince',
  'America/Mexico_City',
  'America/Sao_Paulo',
  'Pacific/Auckland',
  'Australia/Lord_Howe',
  'Australia/Sydney',
  'Asia/Kabul',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Kuwait',
  'Asia/Beirut',
  'Asia/Jerusalem',
  'Asia/Amman',
  'Asia/Tehran',
  'Africa/Nairobi',
  'Africa/Kampala',
  'Africa/Juba',
  'Africa/Bangui',
  'Africa/Casablanca',
  'Africa/Cairo',
  'Asia/Bangkok',
  'America/Havana',
  'UTC',
];
const SUN_THU = new Set(['Asia/Kuwait', 'Africa/Cairo', 'Asia/Jerusalem']);

type Windows = Array<[string, string]>;
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function makeCalendar(): CalendarSpec {
  const timeZone = pick(ZONES);
  const shape = rand();
  let day: Windows;
  if (shape < 0.5) {
    const open = int(28, 40) * 15; // 07:00-10:00
    const lunch = open + int(12, 20) * 15;
    day = [
      [hhmm(open), hhmm(lunch)],
      [hhmm(lunch + int(2, 4) * 15), hhmm(Math.min(lunch + int(16, 24) * 15, 1440))],
    ];
  } else if (shape < 0.75) {
    day = [[hhmm(int(28, 40) * 15), hhmm(int(64, 76) * 15)]];
  } else if (shape < 0.9) {
    day = [
      ['06:00', '14:00'],
      [hhmm(int(80, 88) * 15), hhmm(int(4, 12) * 15)], // a night window crossing midnight
    ];
  } else {
    day = [['00:00', '24:00']];
  }
  const allWeek = day[0]?.[1] === '24:00' && day[0]?.[0] === '00:00';
  const workdays: Weekday[] = allWeek
    ? [...WEEKDAYS]
    : SUN_THU.has(timeZone)
      ? ['sun', 'mon', 'tue', 'wed', 'thu']
      : ['mon', 'tue', 'wed', 'thu', 'fri'];
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, workdays.includes(d) ? day : []])) as Record<Weekday, Windows>;
  const holidays = new Set<string>();
  for (let y = 2025; y <= 2027; y++) {
    for (let i = 0; i < 12; i++)
      holidays.add(`${y}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`);
  }
  const closures = Array.from({ length: int(0, 4) }, () => {
    const from = Date.UTC(2025, 6, 1) + int(0, 700) * 86_400_000 + int(0, 95) * 900_000;
    return { from: new Date(from).toISOString(), to: new Date(from + int(4, 32) * 900_000).toISOString() };
  });
  return { timeZone, week, holidays: [...holidays].sort(), closures };
}

const specs = Array.from({ length: CALENDARS }, makeCalendar);
const zonesUsed = new Set(specs.map((s) => s.timeZone)).size;

// The triples: calendar, minute-aligned start over two years (spanning four DST seasons), target.
const FROM = Date.UTC(2025, 6, 1);
const calOf = new Int32Array(TRIPLES);
const startOf = new Float64Array(TRIPLES);
const targetOf = new Float64Array(TRIPLES); // business ms, or -days for day targets
for (let i = 0; i < TRIPLES; i++) {
  calOf[i] = int(0, CALENDARS - 1);
  startOf[i] = FROM + int(0, 2 * 365 * 1440) * 60_000;
  targetOf[i] = rand() < 0.8 ? pick([15, 30, 60, 120, 240, 480, 960, 1440, 2400]) * 60_000 : -int(1, 5);
}

function due(cal: BusinessCalendar, i: number): number {
  const t = targetOf[i] as number;
  return t >= 0 ? cal.addBusinessMs(startOf[i] as number, t) : cal.addBusinessDays(startOf[i] as number, -t);
}

// Cold pass: compile the calendars and compute every due instant (the lazy compilation happens here).
const answers = new Float64Array(TRIPLES);
/** CPU time of this process (user + system), ms: the machine may be shared, so rates are per CPU second. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let c0 = cpu();
let t0 = performance.now();
const calendars = specs.map((s) => compileCalendar(s));
for (let i = 0; i < TRIPLES; i++) answers[i] = due(calendars[calOf[i] as number] as BusinessCalendar, i);
const coldMs = performance.now() - t0;
const coldCpu = cpu() - c0;

// Warm passes: best of three.
let warmMs = Number.POSITIVE_INFINITY;
let warmCpu = Number.POSITIVE_INFINITY;
let checksum = 0;
for (let round = 0; round < 3; round++) {
  c0 = cpu();
  t0 = performance.now();
  for (let i = 0; i < TRIPLES; i++)
    checksum += due(calendars[calOf[i] as number] as BusinessCalendar, i) - (answers[i] as number);
  warmMs = Math.min(warmMs, performance.now() - t0);
  warmCpu = Math.min(warmCpu, cpu() - c0);
}
if (checksum !== 0) throw new Error('the engine answered differently on a second pass');

// The oracle on a sample, with the engine's answers for the same triples.
const oracles = new Map<number, OracleCalendar>();
let mismatches = 0;
c0 = cpu();
t0 = performance.now();
for (let k = 0; k < SAMPLE; k++) {
  const i = Math.floor((k * TRIPLES) / SAMPLE);
  const c = calOf[i] as number;
  let o = oracles.get(c);
  if (!o) {
    o = new OracleCalendar(specs[c] as CalendarSpec);
    oracles.set(c, o);
  }
  const t = targetOf[i] as number;
  const expected = t >= 0 ? o.dueMinutes(startOf[i] as number, t / 60_000) : o.dueDays(startOf[i] as number, -t);
  if (expected !== answers[i]) {
    mismatches++;
    if (mismatches <= 5)
      console.error(
        `MISMATCH calendar ${c} (${specs[c]?.timeZone}) start ${new Date(startOf[i] as number).toISOString()} target ${t >= 0 ? `${t / 60_000} min` : `${-t} days`}: engine ${new Date(answers[i] as number).toISOString()}, oracle ${new Date(expected).toISOString()}`,
      );
  }
}
const oracleMs = performance.now() - t0;
const oracleCpu = cpu() - c0;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (n: number, ms: number) => n / (ms / 1000);
console.log(
  `SLA engine: ${fmt(rate(TRIPLES, warmCpu))} due instants per CPU second warm (best of 3; ${fmt(rate(TRIPLES, warmMs))}/s wall), ${fmt(rate(TRIPLES, coldCpu))} cold incl. compiling (${fmt(rate(TRIPLES, coldMs))}/s wall); ${fmt(TRIPLES)} triples, ${CALENDARS} calendars in ${zonesUsed} zones, 20% of targets in business days, one thread`,
);
console.log(
  `oracle (minute stepping): ${fmt(rate(SAMPLE, oracleCpu))} due instants per CPU second on ${fmt(SAMPLE)} sampled triples (${fmt(rate(SAMPLE, oracleMs))}/s wall); engine/oracle ${fmt(oracleCpu / SAMPLE / (warmCpu / TRIPLES))}x; identical answers: ${SAMPLE - mismatches}/${SAMPLE}`,
);
console.log(`on ${machine()}`);
if (mismatches > 0) process.exit(1);
