/**
 * The common service catalogue (para 53): services grouped by service line, harmonized names in the UI
 * language, remote or on-site delivery and the cost-recovery unit. Search works in any language (the API
 * searches codes, names and descriptions in every language).
 */
import { Badge, Card, Group, SegmentedControl, Select, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Delivery, Service } from '../../api/types.ts';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { serviceLinesQuery, servicesQuery } from './catalogue.api.ts';

export interface CatalogueSearch {
  q?: string;
  serviceLine?: string;
  delivery?: Delivery;
}

export function DeliveryBadge({ delivery }: { delivery: Delivery }) {
  const { t } = useTranslation();
  return (
    <Badge
      size="sm"
      variant={delivery === 'remote' ? 'light' : 'filled'}
      color={delivery === 'remote' ? 'indigo' : 'orange'}
      data-testid={`delivery-${delivery}`}
    >
      {t(`delivery.${delivery}`)}
    </Badge>
  );
}

export function CataloguePage({
  search,
  setSearch,
}: {
  search: CatalogueSearch;
  setSearch: (patch: Partial<CatalogueSearch>) => void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const lines = useQuery(serviceLinesQuery);
  const services = useQuery(servicesQuery({ q: search.q, serviceLine: search.serviceLine, delivery: search.delivery }));
  const filtered = Boolean(search.q || search.serviceLine || search.delivery);

  const groups = new Map<string, Service[]>();
  for (const s of services.data?.items ?? []) {
    const list = groups.get(s.serviceLine.code) ?? [];
    list.push(s);
    groups.set(s.serviceLine.code, list);
  }
  const order = (lines.data ?? []).map((x) => x.code);
  const groupCodes = [...groups.keys()].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? 999 : ia) - (ib < 0 ? 999 : ib);
  });

  return (
    <Stack gap="md">
      <PageHeader title={t('catalogue.title')} description={t('catalogue.description')} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <SearchInput
          value={search.q ?? ''}
          onChange={(q) => setSearch({ q: q || undefined })}
          placeholder={t('catalogue.searchPlaceholder')}
          testId="catalogue-search"
        />
        <Select
          w={300}
          label={t('fields.serviceLine')}
          placeholder={t('common.allServiceLines')}
          clearable
          data={(lines.data ?? []).map((x) => ({ value: x.code, label: `${l(x.name)} (${x.serviceCount})` }))}
          value={search.serviceLine ?? null}
          onChange={(v) => setSearch({ serviceLine: v ?? undefined })}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('fields.delivery')}
          </Text>
          <SegmentedControl
            data={[
              { value: 'all', label: t('common.all') },
              { value: 'remote', label: t('delivery.remote') },
              { value: 'on-site', label: t('delivery.on-site') },
            ]}
            value={search.delivery ?? 'all'}
            onChange={(v) => setSearch({ delivery: v === 'all' ? undefined : (v as Delivery) })}
          />
        </Stack>
      </Group>
      <ErrorAlert error={services.error ?? lines.error} />
      {services.isPending ? (
        <Stack>
          <Skeleton height={120} />
          <Skeleton height={120} />
        </Stack>
      ) : groupCodes.length === 0 ? (
        <EmptyResult
          filtered={filtered}
          onClear={() => setSearch({ q: undefined, serviceLine: undefined, delivery: undefined })}
          testId="catalogue-empty"
        />
      ) : (
        <Stack gap="md" data-testid="catalogue" style={{ opacity: services.isFetching ? 0.6 : 1 }}>
          <Text size="sm" c="dimmed">
            {t('catalogue.count', { count: services.data?.total ?? 0, lines: groupCodes.length })}
          </Text>
          {groupCodes.map((code) => {
            const list = groups.get(code) ?? [];
            const first = list[0];
            const line = lines.data?.find((x) => x.code === code);
            return (
              <Card key={code} withBorder radius="md" padding="md" data-testid={`service-line-${code}`}>
                <Group justify="space-between" mb="xs">
                  <Title order={4}>
                    {l(line?.name ?? first?.serviceLine.name)}{' '}
                    <Text span c="dimmed" size="sm">
                      {code}
                    </Text>
                  </Title>
                  {line && (
                    <Text size="xs" c="dimmed">
                      {t('fields.basis')}: {line.basis}
                    </Text>
                  )}
                </Group>
                <Table.ScrollContainer minWidth={720}>
                  <Table verticalSpacing="xs" highlightOnHover>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th w={200}>{t('fields.code')}</Table.Th>
                        <Table.Th>{t('fields.service')}</Table.Th>
                        <Table.Th w={110}>{t('fields.delivery')}</Table.Th>
                        <Table.Th w={160}>{t('fields.unit')}</Table.Th>
                        <Table.Th w={220}>{t('fields.basis')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {list.map((s) => (
                        <Table.Tr key={s.code} data-testid={`service-${s.code}`}>
                          <Table.Td>
                            <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                              {s.code}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" fw={500}>
                              {l(s.name)}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {l(s.description)}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <DeliveryBadge delivery={s.delivery} />
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{t(`unit.${s.unit}`, { defaultValue: s.unit })}</Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="xs" c="dimmed" lineClamp={3} title={s.basis}>
                              {s.basis}
                            </Text>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Card>
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}
