/**
 * The work queue (provider agents and managers, coordinators; read-only for viewers): counts per state as
 * tabs, filters (priority, service, assignee, provider or the DOS coordination queue for coordinators,
 * search), sorting and pages in the URL; rows can be selected for bulk actions (assign to me or to an agent,
 * unassign, change state), each case succeeding or failing on its own, with the result shown per case.
 */
import {
  Alert,
  Button,
  Checkbox,
  EmptyState,
  Group,
  Input,
  List,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BulkResult, CaseListItem, CurrentUser, Transition, UserSummary } from '../../api/types.ts';
import { TRANSITIONS } from '../../api/types.ts';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SearchInput } from '../../components/search-input.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { useLastPageWhenBeyond } from '../../lib/paging.ts';
import { useProblemText } from '../../lib/problems.ts';
import { useCurrentUser } from '../auth/session.ts';
import { servicesQuery } from '../catalogue/catalogue.api.ts';
import { allProvidersQuery } from '../directory/directory.api.ts';
import { can, isCoordinator, isWorker } from './case-format.ts';
import { FlashAlert, StateTabs, useCaseColumns } from './case-list.tsx';
import { type CaseListSearch, stateFilter } from './case-search.ts';
import { type BulkAction, bulkAction, caseCountsQuery, casesQuery, invalidateCases, usersQuery } from './cases.api.ts';

const DEFAULT_PAGE_SIZE = 25;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

/** Users who can be given cases: provider staff (and coordinators, for the coordination queue). */
export function assignableUsers(users: UserSummary[] | undefined, provider: string | null | undefined): UserSummary[] {
  return (users ?? []).filter(
    (u) =>
      u.active &&
      (provider === undefined
        ? ['provider-agent', 'provider-manager', 'dos-coordinator'].includes(u.role)
        : provider === null
          ? u.role === 'dos-coordinator' || u.role === 'administrator'
          : u.scope?.type === 'provider' && u.scope.code === provider),
  );
}

/** Options of an assignee picker, grouped by provider. */
export function useAssigneeOptions(users: UserSummary[]) {
  const { t } = useTranslation();
  const groups = new Map<string, Array<{ value: string; label: string }>>();
  for (const u of users) {
    const g = u.scope?.type === 'provider' ? u.scope.code : t('cases.coordinationQueue');
    const list = groups.get(g) ?? [];
    list.push({ value: String(u.id), label: `${u.name} (${t(`role.${u.role}`, { defaultValue: u.role })})` });
    groups.set(g, list);
  }
  return [...groups.entries()].map(([group, items]) => ({ group, items }));
}

