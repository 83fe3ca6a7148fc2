/**
 * The SLA clocks of one case, for everyone who may read it (the API scopes it): the end-to-end clocks
 * (the client's view) and, per provider segment, that provider's OLA clocks. Each clock shows its metric,
 * target in words, state, a progress bar with the warning thresholds, elapsed and paused business time,
 * and its due instant in the viewer's zone, the duty station's zone (the calendar's) and the client's when
 * it differs. Refreshed every minute while a clock runs.
 */
import { Badge, Box, Card, Group, Progress, Skeleton, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { formatPercent } from '../../lib/localized.ts';
import { type CaseClocks as CaseClocksData, type ClockView, caseClocksQuery, type PendingEscalation } from './sla.api.ts';
import {
  CLOCK_STATE_COLOR,
  useBusinessDuration,
  useTargetText,
  useZonedFormat,
  useZoneLabel,
  viewerTimeZone,
} from './sla-format.ts';

/** How often the clocks are re-read while one runs, ms. */
export const CLOCK_REFRESH_MS = 60_000;

export function ClockStateBadge({ state, size = 'sm' }: { state: ClockView['state']; size?: 'xs' | 'sm' | 'md' }) {
  const { t } = useTranslation();
  return (
    <Badge size={size} color={CLOCK_STATE_COLOR[state]} variant="light" data-testid="clock-state" data-state={state}>
      {t(`sla.clockState.${state}`)}
    </Badge>
  );
}

/** The elapsed share of the target, with a tick at each warning threshold. */
function ClockProgress({ clock }: { clock: ClockView }) {
  const { t, i18n } = useTranslation();
  const pct = clock.percent ?? 0;
  const passed = clock.warnAt.filter((w) => pct >= w);
  const color =
    clock.state === 'breached'
      ? 'red'
      : clock.state === 'met'
        ? 'green'
        : clock.state === 'stopped'
          ? 'gray'
          : passed.length === clock.warnAt.length && passed.length > 0
            ? 'orange'
            : passed.length > 0
              ? 'yellow'
              : CLOCK_STATE_COLOR[clock.state];
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Box pos="relative" style={{ flex: 1 }} py={3}>
        <Progress
          value={Math.min(100, pct)}
          color={color}
          size="md"
          radius="sm"
          striped={clock.state === 'paused'}
          aria-label={t('sla.clock.progressLabel', { percent: pct })}
          data-testid="clock-progress"
          data-percent={pct}
        />
        {clock.warnAt.map((w) => (
          <Tooltip key={w} label={t('sla.clock.warnAt', { percent: w })} withArrow>
            <Box
              data-testid="clock-threshold"
              data-threshold={w}
              pos="absolute"
              top={0}
              bottom={0}
              w={2}
              style={{
                insetInlineStart: `calc(${w}% - 1px)`,
                background: pct >= w ? 'var(--mantine-color-orange-7)' : 'var(--mantine-color-gray-6)',
                borderRadius: 1,
              }}
            />
          </Tooltip>
        ))}
      </Box>
      <Text size="xs" fw={700} w={44} ta="end" c={clock.state === 'breached' ? 'red.7' : undefined}>
        {clock.percent === null ? '—' : formatPercent(pct, i18n.language)}
      </Text>
    </Group>
  );
}

interface ZoneRow {
  timeZone: string;
  /** Who reads the time there: the viewer, the duty station, the client. */
  roles: Array<'viewer' | 'station' | 'client'>;
}

/** The zones an instant is shown in: the viewer's, the duty station's, the client's — each zone once. */
function zonesOf(clock: ClockView, clientTimeZone: string | null, viewer: string): ZoneRow[] {
  const rows: ZoneRow[] = [];
  const add = (timeZone: string, role: ZoneRow['roles'][number]) => {
    const found = rows.find((r) => r.timeZone === timeZone);
    if (found) found.roles.push(role);
    else rows.push({ timeZone, roles: [role] });
  };
  add(viewer, 'viewer');
  add(clock.timeZone, 'station');
  if (clientTimeZone) add(clientTimeZone, 'client');
  return rows;
}

