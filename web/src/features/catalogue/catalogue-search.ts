/** URL search parameters of the service catalogue: every key, undefined when missing or not valid (see search-params.ts). */
import { optOneOf, optString } from '../../lib/search-params.ts';
import type { CatalogueSearch } from './catalogue-page.tsx';

export function validateCatalogueSearch(raw: Record<string, unknown>): CatalogueSearch {
  return {
    q: optString(raw.q),
    serviceLine: optString(raw.serviceLine, 20),
    delivery: optOneOf(raw.delivery, ['remote', 'on-site'] as const),
  };
}