function BulkBar({ user, selected, onDone }: { user: CurrentUser; selected: string[]; onDone: (results: BulkResult[]) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const users = useQuery({ ...usersQuery, enabled: can(user, 'users:read') });
  const agents = assignableUsers(users.data, user.scope?.type === 'provider' ? user.scope.code : undefined);
  const agentOptions = useAssigneeOptions(agents);
  const [agent, setAgent] = useState<string | null>(null);
  const [to, setTo] = useState<Transition | null>(null);
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (action: BulkAction) => {
    setPending(true);
    setError(null);
    try {
      const results = await bulkAction(selected, action);
      await invalidateCases(qc);
      onDone(results);
      setReason('');
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-blue-light)" data-testid="bulk-bar">
      <Stack gap="xs">
        <Text size="sm" fw={600} data-testid="bulk-count">
          {t('queue.selected', { count: selected.length })}
        </Text>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Button
            size="xs"
            loading={pending}
            onClick={() => run({ type: 'assign', assignee: user.id })}
            data-testid="bulk-assign-me"
          >
            {t('queue.assignToMe')}
          </Button>
          <Select
            size="xs"
            w={240}
            label={t('queue.assignTo')}
            placeholder={t('queue.pickAgent')}
            data={agentOptions}
            value={agent}
            onChange={setAgent}
            searchable
            nothingFoundMessage={t('common.nothingFound')}
            data-testid="bulk-agent"
          />
          <Button
            size="xs"
            variant="light"
            disabled={!agent}
            loading={pending}
            onClick={() => agent && run({ type: 'assign', assignee: Number(agent) })}
            data-testid="bulk-assign"
          >
            {t('queue.assign')}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            loading={pending}
            onClick={() => run({ type: 'assign', assignee: null })}
            data-testid="bulk-unassign"
          >
            {t('queue.unassign')}
          </Button>
          <Select
            size="xs"
            w={200}
            label={t('queue.changeState')}
            placeholder={t('queue.pickState')}
            data={TRANSITIONS.map((x) => ({ value: x, label: t(`transition.${x}`) }))}
            value={to}
            onChange={(v) => setTo(v as Transition | null)}
            data-testid="bulk-state"
          />
          <TextInput
            size="xs"
            w={220}
            label={t('queue.reasonOptional')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-testid="bulk-reason"
          />
          <Button
            size="xs"
            variant="light"
            disabled={!to}
            loading={pending}
            onClick={() => to && run({ type: 'transition', to, ...(reason.trim() ? { reason: reason.trim() } : {}) })}
            data-testid="bulk-apply-state"
          >
            {t('queue.apply')}
          </Button>
        </Group>
        <ErrorAlert error={error} />
      </Stack>
    </Paper>
  );
}

function BulkResults({ results, onClose }: { results: BulkResult[]; onClose: () => void }) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const ok = results.filter((r) => r.ok).length;
  const failed = results.length - ok;
  return (
    <Alert
      color={failed === 0 ? 'green' : ok === 0 ? 'red' : 'yellow'}
      variant="light"
      withCloseButton
      onClose={onClose}
      title={t('queue.resultsTitle', { ok, failed })}
      data-testid="bulk-results"
    >
      <List size="sm" spacing={2} center>
        {results.map((r) => (
          <List.Item
            key={r.reference}
            data-testid={`bulk-result-${r.reference}`}
            data-ok={r.ok}
            icon={
              <ThemeIcon size={16} radius="xl" color={r.ok ? 'green' : 'red'}>
                <Text size="xs" c="white" lh={1}>
                  {r.ok ? '✓' : '✕'}
                </Text>
              </ThemeIcon>
            }
          >
            <Text span fw={600} size="sm">
              {r.reference}
            </Text>{' '}
            <Text span size="sm">
              {r.ok ? t('queue.resultOk') : problemText({ code: r.code ?? 'INTERNAL' })}
            </Text>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

export function QueuePage({
  search,
  setSearch,
}: {
  search: CaseListSearch;
  setSearch: (patch: Partial<CaseListSearch>) => void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const user = useCurrentUser();
  const worker = isWorker(user);
  const coordinator = isCoordinator(user);
  const tab = search.state ?? 'open';
  const filters = {
    q: search.q,
    service: search.service,
    priority: search.priority,
    assignee: search.assignee,
    provider: coordinator || !worker ? search.provider : undefined,
  };
  const params = {
    ...filters,
    state: stateFilter(tab),
    sort: search.sort ?? 'priority',
    order: search.order ?? (search.sort && search.sort !== 'priority' ? 'desc' : 'asc'),
    page: search.page ?? 1,
    pageSize: search.pageSize ?? DEFAULT_PAGE_SIZE,
  } as const;
  const list = useQuery(casesQuery(params));
  const counts = useQuery(caseCountsQuery(filters));
  useLastPageWhenBeyond(list.data, params.page, (page) => setSearch({ page }));
  const services = useQuery(servicesQuery({}));
  const providers = useQuery({ ...allProvidersQuery, enabled: coordinator || !worker });
  // A filter typed into the URL that its control cannot show (a service not in the catalogue, an assignee by
  // id) is dropped, so that the list never filters by something the page does not say.
  const catalogue = services.data;
  const unknownService =
    !!search.service &&
    !!catalogue &&
    catalogue.items.length >= catalogue.total &&
    !catalogue.items.some((s) => s.code === search.service);
  const assigneeById = typeof search.assignee === 'number';
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when what it checks changes
  useEffect(() => {
    if (unknownService || assigneeById)
      setSearch({
        ...(unknownService ? { service: undefined } : {}),
        ...(assigneeById ? { assignee: undefined } : {}),
        page: undefined,
      });
  }, [unknownService, assigneeById]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // A selection is of the cases this page shows: another page, page size, filter, tab or sort starts a new
  // one, so that a bulk action never reaches cases no longer on screen.
  const listKey = JSON.stringify(params);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the selection is reset when the page shown changes
  useEffect(() => setSelected(new Set()), [listKey]);
  const [results, setResults] = useState<BulkResult[] | null>(null);

  const rows = list.data?.items ?? [];
  const pageRefs = rows.map((r) => r.reference);
  const allSelected = pageRefs.length > 0 && pageRefs.every((r) => selected.has(r));
  const someSelected = pageRefs.some((r) => selected.has(r));
  const toggle = (ref: string, on: boolean) =>
    setSelected((old) => {
      const next = new Set(old);
      if (on) next.add(ref);
      else next.delete(ref);
      return next;
    });

  const base = useCaseColumns(['reference', 'title', 'state', 'priority', 'provider', 'assignee', 'entity', 'updatedAt']);
  const selectColumn: Column<CaseListItem> = {
    key: 'select',
    width: 36,
    header: (
      <Checkbox
        aria-label={t('queue.selectPage')}
        checked={allSelected}
        indeterminate={someSelected && !allSelected}
        onChange={(e) => {
          const on = e.currentTarget.checked;
          setSelected((old) => {
            const next = new Set(old);
            for (const r of pageRefs) {
              if (on) next.add(r);
              else next.delete(r);
            }
            return next;
          });
        }}
        data-testid="queue-select-page"
      />
    ),
    render: (c) => (
      <Checkbox
        aria-label={t('queue.selectCase', { reference: c.reference })}
        checked={selected.has(c.reference)}
        onChange={(e) => toggle(c.reference, e.currentTarget.checked)}
        data-testid={`queue-select-${c.reference}`}
      />
    ),
  };
  const columns = worker ? [selectColumn, ...base] : base;
  const filtered = Boolean(search.q || search.service || search.priority || search.assignee || search.provider || search.state);
  const title =
    search.provider === 'none'
      ? t('queue.titleCoordination')
      : search.assignee === 'me'
        ? t('queue.titleMine')
        : worker
          ? t('queue.title')
          : t('queue.titleAll');
  const description =
    search.provider === 'none'
      ? t('queue.descriptionCoordination')
      : search.assignee === 'me'
        ? t('queue.descriptionMine')
        : user?.scope?.type === 'provider'
          ? t('queue.descriptionProvider', { provider: user.scope.code })
          : worker
            ? t('queue.descriptionAll')
            : t('queue.descriptionReadOnly');

  return (
    <Stack gap="md">
      <PageHeader title={title} description={description} />
      <FlashAlert />
      <StateTabs value={tab} counts={counts.data} onChange={(state) => setSearch({ state, page: undefined })} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <SearchInput
          value={search.q ?? ''}
          onChange={(q) => setSearch({ q: q || undefined, page: undefined })}
          placeholder={t('cases.searchPlaceholder')}
          testId="queue-search"
          w={260}
        />
        <Select
          w={120}
          label={t('cases.col.priority')}
          placeholder={t('common.all')}
          clearable
          data={PRIORITIES.map((p) => ({ value: p, label: p }))}
          value={search.priority ?? null}
          onChange={(v) => setSearch({ priority: (v as CaseListSearch['priority']) ?? undefined, page: undefined })}
          data-testid="queue-priority"
        />
        <Select
          w={240}
          label={t('fields.service')}
          placeholder={t('cases.allServices')}
          clearable
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          data={(services.data?.items ?? []).map((s) => ({ value: s.code, label: l(s.name) }))}
          value={search.service ?? null}
          onChange={(v) => setSearch({ service: v ?? undefined, page: undefined })}
          data-testid="queue-service"
        />
        {(coordinator || !worker) && (
          <Select
            w={260}
            label={t('fields.provider')}
            placeholder={t('queue.allProviders')}
            clearable
            searchable
            nothingFoundMessage={t('common.nothingFound')}
            data={[
              { value: 'none', label: t('cases.coordinationQueue') },
              ...(providers.data ?? []).map((p) => ({ value: p.code, label: `${p.code} — ${l(p.name)}` })),
            ]}
            value={search.provider ?? null}
            onChange={(v) => setSearch({ provider: v ?? undefined, page: undefined })}
            data-testid="queue-provider"
          />
        )}
        <Input.Wrapper label={t('cases.col.assignee')}>
          <SegmentedControl
            size="sm"
            data-testid="queue-assignee"
            aria-label={t('cases.col.assignee')}
            value={search.assignee === 'me' || search.assignee === 'none' ? search.assignee : 'any'}
            onChange={(v) => setSearch({ assignee: v === 'me' || v === 'none' ? v : undefined, page: undefined })}
            data={[
              { value: 'any', label: t('queue.assigneeAny') },
              ...(worker ? [{ value: 'me', label: t('queue.assigneeMe') }] : []),
              { value: 'none', label: t('queue.assigneeNone') },
            ]}
          />
        </Input.Wrapper>
      </Group>
      {results && <BulkResults results={results} onClose={() => setResults(null)} />}
      {worker && user && selected.size > 0 && (
        <BulkBar
          user={user}
          selected={[...selected]}
          onDone={(r) => {
            setResults(r);
            // keep the failed ones selected, to try again
            setSelected(new Set(r.filter((x) => !x.ok).map((x) => x.reference)));
          }}
        />
      )}
      <ErrorAlert error={list.error ?? counts.error} />
      <DataTable
        testId="queue-table"
        caption={title}
        columns={columns}
        rows={list.data?.items}
        rowKey={(c) => c.reference}
        rowProps={(c) =>
          selected.has(c.reference)
            ? { 'data-selected': true, bg: 'var(--mantine-color-blue-light)' }
            : { 'data-ref': c.reference }
        }
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
          filtered ? (
            <EmptyResult
              testId="queue-empty"
              filtered={filtered}
              onClear={() =>
                setSearch({
                  q: undefined,
                  service: undefined,
                  priority: undefined,
                  assignee: undefined,
                  provider: undefined,
                  state: undefined,
                  page: undefined,
                })
              }
            />
          ) : (
            <EmptyState
              py="xl"
              data-testid="queue-empty"
              title={t('queue.emptyTitle')}
              description={t('queue.emptyDescription')}
            />
          )
        }
      />
    </Stack>
  );
}
