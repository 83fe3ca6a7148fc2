/**
 * The SLA report: end-to-end clocks of one metric per provider and month — the local month of the case's
 * creation in the clock's own zone, not UTC — with how many were met, breached and are still open, and the
 * share met of those decided (met / (met + breached)). Each provider has a total row. Scoped by the API:
 * a provider's staff see their provider's cases, clients their own.
 */
import { Badge, Card, EmptyState, Group, Progress, SegmentedControl, Select, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { MonthField } from '../../lib/date-fields.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { allProvidersQuery } from '../directory/directory.api.ts';
import { type ReportRow, reportQuery, SLA_METRICS, type SlaMetric } from './sla.api.ts';
import { metPercent, useZonedFormat } from './sla-format.ts';
import { addMonths, type ReportSearch } from './sla-search.ts';

function MetCell({ row }: { row: Pick<ReportRow, 'met' | 'breached'> }) {
  const { i18n } = useTranslation();
  const pct = metPercent(row);
  if (pct === null)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Group gap={6} wrap="nowrap" data-testid="report-met-percent" data-percent={pct}>
      <Progress value={pct} color={pct >= 90 ? 'green' : pct >= 75 ? 'yellow' : 'red'} w={80} size="sm" />
      <Text size="sm" fw={600}>
        {new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(pct)} %
      </Text>
    </Group>
  );
}

export function ReportPage({ search, setSearch }: { search: ReportSearch; setSearch: (patch: Partial<ReportSearch>) => void }) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const { month } = useZonedFormat();
  const thisMonth = new Date().toISOString().slice(0, 7);
  const to = search.to ?? thisMonth;
  const from = search.from ?? addMonths(to, -5);
  const metric: SlaMetric = search.metric ?? 'resolution';
  // months `YYYY-MM` sort as strings: a reversed range is read the right way round
  const [first, last] = [from, to].sort() as [string, string];
  const params = { from: first, to: last, provider: search.provider, metric };
  const query = useQuery(reportQuery(params));
  const providers = useQuery(allProvidersQuery);
  const nf = new Intl.NumberFormat(i18n.language);

  const byProvider = new Map<string, ReportRow[]>();
  for (const r of query.data ?? []) {
    const key = r.provider ?? '';
    byProvider.set(key, [...(byProvider.get(key) ?? []), r]);
  }
  const groups = [...byProvider.entries()].sort(([a], [b]) => a.localeCompare(b));
  const sum = (rows: ReportRow[]) =>
    rows.reduce(
      (s, r) => ({ total: s.total + r.total, met: s.met + r.met, breached: s.breached + r.breached, open: s.open + r.open }),
      { total: 0, met: 0, breached: 0, open: 0 },
    );

  return (
    <Stack gap="md">
      <PageHeader title={t('sla.report.title')} description={t('sla.report.description')} />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <MonthField
          w={170}
          label={t('sla.report.from')}
          value={from}
          onChange={(v) => v && setSearch({ from: v })}
          data-testid="report-from"
        />
        <MonthField
          w={170}
          label={t('sla.report.to')}
          value={to}
          onChange={(v) => v && setSearch({ to: v })}
          data-testid="report-to"
        />
        <Select
          w={300}
          label={t('fields.provider')}
          placeholder={t('sla.policies.allProviders')}
          clearable
          searchable
          data={(providers.data ?? []).map((p) => ({ value: p.code, label: `${p.code} — ${l(p.name)}` }))}
          value={search.provider ?? null}
          onChange={(v) => setSearch({ provider: v ?? undefined })}
          nothingFoundMessage={t('common.nothingFound')}
          data-testid="report-provider"
        />
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            {t('sla.report.metric')}
          </Text>
          <SegmentedControl
            value={metric}
            onChange={(v) => setSearch({ metric: v as SlaMetric })}
            data={SLA_METRICS.map((m) => ({ value: m, label: t(`sla.metric.${m}`) }))}
            data-testid="report-metric"
          />
        </Stack>
      </Group>
      <Text size="xs" c="dimmed">
        {t('sla.report.hint')}
      </Text>
      <ErrorAlert error={query.error} />
      <Card withBorder radius="md" padding={0}>
        {query.isPending ? (
          <Stack p="md" gap="xs">
            <Skeleton height={16} />
            <Skeleton height={16} />
            <Skeleton height={16} />
          </Stack>
        ) : groups.length === 0 ? (
          <EmptyState
            py="xl"
            data-testid="report-empty"
            title={t('sla.report.emptyTitle')}
            description={t('sla.report.emptyDescription', { metric: t(`sla.metric.${metric}`) })}
          />
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs" data-testid="report-table" fz="sm" style={{ opacity: query.isFetching ? 0.6 : 1 }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('fields.provider')}</Table.Th>
                  <Table.Th>{t('sla.report.month')}</Table.Th>
                  <Table.Th ta="end">{t('sla.report.total')}</Table.Th>
                  <Table.Th ta="end">{t('sla.report.met')}</Table.Th>
                  <Table.Th ta="end">{t('sla.report.breached')}</Table.Th>
                  <Table.Th ta="end">{t('sla.report.open')}</Table.Th>
                  <Table.Th>{t('sla.report.metPercent')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {groups.map(([provider, rows]) => {
                  const total = sum(rows);
                  return (
                    <Fragment key={provider}>
                      {rows.map((r, i) => (
                        <Table.Tr key={r.month} data-testid="report-row" data-provider={provider} data-month={r.month}>
                          <Table.Td fw={700}>{i === 0 ? provider || t('cases.coordinationQueueShort') : ''}</Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>{month(r.month)}</Table.Td>
                          <Table.Td ta="end">{nf.format(r.total)}</Table.Td>
                          <Table.Td ta="end" c="green.8">
                            {nf.format(r.met)}
                          </Table.Td>
                          <Table.Td ta="end" c={r.breached ? 'red.7' : undefined} data-testid="report-breached">
                            {nf.format(r.breached)}
                          </Table.Td>
                          <Table.Td ta="end" data-testid="report-open">
                            {nf.format(r.open)}
                          </Table.Td>
                          <Table.Td>
                            <MetCell row={r} />
                          </Table.Td>
                        </Table.Tr>
                      ))}
                      {rows.length > 1 && (
                        <Table.Tr bg="var(--mantine-color-gray-0)" data-testid="report-total" data-provider={provider}>
                          <Table.Td />
                          <Table.Td>
                            <Badge size="sm" variant="outline" color="gray">
                              {t('sla.report.providerTotal')}
                            </Badge>
                          </Table.Td>
                          <Table.Td ta="end" fw={700}>
                            {nf.format(total.total)}
                          </Table.Td>
                          <Table.Td ta="end" fw={700}>
                            {nf.format(total.met)}
                          </Table.Td>
                          <Table.Td ta="end" fw={700}>
                            {nf.format(total.breached)}
                          </Table.Td>
                          <Table.Td ta="end" fw={700}>
                            {nf.format(total.open)}
                          </Table.Td>
                          <Table.Td>
                            <MetCell row={total} />
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
