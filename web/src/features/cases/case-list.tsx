/** Pieces shared by the case lists (work queue, my requests): columns, state tabs with counts, the flash message. */
import { Alert, Anchor, Badge, Stack, Tabs, Text } from '@mantine/core';
import { Link, useRouterState } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseCounts, CaseListItem, CaseState } from '../../api/types.ts';
import type { Column } from '../../components/data-table.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { PriorityBadge, ProviderLabel, StateBadge } from './case-bits.tsx';
import { useDateFormat } from './case-format.ts';
import { STATE_TABS, type StateTab } from './case-search.ts';
import { markFlashShown, setFlash, useFlash } from './flash.ts';

export type CaseColumn =
  | 'reference'
  | 'title'
  | 'state'
  | 'priority'
  | 'provider'
  | 'assignee'
  | 'entity'
  | 'requester'
  | 'service'
  | 'createdAt'
  | 'updatedAt';

/** The columns of a case list, in the order asked. */
export function useCaseColumns(which: CaseColumn[]): Column<CaseListItem>[] {
  const { t } = useTranslation();
  const l = useLocalized();
  const { short, dateTime } = useDateFormat();
  const all: Record<CaseColumn, Column<CaseListItem>> = {
    reference: {
      key: 'reference',
      header: t('cases.col.reference'),
      sortKey: 'reference',
      nowrap: true,
      width: 130,
      render: (c) => (
        <Stack gap={0}>
          <Anchor
            fw={700}
            size="sm"
            data-testid={`case-link-${c.reference}`}
            renderRoot={(props) => <Link to="/cases/$reference" params={{ reference: c.reference }} {...props} />}
          >
            {c.reference}
          </Anchor>
          {c.parentReference && (
            <Text size="xs" c="dimmed">
              {t('cases.childOf', { parent: c.parentReference })}
            </Text>
          )}
        </Stack>
      ),
    },
    title: {
      key: 'title',
      header: t('cases.col.title'),
      render: (c) => (
        <Stack gap={0}>
          <Text size="sm" lineClamp={2}>
            {c.title}
          </Text>
          <Text size="xs" c="dimmed">
            {l(c.service.name)}
          </Text>
        </Stack>
      ),
    },
    service: { key: 'service', header: t('fields.service'), render: (c) => <Text size="sm">{l(c.service.name)}</Text> },
    state: { key: 'state', header: t('cases.col.state'), nowrap: true, render: (c) => <StateBadge state={c.state} /> },
    priority: {
      key: 'priority',
      header: t('cases.col.priority'),
      sortKey: 'priority',
      width: 90,
      render: (c) => <PriorityBadge priority={c.priority} />,
    },
    provider: {
      key: 'provider',
      header: t('fields.provider'),
      nowrap: true,
      render: (c) => <ProviderLabel provider={c.provider} />,
    },
    assignee: {
      key: 'assignee',
      header: t('cases.col.assignee'),
      render: (c) =>
        c.assignee ? (
          <Text size="sm">{c.assignee.name}</Text>
        ) : (
          <Text size="sm" c="dimmed" fs="italic">
            {t('cases.unassigned')}
          </Text>
        ),
    },
    entity: {
      key: 'entity',
      header: t('fields.clientEntity'),
      nowrap: true,
      render: (c) => (
        <Text size="sm" title={l(c.entity.name)}>
          {c.entity.code}
        </Text>
      ),
    },
    // not sortable: the API sorts by reference, priority and dates only, as the other name columns show
    requester: {
      key: 'requester',
      header: t('caseView.requester'),
      render: (c) => (
        <Text size="sm" data-testid="case-requester">
          {c.requester?.name ?? '—'}
        </Text>
      ),
    },
    createdAt: {
      key: 'createdAt',
      header: t('cases.col.created'),
      sortKey: 'createdAt',
      nowrap: true,
      render: (c) => (
        <Text size="xs" title={dateTime(c.createdAt)}>
          {short(c.createdAt)}
        </Text>
      ),
    },
    updatedAt: {
      key: 'updatedAt',
      header: t('cases.col.updated'),
      sortKey: 'updatedAt',
      nowrap: true,
      render: (c) => (
        <Text size="xs" title={dateTime(c.updatedAt)}>
          {short(c.updatedAt)}
        </Text>
      ),
    },
  };
  return which.map((k) => all[k]);
}

/** The count of a state tab from the counts per state. */
export function tabCount(counts: CaseCounts | undefined, tab: StateTab): number | undefined {
  if (!counts) return undefined;
  if (tab === 'all') return counts.total;
  if (tab === 'open')
    return (counts.byState.new ?? 0) + (counts.byState['in-progress'] ?? 0) + (counts.byState['awaiting-client'] ?? 0);
  return counts.byState[tab] ?? 0;
}

/** Whether the count of a tab is a lower bound (a state in it reached the server's cap). */
export function tabCapped(counts: CaseCounts | undefined, tab: StateTab): boolean {
  const capped = counts?.capped ?? [];
  if (tab === 'all') return capped.length > 0;
  if (tab === 'open') return capped.some((s) => s === 'new' || s === 'in-progress' || s === 'awaiting-client');
  return capped.includes(tab as CaseState);
}

/** Tabs of the states, each with its count (from `/api/cases/counts` with the other filters). */
export function StateTabs({
  value,
  counts,
  onChange,
  tabs = STATE_TABS,
}: {
  value: StateTab;
  counts: CaseCounts | undefined;
  onChange: (tab: StateTab) => void;
  tabs?: readonly StateTab[];
}) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.language);
  return (
    <Tabs value={value} onChange={(v) => v && onChange(v as StateTab)} variant="pills" radius="xl" data-testid="state-tabs">
      <Tabs.List>
        {tabs.map((tab) => {
          const n = tabCount(counts, tab);
          return (
            <Tabs.Tab
              key={tab}
              value={tab}
              data-testid={`state-tab-${tab}`}
              rightSection={
                <Badge size="xs" variant={tab === value ? 'white' : 'light'} circle={false} data-testid={`state-count-${tab}`}>
                  {n === undefined ? '…' : `${nf.format(n)}${tabCapped(counts, tab) ? '+' : ''}`}
                </Badge>
              }
            >
              {tab === 'open' || tab === 'all' ? t(`cases.tab.${tab}`) : t(`caseState.${tab}`)}
            </Tabs.Tab>
          );
        })}
      </Tabs.List>
    </Tabs>
  );
}

/** The message left by the previous screen (a case created, transferred away...), shown once on its screen. */
export function FlashAlert() {
  const { t } = useTranslation();
  const [flash, clear] = useFlash();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const shown = flash && flash.path === pathname ? flash : null;
  useEffect(() => {
    if (!flash) return;
    if (flash.path === pathname) markFlashShown();
    else if (flash.shown) setFlash(null); // shown on its screen, now left: forget it
  }, [flash, pathname]);
  if (!shown) return null;
  return (
    <Alert color={shown.color ?? 'green'} variant="light" withCloseButton onClose={clear} data-testid="flash" role="status">
      {t(shown.key, shown.values)}
    </Alert>
  );
}
