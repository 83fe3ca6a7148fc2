/** Legend of provider-kind colours (matrix and maps). */
import { Box, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PROVIDER_KINDS, type ProviderKind } from '../../api/types.ts';
import { PROVIDER_KIND_COLOR } from '../../lib/kinds.ts';

export function ProviderKindLegend({
  kinds,
  shape = 'circle',
}: {
  kinds?: readonly ProviderKind[];
  shape?: 'circle' | 'square';
}) {
  const { t } = useTranslation();
  return (
    <Group gap="md" wrap="wrap" data-testid="provider-kind-legend">
      {(kinds ?? PROVIDER_KINDS).map((k) => (
        <Group key={k} gap={6} wrap="nowrap">
          <Box
            w={12}
            h={12}
            style={{
              background: PROVIDER_KIND_COLOR[k].hex,
              borderRadius: shape === 'circle' ? '50%' : 2,
              border: '1.5px solid white',
              boxShadow: '0 0 0 1px rgba(0,0,0,0.25)',
            }}
          />
          <Text size="xs">{t(`providerKind.${k}`)}</Text>
        </Group>
      ))}
    </Group>
  );
}
