/**
 * The performance dashboard: each minimum service standard (rows) for each provider (columns), side by
 * side, for the last period of the chosen range — the figure, met or not, and its trend against the
 * previous period — with filters by service line, client entity and region, a comparison of two ranges,
 * and exports. Any figure opens the cases behind it. Scoped by the API (a provider's staff see their
 * provider, a focal point their entity's cases).
 */
import {
  Badge,
  Card,
  Group,
  SegmentedControl,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { MonthField } from '../../lib/date-fields.tsx';
import { useLocalized } from '../../lib/localized.ts';
import { serviceLinesQuery } from '../catalogue/catalogue.api.ts';
import { allEntitiesQuery } from '../directory/directory.api.ts';
import { addMonths } from '../sla/sla-search.ts';
import { ExportButtons } from './export-buttons.tsx';
import {
  type Cell,
  type Dashboard,
  dashboardQuery,
  GRANULARITIES,
  type Granularity,
  type Standard,
  type ViewParams,
} from './performance.api.ts';
import { formatTarget, formatValue, type PerformanceSearch, trendOf, usePeriodFormat } from './performance-format.ts';

const TREND = { better: '▲', worse: '▼', same: '＝' } as const;

function FigureCell({
  cell,
  standard,
  data,
  onOpen,
}: {
  cell: Cell | undefined;
  standard: Standard;
  data: Dashboard;
  onOpen: () => void;
}) {
  const { t, i18n } = useTranslation();
  if (!cell || cell.value === null)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  const trend = trendOf(data.cells, data.periods, cell, standard.comparator);
  return (
    <UnstyledButton
      onClick={onOpen}
      data-testid="figure"
      data-standard={cell.standard}
      data-provider={cell.provider}
      data-met={String(cell.met)}
    >
      <Group gap={6} wrap="nowrap">
        <Text size="sm" fw={600}>
          {formatValue(cell.value, standard.unit, i18n.language)}
        </Text>
        <Badge size="xs" color={cell.met ? 'green' : 'red'} variant="light">
          {t(cell.met ? 'performance.met' : 'performance.notMet')}
        </Badge>
        {trend && (
          <Tooltip label={t(`performance.trend.${trend}`)}>
            <Text size="xs" c={trend === 'better' ? 'green' : trend === 'worse' ? 'red' : 'dimmed'} data-testid="trend">
              {TREND[trend]}
            </Text>
          </Tooltip>
        )}
      </Group>
      {cell.denominator !== null && (
        <Text size="xs" c="dimmed">
          {cell.numerator !== null
            ? `${cell.numerator} / ${cell.denominator}`
            : t('performance.count', { count: cell.denominator })}
        </Text>
      )}
    </UnstyledButton>
  );
}

function StandardLabel({ s }: { s: Standard }) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  return (
    <Stack gap={0}>
      <Text size="sm" fw={500}>
        {l(s.name as never)}
      </Text>
      <Text size="xs" c="dimmed">
        {s.code} · {t(`performance.measure.${s.measure}`)} · {t('performance.target')} {formatTarget(s, i18n.language)}
        {s.serviceLine ? ` · ${s.serviceLine}` : ''}
      </Text>
    </Stack>
  );
}

/** Standards of a dashboard in force in `period`, one per code. */
function standardsOf(d: Dashboard, period: string): Standard[] {
  const codes = new Map<string, Standard>();
  for (const c of d.cells)
    if (c.period === period)
      codes.set(c.standard, d.standards.find((s) => s.code === c.standard && s.version === c.version) as Standard);
  return [...codes.values()].sort((a, b) => a.code.localeCompare(b.code));
}

