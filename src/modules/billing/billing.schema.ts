/**
 * Zod contracts of cost recovery (paras 15, 22, 24): price lists per provider, service and period, usage and
 * staff headcounts, billing runs per month, statements per client entity and provider with lines traceable
 * to cases, and credit or debit notes. Money is a decimal string in USD (`"1234.50"`), never a float.
 */
import { z } from 'zod';
import { PageQuerySchema, pageSizeQuery } from '../../server/pagination.ts';
import { IdSchema, IsoDateSchema } from '../../server/validation.ts';

export const PRICE_BASES = ['per-case', 'per-unit', 'per-head-month', 'fixed-fee'] as const;
export type PriceBasis = (typeof PRICE_BASES)[number];

const Decimal4 = z
  .string()
  .trim()
  .regex(/^\d{1,14}(\.\d{1,4})?$/, 'a decimal amount such as "125" or "12.5000" (at most 4 decimal places, no sign)');
const Amount2 = z
  .string()
  .trim()
  .regex(/^\d{1,14}(\.\d{1,2})?$/, 'an amount in USD such as "125.50" (at most 2 decimal places)')
  .refine((v) => Number(v) > 0, 'more than zero');

export const PeriodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

export const PriceListInputSchema = z
  .strictObject({
    provider: z.string().min(1).max(40),
    service: z.string().min(1).max(40),
    basis: z.enum(PRICE_BASES),
    unitPrice: Decimal4.describe('USD per case, per unit of the service, per head per month, or the monthly fixed fee'),
    currency: z.literal('USD').default('USD'),
    effectiveFrom: IsoDateSchema,
    effectiveTo: IsoDateSchema.nullable().default(null).describe('Exclusive end; null while in force'),
    note: z.string().trim().max(500).optional(),
  })
  .refine((p) => p.effectiveTo === null || p.effectiveTo > p.effectiveFrom, {
    message: 'the period ends after it starts',
    path: ['effectiveTo'],
  });
export type PriceListInput = z.infer<typeof PriceListInputSchema>;

export const PriceListSchema = z.object({
  id: z.number().int(),
  provider: z.string(),
  service: z.string(),
  serviceUnit: z.string().describe("The service's cost-recovery unit of measure"),
  basis: z.enum(PRICE_BASES),
  unitPrice: z.string(),
  currency: z.string(),
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable(),
  note: z.string().nullable(),
});
export type PriceList = z.infer<typeof PriceListSchema>;

export const PriceListQuerySchema = PageQuerySchema.extend({
  provider: z.string().max(40).optional(),
  service: z.string().max(40).optional(),
  on: IsoDateSchema.optional().describe('Only prices in force on this date'),
  pageSize: pageSizeQuery(500, 100),
});
export type PriceListQuery = z.infer<typeof PriceListQuerySchema>;

export const UsageInputSchema = z.strictObject({
  provider: z.string().min(1).max(40),
  entity: z.string().min(1).max(40),
  service: z.string().min(1).max(40),
  caseReference: z.string().max(40).optional(),
  onDate: IsoDateSchema,
  quantity: Decimal4.refine((v) => Number(v) > 0, 'more than zero'),
  note: z.string().trim().max(500).optional(),
});
export type UsageInput = z.infer<typeof UsageInputSchema>;

export const HeadcountInputSchema = z.strictObject({
  entity: z.string().min(1).max(40),
  month: PeriodSchema,
  staff: z.number().int().min(0).max(1_000_000),
});
export type HeadcountInput = z.infer<typeof HeadcountInputSchema>;

export const StatementLineSchema = z.object({
  position: z.number().int(),
  kind: z.enum(['charge', 'service-credit']),
  service: z.string(),
  basis: z.string(),
  caseReference: z.string().nullable(),
  description: z.string(),
  quantity: z.string(),
  unitPrice: z.string(),
  amount: z.string(),
  agreement: z.string().nullable().describe('The agreement version whose annex set the service credit'),
});
export type StatementLine = z.infer<typeof StatementLineSchema>;

export const NoteSchema = z.object({
  id: z.number().int(),
  number: z.string(),
  kind: z.enum(['credit', 'debit']),
  amount: z.string(),
  reason: z.string(),
  caseReference: z.string().nullable(),
  createdAt: z.string(),
});

export const StatementSummarySchema = z.object({
  id: z.number().int(),
  number: z.string(),
  period: z.string(),
  runState: z.enum(['open', 'closed']),
  entity: z.string(),
  provider: z.string(),
  currency: z.string(),
  total: z.string(),
  lineCount: z.number().int(),
  notesTotal: z.string().describe('Debit notes minus credit notes issued after closing'),
});
export type StatementSummary = z.infer<typeof StatementSummarySchema>;

export const StatementSchema = StatementSummarySchema.extend({
  lines: z.array(StatementLineSchema),
  notes: z.array(NoteSchema),
});
export type Statement = z.infer<typeof StatementSchema>;

export const BillingRunSchema = z.object({
  id: z.number().int(),
  period: z.string(),
  state: z.enum(['open', 'closed']),
  runs: z.number().int().describe('How many times the period was computed'),
  computedAt: z.string(),
  closedAt: z.string().nullable(),
  statements: z.number().int(),
  total: z.string(),
});
export type BillingRun = z.infer<typeof BillingRunSchema>;

export const RunResultSchema = z.object({
  run: BillingRunSchema,
  changed: z.boolean().describe('False when re-running gave exactly the stored result'),
  warnings: z.array(z.string()),
});

export const NoteInputSchema = z.strictObject({
  kind: z.enum(['credit', 'debit']),
  amount: Amount2,
  reason: z.string().trim().min(1).max(1000),
  caseReference: z.string().max(40).optional(),
});
export type NoteInput = z.infer<typeof NoteInputSchema>;

export const StatementQuerySchema = PageQuerySchema.extend({
  run: IdSchema.optional(),
  entity: z.string().max(40).optional(),
  provider: z.string().max(40).optional(),
  pageSize: pageSizeQuery(500, 100),
});
export type StatementQuery = z.infer<typeof StatementQuerySchema>;
