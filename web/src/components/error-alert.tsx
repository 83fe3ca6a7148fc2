/** Shows an API error: its `detail` (safe to show), its code, and the request id for support. */
import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { useProblemText } from '../lib/problems.ts';

export function ErrorAlert({ error, title, testId }: { error: unknown; title?: string; testId?: string }) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  if (!error) return null;
  const detail = error instanceof ApiError ? problemText(error) : error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : undefined;
  const requestId = error instanceof ApiError ? error.problem.requestId : undefined;
  return (
    <Alert color="red" variant="light" title={title ?? t('errors.title')} data-testid={testId ?? 'error-alert'} role="alert">
      <Text size="sm">{code === 'NETWORK' ? t('errors.network') : detail}</Text>
      {(code || requestId) && (
        <Text size="xs" c="dimmed" mt={4}>
          {code}
          {requestId ? ` · ${t('errors.requestId', { id: requestId })}` : ''}
        </Text>
      )}
    </Alert>
  );
}
