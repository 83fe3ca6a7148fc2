/** Service providers (map 1 of the report): searchable, sortable, paginated by the API, filtered by kind. */
import { Group, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { PROVIDER_KINDS, type Provider, type ProviderKind } from '../../api/types.ts';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useLastPageWhenBeyond } from '../../lib/paging.ts';
import { providersQuery } from './directory.api.ts';
import { BasisText, DutyStationCell, ProviderKindBadge } from './kind-badge.tsx';
import { DEFAULT_PAGE_SIZE, type ProvidersSearch, type SetSearch } from './list-search.ts';

export function ProvidersPage({ search, setSearch }: { search: ProvidersSearch; setSearch: SetSearch<ProvidersSearch> }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const params = {
    q: search.q,
    kind: search.kind,
    sort: search.sort ?? 'code',
    order: search.order ?? 'asc',
    page: search.page ?? 1,
    pageSize: search.pageSize ?? DEFAULT_PAGE_SIZE,
  } as const;
  const query = useQuery(providersQuery(params));
  useLastPageWhenBeyond(query.data, params.page, (page) => setSearch({ page }));
  const filtered = Boolean(search.q || search.kind);

  const columns: Column<Provider>[] = [
    {
      key: 'code',
      header: t('fields.code'),
      sortKey: 'code',
      width: 110,
      nowrap: true,
      render: (p) => <Text fw={600}>{p.code}</Text>,
    },
    { key: 'name', header: t('fields.name'), render: (p) => <Text size="sm">{l(p.name)}</Text> },
    { key: 'kind', header: t('fields.kind'), sortKey: 'kind', render: (p) => <ProviderKindBadge kind={p.kind} /> },
    { key: 'station', header: t('fields.dutyStation'), render: (p) => <DutyStationCell station={p.dutyStation} /> },
    { key: 'tz', header: t('fields.timeZone'), render: (p) => <Text size="xs">{p.dutyStation.timeZone ?? '—'}</Text> },
    { key: 'basis', header: t('fields.basis'), render: (p) => <BasisText basis={p.basis} /> },
  ];

  return (
    <Stack gap="md">
      <PageHeader title={t('providers.title')} description={t('providers.description')} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <SearchInput
          value={search.q ?? ''}
          onChange={(q) => setSearch({ q: q || undefined, page: undefined })}
          placeholder={t('providers.searchPlaceholder')}
          testId="providers-search"
        />
        <Select
          w={280}
          label={t('fields.kind')}
          placeholder={t('common.allKinds')}
          clearable
          data-testid="providers-kind"
          data={PROVIDER_KINDS.map((k) => ({ value: k, label: t(`providerKind.${k}`) }))}
          value={search.kind ?? null}
          onChange={(v) => setSearch({ kind: (v as ProviderKind | null) ?? undefined, page: undefined })}
        />
      </Group>
      <ErrorAlert error={query.error} />
      <DataTable
        testId="providers-table"
        caption={t('providers.title')}
        columns={columns}
        rows={query.data?.items}
        rowKey={(p) => p.code}
        total={query.data?.total ?? 0}
        page={params.page}
        pageSize={params.pageSize}
        loading={query.isPending}
        fetching={query.isFetching}
        sort={params.sort}
        order={params.order}
        onSort={(sort, order) => setSearch({ sort: sort as ProvidersSearch['sort'], order, page: undefined })}
        onPage={(page) => setSearch({ page })}
        onPageSize={(pageSize) => setSearch({ pageSize, page: undefined })}
        empty={<EmptyResult filtered={filtered} onClear={() => setSearch({ q: undefined, kind: undefined, page: undefined })} />}
      />
    </Stack>
  );
}