/** One instant (due, met, breached) in each zone that matters, labelled. */
function InstantInZones({
  iso,
  clock,
  clientTimeZone,
  testId,
}: {
  iso: string;
  clock: ClockView;
  clientTimeZone: string | null;
  testId: string;
}) {
  const { t } = useTranslation();
  const { inZone } = useZonedFormat();
  const zoneLabel = useZoneLabel();
  const rows = zonesOf(clock, clientTimeZone, viewerTimeZone());
  return (
    <Table fz="xs" verticalSpacing={1} horizontalSpacing={4} withRowBorders={false} data-testid={testId} data-at={iso}>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr
            key={r.timeZone}
            data-testid={`${testId}-zone`}
            data-zone={r.timeZone}
            data-roles={r.roles.join(' ')}
            data-station={r.roles.includes('station') ? 'true' : undefined}
            data-viewer={r.roles.includes('viewer') ? 'true' : undefined}
          >
            <Table.Td c="dimmed" style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }} w="48%">
              <Tooltip label={r.timeZone} withArrow>
                <span>
                  {r.roles.map((role) => t(`sla.zoneRole.${role}`)).join(' · ')}
                  {' — '}
                  {zoneLabel(r.timeZone, iso)}
                </span>
              </Tooltip>
            </Table.Td>
            <Table.Td fw={r.roles.includes('viewer') ? 700 : 500} data-testid={`${testId}-time`} style={{ whiteSpace: 'nowrap' }}>
              {inZone(iso, r.timeZone)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ClockRow({
  clock,
  clientTimeZone,
  next,
}: {
  clock: ClockView;
  clientTimeZone: string | null;
  next: PendingEscalation | undefined;
}) {
  const { t } = useTranslation();
  const target = useTargetText();
  const duration = useBusinessDuration();
  const { relative, inZone } = useZonedFormat();
  const viewer = viewerTimeZone();
  return (
    <Box
      data-testid="sla-clock"
      data-metric={clock.metric}
      data-scope={clock.scope}
      data-provider={clock.provider ?? 'none'}
      data-state={clock.state}
      data-time-zone={clock.timeZone}
      py={8}
      style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}
    >
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text size="sm" fw={700} data-testid="clock-metric">
            {t(`sla.metric.${clock.metric}`)}
          </Text>
          <Text size="xs" c="dimmed" data-testid="clock-target">
            {t('sla.clock.target', { target: target(clock.target) })}
          </Text>
        </Stack>
        <ClockStateBadge state={clock.state} />
      </Group>
      <Box mt={6}>
        <ClockProgress clock={clock} />
      </Box>
      <Text size="xs" c="dimmed" mt={2} data-testid="clock-elapsed">
        {t('sla.clock.elapsed', { elapsed: duration(clock.elapsedBusinessMinutes) })}
        {clock.pausedBusinessMinutes > 0 && ` · ${t('sla.clock.paused', { paused: duration(clock.pausedBusinessMinutes) })}`}
      </Text>
      <Box mt={6}>
        {clock.state === 'paused' && (
          <Text size="xs" c="yellow.9" fw={600} data-testid="clock-paused-note">
            {t('sla.clock.pausedNote')}
          </Text>
        )}
        {clock.state === 'running' && clock.dueAt && (
          <>
            <Text size="xs" fw={600} c={Date.parse(clock.dueAt) < Date.now() ? 'red.7' : undefined}>
              {t('sla.clock.due', { relative: relative(clock.dueAt) })}
            </Text>
            <InstantInZones iso={clock.dueAt} clock={clock} clientTimeZone={clientTimeZone} testId="clock-due" />
          </>
        )}
        {clock.state === 'met' && clock.stoppedAt && (
          <>
            <Text size="xs" fw={600} c="green.8">
              {t('sla.clock.metAt')}
            </Text>
            <InstantInZones iso={clock.stoppedAt} clock={clock} clientTimeZone={clientTimeZone} testId="clock-met" />
          </>
        )}
        {clock.state === 'breached' && clock.breachedAt && (
          <>
            <Text size="xs" fw={600} c="red.7">
              {t('sla.clock.breachedAt')}
            </Text>
            <InstantInZones iso={clock.breachedAt} clock={clock} clientTimeZone={clientTimeZone} testId="clock-breached" />
          </>
        )}
        {clock.state === 'stopped' && clock.stoppedAt && (
          <Text size="xs" c="dimmed">
            {clock.scope === 'segment'
              ? t('sla.clock.segmentEnded', { at: inZone(clock.stoppedAt, viewer) })
              : t('sla.clock.stoppedAt', { at: inZone(clock.stoppedAt, viewer) })}
          </Text>
        )}
        {next && (
          <Text size="xs" c="orange.8" mt={4} data-testid="clock-next-escalation">
            {next.threshold >= 100
              ? t('sla.clock.nextBreach', { at: inZone(next.fireAt, viewer) })
              : t('sla.clock.nextWarning', { percent: next.threshold, at: inZone(next.fireAt, viewer) })}
          </Text>
        )}
      </Box>
    </Box>
  );
}

