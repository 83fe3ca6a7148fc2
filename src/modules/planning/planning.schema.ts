/**
 * Zod contracts of planning: the scenario (the file `meridian plan solve --scenario FILE` reads and the
 * body of `POST /api/planning/scenarios`), its result and comparison with today's assignments, the
 * planning data records and the co-location list. Units: quantities in the service's cost-recovery unit
 * per year, money in USD per year, distance in km, overlap in hours per working day.
 */
import { z } from 'zod';
import { IsoDateSchema } from '../../server/validation.ts';
import { ENTITY_KINDS } from '../directory/directory.schema.ts';
import { HARDSHIP_CATEGORIES } from './model.ts';

const Code = z.string().trim().min(1).max(40);

export const WeightsSchema = z
  .object({
    distanceUsdPerKm: z
      .number()
      .min(0)
      .max(1e6)
      .default(1)
      .describe('USD per km between client and provider, per assigned demand'),
    missingOverlapUsdPerHour: z
      .number()
      .min(0)
      .max(1e9)
      .default(2000)
      .describe('USD per hour of the 8-hour working day without overlap, per assigned demand'),
    footprintShare: z
      .number()
      .min(0)
      .max(10)
      .default(0.02)
      .describe('Share of the cost added per risk point of the delivery location (security level - 1 + hardship index)'),
    providerRelationshipUsd: z.number().min(0).max(1e9).default(5000).describe('USD per provider an entity deals with'),
  })
  .strict();

export const ConstraintsSchema = z
  .object({
    keepCurrent: z
      .union([z.enum(['none', 'all']), z.array(Code).max(1000)])
      .default('none')
      .describe("Keep today's provider: none, all, or the demands of these entity codes"),
    maxUtilisationPercent: z
      .number()
      .gt(0)
      .max(100)
      .default(100)
      .describe('No provider uses more than this share of its capacity'),
    oneProviderPerServiceLine: z.boolean().default(false).describe('Each entity gets a whole service line from one provider'),
    ownSupport: z
      .enum(['current', 'all', 'none'])
      .default('current')
      .describe('Own support (the entity serves itself) as an option: where it is today, everywhere, or never'),
  })
  .strict();

export const ScopeSchema = z
  .object({
    entityKinds: z.array(z.enum(ENTITY_KINDS)).max(20).default([]).describe('Only entities of these kinds (empty: all)'),
    entities: z.array(Code).max(5000).default([]).describe('Only these entities (empty: all)'),
    serviceLines: z.array(Code).max(100).default([]).describe('Only these service lines (empty: all)'),
    services: z.array(Code).max(500).default([]).describe('Only these services (empty: all)'),
  })
  .strict();

export const OverridesSchema = z
  .object({
    demand: z
      .array(z.object({ entity: Code, service: Code, quantity: z.number().min(0).max(1e12) }).strict())
      .max(100_000)
      .default([]),
    offers: z
      .array(
        z
          .object({
            provider: Code,
            service: Code,
            capacity: z.number().min(0).max(1e12).optional(),
            unitCostUsd: z.number().min(0).max(1e9).optional(),
          })
          .strict(),
      )
      .max(100_000)
      .default([]),
    locations: z
      .array(
        z
          .object({
            dutyStation: Code,
            securityLevel: z.number().int().min(1).max(6).optional(),
            hardship: z.enum(HARDSHIP_CATEGORIES).optional(),
          })
          .strict(),
      )
      .max(10_000)
      .default([]),
    localPartners: z
      .array(z.object({ provider: Code, dutyStation: Code }).strict())
      .max(10_000)
      .default([]),
    excludeProviders: z.array(Code).max(1000).default([]),
  })
  .strict();

export const SolverSchema = z
  .object({
    timeLimitSeconds: z.number().positive().max(600).default(60),
    relativeGap: z
      .number()
      .min(0)
      .max(1)
      .default(0.001)
      .describe('Stop when within this relative gap of the bound (0.001 = 0.1%)'),
  })
  .strict();

/** A planning scenario: what to plan, with which weights and constraints, over which data edits. */
export const ScenarioInputsSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(4000).default(''),
    referenceDate: IsoDateSchema.optional().describe("Today's assignments are those in force on this date (default: today)"),
    scope: ScopeSchema.prefault({}),
    weights: WeightsSchema.prefault({}),
    constraints: ConstraintsSchema.prefault({}),
    overrides: OverridesSchema.prefault({}),
    solver: SolverSchema.prefault({}),
  })
  .strict();
export type ScenarioInputs = z.infer<typeof ScenarioInputsSchema>;
export type ScenarioInputsInput = z.input<typeof ScenarioInputsSchema>;

const InfeasibilitySchema = z.object({
  code: z.string(),
  message: z.string(),
  entity: z.string().optional(),
  service: z.string().optional(),
  provider: z.string().optional(),
  dutyStation: z.string().optional(),
  serviceLine: z.string().optional(),
  demand: z.number().optional(),
  capacity: z.number().optional(),
});

