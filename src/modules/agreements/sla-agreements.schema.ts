/**
 * Zod contracts of the common service-level agreement (para 53): the versioned template, agreements
 * between one provider and one client entity with their versions and annexes, and their lifecycle.
 */
import { z } from 'zod';
import { PageQuerySchema } from '../../server/pagination.ts';
import { IsoDateSchema } from '../../server/validation.ts';
import { LocalizedTextSchema } from '../directory/directory.schema.ts';
import { parseSlaTarget } from '../sla/business-calendar.ts';

const Key = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and hyphens (e.g. "service-credits")');
const Text = z.strictObject({ en: z.string().trim().min(1).max(4000), fr: z.string().trim().min(1).max(4000) });

/** A section of the template: a title and its clauses, each in English and French. */
export const TemplateSectionSchema = z.strictObject({
  key: Key,
  title: z.strictObject({ en: z.string().trim().min(1).max(200), fr: z.string().trim().min(1).max(200) }),
  clauses: z
    .array(z.strictObject({ key: Key, text: Text }))
    .min(1)
    .max(50),
});
export type TemplateSection = z.infer<typeof TemplateSectionSchema>;

export const TemplateInputSchema = z.strictObject({
  sections: z
    .array(TemplateSectionSchema)
    .min(1)
    .max(40)
    .superRefine((sections, ctx) => {
      const seen = new Set<string>();
      sections.forEach((s, i) => {
        if (seen.has(s.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `section key "${s.key}" repeats` });
        seen.add(s.key);
      });
    }),
  note: z.string().trim().max(500).optional(),
});
export type TemplateInput = z.infer<typeof TemplateInputSchema>;

export const TemplateSchema = z.object({
  id: z.number().int(),
  version: z.number().int(),
  state: z.enum(['draft', 'published']),
  sections: z.array(TemplateSectionSchema),
  note: z.string().nullable(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
});
export type Template = z.infer<typeof TemplateSchema>;

const Target = z
  .string()
  .nullable()
  .default(null)
  .superRefine((v, ctx) => {
    if (v === null) return;
    try {
      parseSlaTarget(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });

const DecimalString = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,4})?$/, 'a positive decimal such as "10" or "25.50"');

/**
 * A service credit: when the provider's clock of `metric` is breached on a case, the price of that case is
 * reduced by `percent` of its charge, or by `amount` USD, never below zero.
 */
export const ServiceCreditSchema = z
  .strictObject({
    metric: z.enum(['first-response', 'next-response', 'resolution']),
    percent: DecimalString.optional(),
    amount: DecimalString.optional(),
  })
  .refine((c) => (c.percent === undefined) !== (c.amount === undefined), {
    message: 'give either percent or amount',
    path: ['percent'],
  })
  .refine((c) => c.percent === undefined || Number(c.percent) <= 100, { message: 'at most 100', path: ['percent'] });
export type ServiceCredit = z.infer<typeof ServiceCreditSchema>;

/** A standard of annex B: targets for a service (and priority), linked on activation to an SLA policy. */
export const StandardSchema = z
  .strictObject({
    service: z.string().min(1).max(40),
    priority: z.enum(['P1', 'P2', 'P3', 'P4']).nullable().default(null),
    firstResponse: Target,
    nextResponse: Target,
    resolution: Target,
    serviceCredit: ServiceCreditSchema.nullable().default(null),
  })
  .refine((s) => s.firstResponse !== null || s.nextResponse !== null || s.resolution !== null, {
    message: 'give at least one target',
    path: ['resolution'],
  });
export type Standard = z.infer<typeof StandardSchema>;

export const ContactSchema = z.strictObject({
  party: z.enum(['provider', 'client']),
  role: z.string().trim().min(1).max(120),
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().email().max(254),
});

