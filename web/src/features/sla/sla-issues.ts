/**
 * The issues of an API problem as the SLA editors use them: field names without their `body.` prefixes and
 * with indexes dotted, whether zod wrote them (`body.spec.week.mon.0.1`) or the calendar engine
 * (`week.mon[0][1]`), the line of a rejected import row, and the problem read as a kind (`problem`) so that
 * it shows in the UI language: the API's English `message` is never shown as is (see lib/field-problems.ts).
 */
import { ApiError } from '../../api/client.ts';
import { type FieldProblem, type MessageReader, problemOfMessage } from '../../lib/field-problems.ts';

/** One issue of a problem document, as the SLA routes write them (a line for imports). */
export interface SlaIssue {
  /** The field without its `body.` / `body.spec.` / `body.policy.` prefix, indexes dotted: `week.mon.0.1`, `effectiveFrom`. */
  field: string;
  /** The server's English wording (for keys and support only; show `problem`). */
  message: string;
  /** The message read as a problem kind (`useFieldProblemText` shows it in the UI language). */
  problem: FieldProblem;
  line?: number;
}

const text = (key: string, values?: Record<string, unknown>): FieldProblem => ({ kind: 'text', key: `sla.issue.${key}`, values });

/**
 * The wordings of the SLA engine and routes (src/modules/sla: policies.ts, calendars.ts, business-calendar.ts,
 * iso-time.ts) as problem kinds; undefined for any other.
 */
export const readSlaMessage: MessageReader = (m) => {
  const fixed: Record<string, string> = {
    'unknown provider': 'unknownProvider',
    'unknown service code': 'unknownService',
    'scope already has a policy': 'scopeTaken',
    stale: 'stale',
    'scope is fixed': 'scopeFixed',
    'give at least one target': 'noTarget',
    'no time zone': 'noTimeZone',
    'not a calendar date': 'notDate',
    'line 1 is data, not a header': 'noHeader',
    'missing column': 'missingColumn',
    'no holidays': 'noHolidays',
    'must be a non-negative duration': 'targetFormat',
    'must be a whole number of days': 'targetFormat',
  };
  const key = fixed[m];
  if (key) return text(key);
  if (/^(mixes days and time|is not a supported ISO-8601 duration|must be an ISO-8601 duration)/.test(m))
    return text('targetFormat');
  if (/^is more than (3,660 business days|ten years of business time)$/.test(m)) return text('targetTooLong');
  let r = /^must be after (\d{4}-\d{2}-\d{2})$/.exec(m);
  if (r) return text('mustBeAfter', { date: r[1] });
  r = /^event (\d+) has no DTSTART$/.exec(m);
  if (r) return text('eventNoStart', { n: Number(r[1]) });
  r = /^event (\d+) \((.*)\): (.*) is not a real date \(YYYYMMDD\)$/.exec(m);
  if (r) return text('eventBadDate', { n: Number(r[1]), name: r[2], value: r[3] });
  r = /^event (\d+) \((.*)\): DTEND (.*) is not after DTSTART (.*) \(/.exec(m);
  if (r) return text('eventEndBeforeStart', { n: Number(r[1]), name: r[2], end: r[3], start: r[4] });
  r = /^event (\d+) \((.*)\) has a time of day/.exec(m);
  if (r) return text('eventTimeOfDay', { n: Number(r[1]), name: r[2] });
  r = /^"(.*)" is not a (calendar date \(YYYY-MM-DD\)|date as YYYY-MM-DD|real date)$/.exec(m);
  if (r) return text('notDateValue', { value: r[1] });
  r = /^"(.*)" is not a (time as "HH:MM"|time of day)/.exec(m);
  if (r) return text('notTime', { value: r[1] });
  r = /^"(.*)" is not a known IANA time zone/.exec(m);
  if (r) return text('notTimeZone', { value: r[1] });
  if (/^must be a (pair|list of) \["HH:MM","HH:MM"\]/.test(m)) return text('windowFormat');
  if (/^overlaps /.test(m)) return text('windowOverlap');
  if (/^at most (\d+) windows a day$/.test(m)) return text('tooManyWindows', { max: Number(/\d+/.exec(m)?.[0]) });
  return undefined;
};

const READERS = [readSlaMessage];

/** The issues of an API error (none for other errors). */
export function issuesOf(error: unknown): SlaIssue[] {
  if (!(error instanceof ApiError)) return [];
  const raw = (error.problem.errors ?? []) as Array<{ field?: string; message: string; line?: number }>;
  return raw.map((i) => ({
    // zod writes `body.spec.week.mon.0.1`, the calendar engine `week.mon[0][1]`: both become `week.mon.0.1`
    field: (i.field ?? '')
      .replace(/^body\./, '')
      .replace(/^(spec|policy)\./, '')
      .replace(/\[(\d+)\]/g, '.$1'),
    message: i.message,
    problem: problemOfMessage(i.message, READERS),
    ...(typeof i.line === 'number' ? { line: i.line } : {}),
  }));
}

/** The problem of the first issue about `field` (exact name), for an input's `error` (show it with `useFieldProblemText`). */
export function issueFor(issues: SlaIssue[], field: string): FieldProblem | undefined {
  return issues.find((i) => i.field === field)?.problem;
}
