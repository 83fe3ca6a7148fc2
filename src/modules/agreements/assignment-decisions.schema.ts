/**
 * Zod contracts of assignment decisions (para 11): a request to assign or change the provider of a client
 * entity's services, the consultations on it and the decision of the Under-Secretary-General for
 * Operational Support.
 */
import { z } from 'zod';
import { PageQuerySchema } from '../../server/pagination.ts';
import { IsoDateSchema } from '../../server/validation.ts';
import { LocalizedTextSchema } from '../directory/directory.schema.ts';

export const CONSULTATION_PARTIES = ['dmspc', 'entity-head', 'provider', 'other'] as const;
export const OPINIONS = ['concur', 'concur-with-conditions', 'object'] as const;
export const REQUEST_STATES = ['open', 'approved', 'rejected', 'withdrawn'] as const;

export const CreateAssignmentRequestSchema = z.strictObject({
  entity: z.string().min(1).max(40),
  provider: z.string().min(1).max(40).describe('The provider proposed'),
  services: z.array(z.string().min(1).max(40)).min(1).max(100),
  scope: z.enum(['global', 'regional', 'local']),
  costRecovery: z.boolean(),
  requestedFrom: IsoDateSchema.describe('The date from which the assignment is asked for'),
  justification: z.string().trim().min(1).max(4000),
});
export type CreateAssignmentRequest = z.infer<typeof CreateAssignmentRequestSchema>;

export const ConsultationInputSchema = z.strictObject({
  party: z
    .enum(CONSULTATION_PARTIES)
    .describe('dmspc: Management Strategy, Policy and Compliance; entity-head: the head of the client entity'),
  consultee: z.string().trim().min(1).max(200).describe('Who gave the opinion (name and title)'),
  opinion: z.enum(OPINIONS),
  comment: z.string().trim().min(1).max(4000),
});
export type ConsultationInput = z.infer<typeof ConsultationInputSchema>;

export const DecisionInputSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  rationale: z.string().trim().min(1).max(4000),
  effectiveFrom: IsoDateSchema.optional().describe('Approve: first day the new provider serves (default: the date asked for)'),
});
export type DecisionInput = z.infer<typeof DecisionInputSchema>;

export const ConsultationSchema = z.object({
  id: z.number().int(),
  party: z.enum(CONSULTATION_PARTIES),
  consultee: z.string(),
  opinion: z.enum(OPINIONS),
  comment: z.string(),
  recordedBy: z.string().nullable(),
  at: z.string(),
});

export const AssignmentRequestSchema = z.object({
  id: z.number().int(),
  reference: z.string(),
  entity: z.object({ code: z.string(), name: LocalizedTextSchema }),
  provider: z.object({ code: z.string(), name: LocalizedTextSchema }),
  services: z.array(z.string()),
  scope: z.enum(['global', 'regional', 'local']),
  costRecovery: z.boolean(),
  requestedFrom: z.string(),
  justification: z.string(),
  state: z.enum(REQUEST_STATES),
  requestedBy: z.string().nullable(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionRationale: z.string().nullable(),
  effectiveFrom: z.string().nullable(),
  consultations: z.array(ConsultationSchema),
});
export type AssignmentRequest = z.infer<typeof AssignmentRequestSchema>;

export const AssignmentRequestQuerySchema = PageQuerySchema.extend({
  state: z.enum(REQUEST_STATES).optional(),
  entity: z.string().max(40).optional(),
  provider: z.string().max(40).optional(),
});
export type AssignmentRequestQuery = z.infer<typeof AssignmentRequestQuerySchema>;

export const HistoryQuerySchema = z.strictObject({
  entity: z.string().min(1).max(40),
  service: z.string().min(1).max(40),
});

export const HistoryEntrySchema = z.object({
  provider: z.object({ code: z.string(), name: LocalizedTextSchema }),
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable(),
  scope: z.enum(['global', 'regional', 'local']),
  costRecovery: z.boolean(),
  basis: z.string(),
  decision: z.string().nullable().describe('The assignment request whose decision made this period, if any'),
});
