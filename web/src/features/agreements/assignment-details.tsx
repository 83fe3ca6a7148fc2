/** The facts of one assignment (provider, scope, cost recovery, basis), shown in the matrix tooltip and the routing result. */
import { Badge, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Scope } from '../../api/types.ts';

export function ScopeBadge({ scope }: { scope: Scope }) {
  const { t } = useTranslation();
  const color = scope === 'global' ? 'blue' : scope === 'regional' ? 'teal' : 'yellow';
  return (
    <Badge size="sm" variant="light" color={color} data-testid="scope-badge">
      {t(`scope.${scope}`)}
    </Badge>
  );
}

export function CostRecoveryBadge({ costRecovery }: { costRecovery: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge size="sm" variant="outline" color={costRecovery ? 'grape' : 'gray'}>
      {costRecovery ? t('assignment.costRecoveryYes') : t('assignment.costRecoveryNo')}
    </Badge>
  );
}

export function BasisBlock({ basis }: { basis: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase">
        {t('fields.basis')}
      </Text>
      <Text size="xs">{basis}</Text>
    </Stack>
  );
}

export function ScopeAndCost({ scope, costRecovery }: { scope: Scope; costRecovery: boolean }) {
  return (
    <Group gap={6}>
      <ScopeBadge scope={scope} />
      <CostRecoveryBadge costRecovery={costRecovery} />
    </Group>
  );
}
