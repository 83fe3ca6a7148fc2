/** Duty stations (CEB codes): searchable, sortable, paginated by the API, filtered by region and country. */
import { Badge, Group, Select, Stack, Switch, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { type DutyStation, REGIONS } from '../../api/types.ts';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { useCountries } from '../../lib/countries.ts';
import { useLastPageWhenBeyond } from '../../lib/paging.ts';
import { dutyStationsQuery } from './directory.api.ts';
import { BasisText } from './kind-badge.tsx';
import { DEFAULT_PAGE_SIZE, type DutyStationsSearch, type SetSearch } from './list-search.ts';

function formatCoordinate(v: number | null, pos: string, neg: string): string {
  if (v === null) return '—';
  return `${Math.abs(v).toFixed(2)}° ${v >= 0 ? pos : neg}`;
}

export function DutyStationsPage({
  search,
  setSearch,
}: {
  search: DutyStationsSearch;
  setSearch: SetSearch<DutyStationsSearch>;
}) {
  const { t } = useTranslation();
  const countries = useCountries();
  const params = {
    q: search.q,
    region: search.region,
    country: search.country,
    includeObsolete: search.obsolete ?? false,
    sort: search.sort ?? 'code',
    order: search.order ?? 'asc',
    page: search.page ?? 1,
    pageSize: search.pageSize ?? DEFAULT_PAGE_SIZE,
  } as const;
  const query = useQuery(dutyStationsQuery(params));
  useLastPageWhenBeyond(query.data, params.page, (page) => setSearch({ page }));
  const filtered = Boolean(search.q || search.region || search.country);

  const columns: Column<DutyStation>[] = [
    { key: 'code', header: t('fields.code'), sortKey: 'code', nowrap: true, render: (d) => <Text fw={600}>{d.code}</Text> },
    { key: 'city', header: t('fields.city'), sortKey: 'city', render: (d) => <Text size="sm">{d.city}</Text> },
    {
      key: 'country',
      header: t('fields.country'),
      sortKey: 'country',
      render: (d) => (
        <Text size="sm">
          {countries.name(d.country)}{' '}
          <Text span size="xs" c="dimmed">
            {d.country}
          </Text>
        </Text>
      ),
    },
    {
      key: 'region',
      header: t('fields.region'),
      sortKey: 'region',
      render: (d) => <Text size="sm">{d.region ? t(`region.${d.region}`, { defaultValue: d.region }) : '—'}</Text>,
    },
    {
      key: 'coords',
      header: t('fields.coordinates'),
      nowrap: true,
      render: (d) => (
        <Text size="xs">
          {formatCoordinate(d.latitude, t('geo.north'), t('geo.south'))},{' '}
          {formatCoordinate(d.longitude, t('geo.east'), t('geo.west'))}
        </Text>
      ),
    },
    { key: 'tz', header: t('fields.timeZone'), render: (d) => <Text size="xs">{d.timeZone ?? '—'}</Text> },
    {
      key: 'status',
      header: t('fields.status'),
      render: (d) =>
        d.obsolete ? (
          <Badge color="gray" size="sm" variant="outline">
            {t('dutyStations.obsolete')}
          </Badge>
        ) : (
          <Badge color="green" size="sm" variant="light">
            {t('dutyStations.current')}
          </Badge>
        ),
    },
    { key: 'basis', header: t('fields.basis'), render: (d) => <BasisText basis={d.basis ?? d.source} /> },
  ];

  return (
    <Stack gap="md">
      <PageHeader title={t('dutyStations.title')} description={t('dutyStations.description')} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <SearchInput
          value={search.q ?? ''}
          onChange={(q) => setSearch({ q: q || undefined, page: undefined })}
          placeholder={t('dutyStations.searchPlaceholder')}
          testId="duty-stations-search"
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
          label={t('fields.country')}
          placeholder={t('common.allCountries')}
          clearable
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          data={countries.options}
          value={search.country ?? null}
          onChange={(v) => setSearch({ country: v ?? undefined, page: undefined })}
        />
        <Switch
          mb={8}
          label={t('dutyStations.includeObsolete')}
          checked={search.obsolete ?? false}
          onChange={(e) => setSearch({ obsolete: e.currentTarget.checked || undefined, page: undefined })}
        />
      </Group>
      <ErrorAlert error={query.error} />
      <DataTable
        testId="duty-stations-table"
        caption={t('dutyStations.title')}
        columns={columns}
        rows={query.data?.items}
        rowKey={(d) => d.code}
        total={query.data?.total ?? 0}
        page={params.page}
        pageSize={params.pageSize}
        loading={query.isPending}
        fetching={query.isFetching}
        sort={params.sort}
        order={params.order}
        onSort={(sort, order) => setSearch({ sort: sort as DutyStationsSearch['sort'], order, page: undefined })}
        onPage={(page) => setSearch({ page })}
        onPageSize={(pageSize) => setSearch({ pageSize, page: undefined })}
        empty={
          <EmptyResult
            filtered={filtered}
            onClear={() => setSearch({ q: undefined, region: undefined, country: undefined, page: undefined })}
          />
        }
      />
    </Stack>
  );
}
