/**
 * Map 2 of the report: peacekeeping operations (circles) and special political missions (diamonds) at their
 * duty stations, with arcs to the providers (squares, coloured by kind) that serve them, from
 * `GET /api/assignments/links`. Hovering an operation shows its providers and how many services each gives;
 * hovering a provider shows the operations it serves. A table below gives the same facts as text.
 */
import { Card, Checkbox, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Link, LinkPlace, NamedRef, ProviderKind } from '../../api/types.ts';
import { EmptyResult } from '../../components/empty-result.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { HoverCard, useHoverCard } from '../../components/hover-card.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useCountries } from '../../lib/countries.ts';
import { providerColor } from '../../lib/kinds.ts';
import { useLocalized } from '../../lib/localized.ts';
import { PEACE_OPERATION_KINDS, peaceOperationLinksQuery } from '../agreements/agreements.api.ts';
import { ProviderKindLegend } from '../directory/kind-legend.tsx';
import { placeLabels, spreadColocated } from './labels.ts';
import { markerProps } from './marker-props.ts';
import {
  type LonLat,
  MAP_HEIGHT,
  MAP_WIDTH,
  type MapView,
  MapViewControl,
  project,
  useProjection,
  WorldMap,
} from './world-map.tsx';

type OperationKind = (typeof PEACE_OPERATION_KINDS)[number];
const OPERATION_COLOR: Record<OperationKind, string> = {
  'peacekeeping-operation': '#1864ab',
  'special-political-mission': '#7048e8',
};
const ENTITY_R = 5;
const PROVIDER_R = 7;

interface Operation {
  code: string;
  name: NamedRef['name'];
  kind: OperationKind;
  place: LinkPlace;
  providers: Array<{ code: string; name: NamedRef['name']; kind: ProviderKind; services: number }>;
}

interface ProviderNode {
  code: string;
  name: NamedRef['name'];
  kind: ProviderKind;
  place: LinkPlace;
  operations: Array<{ code: string; kind: OperationKind; services: number }>;
}

type Hovered = { type: 'operation'; op: Operation } | { type: 'provider'; pr: ProviderNode };

function collect(links: Link[]) {
  const ops = new Map<string, Operation>();
  const prs = new Map<string, ProviderNode>();
  for (const ln of links) {
    const kind = ln.entity.kind as OperationKind;
    const op = ops.get(ln.entity.code) ?? {
      code: ln.entity.code,
      name: ln.entity.name,
      kind,
      place: ln.entity.dutyStation,
      providers: [],
    };
    op.providers.push({ code: ln.provider.code, name: ln.provider.name, kind: ln.provider.kind, services: ln.services.length });
    ops.set(op.code, op);
    const pr = prs.get(ln.provider.code) ?? {
      code: ln.provider.code,
      name: ln.provider.name,
      kind: ln.provider.kind,
      place: ln.provider.dutyStation,
      operations: [],
    };
    pr.operations.push({ code: ln.entity.code, kind, services: ln.services.length });
    prs.set(pr.code, pr);
  }
  for (const op of ops.values()) op.providers.sort((a, b) => b.services - a.services || a.code.localeCompare(b.code));
  for (const pr of prs.values()) pr.operations.sort((a, b) => a.code.localeCompare(b.code));
  return { operations: [...ops.values()], providers: [...prs.values()] };
}

function diamond(x: number, y: number, r: number): string {
  const d = r * 1.35;
  return `M${x},${y - d}L${x + d},${y}L${x},${y + d}L${x - d},${y}Z`;
}

function OperationSymbol({
  kind,
  x,
  y,
  r,
  highlight,
}: {
  kind: OperationKind;
  x: number;
  y: number;
  r: number;
  highlight?: boolean;
}) {
  const fill = OPERATION_COLOR[kind];
  const rr = highlight ? r + 2 : r;
  return kind === 'peacekeeping-operation' ? (
    <circle cx={x} cy={y} r={rr} fill={fill} stroke="#fff" strokeWidth={1.5} />
  ) : (
    <path d={diamond(x, y, rr)} fill={fill} stroke="#fff" strokeWidth={1.5} />
  );
}

