/**
 * The one way the UI talks to the API: JSON over fetch with the session cookie, errors turned into
 * `ApiError` (the RFC 9457 problem document the API answers with). A 401 from any call but sign-in
 * notifies the `onUnauthenticated` listeners, which send the user back to the sign-in page.
 */

/** A field-level problem of a 400 answer. */
export interface FieldIssue {
  field?: string;
  message: string;
}

/** The API's problem document: stable `code`, human `detail`, HTTP `status`. */
export interface Problem {
  code: string;
  detail: string;
  status: number;
  title?: string;
  requestId?: string;
  errors?: FieldIssue[];
}

/** An API call that did not succeed; `problem.detail` is safe to show to users. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  get code(): string {
    return this.problem.code;
  }
}

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Subscribes to "the session is gone" (a 401 answer); returns the unsubscribe function. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export type QueryValue = string | number | boolean | null | undefined;

/** Builds `path?query`, leaving out empty values. */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function toProblem(res: Response): Promise<Problem> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    return {
      ...body,
      code: body.code ?? `HTTP_${res.status}`,
      detail: body.detail ?? res.statusText,
      status: body.status ?? res.status,
    };
  } catch {
    return { code: `HTTP_${res.status}`, detail: text || res.statusText || `HTTP ${res.status}`, status: res.status };
  }
}

/**
 * Calls the API. `body` is sent as JSON. Resolves to the parsed JSON (undefined for 204).
 * @throws ApiError for any non-2xx answer (network failures surface as ApiError code NETWORK).
 */
export async function api<T>(
  path: string,
  opts: {
    method?: string;
    body?: unknown;
    query?: Record<string, QueryValue>;
    signal?: AbortSignal;
    /** Extra request headers, e.g. `If-Match` or `Idempotency-Key`. */
    headers?: Record<string, string>;
  } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method: opts.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        accept: 'application/json, application/problem+json',
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : null,
      signal: opts.signal ?? null,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError({ code: 'NETWORK', detail: (e as Error).message, status: 0 });
  }
  if (!res.ok) {
    const problem = await toProblem(res);
    if (res.status === 401 && path !== '/api/auth/sign-in') {
      for (const l of unauthenticatedListeners) l();
    }
    throw new ApiError(problem);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
