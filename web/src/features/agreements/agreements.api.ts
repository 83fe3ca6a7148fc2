/** Queries of assignments: the who-serves-whom matrix, the entity-provider links and routing. */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Link, Matrix, RoutePreview } from '../../api/types.ts';

export interface MatrixParams {
  kind?: string;
  serviceLine?: string;
  q?: string;
  page?: number;
  pageSize?: number;
  on?: string;
}

export const matrixQuery = (p: MatrixParams) =>
  queryOptions({
    queryKey: ['assignments', 'matrix', p],
    queryFn: ({ signal }) => api<Matrix>('/api/assignments/matrix', { query: { ...p }, signal }),
    placeholderData: keepPreviousData,
  });

export const PEACE_OPERATION_KINDS = ['peacekeeping-operation', 'special-political-mission'] as const;

export const peaceOperationLinksQuery = queryOptions({
  queryKey: ['assignments', 'links', PEACE_OPERATION_KINDS.join(',')],
  queryFn: ({ signal }) =>
    api<{ items: Link[] }>('/api/assignments/links', { query: { kinds: PEACE_OPERATION_KINDS.join(',') }, signal }).then(
      (r) => r.items,
    ),
  staleTime: 10 * 60_000,
});

export interface RouteParams {
  entity: string;
  service: string;
  on?: string;
}

/**
 * The route of a request: `assigned: true` with the provider, or `assigned: false` when none is assigned (a
 * request then goes to the DOS coordination queue). An unknown entity or service code is an error (404).
 */
export const routeQuery = (p: RouteParams) =>
  queryOptions({
    queryKey: ['routing', p],
    queryFn: ({ signal }) => api<RoutePreview>('/api/routing', { query: { ...p }, signal }),
    retry: false,
  });
