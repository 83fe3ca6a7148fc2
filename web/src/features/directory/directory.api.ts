/** Queries of the directory: providers, client entities, duty stations (server-side search, sort and pages). */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { ClientEntity, DutyStation, Page, Provider } from '../../api/types.ts';

export type SortOrder = 'asc' | 'desc';

export interface ProviderParams {
  q?: string;
  kind?: string;
  sort?: 'code' | 'kind';
  order?: SortOrder;
  page?: number;
  pageSize?: number;
}

export interface EntityParams {
  q?: string;
  kind?: string;
  country?: string;
  region?: string;
  sort?: 'code' | 'kind';
  order?: SortOrder;
  page?: number;
  pageSize?: number;
}

export interface DutyStationParams {
  q?: string;
  country?: string;
  region?: string;
  includeObsolete?: boolean;
  sort?: 'code' | 'city' | 'country' | 'region';
  order?: SortOrder;
  page?: number;
  pageSize?: number;
}

export const providersQuery = (p: ProviderParams) =>
  queryOptions({
    queryKey: ['providers', p],
    queryFn: ({ signal }) => api<Page<Provider>>('/api/providers', { query: { ...p }, signal }),
    placeholderData: keepPreviousData,
  });

export const entitiesQuery = (p: EntityParams) =>
  queryOptions({
    queryKey: ['entities', p],
    queryFn: ({ signal }) => api<Page<ClientEntity>>('/api/entities', { query: { ...p }, signal }),
    placeholderData: keepPreviousData,
  });

export const dutyStationsQuery = (p: DutyStationParams) =>
  queryOptions({
    queryKey: ['duty-stations', p],
    queryFn: ({ signal }) =>
      api<Page<DutyStation>>('/api/duty-stations', {
        query: { ...p, includeObsolete: p.includeObsolete ? 'true' : undefined },
        signal,
      }),
    placeholderData: keepPreviousData,
  });

/** Every item of a list endpoint, page by page (500 a page). */
export async function fetchAll<T>(path: string, query: Record<string, string> = {}, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const p = await api<Page<T>>(path, { query: { ...query, page, pageSize: 500 }, signal });
    out.push(...p.items);
    if (out.length >= p.total || p.items.length === 0) return out;
  }
}

/** All client entities (for pickers). */
export const allEntitiesQuery = queryOptions({
  queryKey: ['entities', 'all'],
  queryFn: ({ signal }) => fetchAll<ClientEntity>('/api/entities', {}, signal),
  staleTime: 10 * 60_000,
});

/** All providers (for maps and pickers). */
export const allProvidersQuery = queryOptions({
  queryKey: ['providers', 'all'],
  queryFn: ({ signal }) => fetchAll<Provider>('/api/providers', {}, signal),
  staleTime: 10 * 60_000,
});
