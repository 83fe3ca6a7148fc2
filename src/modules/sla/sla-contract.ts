/**
 * The SLA contract for checks (issue 5, point 5; keep it stable): the bodies of `meridian sla due` /
 * `POST /api/sla/due` and `meridian sla elapsed` / `POST /api/sla/elapsed`, and the two functions that answer
 * them. Documented with examples in docs/sla-contract.md. Pure: no database.
 *
 *   due:     {"calendar": CalendarSpec, "start": instant, "target": "PT2H" | "P1D" ..., "pauses"?: [{from, to}]}
 *            -> {"due": "YYYY-MM-DDTHH:MM:SSZ"}   (UTC; ".sss" only when the milliseconds are not zero)
 *   elapsed: {"calendar": CalendarSpec, "from": instant, "to": instant, "pauses"?: [{from, to}]}
 *            -> {"businessMinutes": n}            (an integer when the inputs are minute-aligned)
 *
 * Instants are ISO-8601 with `Z` or an offset (a local time without one is refused). Unknown fields are refused.
 */
import { z } from 'zod';
import { AppError, type FieldIssue } from '../../server/errors.ts';
import {
  type BusinessCalendar,
  type CalendarSpec,
  calendarIssues,
  compileCalendar,
  dueOf,
  formatPath,
  type Interval,
  parseSlaTarget,
} from './business-calendar.ts';
import { formatInstant, parseInstant } from './iso-time.ts';

/** An ISO-8601 instant with `Z` or an offset, years 1900-2999. */
export const IsoInstantSchema = z
  .string()
  .superRefine((s, ctx) => {
    const r = parseInstant(s);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
  })
  .describe('ISO-8601 instant with Z or an offset, e.g. 2026-11-20T16:30:00+01:00');

const IntervalSchema = z.strictObject({ from: IsoInstantSchema, to: IsoInstantSchema }).superRefine((p, ctx) => {
  if ((parseInstant(p.to) as number) < (parseInstant(p.from) as number))
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
});

/** A business calendar (the engine's {@link CalendarSpec}), fully checked: zone, windows, overlaps, dates. */
export const CalendarSpecSchema = z
  .strictObject({
    timeZone: z.string().describe('IANA time zone, e.g. Europe/Rome'),
    week: z
      .record(z.string(), z.array(z.tuple([z.string(), z.string()])))
      .describe(
        'Working windows per weekday (mon..sun; a missing day has none) as ["HH:MM","HH:MM"]; "24:00" allowed as an end; an end not after the start runs into the next day',
      ),
    holidays: z.array(z.string()).optional().describe('Local dates YYYY-MM-DD: the windows that start on them are removed'),
    closures: z
      .array(z.strictObject({ from: z.string(), to: z.string() }))
      .optional()
      .describe('Partial closures as ISO-8601 instants, removed from working time'),
  })
  .superRefine((spec, ctx) => {
    for (const i of calendarIssues(spec)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
  })
  .describe('Business calendar (docs/sla-contract.md)');

const PausesSchema = z.array(IntervalSchema).max(10_000).optional().describe('Intervals during which the clock is paused');

export const SlaDueRequestSchema = z
  .strictObject({
    calendar: CalendarSpecSchema,
    start: IsoInstantSchema,
    target: z
      .string()
      .superRefine((t, ctx) => {
        try {
          parseSlaTarget(t);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as AppError).issues[0]?.message ?? (e as Error).message });
        }
      })
      .describe('Business time (PT2H, PT30M, PT1H30M) or whole business days (P1D, P3D)'),
    pauses: PausesSchema,
  })
  .describe('Due instant of an SLA target');

export const SlaDueResponseSchema = z.object({ due: z.string().describe('UTC, YYYY-MM-DDTHH:MM:SSZ') });

export const SlaElapsedRequestSchema = z
  .strictObject({ calendar: CalendarSpecSchema, from: IsoInstantSchema, to: IsoInstantSchema, pauses: PausesSchema })
  .superRefine((b, ctx) => {
    if ((parseInstant(b.to) as number) < (parseInstant(b.from) as number))
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  })
  .describe('Business time elapsed between two instants');

export const SlaElapsedResponseSchema = z.object({ businessMinutes: z.number().describe('Business minutes, pauses excluded') });

export type SlaDueRequest = z.infer<typeof SlaDueRequestSchema>;
export type SlaElapsedRequest = z.infer<typeof SlaElapsedRequestSchema>;

/** Zod issues as field issues with paths like `calendar.week.mon[1][0]`. */
function fieldIssues(error: z.ZodError): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const i of error.issues) {
    const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) out.push({ field: formatPath([...path, k]), message: 'unknown field' });
    } else {
      out.push({ field: formatPath(path) || 'body', message: i.message });
    }
  }
  return out;
}

/** Parses `body` with `schema`. @throws AppError VALIDATION_FAILED naming each bad field. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issues = fieldIssues(r.error);
  throw new AppError(
    'VALIDATION_FAILED',
    `Invalid request: ${issues
      .slice(0, 5)
      .map((i) => `${i.field}: ${i.message}`)
      .join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
    { issues },
  );
}

/** Compiled calendars of recent requests, by their JSON (most recent last). */
const recent = new Map<string, BusinessCalendar>();
const RECENT_MAX = 64;

function calendarOf(spec: CalendarSpec): BusinessCalendar {
  const key = JSON.stringify(spec);
  let cal = recent.get(key);
  if (cal) {
    recent.delete(key);
  } else {
    cal = compileCalendar(spec);
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value as string);
  }
  recent.set(key, cal);
  return cal;
}

function pausesOf(pauses: Array<{ from: string; to: string }> | undefined): Interval[] | undefined {
  return pauses?.map((p) => ({ from: parseInstant(p.from) as number, to: parseInstant(p.to) as number }));
}

/** The due instant of an already validated due request. */
export function computeDue(req: SlaDueRequest): { due: string } {
  const cal = calendarOf(req.calendar as CalendarSpec);
  const due = dueOf(cal, parseInstant(req.start) as number, parseSlaTarget(req.target), pausesOf(req.pauses));
  return { due: formatInstant(due) };
}

/** The business minutes of an already validated elapsed request. */
export function computeElapsed(req: SlaElapsedRequest): { businessMinutes: number } {
  const cal = calendarOf(req.calendar as CalendarSpec);
  const ms = cal.businessMsBetween(parseInstant(req.from) as number, parseInstant(req.to) as number, pausesOf(req.pauses));
  return { businessMinutes: ms / 60_000 };
}

/**
 * `{calendar, start, target, pauses?}` -> `{due}` (UTC ISO-8601).
 * @throws AppError VALIDATION_FAILED naming the field (`calendar.week.mon[1][0]`, `start`, `target`,
 * `pauses[0].to`), or when the calendar has no working time for ten years after the start.
 */
export function dueFromContract(body: unknown): { due: string } {
  return computeDue(parseBody(SlaDueRequestSchema, body));
}

/**
 * `{calendar, from, to, pauses?}` -> `{businessMinutes}`.
 * @throws AppError VALIDATION_FAILED naming the field.
 */
export function elapsedFromContract(body: unknown): { businessMinutes: number } {
  return computeElapsed(parseBody(SlaElapsedRequestSchema, body));
}
