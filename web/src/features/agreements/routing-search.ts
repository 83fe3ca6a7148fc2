/** URL search parameters of the routing look-up: every key, undefined when missing or not valid (see search-params.ts). */
import { optDate, optString } from '../../lib/search-params.ts';
import type { RoutingSearch } from './routing-page.tsx';

export function validateRoutingSearch(raw: Record<string, unknown>): RoutingSearch {
  return { entity: optString(raw.entity, 40), service: optString(raw.service, 40), on: optDate(raw.on) };
}
