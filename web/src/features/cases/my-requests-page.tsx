/**
 * "My requests" (client portal): the requests the user may follow (their own; a focal point's, the
 * entity's, with a column naming who asked each), with state tabs and counts, search, a service filter,
 * sorting and pages kept in the URL.
 */
import { Button, EmptyState, Group, Select, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../components/data-table.tsx';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useLastPageWhenBeyond } from '../../lib/paging.ts';
import { useCurrentUser } from '../auth/session.ts';
import { servicesQuery } from '../catalogue/catalogue.api.ts';
import { can } from './case-format.ts';
import { FlashAlert, StateTabs, useCaseColumns } from './case-list.tsx';
import { type CaseListSearch, stateFilter } from './case-search.ts';
import { caseCountsQuery, casesQuery } from './cases.api.ts';

const DEFAULT_PAGE_SIZE = 25;

export function MyRequestsPage({
  search,
  setSearch,
}: {
  search: CaseListSearch;
  setSearch: (patch: Partial<CaseListSearch>) => void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const user = useCurrentUser();
  const tab = search.state ?? 'all';
  // the client's own requests: a child task (a provider's handoff) shows inside its parent, not as a request
  const filters = { q: search.q, service: search.service, parent: 'none' as const };
  const params = {
    ...filters,
    state: stateFilter(tab),
    sort: search.sort ?? 'updatedAt',
    order: search.order ?? 'desc',
    page: search.page ?? 1,
    pageSize: search.pageSize ?? DEFAULT_PAGE_SIZE,
  } as const;
  const list = useQuery(casesQuery(params));
  const counts = useQuery(caseCountsQuery(filters));
  useLastPageWhenBeyond(list.data, params.page, (page) => setSearch({ page }));
  const services = useQuery(servicesQuery({}));
  // a focal point follows the whole entity's requests: who asked each one; a requester sees only their own
  const othersToo = user?.role === 'entity-focal-point';
  const columns = useCaseColumns([
    'reference',
    'title',
    ...(othersToo ? (['requester'] as const) : []),
    'state',
    'priority',
    'provider',
    'createdAt',
    'updatedAt',
  ]);
  const filtered = Boolean(search.q || search.service || (search.state && search.state !== 'all'));
  const canCreate = can(user, 'cases:create');
  const neverAsked = counts.data?.total === 0 && !search.q && !search.service;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('myRequests.title')}
        description={user?.role === 'entity-focal-point' ? t('myRequests.descriptionFocal') : t('myRequests.description')}
        right={
          canCreate ? (
            <Button renderRoot={(props) => <Link to="/requests/new" {...props} />} data-testid="my-requests-new">
              {t('nav.requestService')}
            </Button>
          ) : undefined
        }
      />
      <FlashAlert />
      <StateTabs value={tab} counts={counts.data} onChange={(state) => setSearch({ state, page: undefined })} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <SearchInput
          value={search.q ?? ''}
          onChange={(q) => setSearch({ q: q || undefined, page: undefined })}
          placeholder={t('cases.searchPlaceholder')}
          testId="my-requests-search"
        />
        <Select
          w={300}
          label={t('fields.service')}
          placeholder={t('cases.allServices')}
          clearable
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          data={(services.data?.items ?? []).map((s) => ({ value: s.code, label: l(s.name) }))}
          value={search.service ?? null}
          onChange={(v) => setSearch({ service: v ?? undefined, page: undefined })}
          data-testid="my-requests-service"
        />
      </Group>
      <ErrorAlert error={list.error ?? counts.error} />
      <DataTable
        testId="my-requests-table"
        caption={t('myRequests.title')}
        columns={columns}
        rows={list.data?.items}
        rowKey={(c) => c.reference}
        total={list.data?.total ?? 0}
        page={params.page}
        pageSize={params.pageSize}
        loading={list.isPending}
        fetching={list.isFetching}
        sort={params.sort}
        order={params.order}
        onSort={(sort, order) => setSearch({ sort: sort as CaseListSearch['sort'], order, page: undefined })}
        onPage={(page) => setSearch({ page })}
        onPageSize={(pageSize) => setSearch({ pageSize, page: undefined })}
        empty={
          neverAsked ? (
            <EmptyState
              py="xl"
              data-testid="my-requests-empty"
              title={t('myRequests.emptyTitle')}
              description={t('myRequests.emptyDescription')}
            >
              {canCreate && (
                <Button mt="sm" size="xs" renderRoot={(props) => <Link to="/requests/new" {...props} />}>
                  {t('nav.requestService')}
                </Button>
              )}
            </EmptyState>
          ) : (
            <EmptyResult
              filtered={filtered}
              onClear={() => setSearch({ q: undefined, service: undefined, state: undefined, page: undefined })}
            />
          )
        }
      />
    </Stack>
  );
}
