/**
 * Queries and changes of cases. Changes to an existing case send `If-Match: "<version>"` (the version the
 * user saw); a 412 `CASE_VERSION_CONFLICT` means someone else changed it meanwhile. Creation sends an
 * `Idempotency-Key`, kept while the request is unchanged, so a double click or a retry never opens two cases.
 */
import { keepPreviousData, type QueryClient, queryOptions } from '@tanstack/react-query';
import { ApiError, api, upload } from '../../api/client.ts';
import type {
  BulkResult,
  CaseAttachment,
  CaseCounts,
  CaseListItem,
  CaseState,
  CaseSummary,
  CaseView,
  Page,
  Priority,
  ServiceWithForm,
  Transition,
  UserSummary,
} from '../../api/types.ts';

export type CaseSort = 'createdAt' | 'updatedAt' | 'priority' | 'reference';

/** Filters of `GET /api/cases` and `/api/cases/counts`. */
export interface CaseFilters {
  state?: CaseState | 'open';
  provider?: string;
  entity?: string;
  service?: string;
  priority?: Priority;
  assignee?: 'me' | 'none' | number;
  q?: string;
  /** `none`: only cases that are not child tasks (my requests). */
  parent?: 'none';
}

export interface CaseListParams extends CaseFilters {
  sort?: CaseSort;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export const casesQuery = (p: CaseListParams) =>
  queryOptions({
    queryKey: ['cases', 'list', p],
    queryFn: ({ signal }) => api<Page<CaseListItem>>('/api/cases', { query: { ...p }, signal }),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });

export const caseCountsQuery = (p: CaseFilters) =>
  queryOptions({
    queryKey: ['cases', 'counts', p],
    queryFn: ({ signal }) => api<CaseCounts>('/api/cases/counts', { query: { ...p }, signal }),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });

export const caseQuery = (reference: string) =>
  queryOptions({
    queryKey: ['cases', 'view', reference],
    queryFn: ({ signal }) => api<CaseView>(`/api/cases/${encodeURIComponent(reference)}`, { signal }),
    staleTime: 5_000,
  });

/** Services with their request forms (the catalogue is small: one page of up to 500). */
export const requestableServicesQuery = (q?: string) =>
  queryOptions({
    queryKey: ['catalogue', 'services-with-forms', q ?? ''],
    queryFn: ({ signal }): Promise<ServiceWithForm[]> =>
      api<Page<ServiceWithForm>>('/api/catalogue/services', { query: { q, pageSize: 500 }, signal }).then((p) => p.items),
    placeholderData: keepPreviousData,
    staleTime: 10 * 60_000,
  });

export const serviceWithFormQuery = (code: string) =>
  queryOptions({
    queryKey: ['catalogue', 'service', code],
    queryFn: ({ signal }) => api<ServiceWithForm>(`/api/catalogue/services/${encodeURIComponent(code)}`, { signal }),
    staleTime: 10 * 60_000,
  });

/** The users the caller may see (a provider's users for its agents): for the assignee pickers. */
export const usersQuery = queryOptions({
  queryKey: ['users', 'all'],
  queryFn: ({ signal }) => api<Page<UserSummary>>('/api/users', { query: { pageSize: 100 }, signal }).then((p) => p.items),
  staleTime: 5 * 60_000,
});

/** A random key for `Idempotency-Key` (crypto.randomUUID is missing outside secure contexts). */
export function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface NewCaseInput {
  service: string;
  entity?: string;
  title: string;
  description?: string;
  fields: Record<string, string | number | boolean>;
  impact: 1 | 2 | 3;
  urgency: 1 | 2 | 3;
}

export function createCase(input: NewCaseInput, idempotencyKey: string): Promise<CaseSummary> {
  return api<CaseSummary>('/api/cases', { method: 'POST', body: input, headers: { 'Idempotency-Key': idempotencyKey } });
}

const ref = (reference: string) => `/api/cases/${encodeURIComponent(reference)}`;
const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

export function transitionCase(c: CaseSummary, to: Transition, reason?: string): Promise<CaseSummary> {
  return api<CaseSummary>(`${ref(c.reference)}/transitions`, {
    method: 'POST',
    body: reason ? { to, reason } : { to },
    headers: ifMatch(c.version),
  });
}

export function transferCase(c: CaseSummary, provider: string, reason: string): Promise<CaseSummary> {
  return api<CaseSummary>(`${ref(c.reference)}/transfer`, {
    method: 'POST',
    body: { provider, reason },
    headers: ifMatch(c.version),
  });
}

export function openChildTask(
  c: CaseSummary,
  input: { provider: string; service?: string; title: string; reason: string },
): Promise<CaseSummary> {
  return api<CaseSummary>(`${ref(c.reference)}/children`, { method: 'POST', body: input });
}

/**
 * Withdraws (cancels) an open child task of `parent`, with a reason: the parent's provider or a coordinator;
 * sent with the child's version as listed in the parent's view (409 CASE_NOT_OPEN once it is no longer open).
 */
export function withdrawChildTask(parent: CaseSummary, child: CaseSummary, reason: string): Promise<CaseSummary> {
  return api<CaseSummary>(`${ref(parent.reference)}/children/${encodeURIComponent(child.reference)}/withdraw`, {
    method: 'POST',
    body: { reason },
    headers: ifMatch(child.version),
  });
}

export function mergeCase(c: CaseSummary, into: string): Promise<CaseSummary> {
  return api<CaseSummary>(`${ref(c.reference)}/merge`, { method: 'POST', body: { into }, headers: ifMatch(c.version) });
}

export function assignCase(c: CaseSummary, assignee: number | null): Promise<CaseSummary> {
  return api<CaseSummary>(`${ref(c.reference)}/assign`, { method: 'POST', body: { assignee }, headers: ifMatch(c.version) });
}

export function addMessage(reference: string, body: string, visibility: 'public' | 'internal'): Promise<{ reference: string }> {
  return api<{ reference: string }>(`${ref(reference)}/messages`, { method: 'POST', body: { body, visibility } });
}

/**
 * The server's default largest attachment (ATTACHMENT_MAX_BYTES, 10 MiB); used when the list of
 * attachments does not say (`maxBytes`).
 */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

/** The kinds of file the server accepts (it checks the content; this only helps the file picker). */
export const ATTACHMENT_ACCEPT = '.pdf,.png,.jpg,.jpeg,.gif,.webp,.txt,.csv,.docx,.xlsx,.pptx';

export interface CaseAttachments {
  items: CaseAttachment[];
  /** Largest file the server takes, bytes, when it says. */
  maxBytes?: number;
}

/**
 * The files of a case, oldest first. Under `['cases', ...]` so that any change to cases refreshes them;
 * a 404 ROUTE_NOT_FOUND means the server keeps no attachments (started without an attachments folder).
 */
export const attachmentsQuery = (reference: string) =>
  queryOptions({
    queryKey: ['cases', 'attachments', reference],
    queryFn: ({ signal }) => api<CaseAttachments>(`${ref(reference)}/attachments`, { signal }),
    staleTime: 5_000,
  });

/** Attaches `file` to the case (multipart, part `file`), reporting progress from 0 to 1. */
export function uploadAttachment(
  reference: string,
  file: File,
  opts: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<CaseAttachment> {
  const body = new FormData();
  body.append('file', file, file.name);
  return upload<CaseAttachment>(`${ref(reference)}/attachments`, body, opts);
}

export type BulkAction = { type: 'assign'; assignee: number | null } | { type: 'transition'; to: Transition; reason?: string };

export function bulkAction(references: string[], action: BulkAction): Promise<BulkResult[]> {
  return api<{ results: BulkResult[] }>('/api/cases/bulk', { method: 'POST', body: { references, action } }).then(
    (r) => r.results,
  );
}

/** Forgets every cached case list, count and view (after any change). */
export function invalidateCases(qc: QueryClient): Promise<void> {
  return qc.invalidateQueries({ queryKey: ['cases'] });
}

export function isVersionConflict(e: unknown): e is ApiError {
  return e instanceof ApiError && (e.status === 412 || e.code === 'CASE_VERSION_CONFLICT');
}
