/** Zod contracts of provider assignments (which provider serves which client entity for which service) and routing. */
import { z } from 'zod';
import { PageQuerySchema, pageSizeQuery } from '../../server/pagination.ts';
import { IsoDateSchema } from '../../server/validation.ts';
import { ENTITY_KINDS, LocalizedTextSchema, ProviderSchema } from '../directory/directory.schema.ts';

const IsoDate = IsoDateSchema;

export const AssignmentSchema = z.object({
  id: z.number().int(),
  provider: z.object({ code: z.string(), name: LocalizedTextSchema, kind: z.string() }),
  entity: z.object({ code: z.string(), name: LocalizedTextSchema, kind: z.string() }),
  service: z.object({ code: z.string(), name: LocalizedTextSchema, delivery: z.enum(['remote', 'on-site']) }),
  scope: z.enum(['global', 'regional', 'local']),
  effectiveFrom: IsoDate,
  effectiveTo: IsoDate.nullable().describe('Exclusive end; null while in force'),
  costRecovery: z.boolean(),
  basis: z.string().describe('Report paragraph (e.g. "para 16") or "assumption: ..."'),
  source: z.string(),
});
export type Assignment = z.infer<typeof AssignmentSchema>;

export const AssignmentQuerySchema = PageQuerySchema.extend({
  entity: z.string().optional(),
  service: z.string().optional(),
  provider: z.string().optional(),
  serviceLine: z.string().optional(),
  on: IsoDate.optional().describe('Only assignments in force on this date (default: all)'),
  sort: z.enum(['entity', 'service', 'provider']).default('entity'),
  pageSize: pageSizeQuery(1000, 100),
});
export type AssignmentQuery = z.infer<typeof AssignmentQuerySchema>;

export const RoutingQuerySchema = z.strictObject({
  entity: z.string().min(1).describe('Client entity code, e.g. `RCO-CL`, `UNAMA`'),
  service: z.string().min(1).describe('Service code, e.g. `PAY-PAYROLL`'),
  on: IsoDate.optional().describe('Date of the request (default: today, UTC)'),
});
export type RoutingQuery = z.infer<typeof RoutingQuerySchema>;

export const RouteSchema = z.object({
  entity: z.object({ code: z.string(), name: LocalizedTextSchema, kind: z.string() }),
  service: z.object({ code: z.string(), name: LocalizedTextSchema, delivery: z.enum(['remote', 'on-site']) }),
  provider: ProviderSchema,
  scope: z.enum(['global', 'regional', 'local']),
  costRecovery: z.boolean(),
  basis: z.string(),
  assignment: AssignmentSchema,
  on: IsoDate,
});
export type Route = z.infer<typeof RouteSchema>;

/** What `GET /api/routing` answers when a provider is assigned: the route, `assigned: true`. */
export const AssignedRouteSchema = RouteSchema.extend({ assigned: z.literal(true) });

/**
 * What `GET /api/routing` answers when no provider is assigned to the entity for the service on the date:
 * an expected situation, not an error (such a request goes to the DOS coordination queue).
 */
export const UnassignedRouteSchema = z.object({
  assigned: z.literal(false),
  entity: z.object({ code: z.string(), name: LocalizedTextSchema, kind: z.string() }),
  service: z.object({ code: z.string(), name: LocalizedTextSchema, delivery: z.enum(['remote', 'on-site']) }),
  provider: z.null().describe('No provider is assigned'),
  queue: z.literal('dos-coordination').describe('Where a request goes: the DOS coordination queue, which chooses a provider'),
  reason: z.string().describe('The same in English words (logs, scripts); a UI says it from the fields in its own language'),
  on: IsoDate,
});
export type UnassignedRoute = z.infer<typeof UnassignedRouteSchema>;

/** The routing preview: assigned (the provider and basis) or unassigned (the DOS coordination queue). */
export const RoutePreviewSchema = z.discriminatedUnion('assigned', [AssignedRouteSchema, UnassignedRouteSchema]);
export type RoutePreview = z.infer<typeof RoutePreviewSchema>;

export const MatrixQuerySchema = PageQuerySchema.extend({
  kind: z
    .enum([
      'department-office',
      'office-away-from-headquarters',
      'regional-commission',
      'peacekeeping-operation',
      'special-political-mission',
      'resident-coordinator-office',
      'other',
    ])
    .optional(),
  serviceLine: z.string().optional(),
  q: z.string().trim().min(1).optional().describe('Search client entities by code or name'),
  on: IsoDate.optional().describe('Assignments in force on this date (default today)'),
  pageSize: pageSizeQuery(200, 50),
});
export type MatrixQuery = z.infer<typeof MatrixQuerySchema>;

const MatrixCellSchema = z.object({
  provider: z.object({ code: z.string(), name: LocalizedTextSchema, kind: z.string() }),
  scope: z.enum(['global', 'regional', 'local']),
  costRecovery: z.boolean(),
  basis: z.string(),
});

export const MatrixSchema = z.object({
  services: z.array(
    z.object({
      code: z.string(),
      name: LocalizedTextSchema,
      delivery: z.enum(['remote', 'on-site']),
      serviceLine: z.object({ code: z.string(), name: LocalizedTextSchema }),
    }),
  ),
  items: z.array(
    z.object({
      entity: z.object({ code: z.string(), name: LocalizedTextSchema, kind: z.string() }),
      cells: z.record(z.string(), MatrixCellSchema).describe('By service code; absent when no provider is assigned'),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  on: IsoDate,
});
export type Matrix = z.infer<typeof MatrixSchema>;

const LinkStationSchema = z.object({
  code: z.string(),
  city: z.string(),
  country: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
});
export const LinksQuerySchema = z.strictObject({
  kinds: z
    .string()
    .refine(
      (v) =>
        v
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
          .every((k) => (ENTITY_KINDS as readonly string[]).includes(k)),
      `comma-separated client-entity kinds, each one of: ${ENTITY_KINDS.join(', ')}`,
    )
    .default('peacekeeping-operation,special-political-mission')
    .describe('Comma-separated client-entity kinds'),
  on: IsoDate.optional(),
});
export const LinksSchema = z.object({
  items: z.array(
    z.object({
      entity: z.object({ code: z.string(), name: LocalizedTextSchema, kind: z.string(), dutyStation: LinkStationSchema }),
      provider: z.object({ code: z.string(), name: LocalizedTextSchema, kind: z.string(), dutyStation: LinkStationSchema }),
      services: z.array(z.string()),
    }),
  ),
  on: IsoDate,
});