function Matrix({ data, period, onOpen }: { data: Dashboard; period: string; onOpen: (c: Cell) => void }) {
  const { t } = useTranslation();
  const standards = standardsOf(data, period);
  return (
    <Table.ScrollContainer minWidth={300 + data.providers.length * 150}>
      <Table verticalSpacing="xs" fz="sm" data-testid="dashboard-table" withColumnBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('performance.standard')}</Table.Th>
            {data.providers.map((p) => (
              <Table.Th key={p}>{p}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {standards.map((s) => (
            <Table.Tr key={s.code} data-testid="standard-row" data-standard={s.code}>
              <Table.Td>
                <StandardLabel s={s} />
              </Table.Td>
              {data.providers.map((p) => {
                const cell = data.cells.find((c) => c.standard === s.code && c.provider === p && c.period === period);
                return (
                  <Table.Td key={p}>
                    <FigureCell cell={cell} standard={s} data={data} onOpen={() => cell && onOpen(cell)} />
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Compare({ a, b }: { a: ViewParams; b: ViewParams }) {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const qa = useQuery(dashboardQuery(a));
  const qb = useQuery(dashboardQuery(b));
  const periodText = usePeriodFormat();
  if (!qa.data || !qb.data) return <Skeleton height={60} />;
  const pa = qa.data.periods[0] as string;
  const pb = qb.data.periods[0] as string;
  const providers = [...new Set([...qa.data.providers, ...qb.data.providers])].sort();
  const standards = standardsOf(qb.data, pb);
  return (
    <Table fz="sm" verticalSpacing={4} data-testid="compare-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('performance.standard')}</Table.Th>
          <Table.Th>{t('fields.provider')}</Table.Th>
          <Table.Th ta="end">{periodText(pa)}</Table.Th>
          <Table.Th ta="end">{periodText(pb)}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {standards.flatMap((s) =>
          providers.map((p) => {
            const va = qa.data.cells.find((c) => c.standard === s.code && c.provider === p)?.value ?? null;
            const vb = qb.data.cells.find((c) => c.standard === s.code && c.provider === p)?.value ?? null;
            if (va === null && vb === null) return null;
            return (
              <Table.Tr key={`${s.code}-${p}`}>
                <Table.Td>{l(s.name as never)}</Table.Td>
                <Table.Td>{p}</Table.Td>
                <Table.Td ta="end">{formatValue(va, s.unit, i18n.language)}</Table.Td>
                <Table.Td ta="end">{formatValue(vb, s.unit, i18n.language)}</Table.Td>
              </Table.Tr>
            );
          }),
        )}
      </Table.Tbody>
    </Table>
  );
}

export function DashboardPage({
  search,
  setSearch,
}: {
  search: PerformanceSearch;
  setSearch: (patch: Partial<PerformanceSearch>) => void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const navigate = useNavigate();
  const thisMonth = new Date().toISOString().slice(0, 7);
  const to = search.to ?? thisMonth;
  const from = search.from ?? addMonths(to, -11);
  const [first, last] = [from, to].sort() as [string, string];
  const granularity: Granularity = search.granularity ?? 'month';
  const filters = { serviceLine: search.serviceLine, entity: search.entity, region: search.region };
  const params: ViewParams = { from: first, to: last, granularity, ...filters };
  const query = useQuery(dashboardQuery(params));
  const lines = useQuery(serviceLinesQuery);
  const entities = useQuery(allEntitiesQuery);
  const regions = [...new Set((entities.data ?? []).map((e) => e.dutyStation.region).filter((r): r is string => !!r))].sort();
  const period = query.data?.periods.at(-1);
  const periodText = usePeriodFormat();
  const compareTo = search.compareTo ?? addMonths(first, -1);
  const compareFrom = search.compareFrom ?? addMonths(compareTo, -11);

  const open = (c: Cell) =>
    void navigate({
      to: '/performance/drilldown',
      search: { standard: c.standard, provider: c.provider, period: c.period, from: first, to: last, ...filters },
    });

  return (
    <Stack gap="md">
      <PageHeader
        title={t('performance.dashboard.title')}
        description={t('performance.dashboard.description')}
        right={<ExportButtons view="dashboard" params={{ ...params, granularity }} />}
      />
      <Group align="flex-end" gap="sm" wrap="wrap">
        <MonthField
          w={160}
          label={t('performance.from')}
          value={from}
          onChange={(v) => v && setSearch({ from: v })}
          data-testid="perf-from"
        />
        <MonthField
          w={160}
          label={t('performance.to')}
          value={to}
          onChange={(v) => v && setSearch({ to: v })}
          data-testid="perf-to"
        />
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            {t('performance.granularity.label')}
          </Text>
          <SegmentedControl
            value={granularity}
            onChange={(v) => setSearch({ granularity: v as Granularity })}
            data={GRANULARITIES.map((g) => ({ value: g, label: t(`performance.granularity.${g}`) }))}
            data-testid="perf-granularity"
          />
        </Stack>
        <Select
          w={220}
          label={t('performance.serviceLine')}
          placeholder={t('performance.all')}
          clearable
          data={(lines.data ?? []).map((s) => ({ value: s.code, label: `${s.code} — ${l(s.name)}` }))}
          value={search.serviceLine ?? null}
          onChange={(v) => setSearch({ serviceLine: v ?? undefined })}
          data-testid="perf-service-line"
        />
        <Select
          w={240}
          label={t('performance.entity')}
          placeholder={t('performance.all')}
          clearable
          searchable
          data={(entities.data ?? []).map((e) => ({ value: e.code, label: `${e.code} — ${l(e.name)}` }))}
          value={search.entity ?? null}
          onChange={(v) => setSearch({ entity: v ?? undefined })}
          nothingFoundMessage={t('common.nothingFound')}
          data-testid="perf-entity"
        />
        <Select
          w={200}
          label={t('performance.region')}
          placeholder={t('performance.all')}
          clearable
          data={regions}
          value={search.region ?? null}
          onChange={(v) => setSearch({ region: v ?? undefined })}
          data-testid="perf-region"
        />
      </Group>
      <ErrorAlert error={query.error} />
      <Card withBorder radius="md" padding={0}>
        {query.isPending ? (
          <Stack p="md" gap="xs">
            <Skeleton height={16} />
            <Skeleton height={16} />
          </Stack>
        ) : !query.data || !period || query.data.providers.length === 0 ? (
          <Text p="md" c="dimmed" data-testid="dashboard-empty">
            {t('performance.dashboard.empty')}
          </Text>
        ) : (
          <Stack gap={4} p="xs">
            <Text size="sm" c="dimmed" data-testid="dashboard-period">
              {t('performance.dashboard.period', { period: periodText(period) })}
              {query.data.cells.some((c) => c.period === period && c.frozen) ? ` · ${t('performance.frozen')}` : ''}
            </Text>
            <Matrix data={query.data} period={period} onOpen={open} />
          </Stack>
        )}
      </Card>
      <Card withBorder radius="md">
        <Stack gap="xs">
          <Text fw={600}>{t('performance.compare.title')}</Text>
          <Group gap="sm" align="flex-end">
            <MonthField
              w={160}
              label={t('performance.compare.from')}
              value={compareFrom}
              onChange={(v) => v && setSearch({ compareFrom: v })}
              data-testid="compare-from"
            />
            <MonthField
              w={160}
              label={t('performance.compare.to')}
              value={compareTo}
              onChange={(v) => v && setSearch({ compareTo: v })}
              data-testid="compare-to"
            />
            <Text size="xs" c="dimmed">
              {t('performance.compare.hint', { from: periodText(first), to: periodText(last) })}
            </Text>
          </Group>
          <Compare
            a={{
              from: [compareFrom, compareTo].sort()[0] as string,
              to: [compareFrom, compareTo].sort()[1] as string,
              granularity: 'range',
              ...filters,
            }}
            b={{ from: first, to: last, granularity: 'range', ...filters }}
          />
        </Stack>
      </Card>
    </Stack>
  );
}
