/** URL search parameters of "My surveys": every key, undefined when missing or not valid (see search-params.ts). */
import { optOneOf } from '../../lib/search-params.ts';

export const SAVED_OUTCOMES = ['recorded', 'updated', 'unchanged'] as const;

/** `saved`: what became of the answer just sent (a confirmation to show), else undefined. */
export function validateMySurveysSearch(raw: Record<string, unknown>): { saved?: (typeof SAVED_OUTCOMES)[number] | undefined } {
  return { saved: optOneOf(raw.saved, SAVED_OUTCOMES) };
}
