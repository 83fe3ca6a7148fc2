/**
 * One error type for the whole application. Each error has a stable `code`; one table maps
 * codes to HTTP status; responses are `application/problem+json` (RFC 9457).
 */

/** Stable error codes, grouped by bounded context. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  DIRECTORY_DUTY_STATION_NOT_FOUND: 404,
  DIRECTORY_PROVIDER_NOT_FOUND: 404,
  DIRECTORY_ENTITY_NOT_FOUND: 404,
  CATALOGUE_SERVICE_NOT_FOUND: 404,
  ROUTING_NO_ASSIGNMENT: 404,
  IDENTITY_USER_NOT_FOUND: 404,
  IMPORT_REJECTED: 422,
  CASE_NOT_FOUND: 404,
  CASE_TRANSITION_REFUSED: 409,
  CASE_REOPEN_WINDOW_PASSED: 409,
  CASE_NOT_OPEN: 409,
  CASE_HAS_OPEN_CHILDREN: 409,
  CASE_VERSION_CONFLICT: 412,
  CASE_PRECONDITION_REQUIRED: 428,
  CASE_INVALID_FIELDS: 400,
  CASE_SCOPE_MISMATCH: 403,
  IDEMPOTENCY_KEY_REUSED: 422,
  REFERENCE_DATA_INVALID: 422,
  INTERNAL: 500,
  ATTACHMENT_NOT_FOUND: 404,
  ATTACHMENT_TOO_LARGE: 413,
  ATTACHMENT_TYPE_REFUSED: 415,
  ATTACHMENT_INFECTED: 422,
  ATTACHMENT_SCAN_FAILED: 503,
  CASE_REFERENCE_DATA_CHANGING: 503,
  SURVEY_TEMPLATE_NOT_FOUND: 404,
  SURVEY_TEMPLATE_INVALID: 400,
  SURVEY_TEMPLATE_NOT_DRAFT: 409,
  SURVEY_ANSWERS_INVALID: 400,
  SURVEY_LINK_INVALID: 404,
  SURVEY_LINK_EXPIRED: 410,
  SURVEY_LINK_USED: 409,
  SURVEY_LINK_REPLACED: 410,
  SURVEY_NOT_FOUND: 404,
  SURVEY_ALREADY_ANSWERED: 409,
  SURVEY_CLOSED: 410,
  SURVEY_CAMPAIGN_NOT_FOUND: 404,
  SURVEY_CAMPAIGN_STATE: 409,
  SURVEY_CAMPAIGN_NO_TARGETS: 422,
  SURVEY_COMMENT_NOT_FOUND: 404,
  PLANNING_SCENARIO_NOT_FOUND: 404,
  AGREEMENT_NOT_FOUND: 404,
  AGREEMENT_TEMPLATE_NOT_FOUND: 404,
  AGREEMENT_TEMPLATE_NOT_EDITABLE: 409,
  AGREEMENT_TRANSITION_REFUSED: 409,
  AGREEMENT_NOT_EDITABLE: 409,
  AGREEMENT_INCOMPLETE: 422,
  AGREEMENT_SERVICE_NOT_OFFERED: 422,
  AGREEMENT_STANDARD_CONFLICT: 409,
  ASSIGNMENT_REQUEST_NOT_FOUND: 404,
  ASSIGNMENT_REQUEST_CLOSED: 409,
  ASSIGNMENT_CONSULTATION_MISSING: 409,
  ASSIGNMENT_DATE_CONFLICT: 409,
  ASSIGNMENT_NOT_AUTHORISED: 403,
  PRICE_PERIOD_OVERLAP: 409,
  PRICE_LIST_NOT_FOUND: 404,
  BILLING_RUN_NOT_FOUND: 404,
  BILLING_PERIOD_CLOSED: 409,
  BILLING_PERIOD_OPEN: 409,
  STATEMENT_NOT_FOUND: 404,
  PERFORMANCE_PERIOD_CLOSED: 409,
  PERFORMANCE_STANDARD_NOT_FOUND: 404,
  ANALYTICS_LOG_NOT_FOUND: 404,
  ANALYTICS_LOG_EXISTS: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A field-level problem: `field` is a dotted path or a column name, `line` a 1-based file line. */
export interface FieldIssue {
  field?: string;
  line?: number;
  message: string;
}

/**
 * A schema issue as zod reports it (structurally: zod's `$ZodIssue`, or the same fields as
 * fastify-type-provider-zod passes them on): its `code`, the `path` of the value at fault, zod's `message`, and
 * what the code carries: the unknown `keys`, the allowed `values`, the union's branch `errors` or a
 * discriminator's `options`.
 */
export interface SchemaIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  keys?: readonly string[];
  values?: readonly unknown[];
  errors?: readonly (readonly SchemaIssue[])[];
  options?: readonly unknown[];
  /** `too_big` / `too_small`: the bound, what it bounds (`string`, `number`, `int`, `array`…), inclusive or not. */
  maximum?: unknown;
  minimum?: unknown;
  origin?: string;
  inclusive?: boolean;
  /** zod's note on the issue (the safe-integer bound of `.int()` says so). */
  note?: string;
}

