/** Queries of assignments: the who-serves-whom matrix, the entity-provider links and routing. */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client.ts';
import type { Link, Matrix, Route } from '../../api/types.ts';

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

/** The route of a request, or the API's "no provider assigned" problem as an error. */
export const routeQuery = (p: RouteParams) =>
  queryOptions({
    queryKey: ['routing', p],
    queryFn: ({ signal }) => api<Route>('/api/routing', { query: { ...p }, signal }),
    retry: false,
  });

export function isNoAssignment(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === 'ROUTING_NO_ASSIGNMENT';
}
