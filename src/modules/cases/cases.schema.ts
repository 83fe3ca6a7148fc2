/** Zod contracts of cases: creation, views, queues, actions. */
import { z } from 'zod';
import { PageQuerySchema } from '../../server/pagination.ts';
import { IdSchema, INT32_MAX } from '../../server/validation.ts';
import { LocalizedTextSchema } from '../directory/directory.schema.ts';
import { FORM_FIELD_MAX_LENGTH } from './form-fields.ts';
import { CASE_STATES, TRANSITIONS } from './lifecycle.ts';

export const CaseStateSchema = z.enum(CASE_STATES);
const Level = z.union([z.literal(1), z.literal(2), z.literal(3)]);
/**
 * Impact and urgency of a request that does not say: medium, as the web request form starts (medium and
 * medium: P3). One default for every way in, so that a request does not rank lower for being sent by API.
 */
export const DEFAULT_LEVEL = 2;
const LEVEL_DESCRIPTION = '1 high, 2 medium, 3 low; default 2 (medium), as the web request form: with both medium, P3';

export const CreateCaseSchema = z.strictObject({
  service: z.string().min(1).max(40).describe('Service code from the catalogue'),
  entity: z.string().min(1).max(40).optional().describe("Client entity; default: the requester's own"),
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().max(20_000).optional().describe('First public message of the case'),
  fields: z
    .record(z.string(), z.union([z.string().max(FORM_FIELD_MAX_LENGTH), z.number(), z.boolean()]))
    .default({})
    .describe("The service's form fields; each text field's own limit (the catalogue's maxLength) is checked with the service"),
  impact: Level.default(DEFAULT_LEVEL).describe(LEVEL_DESCRIPTION),
  urgency: Level.default(DEFAULT_LEVEL).describe(LEVEL_DESCRIPTION),
});
export type CreateCaseInput = z.infer<typeof CreateCaseSchema>;

export const CaseSummarySchema = z.object({
  id: z.string(),
  reference: z.string().describe('Stable end-to-end identity, e.g. MER-000123'),
  parentReference: z.string().nullable(),
  title: z.string(),
  state: CaseStateSchema,
  priority: z.enum(['P1', 'P2', 'P3', 'P4']),
  impact: z.number().int(),
  urgency: z.number().int(),
  entity: z.object({ code: z.string(), name: LocalizedTextSchema }),
  service: z.object({ code: z.string(), name: LocalizedTextSchema }),
  provider: z.object({ code: z.string(), name: LocalizedTextSchema }).nullable().describe('null: the DOS coordination queue'),
  team: z.object({ id: z.number().int(), code: z.string(), name: z.string() }).nullable(),
  assignee: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  requester: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  routingReason: z.string(),
  mergedInto: z.string().nullable(),
  version: z.number().int().describe('Send it back in If-Match to change the case'),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  source: z.string(),
});
export type CaseSummary = z.infer<typeof CaseSummarySchema>;

/** A case in a list (queues, My requests): its summary without the routing reason, which its view carries. */
export const CaseListItemSchema = CaseSummarySchema.omit({ routingReason: true });
export type CaseListItem = z.infer<typeof CaseListItemSchema>;

export const CaseEventSchema = z.object({
  id: z.string(),
  caseReference: z.string(),
  at: z.string(),
  actor: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  type: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  details: z.unknown(),
});
export const SegmentSchema = z.object({
  caseReference: z.string(),
  provider: z.string().nullable().describe('null: the DOS coordination queue'),
  team: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  startReason: z.string(),
  endReason: z.string().nullable(),
});
export const MessageSchema = z.object({
  id: z.string(),
  caseReference: z.string(),
  author: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  visibility: z.enum(['public', 'internal']),
  body: z.string(),
  mentions: z.array(z.string()),
  channel: z.string(),
  createdAt: z.string(),
});

export const CaseViewSchema = z.object({
  case: CaseSummarySchema,
  fields: z.record(z.string(), z.unknown()),
  children: z.array(CaseSummarySchema),
  timeline: z.array(CaseEventSchema).describe('Events of the case and its child tasks, oldest first'),
  segments: z.array(SegmentSchema).describe("Each provider's hold of the case and its child tasks"),
  messages: z.array(MessageSchema).describe('Internal notes are left out for client roles'),
});
export type CaseView = z.infer<typeof CaseViewSchema>;

export const CaseQuerySchema = PageQuerySchema.extend({
  state: z
    .enum([...CASE_STATES, 'open'])
    .optional()
    .describe('A state, or `open` for new, in progress and awaiting client'),
  provider: z.string().optional().describe('A provider code, or `none` for the DOS coordination queue'),
  team: IdSchema.optional(),
  entity: z.string().optional(),
  service: z.string().optional(),
  priority: z.enum(['P1', 'P2', 'P3', 'P4']).optional(),
  assignee: z
    .union([z.literal('me'), z.literal('none'), IdSchema])
    .optional()
    .describe('`me`, `none`, or a user id'),
  q: z.string().trim().min(1).max(200).optional().describe('Search in reference and title'),
  parent: z
    .enum(['none'])
    .optional()
    .describe("`none`: only cases that are not child tasks (a client's own requests; a child task shows in its parent)"),
  sort: z.enum(['createdAt', 'updatedAt', 'priority', 'reference']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type CaseQuery = z.infer<typeof CaseQuerySchema>;

// Bodies are strict: a misspelt field is refused by name, never dropped (a misspelt `visibility` would
// otherwise publish an internal note).
export const TransitionBodySchema = z.strictObject({ to: z.enum(TRANSITIONS), reason: z.string().trim().max(2000).optional() });
export const TransferBodySchema = z.strictObject({
  provider: z.string().min(1).max(40),
  reason: z.string().trim().min(3).max(2000),
});
export const ChildTaskBodySchema = z.strictObject({
  provider: z.string().min(1).max(40),
  service: z.string().min(1).max(40).optional().describe("Default: the parent's service"),
  title: z.string().trim().min(3).max(200),
  reason: z.string().trim().min(3).max(2000),
});
export const WithdrawChildBodySchema = z.strictObject({
  reason: z.string().trim().min(3).max(2000).describe("Why the parent's provider no longer needs the child task"),
});
export const MergeBodySchema = z.strictObject({ into: z.string().min(1).max(40).describe('Reference of the primary case') });
export const AssignBodySchema = z.strictObject({
  assignee: z.number().int().positive().max(INT32_MAX).nullable(),
  team: z.number().int().positive().max(INT32_MAX).nullable().optional(),
});
export const PriorityBodySchema = z.strictObject({
  impact: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  urgency: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  reason: z.string().trim().min(3).max(2000),
});
export const MessageBodySchema = z.strictObject({
  body: z.string().trim().min(1).max(20_000),
  visibility: z.enum(['public', 'internal']).default('public'),
});
export const BulkBodySchema = z.strictObject({
  references: z.array(z.string().min(1).max(40)).min(1).max(200),
  action: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('assign'), assignee: z.number().int().positive().max(INT32_MAX).nullable() }),
    z.strictObject({ type: z.literal('transition'), to: z.enum(TRANSITIONS), reason: z.string().max(2000).optional() }),
  ]),
});
