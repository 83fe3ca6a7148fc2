/** Colours of provider and entity kinds, shared by tables, the matrix and the maps (Mantine palette names and hex). */
import type { EntityKind, ProviderKind } from '../api/types.ts';

export const PROVIDER_KIND_COLOR: Record<ProviderKind, { mantine: string; hex: string }> = {
  headquarters: { mantine: 'blue', hex: '#1c7ed6' },
  'global-service-centre': { mantine: 'grape', hex: '#ae3ec9' },
  'regional-service-centre': { mantine: 'red', hex: '#e03131' },
  'office-away-from-headquarters': { mantine: 'teal', hex: '#0c8599' },
  'regional-commission': { mantine: 'orange', hex: '#e8590c' },
  'peace-operation': { mantine: 'green', hex: '#2f9e44' },
  'non-secretariat-agency': { mantine: 'gray', hex: '#495057' },
};

export const ENTITY_KIND_COLOR: Record<EntityKind, string> = {
  'department-office': 'blue',
  'office-away-from-headquarters': 'teal',
  'regional-commission': 'orange',
  'peacekeeping-operation': 'green',
  'special-political-mission': 'violet',
  'resident-coordinator-office': 'cyan',
  other: 'gray',
};

export function providerColor(kind: string): { mantine: string; hex: string } {
  return PROVIDER_KIND_COLOR[kind as ProviderKind] ?? { mantine: 'gray', hex: '#868e96' };
}

export function entityColor(kind: string): string {
  return ENTITY_KIND_COLOR[kind as EntityKind] ?? 'gray';
}
