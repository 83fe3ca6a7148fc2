/** Zod contracts of the performance API (standards, manual values, dashboard, drill-down, flow, exports). */
import { z } from 'zod';
import { AppError, fieldIssuesOf } from '../../server/errors.ts';
import { queryInteger } from '../../server/validation.ts';
import { GRANULARITIES, MEASURES, PERIOD, UNITS } from './measures.ts';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');
const Code = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9-]{1,39}$/, 'an upper-case code such as MSS-FR');

export const StandardSchema = z.object({
  code: z.string(),
  version: z.number().int(),
  name: z.record(z.string(), z.string()),
  measure: z.enum(MEASURES),
  subject: z.string(),
  percentile: z.number().nullable(),
  comparator: z.enum(['>=', '<=']),
  target: z.number(),
  unit: z.enum(UNITS),
  serviceLine: z.string().nullable(),
  effectiveFrom: z.string().describe('First month in force, YYYY-MM'),
  effectiveTo: z.string().nullable().describe('First month no longer in force (exclusive), YYYY-MM'),
  basis: z.string(),
});
export type Standard = z.infer<typeof StandardSchema>;

export const StandardInputSchema = z.strictObject({
  code: Code,
  name: z.strictObject({ en: z.string().trim().min(3).max(200), fr: z.string().trim().min(3).max(200) }),
  measure: z.enum(MEASURES),
  subject: z.string().trim().min(2).max(40),
  percentile: z.number().gt(0).lt(100).nullable().default(null),
  comparator: z.enum(['>=', '<=']),
  target: z.number().finite(),
  unit: z.enum(UNITS).default('number'),
  serviceLine: z.string().trim().min(2).max(20).nullable().default(null),
  effectiveFrom: Month,
  basis: z.string().trim().min(3).max(500),
});
export type StandardInput = z.infer<typeof StandardInputSchema>;

export const ManualValueInputSchema = z.strictObject({
  standard: Code,
  provider: z.string().trim().min(2).max(20),
  period: z.string().regex(PERIOD, 'a period: 2026-03, 2026-Q1, 2026-H1 or 2026'),
  value: z.number().finite(),
  evidence: z.string().trim().min(3).max(2000).describe('What the value rests on (text)'),
  evidenceUrl: z.string().url().max(2000).nullable().default(null),
});
export type ManualValueInput = z.infer<typeof ManualValueInputSchema>;

export const ManualValueSchema = z.object({
  id: z.string(),
  standard: z.string(),
  provider: z.string(),
  period: z.string(),
  value: z.number(),
  evidence: z.string(),
  evidenceUrl: z.string().nullable(),
  enteredBy: z.string(),
  enteredAt: z.string(),
});

export const ViewQuerySchema = z.strictObject({
  from: Month,
  to: Month,
  granularity: z.enum([...GRANULARITIES, 'range']).default('month'),
  serviceLine: z.string().max(20).optional(),
  entity: z.string().max(40).optional(),
  region: z.string().max(60).optional(),
  provider: z.string().max(20).optional(),
});
export type ViewQuery = z.infer<typeof ViewQuerySchema>;

export const CellSchema = z.object({
  standard: z.string(),
  version: z.number().int(),
  provider: z.string(),
  period: z.string(),
  value: z.number().nullable().describe('In the standard unit: share 0-1, business hours, per case, rating 1-5'),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  met: z.boolean().nullable(),
  frozen: z.boolean().describe('Every month of the period is closed: the figure never moves'),
});
export type Cell = z.infer<typeof CellSchema>;

export const DashboardSchema = z.object({
  periods: z.array(z.string()),
  providers: z.array(z.string()),
  standards: z.array(StandardSchema),
  cells: z.array(CellSchema),
});
export type Dashboard = z.infer<typeof DashboardSchema>;

export const DrilldownQuerySchema = ViewQuerySchema.extend({
  standard: Code,
  provider: z.string().min(2).max(20),
  period: z.string().regex(PERIOD),
  limit: queryInteger(1, 5000).default(500),
});

export const DrilldownSchema = z.object({
  standard: StandardSchema,
  provider: z.string(),
  period: z.string(),
  total: z.number().int(),
  items: z.array(
    z.object({
      reference: z.string(),
      title: z.string(),
      state: z.string(),
      service: z.string(),
      entity: z.string(),
      month: z.string(),
      value: z.number().nullable().describe('The case value for this measure, in the standard unit'),
      outcome: z.string().nullable().describe('met | breached | reopened | … as the measure reads it'),
    }),
  ),
  manual: z.array(ManualValueSchema),
});

export const FlowQuerySchema = z.strictObject({
  log: z.string().max(80).optional(),
  from: Month.optional(),
  to: Month.optional(),
  limit: queryInteger(1, 200).default(20),
});

/** A parameter of the exported view's own query, checked by that view's schema (`exportedViewQuery`). */
const ViewParam = z.string().max(100).optional();

/**
 * The query of an export: the view, the format, the language of the headings, and the view's own query
 * (the dashboard's, the drill-down's or the flow's parameters, as its own endpoint takes them). The route
 * checks those with the view's strict schema, so a parameter of another view is refused by name.
 */
export const ExportQuerySchema = z.strictObject({
  view: z.enum(['dashboard', 'drilldown', 'flow']),
  format: z.enum(['csv', 'xlsx']),
  lang: z.enum(['en', 'fr']).default('en'),
  from: ViewParam,
  to: ViewParam,
  granularity: ViewParam,
  serviceLine: ViewParam,
  entity: ViewParam,
  region: ViewParam,
  provider: ViewParam,
  standard: ViewParam,
  period: ViewParam,
  limit: ViewParam,
  log: ViewParam,
});

/**
 * The exported view's own query from the export's parameters (`rest`: all but view, format and lang).
 * @throws AppError VALIDATION_FAILED naming each bad or foreign parameter (`querystring.<name>`).
 */
export function exportedViewQuery<T extends z.ZodType>(schema: T, rest: Record<string, unknown>): z.output<T> {
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const r = schema.safeParse(defined);
  if (r.success) return r.data;
  const issues = fieldIssuesOf(r.error.issues, 'querystring');
  throw new AppError('VALIDATION_FAILED', `Invalid querystring: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, {
    issues,
  });
}
