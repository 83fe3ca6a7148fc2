/** URL search parameters of the who-serves-whom matrix. */
import { ENTITY_KINDS, type EntityKind } from '../../api/types.ts';
import { optInt, optOneOf, optPageSize, optString } from '../../lib/search-params.ts';

export interface MatrixSearch {
  q?: string;
  kind?: EntityKind;
  serviceLine?: string;
  page?: number;
  pageSize?: number;
}

export const MATRIX_PAGE_SIZE = 25;

export function validateMatrixSearch(raw: Record<string, unknown>): MatrixSearch {
  return {
    q: optString(raw.q),
    kind: optOneOf(raw.kind, ENTITY_KINDS),
    serviceLine: optString(raw.serviceLine, 20),
    page: optInt(raw.page, 1, 100_000),
    pageSize: optPageSize(raw.pageSize),
  };
}
