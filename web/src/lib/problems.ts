/**
 * The text of an API problem in the UI language, always by its stable `code`, in every language (with the
 * problem's extra fields, e.g. `entity`, `service`, `on`): the API writes its `detail` in English for logs,
 * scripts and support, and the UI never shows it as is. A code the UI has no text for (a new one, or a
 * gateway's `HTTP_502`) reads as the generic text of its kind: the network, a server fault, or a refusal.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client.ts';

/** What a problem text needs: the code, the HTTP status when known, and the problem's extra fields. */
export interface ProblemLike {
  code: string;
  status?: number | undefined;
  [extra: string]: unknown;
}

/** The dictionary key of a problem: its code's text, else the generic text of its kind. */
export function problemKey(p: ProblemLike, exists: (key: string) => boolean): string {
  if (p.code === 'NETWORK' || p.status === 0) return 'errors.network';
  const key = `problems.${p.code}`;
  if (exists(key)) return key;
  return (p.status ?? 500) >= 500 ? 'problems.INTERNAL' : 'apiProblem.refused';
}

/** The values a problem's text interpolates: its fields, a list as "12, 14" (e.g. the overlapping price lists). */
export function problemValues(p: ProblemLike): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
}

export function useProblemText(): (err: ApiError | ProblemLike) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (err: ApiError | ProblemLike) => {
      const p: ProblemLike = 'problem' in err ? { ...(err.problem as unknown as Record<string, unknown>), code: err.code } : err;
      return t(
        problemKey(p, (k) => i18n.exists(k)),
        problemValues(p),
      );
    },
    [t, i18n],
  );
}
