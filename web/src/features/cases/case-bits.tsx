/** Small shared pieces of the cases screens: state and priority badges, the provider of a case, field problems. */
import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseState, LocalizedText, Priority } from '../../api/types.ts';
import { useFieldProblemText } from '../../lib/field-problems.ts';
import { useLocalized } from '../../lib/localized.ts';
import { PRIORITY_COLOR, STATE_COLOR } from './case-format.ts';

export { useFieldProblemText };

export function StateBadge({ state, size = 'sm' }: { state: CaseState; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  return (
    <Badge size={size} color={STATE_COLOR[state] ?? 'gray'} variant="light" data-testid="case-state" data-state={state}>
      {t(`caseState.${state}`)}
    </Badge>
  );
}

export function PriorityBadge({ priority, size = 'sm' }: { priority: Priority; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  return (
    <Tooltip label={t(`priority.${priority}`)} withArrow>
      <Badge size={size} color={PRIORITY_COLOR[priority]} variant="filled" data-testid="case-priority">
        {priority}
      </Badge>
    </Tooltip>
  );
}

/** The provider of a case (code, full name on hover), or the DOS coordination queue. */
export function ProviderLabel({
  provider,
  withName = false,
  testId,
}: {
  provider: { code: string; name: LocalizedText } | null;
  withName?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  if (!provider) {
    return (
      <Badge
        size="sm"
        color="orange"
        variant="outline"
        // a long label (French) wraps within its column rather than run over the next one
        maw="100%"
        styles={{ root: { minWidth: 0, height: 'auto', paddingBlock: 1 }, label: { whiteSpace: 'normal' } }}
        data-testid={testId}
        data-provider="none"
      >
        {t('cases.coordinationQueue')}
      </Badge>
    );
  }
  if (withName) {
    return (
      <Group gap={6} wrap="nowrap" data-testid={testId} data-provider={provider.code}>
        <Text fw={700} size="sm">
          {provider.code}
        </Text>
        <Text size="sm" c="dimmed" lineClamp={1}>
          {l(provider.name)}
        </Text>
      </Group>
    );
  }
  return (
    <Tooltip label={l(provider.name)} withArrow>
      <Text fw={600} size="sm" span data-testid={testId} data-provider={provider.code}>
        {provider.code}
      </Text>
    </Tooltip>
  );
}

/** The label of a select option of a service form: a translation when there is one, else the value made readable. */
export function useOptionLabel(): (value: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (value: string) => {
      const plain = value.replace(/[-_]+/g, ' ');
      return t(`formOption.${value}`, { defaultValue: plain.charAt(0).toUpperCase() + plain.slice(1) });
    },
    [t],
  );
}
