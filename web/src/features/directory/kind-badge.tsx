/** Coloured badges for provider and entity kinds, and a duty-station cell (city, country). */
import { Badge, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DutyStationRef } from '../../api/types.ts';
import { useCountries } from '../../lib/countries.ts';
import { entityColor, providerColor } from '../../lib/kinds.ts';

export function ProviderKindBadge({ kind }: { kind: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={providerColor(kind).mantine} size="sm">
      {t(`providerKind.${kind}`, { defaultValue: kind })}
    </Badge>
  );
}

export function EntityKindBadge({ kind }: { kind: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={entityColor(kind)} size="sm">
      {t(`entityKind.${kind}`, { defaultValue: kind })}
    </Badge>
  );
}

export function DutyStationCell({ station }: { station: DutyStationRef }) {
  const countries = useCountries();
  return (
    <Stack gap={0}>
      <Text size="sm">{station.city}</Text>
      <Text size="xs" c="dimmed">
        {countries.name(station.country)} · <span style={{ whiteSpace: 'nowrap' }}>{station.code}</span>
      </Text>
    </Stack>
  );
}

export function BasisText({ basis }: { basis: string | null }) {
  return (
    <Text size="xs" c="dimmed" lineClamp={2} title={basis ?? undefined} maw={360}>
      {basis ?? '—'}
    </Text>
  );
}
