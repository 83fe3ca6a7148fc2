/** Queries and mutations of planning: scenarios, co-location candidates, change proposals (see /api/openapi.json). */
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export type PlanStatus = 'optimal' | 'feasible' | 'infeasible' | 'error';
export const HARDSHIP = ['H', 'A', 'B', 'C', 'D', 'E'] as const;

export interface Measures {
  objectiveUsd: number;
  costUsd: number;
  footprintPenaltyUsd: number;
  distancePenaltyUsd: number;
  overlapPenaltyUsd: number;
  relationshipPenaltyUsd: number;
  costByService: Record<string, number>;
  duplication: { places: number; redundantCapacities: number };
  meanKm: number;
  meanOverlapHours: number;
  footprint: { costUsd: number; demands: number };
  providersPerEntity: number;
  breaches: { onSite: number; capacity: number; unserved: number; unpriced: number };
}

export interface PlannedAssignment {
  entity: string;
  service: string;
  quantity: number;
  source: 'cases' | 'headcount' | 'override';
  current: string | null;
  provider: string | null;
  costUsd: number | null;
  currentCostUsd: number | null;
  km: number;
  overlapHours: number;
}

/** Why a demand cannot be met (`code` and its fields; `message` is the server's English detail, for the CLI and logs). */
export interface Finding {
  code: string;
  message: string;
  entity?: string;
  service?: string;
  provider?: string;
  dutyStation?: string;
  serviceLine?: string;
  /** Quantity a year, in the service's unit. */
  demand?: number;
  /** Usable capacity a year, in the service's unit. */
  capacity?: number;
}

export interface ScenarioInputs {
  name: string;
  description?: string;
  referenceDate?: string;
  scope?: { entityKinds?: string[]; entities?: string[]; serviceLines?: string[]; services?: string[] };
  weights?: {
    distanceUsdPerKm?: number;
    missingOverlapUsdPerHour?: number;
    footprintShare?: number;
    providerRelationshipUsd?: number;
  };
  constraints?: {
    keepCurrent?: 'none' | 'all' | string[];
    maxUtilisationPercent?: number;
    oneProviderPerServiceLine?: boolean;
    ownSupport?: 'current' | 'all' | 'none';
  };
  overrides?: Record<string, unknown>;
  solver?: { timeLimitSeconds?: number; relativeGap?: number };
}

export interface ScenarioResult {
  status: PlanStatus;
  solverStatus: string;
  objectiveUsd: number | null;
  boundUsd: number | null;
  gap: number | null;
  solveTimeMs: number;
  buildTimeMs: number;
  model: { columns: number; binaries: number; rows: number; nonzeros: number };
  referenceDate: string;
  demands: number;
  infeasibility: Finding[];
  today: Measures | null;
  scenario: Measures | null;
  greedy: { objectiveUsd: number; costUsd: number; unserved: number } | null;
  assignments: PlannedAssignment[];
}

export interface ScenarioSummary {
  id: number;
  name: string;
  status: PlanStatus;
  objectiveUsd: number | null;
  todayObjectiveUsd: number | null;
  changes: number;
  createdAt: string;
  createdBy: string | null;
}

export interface Scenario extends ScenarioSummary {
  inputs: ScenarioInputs;
  result: ScenarioResult;
  scoped: boolean;
}

export interface CoLocation {
  dutyStation: string;
  city: string;
  country: string;
  service: string;
  entities: Array<{ code: string; quantity: number }>;
  totalQuantity: number;
  unit: string;
  ownSupportCostUsd: number;
  sharedCostUsd: number;
}

export interface Proposal {
  id: number;
  scenarioId: number;
  entity: string;
  service: string;
  fromProvider: string | null;
  toProvider: string | null;
  quantity: number;
  costDeltaUsd: number;
  status: 'proposed';
  createdAt: string;
}

export const scenariosQuery = queryOptions({
  queryKey: ['planning', 'scenarios'],
  queryFn: ({ signal }) => api<{ items: ScenarioSummary[] }>('/api/planning/scenarios', { signal }).then((r) => r.items),
});

export const scenarioQuery = (id: number) =>
  queryOptions({
    queryKey: ['planning', 'scenarios', id],
    queryFn: ({ signal }) => api<Scenario>(`/api/planning/scenarios/${id}`, { signal }),
    staleTime: 5 * 60_000,
  });

export const coLocationsQuery = queryOptions({
  queryKey: ['planning', 'co-locations'],
  queryFn: ({ signal }) => api<{ items: CoLocation[] }>('/api/planning/co-locations', { signal }).then((r) => r.items),
  staleTime: 5 * 60_000,
});

export const proposalsQuery = (scenarioId: number) =>
  queryOptions({
    queryKey: ['planning', 'proposals', scenarioId],
    queryFn: ({ signal }) =>
      api<{ items: Proposal[] }>('/api/planning/proposals', { query: { scenario: scenarioId }, signal }).then((r) => r.items),
  });

/** Solves and saves a scenario. */
export function createScenario(inputs: ScenarioInputs): Promise<Scenario> {
  return api<Scenario>('/api/planning/scenarios', { method: 'POST', body: inputs });
}

/** Records accepted changes as change proposals. */
export function proposeChanges(id: number, changes: Array<{ entity: string; service: string }>) {
  return api<{ proposed: number; skipped: number; proposals: Proposal[] }>(`/api/planning/scenarios/${id}/proposals`, {
    method: 'POST',
    body: { changes },
  });
}

/** USD, rounded to the dollar, in the UI language's grouping. */
export function formatUsd(n: number | null | undefined, lng: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(lng, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(n);
}

export function formatNumber(n: number | null | undefined, lng: string, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(lng, { maximumFractionDigits: digits }).format(n);
}
