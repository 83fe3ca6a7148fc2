/**
 * API problems of the SLA editors: the field issues of a 400 (`body.spec.week.mon.0.1`, `body.effectiveFrom`)
 * or the rejected lines of a 422 import, shown next to the input they concern when the form has one, and
 * otherwise listed under the problem (the ErrorAlert of the other screens), each in the UI language ("Ligne 12,
 * colonne date : « 2026-02-30 » n’est pas une date"), never the API's English message.
 */
import { List, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { useFieldProblemText } from '../../lib/field-problems.ts';
import { issuesOf, type SlaIssue } from './sla-issues.ts';

/** One listed issue as a sentence in the UI language: its line and field (a column, for an import) then its problem. */
export function useIssueLine(): (i: SlaIssue) => string {
  const { t } = useTranslation();
  const describe = useFieldProblemText();
  return (i) => {
    const problem = describe(i.problem) ?? '';
    if (i.line !== undefined && i.field) return t('sla.problems.lineField', { line: i.line, field: i.field, problem });
    if (i.line !== undefined) return t('sla.problems.lineOnly', { line: i.line, problem });
    if (i.field) return t('sla.problems.fieldOnly', { field: i.field, problem });
    return problem;
  };
}

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
  const lineOf = useIssueLine();
  if (!error) return null;
  const rest = issuesOf(error).filter((i) => !shown(i.field));
  return (
    <Stack gap={4} data-testid={testId}>
      <ErrorAlert error={error} testId={`${testId}-alert`} />
      {rest.length > 0 && (
        <List size="sm" spacing={2} data-testid={`${testId}-issues`} c="red.8">
          {rest.map((i) => (
            <List.Item key={`${i.line ?? ''}|${i.field}|${i.message}`}>{lineOf(i)}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
