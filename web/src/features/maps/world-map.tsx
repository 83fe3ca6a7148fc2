/**
 * The base world map, drawn offline: Natural Earth 1:110m countries from `world-atlas` (bundled with the
 * app, no network at run time), projected with d3-geo's Equal Earth projection into an SVG. Callers draw
 * their markers with the projection they receive. Geography is never mirrored in right-to-left languages.
 */
import { SegmentedControl } from '@mantine/core';
import { type GeoPermissibleObjects, type GeoProjection, geoEqualEarth, geoGraticule10, geoPath } from 'd3-geo';
import type { FeatureCollection, Geometry, MultiLineString } from 'geojson';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';

export const MAP_WIDTH = 1000;
export const MAP_HEIGHT = 520;

type Countries = Topology<{ countries: GeometryCollection<{ name: string }>; land: GeometryCollection }>;
const topology = world as unknown as Countries;
const countries = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>;
const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b) as MultiLineString;
const graticule = geoGraticule10();

/** Map views: [west, south, east, north] in degrees. */
export const MAP_VIEWS = {
  world: [-180, -57, 180, 80],
  americas: [-128, -40, -32, 52],
  europe: [-14, 33, 42, 62],
  africa: [-20, -30, 56, 36],
  'middle-east-asia': [24, 8, 82, 46],
} as const satisfies Record<string, readonly [number, number, number, number]>;
/** `fit`: the smallest view that shows every marker; the others are fixed regions. */
export type MapView = 'fit' | keyof typeof MAP_VIEWS;
export const MAP_VIEW_KEYS: MapView[] = ['fit', ...(Object.keys(MAP_VIEWS) as Array<keyof typeof MAP_VIEWS>)];

/** A longitude/latitude pair in degrees. */
export type LonLat = [number, number];

function extentOf(view: MapView, points: LonLat[]): GeoPermissibleObjects {
  if (view === 'fit') {
    if (points.length > 0) {
      const pad = 6;
      const coordinates = points.flatMap(([lon, lat]): LonLat[] => [
        [Math.max(-180, lon - pad), Math.max(-85, lat - pad)],
        [Math.min(180, lon + pad), Math.min(85, lat + pad)],
      ]);
      return { type: 'MultiPoint', coordinates };
    }
    return extentOf('world', []);
  }
  const [w, s, e, n] = MAP_VIEWS[view];
  const coordinates: Array<[number, number]> = [];
  for (let lon = w; lon <= e; lon += (e - w) / 12) {
    coordinates.push([lon, s], [lon, n]);
  }
  for (let lat = s; lat <= n; lat += (n - s) / 12) {
    coordinates.push([w, lat], [e, lat]);
  }
  coordinates.push([e, s], [e, n]);
  return { type: 'MultiPoint', coordinates };
}

/** The projection for `view` (for `fit`: around `points`), fitted into the map's viewBox. */
export function useProjection(view: MapView, points: LonLat[] = []): GeoProjection {
  const key = view === 'fit' ? points.map((p) => p.join(',')).join(';') : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the points' values
  return useMemo(
    () =>
      geoEqualEarth().fitExtent(
        [
          [10, 10],
          [MAP_WIDTH - 10, MAP_HEIGHT - 10],
        ],
        extentOf(view, points),
      ),
    [view, key],
  );
}

/** Projects [longitude, latitude] to viewBox pixels, or null when either is missing or off the projection. */
export function project(projection: GeoProjection, lon: number | null, lat: number | null): [number, number] | null {
  if (lon === null || lat === null) return null;
  const p = projection([lon, lat]);
  return p && Number.isFinite(p[0]) && Number.isFinite(p[1]) ? [p[0], p[1]] : null;
}

export function MapViewControl({ value, onChange }: { value: MapView; onChange: (v: MapView) => void }) {
  const { t } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      data-testid="map-view"
      data={MAP_VIEW_KEYS.map((v) => ({ value: v, label: t(`maps.view.${v}`) }))}
      value={value}
      onChange={(v) => onChange(v as MapView)}
    />
  );
}

export function WorldMap({
  projection,
  testId,
  label,
  children,
}: {
  projection: GeoProjection;
  testId: string;
  label: string;
  children: ReactNode;
}) {
  const path = useMemo(() => geoPath(projection), [projection]);
  const countryPaths = useMemo(() => countries.features.map((f, i) => ({ key: `${f.id ?? i}`, d: path(f) ?? '' })), [path]);
  return (
    <svg
      data-testid={testId}
      viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
      role="img"
      aria-label={label}
      style={{
        width: '100%',
        height: 'auto',
        maxHeight: 'calc(100vh - 240px)',
        display: 'block',
        direction: 'ltr',
        background: '#f4f8fb',
        borderRadius: 8,
        fontFamily: 'var(--mantine-font-family)',
      }}
      preserveAspectRatio="xMidYMid meet"
    >
      <path d={path({ type: 'Sphere' }) ?? ''} fill="#e6f0f7" stroke="#c9d8e4" strokeWidth={0.8} />
      <path d={path(graticule) ?? ''} fill="none" stroke="#d5e2ec" strokeWidth={0.5} />
      <g data-layer="countries">
        {countryPaths.map((c) => (
          <path key={c.key} d={c.d} fill="#dfe3e8" stroke="none" />
        ))}
      </g>
      <path d={path(borders) ?? ''} fill="none" stroke="#ffffff" strokeWidth={0.6} strokeLinejoin="round" />
      {children}
    </svg>
  );
}
