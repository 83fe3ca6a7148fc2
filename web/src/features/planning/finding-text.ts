/**
 * Why a plan cannot be met, in the user's language: the server's findings carry a stable code and their
 * fields (entity, service, provider, duty station, service line, demand and capacity a year in the
 * service's unit) beside an English detail for the CLI and logs; the screen words them itself from
 * `planning.finding.<code>`, numbers formatted for the language.
 */
import type { TFunction } from 'i18next';
import { type Finding, formatNumber } from './planning.api.ts';

/** The codes the client words itself; another code gets the generic `planning.finding.other`. */
export const FINDING_CODES: ReadonlySet<string> = new Set([
  'ON_SITE_NO_LOCAL_PROVIDER',
  'NO_PROVIDER_OFFERS_SERVICE',
  'DEMAND_ABOVE_ANY_CAPACITY',
  'KEPT_PROVIDER_NOT_ELIGIBLE',
  'SERVICE_DEMAND_ABOVE_CAPACITY',
  'KEPT_LOAD_ABOVE_CAPACITY',
  'NO_PROVIDER_FOR_SERVICE_LINE',
  'CAPACITY_PACKING',
]);

/** Finding `f` as one sentence in language `lng` (a kept provider that is none reads as own support). */
export function findingSentence(t: TFunction, lng: string, f: Finding): string {
  return t(`planning.finding.${FINDING_CODES.has(f.code) ? f.code : 'other'}`, {
    code: f.code,
    entity: f.entity ?? '',
    service: f.service ?? '',
    provider: f.provider ?? t('planning.finding.ownSupport'),
    dutyStation: f.dutyStation ?? '',
    serviceLine: f.serviceLine ?? '',
    demand: f.demand === undefined ? '' : formatNumber(f.demand, lng),
    capacity: f.capacity === undefined ? '' : formatNumber(f.capacity, lng),
  });
}
