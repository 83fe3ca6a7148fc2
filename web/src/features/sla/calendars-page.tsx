/**
 * Business calendars: every duty station where a provider or client entity works, and every provider, with
 * its time zone and whether its calendar is stored (edited, with versions) or the default working week.
 * Searchable and paginated by the API; a row opens the calendar.
 */
import { Anchor, Badge, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { useLastPageWhenBeyond } from '../../lib/paging.ts';
import { type CalendarOwnerRow, calendarsQuery } from './sla.api.ts';
import { CALENDARS_PAGE_SIZE, type CalendarsSearch } from './sla-search.ts';

export const kindPath = (kind: CalendarOwnerRow['kind']) => (kind === 'provider' ? 'providers' : 'duty-stations');

export function CalendarsPage({
  search,
  setSearch,
}: {
  search: CalendarsSearch;
  setSearch: (patch: Partial<CalendarsSearch>) => void;
}) {
  const { t } = useTranslation();
  const params = { q: search.q, page: search.page ?? 1, pageSize: search.pageSize ?? CALENDARS_PAGE_SIZE };
  const query = useQuery(calendarsQuery(params));
  useLastPageWhenBeyond(query.data, params.page, (page) => setSearch({ page }));

  const columns: Column<CalendarOwnerRow>[] = [
    {
      key: 'kind',
      header: t('fields.kind'),
      nowrap: true,
      render: (r) => (
        <Badge size="sm" variant="light" color={r.kind === 'provider' ? 'grape' : 'cyan'}>
          {t(`sla.calendars.kind.${r.kind}`)}
        </Badge>
      ),
    },
    {
      key: 'code',
      header: t('fields.code'),
      nowrap: true,
      render: (r) => (
        <Anchor
          fw={700}
          size="sm"
          data-testid={`calendar-link-${r.code}`}
          renderRoot={(p) => <Link to="/sla/calendars/$kind/$code" params={{ kind: kindPath(r.kind), code: r.code }} {...p} />}
        >
          {r.code}
        </Anchor>
      ),
    },
    { key: 'name', header: t('fields.name'), render: (r) => <Text size="sm">{r.name}</Text> },
    { key: 'tz', header: t('fields.timeZone'), render: (r) => <Text size="xs">{r.timeZone ?? '—'}</Text> },
    {
      key: 'source',
      header: t('sla.calendars.calendar'),
      render: (r) =>
        r.stored ? (
          <Badge size="sm" color="green" variant="light" data-testid="calendar-stored">
            {t('sla.calendars.stored', { count: r.versions })}
          </Badge>
        ) : (
          <Badge size="sm" color="gray" variant="outline" data-testid="calendar-default">
            {r.kind === 'provider' ? t('sla.calendars.sharedDefault') : t('sla.calendars.default')}
          </Badge>
        ),
    },
  ];

  return (
    <Stack gap="md">
      <PageHeader title={t('sla.calendars.title')} description={t('sla.calendars.description')} />
      <Group align="flex-end" gap="sm">
        <SearchInput
          value={search.q ?? ''}
          onChange={(q) => setSearch({ q: q || undefined, page: undefined })}
          placeholder={t('sla.calendars.searchPlaceholder')}
          testId="calendars-search"
        />
      </Group>
      <ErrorAlert error={query.error} />
      <DataTable
        testId="calendars-table"
        caption={t('sla.calendars.title')}
        columns={columns}
        rows={query.data?.items}
        rowKey={(r) => `${r.kind}:${r.code}`}
        total={query.data?.total ?? 0}
        page={params.page}
        pageSize={params.pageSize}
        loading={query.isPending}
        fetching={query.isFetching}
        onPage={(page) => setSearch({ page })}
        onPageSize={(pageSize) => setSearch({ pageSize, page: undefined })}
        rowProps={(r) => ({ 'data-code': r.code, 'data-kind': r.kind })}
        empty={<EmptyResult filtered={Boolean(search.q)} onClear={() => setSearch({ q: undefined, page: undefined })} />}
      />
    </Stack>
  );
}