/** Clocks in the order metrics happen: first response, next response, resolution. */
const ORDER = { 'first-response': 0, 'next-response': 1, resolution: 2 } as const;
const byMetric = (a: ClockView, b: ClockView) => ORDER[a.metric] - ORDER[b.metric];

function ClockGroups({ data }: { data: CaseClocksData }) {
  const { t } = useTranslation();
  const { inZone } = useZonedFormat();
  const endToEnd = data.clocks.filter((c) => c.scope === 'case').sort(byMetric);
  const segments = new Map<string, ClockView[]>();
  for (const c of data.clocks.filter((x) => x.scope === 'segment')) {
    const key = `${c.segmentStartedAt ?? ''}|${c.provider ?? ''}`;
    segments.set(key, [...(segments.get(key) ?? []), c]);
  }
  /** The next pending escalation of an end-to-end clock (staff only: the API sends none to clients). */
  const nextOf = (c: ClockView) =>
    c.scope === 'case' && c.state === 'running'
      ? data.pendingEscalations.find((e) => e.segmentId === null && e.metric === c.metric)
      : undefined;
  return (
    <Stack gap="sm">
      <Box data-testid="sla-end-to-end">
        <Group gap={6} mb={2}>
          <Text size="xs" fw={700} tt="uppercase" c="dimmed">
            {t('sla.clock.endToEnd')}
          </Text>
          {endToEnd[0]?.provider && (
            <Badge size="xs" variant="outline" color="gray">
              {t('sla.clock.currentProvider', { provider: endToEnd[0].provider })}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed" mb={4}>
          {t('sla.clock.endToEndHint')}
        </Text>
        {endToEnd.length === 0 ? (
          <Text size="sm" c="dimmed" fs="italic">
            {t('sla.clock.noTargets')}
          </Text>
        ) : (
          endToEnd.map((c) => <ClockRow key={c.metric} clock={c} clientTimeZone={data.clientTimeZone} next={nextOf(c)} />)
        )}
      </Box>
      {[...segments.entries()].map(([key, clocks]) => {
        const first = clocks[0] as ClockView;
        return (
          <Box key={key} data-testid="sla-segment" data-provider={first.provider ?? 'none'}>
            <Group gap={6} mb={2} wrap="wrap">
              <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                {t('sla.clock.segment', { provider: first.provider ?? '—' })}
              </Text>
              {first.segmentStartedAt && (
                <Text size="xs" c="dimmed">
                  {t('sla.clock.segmentSince', { at: inZone(first.segmentStartedAt, viewerTimeZone()) })}
                </Text>
              )}
            </Group>
            {clocks.sort(byMetric).map((c) => (
              <ClockRow key={c.metric} clock={c} clientTimeZone={null} next={undefined} />
            ))}
          </Box>
        );
      })}
    </Stack>
  );
}

/** The SLA card of the case view. */
export function CaseClocks({ reference }: { reference: string }) {
  const { t } = useTranslation();
  const clocks = useQuery({
    ...caseClocksQuery(reference),
    refetchInterval: (q) => (q.state.data?.clocks.some((c) => c.state === 'running') ? CLOCK_REFRESH_MS : false),
  });
  return (
    <Card withBorder radius="md" padding="md" data-testid="case-clocks" aria-busy={clocks.isFetching}>
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Title order={3} fz="md">
          {t('sla.clock.title')}
        </Title>
        {clocks.data?.clocks.some((c) => c.state === 'breached') && (
          <Badge color="red" variant="filled" size="sm" data-testid="clocks-breached">
            {t('sla.clock.anyBreached')}
          </Badge>
        )}
      </Group>
      {clocks.isPending ? (
        <Stack gap="xs" data-testid="case-clocks-loading">
          <Text size="xs" c="dimmed">
            {t('sla.clock.computing')}
          </Text>
          <Skeleton height={18} radius="sm" />
          <Skeleton height={18} radius="sm" />
          <Skeleton height={18} radius="sm" />
        </Stack>
      ) : clocks.error ? (
        <ErrorAlert error={clocks.error} testId="case-clocks-error" />
      ) : clocks.data.clocks.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="case-clocks-none">
          {t('sla.clock.none')}
        </Text>
      ) : (
        <ClockGroups data={clocks.data} />
      )}
    </Card>
  );
}
