/**
 * URL search parameters of the survey screens ("My surveys", the results dashboard): every key, undefined when
 * missing or not valid (see search-params.ts), so that the address keeps only what the page understands.
 */
import { optBool, optDate, optOneOf } from '../../lib/search-params.ts';
import { GROUP_BY, type GroupBy, SOURCES, type Source } from './surveys.api.ts';

export const SAVED_OUTCOMES = ['recorded', 'updated', 'unchanged'] as const;

/** `saved`: what became of the answer just sent (a confirmation to show), else undefined. */
export function validateMySurveysSearch(raw: Record<string, unknown>): { saved?: (typeof SAVED_OUTCOMES)[number] | undefined } {
  return { saved: optOneOf(raw.saved, SAVED_OUTCOMES) };
}

/** The results dashboard's filters in its address (`/surveys/results?from=2026-01-01&groupBy=month`). */
export interface SurveyResultsSearch {
  /** First day of the period, `YYYY-MM-DD` (default: 1 January of this year). */
  from?: string | undefined;
  /** Last day of the period, `YYYY-MM-DD` (default: today). */
  to?: string | undefined;
  groupBy?: GroupBy | undefined;
  source?: Source | undefined;
  /** Only the comments flagged as pain points. */
  pain?: boolean | undefined;
}

/** The results dashboard's search: real dates, known groupings and sources, else undefined (`31/02/2026`, `zz`). */
export function validateSurveyResultsSearch(raw: Record<string, unknown>): SurveyResultsSearch {
  return {
    from: optDate(raw.from),
    to: optDate(raw.to),
    groupBy: optOneOf(raw.groupBy, GROUP_BY),
    source: optOneOf(raw.source, SOURCES),
    pain: optBool(raw.pain),
  };
}