/** The annexes of an agreement version: services (A), standards (B), contacts (D), term and review date. */
export const AnnexSchema = z.strictObject({
  services: z.array(z.string().min(1).max(40)).max(100).default([]),
  standards: z.array(StandardSchema).max(200).default([]),
  contacts: z.array(ContactSchema).max(50).default([]),
  term: z
    .strictObject({ from: IsoDateSchema, to: IsoDateSchema })
    .nullable()
    .default(null)
    .refine((t) => t === null || t.to > t.from, { message: 'the term ends after it starts', path: ['to'] }),
  reviewDate: IsoDateSchema.nullable().default(null),
});
export type Annex = z.infer<typeof AnnexSchema>;

export const AGREEMENT_VERSION_STATES = [
  'draft',
  'in-consultation',
  'signed',
  'active',
  'superseded',
  'expired',
  'terminated',
  'withdrawn',
] as const;
export type AgreementVersionState = (typeof AGREEMENT_VERSION_STATES)[number];

export const AGREEMENT_ACTIONS = ['submit', 'return', 'sign', 'activate', 'expire', 'terminate', 'withdraw'] as const;
export type AgreementAction = (typeof AGREEMENT_ACTIONS)[number];

export const CreateAgreementSchema = z.strictObject({
  provider: z.string().min(1).max(40),
  entity: z.string().min(1).max(40),
  title: z.string().trim().min(1).max(300).optional(),
  annex: AnnexSchema.default({ services: [], standards: [], contacts: [], term: null, reviewDate: null }),
});
export type CreateAgreementInput = z.infer<typeof CreateAgreementSchema>;

export const TransitionSchema = z.strictObject({
  action: z.enum(AGREEMENT_ACTIONS),
  /** `sign`: who signed for each party. */
  signatories: z
    .strictObject({ provider: z.string().trim().min(1).max(200), client: z.string().trim().min(1).max(200) })
    .optional(),
  /** `activate`: first day in force (default: the later of the term's start and today); `expire`/`terminate`: day it ends. */
  date: IsoDateSchema.optional(),
  reason: z.string().trim().max(1000).optional(),
  /** The version expected (optimistic check). */
  version: z.number().int().min(1),
});
export type TransitionInput = z.infer<typeof TransitionSchema>;

export const AgreementVersionSchema = z.object({
  id: z.number().int(),
  version: z.number().int(),
  templateVersion: z.number().int(),
  state: z.enum(AGREEMENT_VERSION_STATES),
  annex: AnnexSchema,
  amendmentNote: z.string().nullable(),
  effectiveFrom: z.string().nullable().describe('First day in force (YYYY-MM-DD)'),
  effectiveTo: z.string().nullable().describe('Exclusive end of force'),
  signedBy: z.object({ provider: z.string(), client: z.string() }).nullable(),
  signedAt: z.string().nullable(),
  policyIds: z.array(z.number().int()).describe('SLA policies the standards were written to on activation'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AgreementVersion = z.infer<typeof AgreementVersionSchema>;

const NamedSchema = z.object({ code: z.string(), name: LocalizedTextSchema });

export const AgreementSummarySchema = z.object({
  id: z.number().int(),
  reference: z.string(),
  title: z.string(),
  provider: NamedSchema,
  entity: NamedSchema,
  state: z.enum(AGREEMENT_VERSION_STATES).describe('The state of the version in force, else of the latest version'),
  latestVersion: z.number().int(),
  latestState: z.enum(AGREEMENT_VERSION_STATES),
  versionInForce: z.number().int().nullable(),
  services: z.array(z.string()),
  reviewDate: z.string().nullable(),
  updatedAt: z.string(),
});
export type AgreementSummary = z.infer<typeof AgreementSummarySchema>;

export const AgreementSchema = AgreementSummarySchema.extend({ versions: z.array(AgreementVersionSchema) });
export type Agreement = z.infer<typeof AgreementSchema>;

export const AgreementQuerySchema = PageQuerySchema.extend({
  provider: z.string().max(40).optional(),
  entity: z.string().max(40).optional(),
  state: z.enum(AGREEMENT_VERSION_STATES).optional(),
  q: z.string().trim().max(100).optional(),
});
export type AgreementQuery = z.infer<typeof AgreementQuerySchema>;

export const DocumentQuerySchema = z.strictObject({
  lang: z.enum(['en', 'fr']).optional().describe("The reader's language (default: the user's)"),
});