/** The values an enumeration allows, when `issue` is a value outside one (else undefined). */
function allowedValues(issue: SchemaIssue): unknown[] | undefined {
  if (issue.code === 'invalid_value' && issue.values?.length) return [...issue.values];
  if (issue.code !== 'invalid_union') return undefined;
  if (issue.options?.length) return [...issue.options]; // a discriminated union's discriminator
  // a union of literals (z.union([z.literal(1), z.literal(2)])): each branch refused the value as not its own
  const branches = issue.errors ?? [];
  if (branches.length === 0) return undefined;
  const values: unknown[] = [];
  for (const branch of branches) {
    const only = branch.length === 1 ? branch[0] : undefined;
    if (only?.code !== 'invalid_value' || only.path.length > 0 || !only.values) return undefined;
    values.push(...only.values);
  }
  return values;
}

/**
 * Schema issues (zod) as the problem's field issues, each on the dotted path of the value at fault under
 * `root` (`body`, `querystring`, `params`; none: the path alone):
 * - an unknown key of a strict object on its own path (`body.bogus`, `querystring.stat`): "is not a known
 *   field" (in a query string: "is not a known parameter");
 * - a value outside an enumeration (z.enum, literals, a union of literals, a discriminator) with the allowed
 *   values: "must be one of 1, 2, 3" (the wording of the service form checks);
 * - a missing value: "is required"; a query parameter given twice: "is given more than once";
 * - a bound with zod's default wording: "must be at most 10", "must be at least 3 characters"; the
 *   safe-integer bound of `.int()` only when the field has no other issue (a page of 9999999999999999 says
 *   its own range, not JavaScript's);
 * - anything else with its own message (a schema's custom message, or zod's).
 */
export function fieldIssuesOf(issues: readonly SchemaIssue[], root?: string): FieldIssue[] {
  const at = (path: readonly PropertyKey[]) => [...(root ? [root] : []), ...path.map((p) => String(p))].join('.') || 'request';
  const out: FieldIssue[] = [];
  const safeIntegerBound = new Set<FieldIssue>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
      const message = root === 'querystring' ? 'is not a known parameter' : 'is not a known field';
      for (const key of issue.keys) out.push({ field: at([...issue.path, key]), message });
      continue;
    }
    const allowed = allowedValues(issue);
    const f = {
      field: at(issue.path),
      message: allowed ? `must be one of ${allowed.map(String).join(', ')}` : messageOf(issue, root),
    };
    if (issue.note && /safe integer/i.test(issue.note)) safeIntegerBound.add(f);
    out.push(f);
  }
  // the safe-integer bound beside the field's own bound or range says nothing more
  return out.filter((f) => !(safeIntegerBound.has(f) && out.some((g) => g !== f && g.field === f.field)));
}

/** An issue's message in the API's wording where zod's default one is vague (see `fieldIssuesOf`). */
function messageOf(issue: SchemaIssue, root: string | undefined): string {
  const m = issue.message;
  if (issue.code === 'invalid_type') {
    if (/received undefined$/.test(m)) return 'is required';
    if (root === 'querystring' && /received array$/.test(m)) return 'is given more than once';
    return m;
  }
  const bound = issue.code === 'too_big' ? issue.maximum : issue.code === 'too_small' ? issue.minimum : undefined;
  if (bound === undefined || !/^Too (big|small):/.test(m)) return m;
  const most = issue.code === 'too_big';
  const inclusive = issue.inclusive !== false;
  const limit = `${most ? (inclusive ? 'at most' : 'less than') : inclusive ? 'at least' : 'more than'} ${String(bound)}`;
  if (issue.origin === 'string') {
    // "at least 1 characters long" reads badly: a text that must not be empty says so
    if (!most && inclusive && Number(bound) === 1) return 'must not be empty';
    return `must be ${limit} character${Number(bound) === 1 ? '' : 's'} long`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') return `must have ${limit} item${Number(bound) === 1 ? '' : 's'}`;
  return `must be ${limit}`;
}

/**
 * The application's error. `message` is safe to show to users; `issues` lists each bad field or row;
 * `details` carries extra machine-readable context (e.g. the entity and service of a failed route).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { issues?: FieldIssue[]; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.issues = opts.issues ?? [];
    this.details = opts.details;
  }

  /** HTTP status for this error's code. */
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** RFC 9457 problem document, as sent by the API. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
  errors?: FieldIssue[];
  [extra: string]: unknown;
}

/** Turns an AppError into a problem document. */
export function toProblem(err: AppError, requestId?: string): Problem {
  return {
    type: `https://meridian.example/problems/${err.code.toLowerCase().replaceAll('_', '-')}`,
    title: err.code,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(requestId ? { requestId } : {}),
    ...(err.issues.length ? { errors: err.issues } : {}),
    ...(err.details ?? {}),
  };
}
