/**
 * One saved scenario: its status, objective, gap and solve time; the explanation when it is infeasible;
 * the comparison with today's assignments (cost, cost per service, duplication, proximity, hours overlap,
 * footprint); today's and the proposed assignments on two maps; and the list of changes, from which
 * accepted changes become change proposals (exported as CSV).
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  List,
  Pagination,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useCurrentUser } from '../auth/session.ts';
import { can } from '../cases/case-format.ts';
import { allEntitiesQuery, allProvidersQuery } from '../directory/directory.api.ts';
import { type LonLat, useProjection } from '../maps/world-map.tsx';
import { findingSentence } from './finding-text.ts';
import { PlanMap } from './plan-map.tsx';
import {
  type Finding,
  formatNumber,
  formatUsd,
  type Measures,
  type PlannedAssignment,
  proposalsQuery,
  proposeChanges,
  scenarioQuery,
} from './planning.api.ts';
import { STATUS_COLOR } from './planning-page.tsx';

const PAGE = 50;

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Card withBorder radius="md" padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fw={700} size="lg" data-testid={testId}>
        {value}
      </Text>
    </Card>
  );
}

function Comparison({ today, scenario }: { today: Measures; scenario: Measures }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const rows: Array<[string, (m: Measures) => string, (m: Measures) => number]> = [
    ['objective', (m) => formatUsd(m.objectiveUsd, lng), (m) => m.objectiveUsd],
    ['cost', (m) => formatUsd(m.costUsd, lng), (m) => m.costUsd],
    ['footprint', (m) => `${formatUsd(m.footprint.costUsd, lng)} (${m.footprint.demands})`, (m) => m.footprint.costUsd],
    [
      'duplication',
      (m) => `${m.duplication.places} / ${m.duplication.redundantCapacities}`,
      (m) => m.duplication.redundantCapacities,
    ],
    ['proximity', (m) => `${formatNumber(m.meanKm, lng)} km`, (m) => m.meanKm],
    ['overlap', (m) => `${formatNumber(m.meanOverlapHours, lng, 2)} h`, (m) => -m.meanOverlapHours],
    ['providersPerEntity', (m) => formatNumber(m.providersPerEntity, lng, 2), (m) => m.providersPerEntity],
    ['onSiteBreaches', (m) => String(m.breaches.onSite), (m) => m.breaches.onSite],
    ['capacityBreaches', (m) => String(m.breaches.capacity), (m) => m.breaches.capacity],
  ];
  return (
    <Table withTableBorder data-testid="scenario-comparison">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('planning.compare.measure')}</Table.Th>
          <Table.Th ta="end">{t('planning.compare.today')}</Table.Th>
          <Table.Th ta="end">{t('planning.compare.scenario')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(([key, show, value]) => {
          const better = value(scenario) < value(today) - 1e-9;
          const worse = value(scenario) > value(today) + 1e-9;
          return (
            <Table.Tr key={key}>
              <Table.Td>
                {t(`planning.compare.${key}`)}
                <Text size="xs" c="dimmed">
                  {t(`planning.compare.${key}Help`)}
                </Text>
              </Table.Td>
              <Table.Td ta="end">{show(today)}</Table.Td>
              <Table.Td ta="end" c={better ? 'green.8' : worse ? 'red.8' : undefined} fw={600}>
                {show(scenario)}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function CostPerService({ today, scenario }: { today: Measures; scenario: Measures }) {
  const { t, i18n } = useTranslation();
  const services = [...new Set([...Object.keys(today.costByService), ...Object.keys(scenario.costByService)])].sort();
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table striped data-testid="scenario-cost-per-service">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('planning.compare.service')}</Table.Th>
            <Table.Th ta="end">{t('planning.compare.today')}</Table.Th>
            <Table.Th ta="end">{t('planning.compare.scenario')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {services.map((s) => (
            <Table.Tr key={s}>
              <Table.Td>{s}</Table.Td>
              <Table.Td ta="end">{formatUsd(today.costByService[s] ?? 0, i18n.language)}</Table.Td>
              <Table.Td ta="end">{formatUsd(scenario.costByService[s] ?? 0, i18n.language)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Maps({ assignments }: { assignments: PlannedAssignment[] }) {
  const entities = useQuery(allEntitiesQuery);
  const providers = useQuery(allProvidersQuery);
  const eMap = useMemo(() => new Map((entities.data ?? []).map((e) => [e.code, e])), [entities.data]);
  const pMap = useMemo(() => new Map((providers.data ?? []).map((p) => [p.code, p])), [providers.data]);
  const points = useMemo(() => {
    const codes = new Set(assignments.flatMap((a) => [a.current, a.provider]).filter((x): x is string => x !== null));
    const out: LonLat[] = [];
    for (const a of new Set(assignments.map((x) => x.entity))) {
      const d = eMap.get(a)?.dutyStation;
      if (d?.longitude != null && d.latitude != null) out.push([d.longitude, d.latitude]);
    }
    for (const c of codes) {
      const d = pMap.get(c)?.dutyStation;
      if (d?.longitude != null && d.latitude != null) out.push([d.longitude, d.latitude]);
    }
    return out;
  }, [assignments, eMap, pMap]);
  const projection = useProjection('fit', points);
  const changed = useMemo(() => {
    const pairs = (pick: (a: PlannedAssignment) => string | null) =>
      new Set(assignments.flatMap((a) => (pick(a) ? [`${pick(a)}>${a.entity}`] : [])));
    const today = pairs((a) => a.current);
    const proposed = pairs((a) => a.provider);
    return {
      today: new Set([...today].filter((k) => !proposed.has(k))),
      proposed: new Set([...proposed].filter((k) => !today.has(k))),
    };
  }, [assignments]);
  if (entities.isPending || providers.isPending) return <Skeleton height={320} />;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} data-testid="scenario-maps">
      <PlanMap
        which="today"
        assignments={assignments}
        entities={eMap}
        providers={pMap}
        projection={projection}
        changed={changed.today}
      />
      <PlanMap
        which="proposed"
        assignments={assignments}
        entities={eMap}
        providers={pMap}
        projection={projection}
        changed={changed.proposed}
      />
    </SimpleGrid>
  );
}

function Results({ id, assignments, manage }: { id: number; assignments: PlannedAssignment[]; manage: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [show, setShow] = useState<'changes' | 'all'>('changes');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const proposals = useQuery(proposalsQuery(id));
  const proposed = useMemo(() => new Set((proposals.data ?? []).map((p) => `${p.entity}|${p.service}`)), [proposals.data]);
  const rows = useMemo(() => {
    const term = q.trim().toUpperCase();
    return assignments.filter(
      (a) =>
        (show === 'all' || a.provider !== a.current) &&
        (!term ||
          a.entity.includes(term) ||
          a.service.includes(term) ||
          (a.provider ?? '').includes(term) ||
          (a.current ?? '').includes(term)),
    );
  }, [assignments, show, q]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const shown = rows.slice((Math.min(page, pages) - 1) * PAGE, Math.min(page, pages) * PAGE);
  const accept = useMutation({
    mutationFn: () =>
      proposeChanges(
        id,
        [...picked].map((k) => {
          const [entity, service] = k.split('|') as [string, string];
          return { entity, service };
        }),
      ),
    onSuccess: async () => {
      setPicked(new Set());
      await qc.invalidateQueries({ queryKey: ['planning', 'proposals', id] });
    },
  });
  const own = t('planning.ownSupport');
  const lng = i18n.language;
  return (
    <Card withBorder radius="md" padding="md">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={3}>{t('planning.results.title')}</Title>
        <Group gap="sm">
          <TextInput
            placeholder={t('planning.results.filter')}
            value={q}
            onChange={(e) => {
              setQ(e.currentTarget.value);
              setPage(1);
            }}
            size="xs"
          />
          <SegmentedControl
            size="xs"
            value={show}
            onChange={(v) => {
              setShow(v as typeof show);
              setPage(1);
            }}
            data={[
              {
                value: 'changes',
                label: t('planning.results.changes', { count: assignments.filter((a) => a.provider !== a.current).length }),
              },
              { value: 'all', label: t('planning.results.all', { count: assignments.length }) },
            ]}
            data-testid="results-show"
          />
        </Group>
      </Group>
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover data-testid="scenario-results">
          <Table.Thead>
            <Table.Tr>
              {manage && <Table.Th w={36} aria-label={t('planning.results.accept')} />}
              <Table.Th>{t('planning.results.entity')}</Table.Th>
              <Table.Th>{t('planning.results.service')}</Table.Th>
              <Table.Th ta="end">{t('planning.results.quantity')}</Table.Th>
              <Table.Th>{t('planning.results.today')}</Table.Th>
              <Table.Th>{t('planning.results.proposed')}</Table.Th>
              <Table.Th ta="end">{t('planning.results.costToday')}</Table.Th>
              <Table.Th ta="end">{t('planning.results.cost')}</Table.Th>
              <Table.Th ta="end">{t('planning.results.km')}</Table.Th>
              <Table.Th ta="end">{t('planning.results.overlap')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((a) => {
              const k = `${a.entity}|${a.service}`;
              const change = a.provider !== a.current;
              return (
                <Table.Tr key={k} data-testid="result-row">
                  {manage && (
                    <Table.Td>
                      {change &&
                        (proposed.has(k) ? (
                          <Badge size="xs" variant="light">
                            {t('planning.results.proposedBadge')}
                          </Badge>
                        ) : (
                          <Checkbox
                            aria-label={t('planning.results.acceptOne', { entity: a.entity, service: a.service })}
                            checked={picked.has(k)}
                            onChange={(e) => {
                              const next = new Set(picked);
                              if (e.currentTarget.checked) next.add(k);
                              else next.delete(k);
                              setPicked(next);
                            }}
                          />
                        ))}
                    </Table.Td>
                  )}
                  <Table.Td>{a.entity}</Table.Td>
                  <Table.Td>{a.service}</Table.Td>
                  <Table.Td ta="end">
                    {formatNumber(a.quantity, lng)}
                    <Text size="xs" c="dimmed">
                      {t(`planning.source.${a.source}`)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{a.current ?? own}</Table.Td>
                  <Table.Td fw={change ? 700 : undefined} c={change ? 'blue.8' : undefined}>
                    {a.provider ?? own}
                  </Table.Td>
                  <Table.Td ta="end">{formatUsd(a.currentCostUsd, lng)}</Table.Td>
                  <Table.Td ta="end">{formatUsd(a.costUsd, lng)}</Table.Td>
                  <Table.Td ta="end">{formatNumber(a.km, lng)}</Table.Td>
                  <Table.Td ta="end">{formatNumber(a.overlapHours, lng, 1)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {rows.length === 0 && (
        <Text c="dimmed" mt="sm">
          {t('planning.results.none')}
        </Text>
      )}
      <Group justify="space-between" mt="sm" wrap="wrap">
        <Pagination total={pages} value={Math.min(page, pages)} onChange={setPage} size="sm" />
        <Group gap="sm">
          {manage && (
            <Button
              size="xs"
              disabled={picked.size === 0}
              loading={accept.isPending}
              onClick={() => accept.mutate()}
              data-testid="accept-changes"
            >
              {t('planning.results.acceptSelected', { count: picked.size })}
            </Button>
          )}
          <Anchor href={`/api/planning/proposals.csv?scenario=${id}`} size="sm" data-testid="proposals-csv">
            {t('planning.results.csv', { count: proposals.data?.length ?? 0 })}
          </Anchor>
        </Group>
      </Group>
      <ErrorAlert error={accept.error} />
      {accept.data && (
        <Alert color="green" mt="sm" data-testid="accept-done">
          {t('planning.results.accepted', { count: accept.data.proposed })}
        </Alert>
      )}
      <Text size="xs" c="dimmed" mt="xs">
        {t('planning.results.proposalsNote')}
      </Text>
    </Card>
  );
}

export function ScenarioPage({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const user = useCurrentUser();
  const s = useQuery(scenarioQuery(id));
  const lng = i18n.language;
  const findingText = (f: Finding) => findingSentence(t, lng, f);
  if (s.isPending) return <Skeleton height={400} />;
  if (s.error) return <ErrorAlert error={s.error} />;
  const sc = s.data;
  const r = sc.result;
  const saving = r.today && r.objectiveUsd !== null ? r.today.objectiveUsd - r.objectiveUsd : null;
  return (
    <Stack gap="sm">
      <PageHeader
        title={sc.name}
        description={sc.inputs.description || t('planning.scenario.referenceDate', { date: r.referenceDate })}
        right={
          <Badge size="lg" color={STATUS_COLOR[r.status]} data-testid="scenario-status">
            {t(`planning.status.${r.status}`)}
          </Badge>
        }
      />
      {sc.scoped && <Alert color="gray">{t('planning.scenario.scoped')}</Alert>}
      <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }}>
        <Stat label={t('planning.scenario.objective')} value={formatUsd(r.objectiveUsd, lng)} testId="scenario-objective" />
        <Stat label={t('planning.scenario.today')} value={formatUsd(r.today?.objectiveUsd, lng)} />
        <Stat label={t('planning.scenario.saving')} value={formatUsd(saving, lng)} testId="scenario-saving" />
        <Stat
          label={t('planning.scenario.greedy')}
          value={
            r.greedy
              ? r.greedy.unserved > 0
                ? t('planning.scenario.greedyUnserved', { count: r.greedy.unserved })
                : formatUsd(r.greedy.objectiveUsd, lng)
              : '—'
          }
        />
        <Stat
          label={t('planning.scenario.gap')}
          value={r.gap === null ? '—' : `${formatNumber(r.gap * 100, lng, 3)} %`}
          testId="scenario-gap"
        />
        <Stat
          label={t('planning.scenario.solveTime')}
          value={`${formatNumber(r.solveTimeMs / 1000, lng, 2)} s`}
          testId="scenario-time"
        />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('planning.scenario.model', {
          solver: t(`planning.status.${r.status}`),
          demands: r.demands,
          binaries: r.model.binaries,
          rows: r.model.rows,
        })}
      </Text>
      {r.infeasibility.length > 0 && (
        <Alert
          color="red"
          title={t('planning.scenario.infeasibleTitle', { count: r.infeasibility.length })}
          data-testid="scenario-infeasibility"
        >
          <List size="sm">
            {r.infeasibility.slice(0, 50).map((f) => (
              <List.Item key={`${f.code}|${f.message}`}>{findingText(f)}</List.Item>
            ))}
          </List>
          {r.infeasibility.length > 50 && (
            <Text size="sm">{t('planning.scenario.more', { count: r.infeasibility.length - 50 })}</Text>
          )}
        </Alert>
      )}
      {r.today && r.scenario && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Card withBorder radius="md" padding="md">
            <Title order={3} mb="sm">
              {t('planning.compare.title')}
            </Title>
            <Comparison today={r.today} scenario={r.scenario} />
          </Card>
          <Card withBorder radius="md" padding="md">
            <Title order={3} mb="sm">
              {t('planning.compare.perService')}
            </Title>
            <CostPerService today={r.today} scenario={r.scenario} />
          </Card>
        </SimpleGrid>
      )}
      {r.assignments.length > 0 && (
        <>
          <Card withBorder radius="md" padding="md">
            <Title order={3} mb="xs">
              {t('planning.map.title')}
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              {t('planning.map.description')}
            </Text>
            <Maps assignments={r.assignments} />
          </Card>
          <Results id={sc.id} assignments={r.assignments} manage={can(user, 'planning:manage')} />
        </>
      )}
    </Stack>
  );
}
