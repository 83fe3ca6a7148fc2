/** Zod contracts of the service catalogue: service lines and services with harmonized names. */
import { z } from 'zod';
import { PageQuerySchema, pageSizeQuery } from '../../server/pagination.ts';
import { FormFieldSchema } from '../cases/form-fields.ts';
import { LocalizedTextSchema } from '../directory/directory.schema.ts';

/** Cost-recovery units of measure a service can be priced by. */
export const SERVICE_UNITS = [
  'case',
  'transaction',
  'staff-month',
  'asset',
  'trip',
  'claim',
  'purchase-order',
  'person-day',
  'square-metre-month',
  'fixed-fee',
] as const;

export const ServiceLineSchema = z.object({
  code: z.string(),
  name: LocalizedTextSchema,
  serviceCount: z.number().int(),
  basis: z.string(),
});
export type ServiceLine = z.infer<typeof ServiceLineSchema>;

export const ServiceSchema = z.object({
  code: z.string().describe('Stable code, e.g. `PAY-PAYROLL`'),
  serviceLine: z.object({ code: z.string(), name: LocalizedTextSchema }),
  name: LocalizedTextSchema,
  description: LocalizedTextSchema,
  delivery: z.enum(['remote', 'on-site']).describe('remote: not location-dependent; on-site: needs local presence'),
  unit: z.enum(SERVICE_UNITS).describe('Unit of measure for cost recovery'),
  formFields: z.array(FormFieldSchema).describe('Fields a request for this service asks for'),
  basis: z.string(),
});
export type Service = z.infer<typeof ServiceSchema>;

export const ServiceQuerySchema = PageQuerySchema.extend({
  q: z.string().trim().min(1).optional().describe('Search in code, names and descriptions (any language)'),
  serviceLine: z.string().optional(),
  delivery: z.enum(['remote', 'on-site']).optional(),
  sort: z.enum(['position', 'code']).default('position'),
  pageSize: pageSizeQuery(500, 100),
});
export type ServiceQuery = z.infer<typeof ServiceQuerySchema>;
