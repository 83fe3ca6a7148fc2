/**
 * Co-location finder: duty stations where several Secretariat entities each keep their own support for
 * the same service, with their volumes and the cost of those small capacities beside one shared local
 * capacity — the candidates for local shared services (para 44).
 */
import { Card, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useCountries } from '../../lib/countries.ts';
import { coLocationsQuery, formatNumber, formatUsd } from './planning.api.ts';

export function CoLocationPage() {
  const { t, i18n } = useTranslation();
  const countries = useCountries();
  const q = useQuery(coLocationsQuery);
  const lng = i18n.language;
  return (
    <Stack gap="sm">
      <PageHeader title={t('planning.coLocation.title')} description={t('planning.coLocation.description')} />
      <ErrorAlert error={q.error} />
      {q.isPending ? (
        <Skeleton height={300} />
      ) : (
        <Card withBorder radius="md" padding="md">
          <Text size="sm" c="dimmed" mb="sm">
            {t('planning.coLocation.count', { count: q.data?.length ?? 0 })}
          </Text>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover data-testid="co-location-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('planning.coLocation.dutyStation')}</Table.Th>
                  <Table.Th>{t('planning.coLocation.service')}</Table.Th>
                  <Table.Th>{t('planning.coLocation.entities')}</Table.Th>
                  <Table.Th ta="end">{t('planning.coLocation.volume')}</Table.Th>
                  <Table.Th ta="end">{t('planning.coLocation.ownCost')}</Table.Th>
                  <Table.Th ta="end">{t('planning.coLocation.sharedCost')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(q.data ?? []).map((c) => (
                  <Table.Tr key={`${c.dutyStation}|${c.service}`} data-testid="co-location-row">
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {c.city}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {countries.name(c.country)} · {c.dutyStation}
                      </Text>
                    </Table.Td>
                    <Table.Td>{c.service}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{c.entities.map((e) => `${e.code} (${formatNumber(e.quantity, lng)})`).join(', ')}</Text>
                    </Table.Td>
                    <Table.Td ta="end">
                      {formatNumber(c.totalQuantity, lng)} {t(`unit.${c.unit}`, { defaultValue: c.unit })}
                    </Table.Td>
                    <Table.Td ta="end">{formatUsd(c.ownSupportCostUsd, lng)}</Table.Td>
                    <Table.Td ta="end">{formatUsd(c.sharedCostUsd, lng)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </Stack>
  );
}
