/** Client entities: searchable, sortable, paginated by the API, filtered by kind, region and covered country. */
import { Group, Select, Stack, Text, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { type ClientEntity, ENTITY_KINDS, type EntityKind, REGIONS } from '../../api/types.ts';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { useCountries } from '../../lib/countries.ts';
import { useLocalized } from '../../lib/localized.ts';
import { useLastPageWhenBeyond } from '../../lib/paging.ts';
import { entitiesQuery } from './directory.api.ts';
import { BasisText, DutyStationCell, EntityKindBadge } from './kind-badge.tsx';
import { DEFAULT_PAGE_SIZE, type EntitiesSearch, type SetSearch } from './list-search.ts';

function CountriesCell({ codes }: { codes: string[] }) {
  const countries = useCountries();
  const { t } = useTranslation();
  if (codes.length === 0) return <Text size="xs">—</Text>;
  const names = codes.map((c) => countries.name(c));
  const shown = names.slice(0, 3).join(', ');
  const more = names.length - 3;
  return (
    <Tooltip label={names.join(', ')} multiline w={320} disabled={more <= 0} withArrow>
      <Text size="xs">
        {shown}
        {more > 0 ? ` ${t('entities.andMore', { count: more })}` : ''}
      </Text>
    </Tooltip>
  );
}

export function EntitiesPage({ search, setSearch }: { search: EntitiesSearch; setSearch: SetSearch<EntitiesSearch> }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const countries = useCountries();
  const params = {
    q: search.q,
    kind: search.kind,
    region: search.region,
    country: search.country,
    sort: search.sort ?? 'code',
    order: search.order ?? 'asc',
    page: search.page ?? 1,
    pageSize: search.pageSize ?? DEFAULT_PAGE_SIZE,
  } as const;
  const query = useQuery(entitiesQuery(params));
  useLastPageWhenBeyond(query.data, params.page, (page) => setSearch({ page }));
  const filtered = Boolean(search.q || search.kind || search.region || search.country);

  const columns: Column<ClientEntity>[] = [
    {
      key: 'code',
      header: t('fields.code'),
      sortKey: 'code',
      width: 120,
      nowrap: true,
      render: (e) => <Text fw={600}>{e.code}</Text>,
    },
    { key: 'name', header: t('fields.name'), render: (e) => <Text size="sm">{l(e.name)}</Text> },
    { key: 'kind', header: t('fields.kind'), sortKey: 'kind', render: (e) => <EntityKindBadge kind={e.kind} /> },
    { key: 'station', header: t('fields.dutyStation'), render: (e) => <DutyStationCell station={e.dutyStation} /> },
    { key: 'countries', header: t('fields.countriesCovered'), render: (e) => <CountriesCell codes={e.countries} /> },
    { key: 'basis', header: t('fields.basis'), render: (e) => <BasisText basis={e.basis} /> },
  ];

  return (
    <Stack gap="md">
      <PageHeader title={t('entities.title')} description={t('entities.description')} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <SearchInput
          value={search.q ?? ''}
          onChange={(q) => setSearch({ q: q || undefined, page: undefined })}
          placeholder={t('entities.searchPlaceholder')}
          testId="entities-search"
        />
        <Select
          w={260}
          label={t('fields.kind')}
          placeholder={t('common.allKinds')}
          clearable
          data-testid="entities-kind"
          data={ENTITY_KINDS.map((k) => ({ value: k, label: t(`entityKind.${k}`) }))}
          value={search.kind ?? null}
          onChange={(v) => setSearch({ kind: (v as EntityKind | null) ?? undefined, page: undefined })}
        />
        <Select
          w={180}
          label={t('fields.region')}
          placeholder={t('common.allRegions')}
          clearable
          data={REGIONS.map((r) => ({ value: r, label: t(`region.${r}`) }))}
          value={search.region ?? null}
          onChange={(v) => setSearch({ region: v ?? undefined, page: undefined })}
        />
        <Select
          w={260}
          label={t('entities.countryCovered')}
          placeholder={t('common.allCountries')}
          clearable
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          data={countries.options}
          value={search.country ?? null}
          onChange={(v) => setSearch({ country: v ?? undefined, page: undefined })}
        />
      </Group>
      <ErrorAlert error={query.error} />
      <DataTable
        testId="entities-table"
        caption={t('entities.title')}
        columns={columns}
        rows={query.data?.items}
        rowKey={(e) => e.code}
        total={query.data?.total ?? 0}
        page={params.page}
        pageSize={params.pageSize}
        loading={query.isPending}
        fetching={query.isFetching}
        sort={params.sort}
        order={params.order}
        onSort={(sort, order) => setSearch({ sort: sort as EntitiesSearch['sort'], order, page: undefined })}
        onPage={(page) => setSearch({ page })}
        onPageSize={(pageSize) => setSearch({ pageSize, page: undefined })}
        empty={
          <EmptyResult
            filtered={filtered}
            onClear={() => setSearch({ q: undefined, kind: undefined, region: undefined, country: undefined, page: undefined })}
          />
        }
      />
    </Stack>
  );
}
