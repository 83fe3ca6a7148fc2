/**
 * The text of an API problem in the UI language. The API writes its `detail` in English; in English the
 * UI shows it as is, in other languages the translation of the problem's stable `code` (with the problem's
 * extra fields, e.g. `entity`, `service`, `on`) when there is one, else the English detail.
 */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client.ts';

export function useProblemText(): (err: ApiError) => string {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return useCallback(
    (err: ApiError) => {
      const key = `problems.${err.code}`;
      if (lng.startsWith('en') || !i18n.exists(key)) return err.problem.detail;
      return t(key, { ...(err.problem as unknown as Record<string, unknown>) });
    },
    [t, i18n, lng],
  );
}
