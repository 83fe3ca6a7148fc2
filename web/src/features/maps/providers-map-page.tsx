/**
 * Map 1 of the report: the Secretariat's service providers at their duty stations, coloured by kind and
 * labelled with their codes; hovering a provider shows its name, kind and city.
 */
import { Card, Group, Skeleton, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Provider, ProviderKind } from '../../api/types.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { HoverCard, useHoverCard } from '../../components/hover-card.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useCountries } from '../../lib/countries.ts';
import { providerColor } from '../../lib/kinds.ts';
import { useLocalized } from '../../lib/localized.ts';
import { allProvidersQuery } from '../directory/directory.api.ts';
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

const R = 6;

export function ProvidersMapPage() {
  const { t } = useTranslation();
  const l = useLocalized();
  const countries = useCountries();
  const [view, setView] = useState<MapView>('fit');
  const providers = useQuery(allProvidersQuery);
  const points = useMemo(
    () =>
      (providers.data ?? []).flatMap((p): LonLat[] =>
        p.dutyStation.longitude !== null && p.dutyStation.latitude !== null
          ? [[p.dutyStation.longitude, p.dutyStation.latitude]]
          : [],
      ),
    [providers.data],
  );
  const projection = useProjection(view, points);
  const hover = useHoverCard<Provider>();
  const [active, setActive] = useState<string | null>(null);
  const navigate = useNavigate();

  const layout = useMemo(() => {
    const points = (providers.data ?? []).flatMap((p) => {
      const xy = project(projection, p.dutyStation.longitude, p.dutyStation.latitude);
      return xy ? [{ p, x: xy[0], y: xy[1] }] : [];
    });
    const spread = spreadColocated(points, 8);
    const inside = spread.filter((m) => m.sx >= -R && m.sx <= MAP_WIDTH + R && m.sy >= -R && m.sy <= MAP_HEIGHT + R);
    const labels = placeLabels(
      inside.map((m) => ({ id: m.p.code, text: m.p.code, x: m.sx, y: m.sy, r: R, fontSize: 12 })),
      { width: MAP_WIDTH, height: MAP_HEIGHT },
      inside.map((m) => ({ x: m.sx, y: m.sy, r: R + 1 })),
    );
    return { markers: inside, labels, unplaced: (providers.data?.length ?? 0) - points.length };
  }, [providers.data, projection]);

  const kinds = useMemo(() => {
    const present = new Set((providers.data ?? []).map((p) => p.kind));
    return [...present] as ProviderKind[];
  }, [providers.data]);

  return (
    <Stack gap="sm">
      <PageHeader
        title={t('maps.providers.title')}
        description={t('maps.providers.description')}
        right={<MapViewControl value={view} onChange={setView} />}
      />
      <ErrorAlert error={providers.error} />
      <Card withBorder radius="md" padding="xs">
        {providers.isPending ? (
          <Skeleton height={480} />
        ) : (
          <WorldMap
            projection={projection}
            testId="map-providers"
            label={t('maps.providers.aria', { count: layout.markers.length })}
          >
            <g data-layer="leaders">
              {layout.labels.map((lb) =>
                lb.leader ? <line key={lb.id} {...lb.leader} stroke="#495057" strokeWidth={0.7} strokeOpacity={0.7} /> : null,
              )}
            </g>
            <g data-layer="markers">
              {layout.markers.map((m) => {
                const c = providerColor(m.p.kind).hex;
                const on = active === m.p.code;
                return (
                  <g
                    key={m.p.code}
                    data-testid={`map-marker-${m.p.code}`}
                    {...markerProps(`${m.p.code} — ${l(m.p.name)}`, {
                      enter: (at) => {
                        setActive(m.p.code);
                        hover.show(at, m.p);
                      },
                      move: hover.move,
                      leave: () => {
                        setActive(null);
                        hover.hide();
                      },
                      activate: () => void navigate({ to: '/providers', search: { q: m.p.code } }),
                    })}
                  >
                    <circle cx={m.sx} cy={m.sy} r={on ? R + 3 : R} fill={c} stroke="#fff" strokeWidth={1.8} />
                    <circle cx={m.sx} cy={m.sy} r={R + 9} fill="transparent" />
                  </g>
                );
              })}
            </g>
            <g data-layer="labels" style={{ pointerEvents: 'none' }}>
              {layout.labels.map((lb) => {
                const m = layout.markers.find((x) => x.p.code === lb.id);
                return (
                  <text
                    key={lb.id}
                    x={lb.x}
                    y={lb.y}
                    textAnchor={lb.anchor}
                    fontSize={lb.fontSize}
                    fontWeight={700}
                    fill={m ? providerColor(m.p.kind).hex : '#212529'}
                    stroke="#fff"
                    strokeWidth={3}
                    strokeLinejoin="round"
                    paintOrder="stroke"
                    data-testid={`map-label-${lb.id}`}
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
        <ProviderKindLegend kinds={kinds} />
        <Text size="xs" c="dimmed" data-testid="map-providers-count">
          {t('maps.providers.count', { count: layout.markers.length })}
          {layout.unplaced > 0 ? ` · ${t('maps.noCoordinates', { count: layout.unplaced })}` : ''}
        </Text>
      </Group>
      <Text size="xs" c="dimmed">
        {t('maps.attribution')}
      </Text>
      <HoverCard state={hover.state} width={320}>
        {(p) => (
          <Stack gap={4} data-testid="map-tooltip">
            <Group gap={8} wrap="nowrap" align="baseline">
              <Text fw={800} c={providerColor(p.kind).hex}>
                {p.code}
              </Text>
              <Text size="sm" fw={600}>
                {l(p.name)}
              </Text>
            </Group>
            <Text size="xs">{t(`providerKind.${p.kind}`)}</Text>
            <Text size="xs" c="dimmed">
              {p.dutyStation.city}, {countries.name(p.dutyStation.country)}
              {p.dutyStation.timeZone ? ` · ${p.dutyStation.timeZone}` : ''}
            </Text>
            <Text size="xs" c="dimmed" fs="italic">
              {t('maps.clickProvider')}
            </Text>
          </Stack>
        )}
      </HoverCard>
    </Stack>
  );
}
