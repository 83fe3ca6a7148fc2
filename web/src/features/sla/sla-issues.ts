/**
 * The issues of an API problem as the SLA editors use them: field names without their `body.` prefixes and
 * with indexes dotted, whether zod wrote them (`body.spec.week.mon.0.1`) or the calendar engine
 * (`week.mon[0][1]`), and the line of a rejected import row.
 */
import { ApiError } from '../../api/client.ts';

/** One issue of a problem document, as the SLA routes write them (a line for imports). */
export interface SlaIssue {
  /** The field without its `body.` / `body.spec.` / `body.policy.` prefix, indexes dotted: `week.mon.0.1`, `effectiveFrom`. */
  field: string;
  message: string;
  line?: number;
}

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
    ...(typeof i.line === 'number' ? { line: i.line } : {}),
  }));
}

/** The message of the first issue about `field` (exact name), for an input's `error`. */
export function issueFor(issues: SlaIssue[], field: string): string | undefined {
  return issues.find((i) => i.field === field)?.message;
}
