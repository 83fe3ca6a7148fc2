/**
 * The ONE end-to-end timeline of a case: its events and those of its child tasks, in time order, each
 * labelled with its case reference and the provider holding that case then; and the provider segments
 * ("who held it") as a strip drawn to scale and a table (provider, from, to, reasons, duration).
 */
import { Badge, Box, Card, Group, Stack, Table, Text, Timeline, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseEvent, CaseSegment, CaseView } from '../../api/types.ts';
import { useLocalized } from '../../lib/localized.ts';
import { allProvidersQuery } from '../directory/directory.api.ts';
import { eventColor, eventProvider, useDateFormat, useDuration, useEventText } from './case-format.ts';

const QUEUE_COLOR = '#868e96';
/** Distinct colours for the providers of one case, in the order they first held it. */
const PALETTE = ['#1c7ed6', '#7048e8', '#0c8599', '#e8590c', '#2f9e44', '#c2255c', '#5c940d', '#ae3ec9', '#1098ad', '#f08c00'];

/** The colour of each provider of the case (grey for the coordination queue), and providers' names. */
function useProviderColors(segments: CaseSegment[]) {
  const providers = useQuery(allProvidersQuery);
  const l = useLocalized();
  const nameOf = new Map((providers.data ?? []).map((p) => [p.code, l(p.name)]));
  const order = [...new Set(segments.map((s) => s.provider).filter((p): p is string => p !== null))];
  return {
    color: (code: string | null) =>
      code === null ? QUEUE_COLOR : (PALETTE[order.indexOf(code) % PALETTE.length] ?? (PALETTE[0] as string)),
    name: (code: string | null) => (code === null ? undefined : nameOf.get(code)),
  };
}

function CaseRefBadge({ reference, main }: { reference: string; main: boolean }) {
  return (
    <Badge size="xs" variant={main ? 'outline' : 'filled'} color={main ? 'gray' : 'teal'} data-testid="event-case">
      {reference}
    </Badge>
  );
}

export function CaseTimeline({
  view,
  userName,
  staff,
}: {
  view: CaseView;
  userName: (id: number) => string | undefined;
  /** Provider staff and coordinators also see that internal notes were written. */
  staff: boolean;
}) {
  const { t } = useTranslation();
  const { dateTime } = useDateFormat();
  const describe = useEventText(userName);
  const colors = useProviderColors(view.segments);
  const main = view.case.reference;
  const events: CaseEvent[] = view.timeline
    .filter((e) => staff || e.type !== 'note-added')
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || Number(a.id) - Number(b.id));
  return (
    <Card withBorder radius="md" padding="md" data-testid="case-timeline">
      <Group justify="space-between" mb="sm">
        <Title order={3} fz="md">
          {t('caseView.timelineTitle')}
        </Title>
        <Text size="xs" c="dimmed">
          {view.children.length > 0
            ? t('caseView.timelineWithChildren', { count: view.children.length })
            : t('caseView.timelineHint')}
        </Text>
      </Group>
      <Timeline bulletSize={14} lineWidth={2} active={events.length - 1}>
        {events.map((e, i) => {
          const text = describe(e);
          // the header already gives the reason of the first routing
          if (e.type === 'routed' && e.caseReference === main && text.detail === view.case.routingReason) delete text.detail;
          const provider = eventProvider(e, view.segments);
          return (
            <Timeline.Item
              key={e.id}
              color={eventColor(e)}
              style={i > 0 ? { marginTop: 14 } : undefined}
              data-testid="timeline-event"
              data-type={e.type}
              data-case={e.caseReference}
              data-provider={provider === undefined ? '' : (provider ?? 'none')}
              title={
                <Text size="sm" fw={600} data-testid="event-title">
                  {text.title}
                </Text>
              }
            >
              <Group gap={6} mt={2} wrap="wrap">
                <CaseRefBadge reference={e.caseReference} main={e.caseReference === main} />
                {provider !== undefined && (
                  <Tooltip label={colors.name(provider) ?? t('cases.coordinationQueue')} withArrow>
                    <Badge
                      size="xs"
                      variant="light"
                      styles={{ root: { color: colors.color(provider), background: `${colors.color(provider)}1a` } }}
                      data-testid="event-provider"
                    >
                      {provider ?? t('cases.coordinationQueueShort')}
                    </Badge>
                  </Tooltip>
                )}
                <Text size="xs" c="dimmed">
                  {dateTime(e.at)}
                  {' · '}
                  {e.actor ? e.actor.name : t('caseView.system')}
                </Text>
              </Group>
              {text.detail && (
                <Text
                  size="xs"
                  mt={4}
                  c="dimmed"
                  fs="italic"
                  style={{ whiteSpace: 'pre-wrap' }}
                  lineClamp={e.type === 'routed' ? 2 : undefined}
                  title={e.type === 'routed' ? text.detail : undefined}
                  data-testid="event-detail"
                >
                  {text.detail}
                </Text>
              )}
            </Timeline.Item>
          );
        })}
      </Timeline>
    </Card>
  );
}

