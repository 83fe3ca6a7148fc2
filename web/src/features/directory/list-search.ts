/**
 * URL search parameters of the directory lists, validated from whatever is in the address bar: every key,
 * undefined when missing or not valid (see search-params.ts).
 */
import { ENTITY_KINDS, type EntityKind, PROVIDER_KINDS, type ProviderKind } from '../../api/types.ts';
import { optBool, optInt, optOneOf, optPageSize, optString } from '../../lib/search-params.ts';
import type { SortOrder } from './directory.api.ts';

const ORDERS = ['asc', 'desc'] as const;
export const DEFAULT_PAGE_SIZE = 25;

export interface ListSearch<S extends string> {
  q?: string;
  sort?: S;
  order?: SortOrder;
  page?: number;
  pageSize?: number;
}

function base<S extends string>(raw: Record<string, unknown>, sorts: readonly S[]): ListSearch<S> {
  return {
    q: optString(raw.q),
    sort: optOneOf(raw.sort, sorts),
    order: optOneOf(raw.order, ORDERS),
    page: optInt(raw.page, 1, 100_000),
    pageSize: optPageSize(raw.pageSize),
  };
}

export const PROVIDER_SORTS = ['code', 'kind'] as const;
export interface ProvidersSearch extends ListSearch<(typeof PROVIDER_SORTS)[number]> {
  kind?: ProviderKind;
}
export function validateProvidersSearch(raw: Record<string, unknown>): ProvidersSearch {
  return { ...base(raw, PROVIDER_SORTS), kind: optOneOf(raw.kind, PROVIDER_KINDS) };
}

export const ENTITY_SORTS = ['code', 'kind'] as const;
export interface EntitiesSearch extends ListSearch<(typeof ENTITY_SORTS)[number]> {
  kind?: EntityKind;
  region?: string;
  country?: string;
}
export function validateEntitiesSearch(raw: Record<string, unknown>): EntitiesSearch {
  const country = optString(raw.country);
  return {
    ...base(raw, ENTITY_SORTS),
    kind: optOneOf(raw.kind, ENTITY_KINDS),
    region: optString(raw.region),
    country: country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : undefined,
  };
}

export const DUTY_STATION_SORTS = ['code', 'city', 'country', 'region'] as const;
export interface DutyStationsSearch extends ListSearch<(typeof DUTY_STATION_SORTS)[number]> {
  region?: string;
  country?: string;
  obsolete?: boolean;
}
export function validateDutyStationsSearch(raw: Record<string, unknown>): DutyStationsSearch {
  const country = optString(raw.country);
  return {
    ...base(raw, DUTY_STATION_SORTS),
    region: optString(raw.region),
    country: country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : undefined,
    obsolete: optBool(raw.obsolete),
  };
}

/** The patch that changes filters: back to page 1. */
export type SetSearch<T> = (patch: Partial<T>) => void;
