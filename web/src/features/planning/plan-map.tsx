/**
 * A map of planned assignments: arrows from each provider's duty station to each client entity it serves
 * (one arrow per provider-entity pair, thicker for more services), drawn on the shared world map. Two of
 * them side by side show today's assignments and a scenario's. Entities that keep their own support get
 * a ring and no arrow.
 */
import { Badge, Group, Stack, Text } from '@mantine/core';
import type { GeoProjection } from 'd3-geo';
import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClientEntity, Provider } from '../../api/types.ts';
import { project, WorldMap } from '../maps/world-map.tsx';
import type { PlannedAssignment } from './planning.api.ts';

interface Props {
  which: 'today' | 'proposed';
  assignments: PlannedAssignment[];
  entities: Map<string, ClientEntity>;
  providers: Map<string, Provider>;
  projection: GeoProjection;
  /** Highlight: arrows that differ from the other map. */
  changed?: Set<string>;
}

export function PlanMap({ which, assignments, entities, providers, projection, changed }: Props) {
  const { t } = useTranslation();
  const arrowId = useId().replaceAll(':', '');
  const layout = useMemo(() => {
    const pairs = new Map<string, { provider: string; entity: string; services: number }>();
    const own = new Set<string>();
    for (const a of assignments) {
      const p = which === 'today' ? a.current : a.provider;
      if (p === null) {
        own.add(a.entity);
        continue;
      }
      const k = `${p}>${a.entity}`;
      const e = pairs.get(k) ?? { provider: p, entity: a.entity, services: 0 };
      e.services++;
      pairs.set(k, e);
    }
    const max = Math.max(1, ...[...pairs.values()].map((p) => p.services));
    const arrows = [...pairs.entries()].flatMap(([key, pr]) => {
      const pv = providers.get(pr.provider)?.dutyStation;
      const en = entities.get(pr.entity)?.dutyStation;
      if (!pv || !en) return [];
      const a = project(projection, pv.longitude, pv.latitude);
      const b = project(projection, en.longitude, en.latitude);
      if (!a || !b) return [];
      const [x1, y1] = a;
      const [x2, y2] = b;
      if (Math.hypot(x2 - x1, y2 - y1) < 2) return [];
      const cx = (x1 + x2) / 2 - (y2 - y1) * 0.18;
      const cy = (y1 + y2) / 2 + (x2 - x1) * 0.18;
      return [{ key, d: `M${x1},${y1}Q${cx},${cy} ${x2},${y2}`, width: 0.6 + (2.4 * pr.services) / max }];
    });
    const providerDots = [...new Set([...pairs.values()].map((p) => p.provider))].flatMap((code) => {
      const d = providers.get(code)?.dutyStation;
      const xy = d ? project(projection, d.longitude, d.latitude) : null;
      return xy ? [{ code, x: xy[0], y: xy[1] }] : [];
    });
    const entityDots = [...new Set(assignments.map((a) => a.entity))].flatMap((code) => {
      const d = entities.get(code)?.dutyStation;
      const xy = d ? project(projection, d.longitude, d.latitude) : null;
      return xy ? [{ code, x: xy[0], y: xy[1], own: own.has(code) }] : [];
    });
    return { arrows, providerDots, entityDots, pairs: pairs.size };
  }, [assignments, which, entities, providers, projection]);
  const color = which === 'today' ? '#868e96' : '#1c7ed6';
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text fw={600}>{t(`planning.map.${which}`)}</Text>
        <Badge variant="light" color={which === 'today' ? 'gray' : 'blue'} data-testid={`plan-map-${which}-links`}>
          {t('planning.map.links', { count: layout.pairs })}
        </Badge>
      </Group>
      <WorldMap
        projection={projection}
        testId={`plan-map-${which}`}
        label={t(`planning.map.aria.${which}`, { count: layout.pairs })}
      >
        <defs>
          <marker
            id={`${arrowId}-head`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="5"
            markerHeight="5"
            orient="auto-start-reverse"
          >
            <path d="M0,0L10,5L0,10z" fill={color} />
          </marker>
          <marker
            id={`${arrowId}-hot`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="5"
            markerHeight="5"
            orient="auto-start-reverse"
          >
            <path d="M0,0L10,5L0,10z" fill="#e8590c" />
          </marker>
        </defs>
        <g data-layer="arrows" fill="none">
          {layout.arrows.map((a) => {
            const hot = changed?.has(a.key) ?? false;
            return (
              <path
                key={a.key}
                data-testid="plan-arrow"
                d={a.d}
                stroke={hot ? '#e8590c' : color}
                strokeOpacity={hot ? 0.9 : 0.45}
                strokeWidth={a.width}
                markerEnd={`url(#${arrowId}-${hot ? 'hot' : 'head'})`}
              >
                <title>{a.key.replace('>', ' → ')}</title>
              </path>
            );
          })}
        </g>
        <g data-layer="entities">
          {layout.entityDots.map((e) => (
            <circle
              key={e.code}
              cx={e.x}
              cy={e.y}
              r={e.own ? 3.2 : 2.2}
              fill={e.own ? '#fff' : '#495057'}
              stroke="#495057"
              strokeWidth={e.own ? 1.2 : 0}
            >
              <title>{e.own ? t('planning.map.ownSupportAt', { entity: e.code }) : e.code}</title>
            </circle>
          ))}
        </g>
        <g data-layer="providers">
          {layout.providerDots.map((p) => (
            <g key={p.code}>
              <rect x={p.x - 4.5} y={p.y - 4.5} width={9} height={9} fill={color} stroke="#fff" strokeWidth={1.2} />
              <text
                x={p.x + 7}
                y={p.y + 4}
                fontSize={11}
                fontWeight={600}
                fill="#212529"
                stroke="#fff"
                strokeWidth={3}
                paintOrder="stroke"
              >
                {p.code}
              </text>
            </g>
          ))}
        </g>
      </WorldMap>
    </Stack>
  );
}
