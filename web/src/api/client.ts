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

function parseProblem(text: string, status: number, statusText: string): Problem {
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    return {
      ...body,
      code: body.code ?? `HTTP_${status}`,
      detail: body.detail ?? statusText,
      status: body.status ?? status,
    };
  } catch {
    return { code: `HTTP_${status}`, detail: text || statusText || `HTTP ${status}`, status };
  }
}

async function toProblem(res: Response): Promise<Problem> {
  return parseProblem(await res.text(), res.status, res.statusText);
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

/**
 * Sends a multipart/form-data body (e.g. a file) with the session cookie, reporting upload progress
 * (fetch cannot), and resolves to the parsed JSON answer.
 * @param onProgress called with the fraction sent (0 to 1) while the body goes out.
 * @throws ApiError for any non-2xx answer (NETWORK when the server could not be reached or cut the
 *   connection); an AbortError (DOMException) when `signal` aborts.
 */
export function upload<T>(
  path: string,
  body: FormData,
  opts: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const done = () => opts.signal?.removeEventListener('abort', abort);
    if (opts.signal?.aborted) {
      reject(new DOMException('The upload was cancelled', 'AbortError'));
      return;
    }
    opts.signal?.addEventListener('abort', abort);
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) opts.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T);
        } catch (e) {
          reject(new ApiError({ code: 'INVALID_RESPONSE', detail: (e as Error).message, status: xhr.status }));
        }
        return;
      }
      if (xhr.status === 401) for (const l of unauthenticatedListeners) l();
      reject(new ApiError(parseProblem(xhr.responseText, xhr.status, xhr.statusText)));
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError({ code: 'NETWORK', detail: 'The upload did not reach the server', status: 0 }));
    };
    xhr.onabort = () => {
      done();
      reject(new DOMException('The upload was cancelled', 'AbortError'));
    };
    xhr.send(body);
  });
}
