/**
 * API problems of the SLA editors: the field issues of a 400 (`body.spec.week.mon.0.1`, `body.effectiveFrom`)
 * or the rejected lines of a 422 import, shown next to the input they concern when the form has one, and
 * otherwise listed under the problem (the ErrorAlert of the other screens).
 */
import { List, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { issuesOf } from './sla-issues.ts';

/**
 * The problem, then each issue no input shows (`shown(field)` says which fields have their own input).
 * Renders nothing without an error.
 */
export function ProblemAlert({
  error,
  shown = () => false,
  testId = 'sla-problem',
}: {
  error: unknown;
  shown?: (field: string) => boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const rest = issuesOf(error).filter((i) => !shown(i.field));
  return (
    <Stack gap={4} data-testid={testId}>
      <ErrorAlert error={error} testId={`${testId}-alert`} />
      {rest.length > 0 && (
        <List size="sm" spacing={2} data-testid={`${testId}-issues`} c="red.8">
          {rest.map((i) => (
            <List.Item key={`${i.line ?? ''}|${i.field}|${i.message}`}>
              {i.line !== undefined && (
                <Text span fw={700} size="sm">
                  {t('sla.problems.line', { line: i.line })}{' '}
                </Text>
              )}
              {i.field && (
                <Text span ff="monospace" size="sm">
                  {i.field}:{' '}
                </Text>
              )}
              {i.message}
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
