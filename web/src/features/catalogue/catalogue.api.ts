/** Queries of the service catalogue. */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Page, Service, ServiceLine } from '../../api/types.ts';

export const serviceLinesQuery = queryOptions({
  queryKey: ['catalogue', 'service-lines'],
  queryFn: ({ signal }) => api<{ items: ServiceLine[] }>('/api/catalogue/service-lines', { signal }).then((r) => r.items),
  staleTime: 10 * 60_000,
});

export interface ServiceParams {
  q?: string;
  serviceLine?: string;
  delivery?: 'remote' | 'on-site';
}

/** Services matching the filters (the catalogue is small: one page of up to 500). */
export const servicesQuery = (p: ServiceParams = {}) =>
  queryOptions({
    queryKey: ['catalogue', 'services', p],
    queryFn: ({ signal }) => api<Page<Service>>('/api/catalogue/services', { query: { ...p, pageSize: 500 }, signal }),
    placeholderData: keepPreviousData,
    staleTime: 10 * 60_000,
  });