function LegendSymbol({ kind }: { kind: OperationKind | 'provider' }) {
  return (
    <svg width={16} height={16} viewBox="0 0 16 16" aria-hidden style={{ direction: 'ltr' }}>
      {kind === 'provider' ? (
        <rect x={2} y={2} width={12} height={12} fill="#868e96" stroke="#212529" strokeWidth={1.2} />
      ) : (
        <OperationSymbol kind={kind} x={8} y={8} r={5} />
      )}
    </svg>
  );
}

export function PeaceOperationsMapPage() {
  const { t } = useTranslation();
  const l = useLocalized();
  const countries = useCountries();
  const [view, setView] = useState<MapView>('fit');
  const [shown, setShown] = useState<OperationKind[]>([...PEACE_OPERATION_KINDS]);
  const links = useQuery(peaceOperationLinksQuery);
  const points = useMemo(
    () =>
      (links.data ?? []).flatMap((ln): LonLat[] =>
        [ln.entity.dutyStation, ln.provider.dutyStation].flatMap((d): LonLat[] =>
          d.longitude !== null && d.latitude !== null ? [[d.longitude, d.latitude]] : [],
        ),
      ),
    [links.data],
  );
  const projection = useProjection(view, points);
  const hover = useHoverCard<Hovered>();
  const navigate = useNavigate();
  const [focus, setFocus] = useState<{ type: 'operation' | 'provider'; code: string } | null>(null);

  const data = useMemo(() => {
    const filtered = (links.data ?? []).filter((ln) => shown.includes(ln.entity.kind as OperationKind));
    return { links: filtered, ...collect(filtered) };
  }, [links.data, shown]);

  const layout = useMemo(() => {
    const provPts = data.providers.flatMap((pr) => {
      const xy = project(projection, pr.place.longitude, pr.place.latitude);
      return xy ? [{ pr, x: xy[0], y: xy[1] }] : [];
    });
    const opPts = data.operations.flatMap((op) => {
      const xy = project(projection, op.place.longitude, op.place.latitude);
      return xy ? [{ op, x: xy[0], y: xy[1] }] : [];
    });
    // operations that share a duty station (with each other or with a provider) are spread around it
    const provAt = (x: number, y: number) => provPts.some((p) => Math.hypot(p.x - x, p.y - y) < 3);
    const spreadOps = spreadColocated(opPts, 9).map((o) =>
      o.sx === o.x && o.sy === o.y && provAt(o.x, o.y) ? { ...o, sx: o.x + 9, sy: o.y - 7 } : o,
    );
    const provs = spreadColocated(provPts, 10);
    const inView = (x: number, y: number) => x >= -10 && x <= MAP_WIDTH + 10 && y >= -10 && y <= MAP_HEIGHT + 10;
    const opsIn = spreadOps.filter((o) => inView(o.sx, o.sy));
    const provsIn = provs.filter((p) => inView(p.sx, p.sy));
    const labelInputs = [
      ...provsIn.map((p) => ({
        id: `p:${p.pr.code}`,
        text: p.pr.code,
        x: p.sx,
        y: p.sy,
        r: PROVIDER_R,
        fontSize: 12,
        priority: 2,
      })),
      ...opsIn
        .filter((o) => !provsIn.some((p) => p.pr.code === o.op.code && Math.hypot(p.sx - o.sx, p.sy - o.sy) < 20))
        .map((o) => ({ id: `o:${o.op.code}`, text: o.op.code, x: o.sx, y: o.sy, r: ENTITY_R, fontSize: 10, priority: 1 })),
    ];
    const obstacles = [
      ...provsIn.map((p) => ({ x: p.sx, y: p.sy, r: PROVIDER_R + 1 })),
      ...opsIn.map((o) => ({ x: o.sx, y: o.sy, r: ENTITY_R + 1 })),
    ];
    const labels = placeLabels(labelInputs, { width: MAP_WIDTH, height: MAP_HEIGHT }, obstacles);
    // links are drawn as gentle arcs in screen space (great circles would leave the frame near the poles),
    // from the provider's square to the operation's symbol
    const opXY = new Map(spreadOps.map((o) => [o.op.code, [o.sx, o.sy] as const]));
    const prXY = new Map(provs.map((p) => [p.pr.code, [p.sx, p.sy] as const]));
    const lines = data.links.flatMap((ln) => {
      const a = prXY.get(ln.provider.code);
      const b = opXY.get(ln.entity.code);
      if (!a || !b) return [];
      const [x1, y1] = a;
      const [x2, y2] = b;
      const dx = x2 - x1;
      const dy = y2 - y1;
      const bend = 0.18;
      const cx = (x1 + x2) / 2 - dy * bend;
      const cy = (y1 + y2) / 2 + dx * bend;
      return [{ key: `${ln.entity.code}>${ln.provider.code}`, d: `M${x1},${y1}Q${cx},${cy} ${x2},${y2}`, ln }];
    });
    const maxServices = Math.max(1, ...data.links.map((ln) => ln.services.length));
    return { ops: opsIn, provs: provsIn, labels, lines, maxServices, missing: data.operations.length - opPts.length };
  }, [data, projection]);

  const lineState = (ln: Link): 'on' | 'off' | 'normal' => {
    if (!focus) return 'normal';
    const hit = focus.type === 'operation' ? ln.entity.code === focus.code : ln.provider.code === focus.code;
    return hit ? 'on' : 'off';
  };

  const hoverHandlers = (h: Hovered, key: { type: 'operation' | 'provider'; code: string }, label: string) =>
    markerProps(label, {
      enter: (at) => {
        setFocus(key);
        hover.show(at, h);
      },
      move: hover.move,
      leave: () => {
        setFocus(null);
        hover.hide();
      },
      activate: () =>
        void (key.type === 'operation'
          ? navigate({ to: '/matrix', search: { q: key.code } })
          : navigate({ to: '/providers', search: { q: key.code } })),
    });

  const providerKinds = [...new Set(data.providers.map((p) => p.kind))];
  const providerByCode = new Map(data.providers.map((p) => [p.code, p]));
  const nOps = (kind: OperationKind) => data.operations.filter((o) => o.kind === kind).length;

  return (
    <Stack gap="sm">
      <PageHeader
        title={t('maps.peace.title')}
        description={t('maps.peace.description')}
        right={<MapViewControl value={view} onChange={setView} />}
      />
      <Group gap="lg" wrap="wrap">
        {PEACE_OPERATION_KINDS.map((k) => (
          <Checkbox
            key={k}
            data-testid={`map-show-${k}`}
            checked={shown.includes(k)}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setShown((s) => (on ? [...s, k] : s.filter((x) => x !== k)));
            }}
            label={
              <Group gap={6} wrap="nowrap">
                <LegendSymbol kind={k} />
                <Text size="sm">
                  {t(`entityKind.${k}`)} ({nOps(k)})
                </Text>
              </Group>
            }
          />
        ))}
        <Group gap={6} wrap="nowrap">
          <LegendSymbol kind="provider" />
          <Text size="sm">{t('maps.peace.providerLegend', { count: data.providers.length })}</Text>
        </Group>
      </Group>
      <ErrorAlert error={links.error} />
      <Card withBorder radius="md" padding="xs">
        {links.isPending ? (
          <Skeleton height={480} />
        ) : (
          <WorldMap
            projection={projection}
            testId="map-peace-operations"
            label={t('maps.peace.aria', { operations: data.operations.length, providers: data.providers.length })}
          >
            <g data-layer="links" fill="none" style={{ pointerEvents: 'none' }}>
              {layout.lines.map(({ key, d, ln }) => {
                const s = lineState(ln);
                // weight and opacity grow with the number of services the provider gives the operation
                const w = ln.services.length / layout.maxServices;
                return (
                  <path
                    key={key}
                    d={d}
                    data-testid="map-link"
                    data-services={ln.services.length}
                    stroke={providerColor(ln.provider.kind).hex}
                    strokeWidth={(s === 'on' ? 1.2 : 0.7) + 2.3 * w}
                    strokeOpacity={s === 'on' ? 0.95 : s === 'off' ? 0.06 : 0.18 + 0.5 * w}
                    strokeLinecap="round"
                  />
                );
              })}
            </g>
            <g data-layer="leaders" style={{ pointerEvents: 'none' }}>
              {layout.labels.map((lb) =>
                lb.leader ? <line key={lb.id} {...lb.leader} stroke="#495057" strokeWidth={0.6} strokeOpacity={0.6} /> : null,
              )}
            </g>
            <g data-layer="providers">
              {layout.provs.map((p) => {
                const on = focus?.type === 'provider' && focus.code === p.pr.code;
                const s = on ? PROVIDER_R + 2 : PROVIDER_R;
                return (
                  <g
                    key={p.pr.code}
                    data-testid={`map-provider-${p.pr.code}`}
                    {...hoverHandlers(
                      { type: 'provider', pr: p.pr },
                      { type: 'provider', code: p.pr.code },
                      `${p.pr.code} — ${l(p.pr.name)}`,
                    )}
                  >
                    <rect
                      x={p.sx - s}
                      y={p.sy - s}
                      width={s * 2}
                      height={s * 2}
                      fill={providerColor(p.pr.kind).hex}
                      stroke="#212529"
                      strokeWidth={1.3}
                    />
                    <circle cx={p.sx} cy={p.sy} r={PROVIDER_R + 6} fill="transparent" />
                  </g>
                );
              })}
            </g>
            <g data-layer="operations">
              {layout.ops.map((o) => {
                const on = focus?.type === 'operation' && focus.code === o.op.code;
                return (
                  <g
                    key={o.op.code}
                    data-testid={`map-operation-${o.op.code}`}
                    data-kind={o.op.kind}
                    {...hoverHandlers(
                      { type: 'operation', op: o.op },
                      { type: 'operation', code: o.op.code },
                      `${o.op.code} — ${l(o.op.name)}`,
                    )}
                  >
                    <OperationSymbol kind={o.op.kind} x={o.sx} y={o.sy} r={ENTITY_R} highlight={on} />
                    <circle cx={o.sx} cy={o.sy} r={ENTITY_R + 5} fill="transparent" />
                  </g>
                );
              })}
            </g>
            <g data-layer="labels" style={{ pointerEvents: 'none' }}>
              {layout.labels.map((lb) => {
                const isProvider = lb.id.startsWith('p:');
                const pr = isProvider ? providerByCode.get(lb.id.slice(2)) : undefined;
                return (
                  <text
                    key={lb.id}
                    x={lb.x}
                    y={lb.y}
                    textAnchor={lb.anchor}
                    fontSize={lb.fontSize}
                    fontWeight={isProvider ? 800 : 600}
                    fill={pr ? providerColor(pr.kind).hex : '#343a40'}
                    stroke="#fff"
                    strokeWidth={3}
                    strokeLinejoin="round"
                    paintOrder="stroke"
                    data-testid={`map-label-${lb.text}`}
                  >
                    {lb.text}
                  </text>
                );
              })}
            </g>
          </WorldMap>
        )}
      </Card>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="wrap">
          <Text size="xs" fw={600}>
            {t('maps.peace.lineLegend')}
          </Text>
          <ProviderKindLegend kinds={providerKinds} shape="square" />
          <Text size="xs" c="dimmed">
            {t('maps.peace.weightLegend')}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          {layout.missing > 0 ? `${t('maps.noCoordinates', { count: layout.missing })} · ` : ''}
          {t('maps.attribution')}
        </Text>
      </Group>
      {!links.isPending && data.links.length === 0 && !links.error && (
        <EmptyResult
          filtered={shown.length < PEACE_OPERATION_KINDS.length}
          onClear={() => setShown([...PEACE_OPERATION_KINDS])}
        />
      )}
      {data.providers.length > 0 && (
        <Card withBorder radius="md" padding="md">
          <Title order={4} mb="xs">
            {t('maps.peace.tableTitle')}
          </Title>
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing={4} striped data-testid="peace-providers-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('fields.provider')}</Table.Th>
                  <Table.Th>{t('fields.dutyStation')}</Table.Th>
                  <Table.Th>{t('maps.peace.operationsServed')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...data.providers]
                  .sort((a, b) => b.operations.length - a.operations.length || a.code.localeCompare(b.code))
                  .map((pr) => (
                    <Table.Tr key={pr.code}>
                      <Table.Td>
                        <Text size="sm" fw={700} c={providerColor(pr.kind).hex} span>
                          {pr.code}
                        </Text>{' '}
                        <Text size="xs" span>
                          {l(pr.name)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">
                          {pr.place.city}, {countries.name(pr.place.country)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">
                          {t('maps.peace.operationsCount', { count: pr.operations.length })}:{' '}
                          {pr.operations.map((o) => o.code).join(', ')}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <HoverCard state={hover.state} width={380}>
        {(h) =>
          h.type === 'operation' ? (
            <Stack gap={4} data-testid="map-tooltip">
              <Group gap={8} wrap="nowrap" align="baseline">
                <Text fw={800} c={OPERATION_COLOR[h.op.kind]}>
                  {h.op.code}
                </Text>
                <Text size="sm" fw={600}>
                  {l(h.op.name)}
                </Text>
              </Group>
              <Text size="xs">
                {t(`entityKind.${h.op.kind}`)} · {h.op.place.city}, {countries.name(h.op.place.country)}
              </Text>
              <Text size="xs" fw={600} mt={4}>
                {t('maps.peace.servedBy')}
              </Text>
              {h.op.providers.map((p) => (
                <Group key={p.code} gap={6} wrap="nowrap" align="baseline">
                  <Text size="xs" fw={700} c={providerColor(p.kind).hex} miw={56}>
                    {p.code}
                  </Text>
                  <Text size="xs" style={{ flex: 1 }}>
                    {l(p.name)}
                  </Text>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {t('maps.peace.servicesCount', { count: p.services })}
                  </Text>
                </Group>
              ))}
              <Text size="xs" c="dimmed" fs="italic" mt={4}>
                {t('maps.clickOperation')}
              </Text>
            </Stack>
          ) : (
            <Stack gap={4} data-testid="map-tooltip">
              <Group gap={8} wrap="nowrap" align="baseline">
                <Text fw={800} c={providerColor(h.pr.kind).hex}>
                  {h.pr.code}
                </Text>
                <Text size="sm" fw={600}>
                  {l(h.pr.name)}
                </Text>
              </Group>
              <Text size="xs">
                {t(`providerKind.${h.pr.kind}`)} · {h.pr.place.city}, {countries.name(h.pr.place.country)}
              </Text>
              <Text size="xs" mt={4}>
                {t('maps.peace.serves', { count: h.pr.operations.length })}: {h.pr.operations.map((o) => o.code).join(', ')}
              </Text>
              <Text size="xs" c="dimmed" fs="italic">
                {t('maps.clickProvider')}
              </Text>
            </Stack>
          )
        }
      </HoverCard>
    </Stack>
  );
}
