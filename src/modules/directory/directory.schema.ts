/** Zod contracts of the directory: duty stations, providers, client entities. */
import { z } from 'zod';
import { PageQuerySchema } from '../../server/pagination.ts';

export const LocalizedTextSchema = z
  .object({ en: z.string().min(1), fr: z.string().min(1) })
  .catchall(z.string())
  .describe('Text by language code (en and fr always present)');

export const PROVIDER_KINDS = [
  'global-service-centre',
  'regional-service-centre',
  'office-away-from-headquarters',
  'regional-commission',
  'headquarters',
  'peace-operation',
  'non-secretariat-agency',
] as const;
export const ProviderKindSchema = z.enum(PROVIDER_KINDS);

export const ENTITY_KINDS = [
  'department-office',
  'office-away-from-headquarters',
  'regional-commission',
  'peacekeeping-operation',
  'special-political-mission',
  'resident-coordinator-office',
  'other',
] as const;
export const EntityKindSchema = z.enum(ENTITY_KINDS);

export const DutyStationSchema = z.object({
  code: z.string().describe('Country ISO 3166 alpha-2 and CEB city code, e.g. `KE-NA010`'),
  cityCode: z.string().describe('CEB city code, e.g. `NA010`'),
  city: z.string(),
  country: z.string().describe('ISO 3166 alpha-2'),
  countryName: z.string().nullable(),
  region: z.string().nullable(),
  subregion: z.string().nullable(),
  latitude: z.number().nullable().describe('Decimal degrees, WGS 84'),
  longitude: z.number().nullable().describe('Decimal degrees, WGS 84'),
  timeZone: z.string().nullable().describe('IANA time zone, derived from the coordinates'),
  obsolete: z.boolean(),
  source: z.string().describe('`reference` (Meridian data) or the imported file'),
  basis: z.string().nullable(),
});
export type DutyStation = z.infer<typeof DutyStationSchema>;

export const DutyStationRefSchema = DutyStationSchema.pick({
  code: true,
  city: true,
  country: true,
  region: true,
  latitude: true,
  longitude: true,
  timeZone: true,
});

export const ProviderSchema = z.object({
  code: z.string(),
  name: LocalizedTextSchema,
  kind: ProviderKindSchema,
  dutyStation: DutyStationRefSchema,
  basis: z.string().describe('Report paragraph or "assumption: ..."'),
});
export type Provider = z.infer<typeof ProviderSchema>;

export const ClientEntitySchema = z.object({
  code: z.string(),
  name: LocalizedTextSchema,
  kind: EntityKindSchema,
  dutyStation: DutyStationRefSchema,
  countries: z.array(z.string()).describe('ISO 3166 alpha-2 codes of the countries the entity covers'),
  basis: z.string(),
});
export type ClientEntity = z.infer<typeof ClientEntitySchema>;

export const DutyStationQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).optional().describe('Search in code, city and country name'),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 alpha-2 code')
    .optional(),
  region: z.string().optional(),
  includeObsolete: z.enum(['true', 'false']).default('false'),
  sort: z.enum(['code', 'city', 'country', 'region']).default('code'),
});
export type DutyStationQuery = z.infer<typeof DutyStationQuerySchema>;

export const ProviderQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).optional().describe('Search in code and names'),
  kind: ProviderKindSchema.optional(),
  sort: z.enum(['code', 'kind']).default('code'),
});
export type ProviderQuery = z.infer<typeof ProviderQuerySchema>;

export const EntityQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).optional().describe('Search in code and names'),
  kind: EntityKindSchema.optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 alpha-2 code')
    .optional(),
  region: z.string().optional().describe("Region of the entity's duty station"),
  sort: z.enum(['code', 'kind']).default('code'),
});
export type EntityQuery = z.infer<typeof EntityQuerySchema>;