/** Each provider's hold of the case and its child tasks, to scale, then as a table. */
export function CaseSegments({ view }: { view: CaseView }) {
  const { t } = useTranslation();
  const { dateTime, short } = useDateFormat();
  const duration = useDuration();
  const colors = useProviderColors(view.segments);
  const now = Date.now();
  const segments = view.segments;
  if (segments.length === 0) return null;
  const start = Math.min(...segments.map((s) => Date.parse(s.startedAt)));
  const end = Math.max(now, ...segments.map((s) => (s.endedAt ? Date.parse(s.endedAt) : now)));
  const span = Math.max(1, end - start);
  const refs = [view.case.reference, ...view.children.map((c) => c.reference)].filter((r) =>
    segments.some((s) => s.caseReference === r),
  );
  const ms = (s: CaseSegment) => (s.endedAt ? Date.parse(s.endedAt) : now) - Date.parse(s.startedAt);
  const reason = (r: string | null) => (r ? t(`segmentReason.${r}`, { defaultValue: r }) : '');

  return (
    <Card withBorder radius="md" padding="md" data-testid="case-segments">
      <Title order={3} fz="md" mb={4}>
        {t('caseView.segmentsTitle')}
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('caseView.segmentsHint')}
      </Text>
      <Stack gap={6} mb="sm" data-testid="segments-strip">
        {refs.map((ref) => {
          const own = segments
            .filter((s) => s.caseReference === ref)
            .sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt));
          const first = own[0] ? Date.parse(own[0].startedAt) : start;
          const last = Math.max(...own.map((s) => (s.endedAt ? Date.parse(s.endedAt) : now)));
          return (
            <Group key={ref} gap={8} wrap="nowrap" align="center">
              <Text size="xs" w={86} fw={ref === view.case.reference ? 700 : 400} style={{ flexShrink: 0 }}>
                {ref}
              </Text>
              {/* to scale, but each hold at least wide enough for its code */}
              <Box
                h={22}
                style={{
                  flex: 1,
                  display: 'flex',
                  background: 'var(--mantine-color-gray-1)',
                  borderRadius: 4,
                  overflow: 'hidden',
                }}
              >
                <Box style={{ flexGrow: (first - start) / span, flexBasis: 0 }} />
                {own.map((s, i) => {
                  const color = colors.color(s.provider);
                  const prev = own[i - 1];
                  const gap = prev?.endedAt ? Math.max(0, Date.parse(s.startedAt) - Date.parse(prev.endedAt)) : 0;
                  return (
                    <Fragment key={`${s.caseReference}-${s.startedAt}`}>
                      {gap > 0 && <Box style={{ flexGrow: gap / span, flexBasis: 0 }} />}
                      <Tooltip
                        withArrow
                        label={`${s.provider ?? t('cases.coordinationQueue')} · ${dateTime(s.startedAt)} → ${
                          s.endedAt ? dateTime(s.endedAt) : t('caseView.now')
                        } · ${duration(ms(s))}`}
                      >
                        <Box
                          style={{
                            flexGrow: ms(s) / span,
                            flexBasis: 0,
                            minWidth: 44,
                            background: color,
                            borderInlineEnd: '2px solid white',
                            color: 'white',
                            fontSize: 11,
                            fontWeight: 700,
                            lineHeight: '22px',
                            paddingInline: 6,
                            whiteSpace: 'nowrap',
                            overflow: 'hidden',
                          }}
                          data-testid="segment-bar"
                          data-provider={s.provider ?? 'none'}
                        >
                          {s.provider ?? t('cases.coordinationQueueShort')}
                        </Box>
                      </Tooltip>
                    </Fragment>
                  );
                })}
                <Box style={{ flexGrow: (end - last) / span, flexBasis: 0 }} />
              </Box>
            </Group>
          );
        })}
      </Stack>
      <Table.ScrollContainer minWidth={360}>
        <Table fz="xs" verticalSpacing={4} horizontalSpacing={6} striped data-testid="segments-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('fields.provider')}</Table.Th>
              <Table.Th>{t('caseView.segFrom')}</Table.Th>
              <Table.Th>{t('caseView.segTo')}</Table.Th>
              <Table.Th ta="end">{t('caseView.segDuration')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {segments.map((s) => (
              <Table.Tr
                key={`${s.caseReference}-${s.startedAt}`}
                data-testid="segment-row"
                data-case={s.caseReference}
                data-provider={s.provider ?? 'none'}
              >
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Box w={10} h={10} style={{ borderRadius: 2, background: colors.color(s.provider), flexShrink: 0 }} />
                    <Tooltip label={colors.name(s.provider) ?? t('cases.coordinationQueue')} withArrow>
                      <Text size="xs" fw={700}>
                        {s.provider ?? t('cases.coordinationQueueShort')}
                      </Text>
                    </Tooltip>
                  </Group>
                  {s.caseReference !== view.case.reference && (
                    <Text size="xs" c="teal" style={{ whiteSpace: 'nowrap' }}>
                      {s.caseReference}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" title={dateTime(s.startedAt)} style={{ whiteSpace: 'nowrap' }}>
                    {short(s.startedAt)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {reason(s.startReason)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {s.endedAt ? (
                    <>
                      <Text size="xs" title={dateTime(s.endedAt)} style={{ whiteSpace: 'nowrap' }}>
                        {short(s.endedAt)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {reason(s.endReason)}
                      </Text>
                    </>
                  ) : (
                    <Badge size="xs" variant="dot" color="green">
                      {t('caseView.holding')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: 'nowrap' }}>
                  <Text size="xs">{duration(ms(s))}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
