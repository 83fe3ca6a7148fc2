/**
 * Shows an error: an API problem in the UI language by its code (never the API's English `detail`), the
 * fields a refused request named, the code and the request id for support; anything else (a fault of the
 * page itself) as a generic text in the UI language.
 */
import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { useProblemText } from '../lib/problems.ts';

export function ErrorAlert({ error, title, testId }: { error: unknown; title?: string; testId?: string }) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  const text = api ? problemText(api) : t('apiProblem.unexpected');
  const code = api && api.code !== 'NETWORK' ? api.code : undefined;
  const requestId = api?.problem.requestId;
  const fields = [...new Set((api?.problem.errors ?? []).map((i) => i.field).filter((f): f is string => Boolean(f)))];
  return (
    <Alert color="red" variant="light" title={title ?? t('errors.title')} data-testid={testId ?? 'error-alert'} role="alert">
      <Text size="sm" data-testid="error-text">
        {text}
      </Text>
      {fields.length > 0 && (
        <Text size="xs" mt={4} data-testid="error-fields">
          {t('apiProblem.fields', { fields: fields.slice(0, 10).join(', '), count: fields.length })}
        </Text>
      )}
      {(code || requestId) && (
        <Text size="xs" c="dimmed" mt={4}>
          {code}
          {requestId ? ` · ${t('errors.requestId', { id: requestId })}` : ''}
        </Text>
      )}
    </Alert>
  );
}