export const MeasuresSchema = z.object({
  objectiveUsd: z.number(),
  costUsd: z.number(),
  footprintPenaltyUsd: z.number(),
  distancePenaltyUsd: z.number(),
  overlapPenaltyUsd: z.number(),
  relationshipPenaltyUsd: z.number(),
  costByService: z.record(z.string(), z.number()),
  duplication: z.object({ places: z.number(), redundantCapacities: z.number() }),
  meanKm: z.number(),
  meanOverlapHours: z.number(),
  footprint: z.object({ costUsd: z.number(), demands: z.number() }),
  providersPerEntity: z.number(),
  breaches: z.object({ onSite: z.number(), capacity: z.number(), unserved: z.number(), unpriced: z.number() }),
});

export const PlannedAssignmentSchema = z.object({
  entity: z.string(),
  service: z.string(),
  quantity: z.number(),
  source: z.enum(['cases', 'headcount', 'override']),
  current: z.string().nullable().describe("Today's provider (null: own support)"),
  provider: z.string().nullable().describe('Proposed provider (null: own support)'),
  costUsd: z.number().nullable(),
  currentCostUsd: z.number().nullable(),
  km: z.number(),
  overlapHours: z.number(),
});
export type PlannedAssignment = z.infer<typeof PlannedAssignmentSchema>;

export const ScenarioResultSchema = z.object({
  status: z.enum(['optimal', 'feasible', 'infeasible', 'error']),
  solverStatus: z.string(),
  objectiveUsd: z.number().nullable(),
  boundUsd: z.number().nullable(),
  gap: z.number().nullable().describe('Relative optimality gap (0.001 = 0.1%)'),
  solveTimeMs: z.number(),
  buildTimeMs: z.number(),
  model: z.object({ columns: z.number(), binaries: z.number(), rows: z.number(), nonzeros: z.number() }),
  referenceDate: z.string(),
  demands: z.number().int(),
  infeasibility: z.array(InfeasibilitySchema),
  today: MeasuresSchema.nullable(),
  scenario: MeasuresSchema.nullable(),
  greedy: z.object({ objectiveUsd: z.number(), costUsd: z.number(), unserved: z.number() }).nullable(),
  assignments: z.array(PlannedAssignmentSchema).describe('Every demand with its proposed provider; empty when infeasible'),
});
export type ScenarioResult = z.infer<typeof ScenarioResultSchema>;

export const ScenarioSummarySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(['optimal', 'feasible', 'infeasible', 'error']),
  objectiveUsd: z.number().nullable(),
  todayObjectiveUsd: z.number().nullable(),
  changes: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});

export const ScenarioSchema = ScenarioSummarySchema.extend({
  inputs: ScenarioInputsSchema,
  result: ScenarioResultSchema,
  /** For provider-scoped readers: only rows involving their provider, and no totals. */
  scoped: z.boolean(),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

export const CoLocationSchema = z.object({
  dutyStation: z.string(),
  city: z.string(),
  country: z.string(),
  service: z.string(),
  entities: z.array(z.object({ code: z.string(), quantity: z.number() })),
  totalQuantity: z.number(),
  unit: z.string(),
  /** Cost of the own-support capacities (USD per year) and of one shared local capacity at the base unit cost. */
  ownSupportCostUsd: z.number(),
  sharedCostUsd: z.number(),
});
export type CoLocation = z.infer<typeof CoLocationSchema>;

export const ProposalSchema = z.object({
  id: z.number().int(),
  scenarioId: z.number().int(),
  entity: z.string(),
  service: z.string(),
  fromProvider: z.string().nullable(),
  toProvider: z.string().nullable(),
  quantity: z.number(),
  costDeltaUsd: z.number(),
  status: z.literal('proposed'),
  createdAt: z.string(),
});
export type Proposal = z.infer<typeof ProposalSchema>;

export const AcceptChangesSchema = z
  .object({
    changes: z
      .array(z.object({ entity: Code, service: Code }).strict())
      .min(1)
      .max(100_000)
      .describe('The accepted changes of the scenario, by entity and service'),
  })
  .strict();

export const LocationSchema = z.object({
  dutyStation: z.string(),
  city: z.string(),
  country: z.string(),
  securityLevel: z.number().int(),
  hardship: z.enum(HARDSHIP_CATEGORIES),
  basis: z.string(),
});
export const LocationUpdateSchema = z
  .object({
    securityLevel: z.number().int().min(1).max(6),
    hardship: z.enum(HARDSHIP_CATEGORIES),
    basis: z.string().trim().min(3).max(2000),
  })
  .strict();

export const OfferSchema = z.object({
  provider: z.string(),
  service: z.string(),
  capacity: z.number(),
  unitCostUsd: z.number(),
  basis: z.string(),
});
export const OfferUpdateSchema = z
  .object({
    capacity: z.number().min(0).max(1e12),
    unitCostUsd: z.number().min(0).max(1e9),
    basis: z.string().trim().min(3).max(2000),
  })
  .strict();

export const DemandSchema = z.object({
  entity: z.string(),
  service: z.string(),
  quantity: z.number(),
  source: z.enum(['cases', 'headcount', 'override']),
  basis: z.string(),
});
export const DemandUpdateSchema = z
  .object({ quantity: z.number().min(0).max(1e12), basis: z.string().trim().min(3).max(2000) })
  .strict();
export const HeadcountUpdateSchema = z
  .object({ headcount: z.number().int().min(0).max(1_000_000), basis: z.string().trim().min(3).max(2000) })
  .strict();
