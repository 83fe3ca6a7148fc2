/**
 * Table types for Kysely, kept by hand beside the migrations (one interface per table).
 * Dates (`date` columns) are read as `YYYY-MM-DD` strings (see `database.ts`).
 */
import type { ColumnType, Generated } from 'kysely';

/** Names in several languages: `{ en: "...", fr: "..." }` (JSONB). */
export type LocalizedText = Record<string, string>;

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface DutyStationTable {
  code: string;
  city_code: string;
  city: string;
  country: string;
  country_name: string | null;
  region: string | null;
  subregion: string | null;
  latitude: number | null;
  longitude: number | null;
  time_zone: string | null;
  obsolete: boolean;
  source: string;
  basis: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProviderTable {
  code: string;
  name: Json<LocalizedText>;
  kind: string;
  duty_station_code: string;
  basis: string;
}

export interface ClientEntityTable {
  code: string;
  name: Json<LocalizedText>;
  kind: string;
  duty_station_code: string;
  basis: string;
}

export interface EntityCountryTable {
  entity_code: string;
  country: string;
}

export interface ServiceLineTable {
  code: string;
  name: Json<LocalizedText>;
  position: number;
  basis: string;
}

export interface ServiceTable {
  code: string;
  service_line_code: string;
  name: Json<LocalizedText>;
  description: Json<LocalizedText>;
  delivery: 'remote' | 'on-site';
  unit: string;
  position: number;
  basis: string;
  form_fields: ColumnType<unknown, string | undefined, string>;
}

export interface AssignmentTable {
  id: Generated<number>;
  provider_code: string;
  entity_code: string;
  service_code: string;
  scope: 'global' | 'regional' | 'local';
  effective_from: ColumnType<string, string, string>;
  effective_to: ColumnType<string | null, string | null | undefined, string | null>;
  cost_recovery: boolean;
  basis: string;
  source: string;
  /** The assignment request whose decision wrote this assignment; null for the reference data. */
  decision_id: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface ImportRunTable {
  id: Generated<number>;
  kind: string;
  file: string;
  status: 'succeeded' | 'rejected';
  rows_read: number;
  rows_written: number;
  issues: Json<unknown[]>;
  started_at: Timestamp;
  finished_at: Timestamp;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string;
  role: string;
  provider_code: string | null;
  entity_code: string | null;
  locale: Generated<string>;
  active: Generated<boolean>;
  team_id: number | null;
  created_at: Timestamp;
}

export interface SessionTable {
  id: string;
  token_hash: string;
  user_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  idle_expires_at: Timestamp;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  user_agent: string | null;
  ip: string | null;
}

export interface AuditEventTable {
  id: Generated<string>;
  at: Timestamp;
  actor_user_id: number | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: ColumnType<unknown, string | undefined, string>;
  request_id: string | null;
}

export interface TeamTable {
  id: Generated<number>;
  provider_code: string;
  code: string;
  name: string;
}

export interface CaseTable {
  id: Generated<string>;
  reference: string;
  parent_case_id: string | null;
  entity_code: string;
  requester_user_id: number | null;
  service_code: string;
  title: string;
  fields: Json<Record<string, unknown>>;
  impact: number;
  urgency: number;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  state: string;
  provider_code: string | null;
  team_id: number | null;
  assignee_user_id: number | null;
  routing_reason: string;
  merged_into_case_id: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  source: string;
  external_id: string | null;
  search: ColumnType<string, never, never>;
}

export interface CaseEventTable {
  id: Generated<string>;
  case_id: string;
  at: Timestamp;
  actor_user_id: number | null;
  type: string;
  before: ColumnType<unknown, string | null | undefined, never>;
  after: ColumnType<unknown, string | null | undefined, never>;
  details: ColumnType<unknown, string | undefined, never>;
}

export interface CaseSegmentTable {
  id: Generated<string>;
  case_id: string;
  provider_code: string | null;
  team_id: number | null;
  started_at: Timestamp;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  start_reason: string;
  end_reason: string | null;
}

export interface CaseMessageTable {
  id: Generated<string>;
  case_id: string;
  author_user_id: number | null;
  visibility: 'public' | 'internal';
  body: string;
  mentions: ColumnType<unknown, string | undefined, string>;
  channel: Generated<string>;
  created_at: Timestamp;
}

export interface IdempotencyKeyTable {
  user_id: number;
  key: string;
  request_hash: string;
  case_id: string;
  created_at: Timestamp;
}

export interface OutboxTable {
  id: Generated<string>;
  case_id: string | null;
  to_address: string;
  subject: string;
  body: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When the row may next be tried: after a failure (backoff) or while claimed (lease end); null: at once. */
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Token of the sender holding the claim; null when unclaimed. */
  claim_token: string | null;
  /** The Message-ID the e-mail was sent with. */
  message_id: string | null;
}

export interface AttachmentTable {
  id: string;
  case_id: string;
  message_id: string | null;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  /** Relative to `<dataDir>/attachments`: `<case id>/<uuid>`. */
  storage_path: string;
  uploaded_by: number | null;
  created_at: ColumnType<Date, Date | string, never>;
}

export interface InboundEmailTable {
  message_id: string;
  case_id: string;
  case_message_id: string;
  from_address: string;
  received_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface BusinessCalendarTable {
  id: Generated<number>;
  duty_station_code: string | null;
  provider_code: string | null;
  name: string;
  created_at: Timestamp;
}

export interface BusinessCalendarVersionTable {
  calendar_id: number;
  version: number;
  /** Local date `YYYY-MM-DD` from which this version applies. */
  effective_from: string;
  /** A CalendarSpec (src/modules/sla/business-calendar.ts). */
  spec: Json<unknown>;
  note: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface SlaPolicyTable {
  id: Generated<number>;
  provider_code: string | null;
  service_code: string | null;
  priority: string | null;
  /** ISO-8601 durations of business time (`PT4H`, `P2D`), or null for no target. */
  first_response: string | null;
  next_response: string | null;
  resolution: string | null;
  calendar_basis: ColumnType<'provider' | 'client', 'provider' | 'client' | undefined, 'provider' | 'client'>;
  pause_states: ColumnType<string[], string | undefined, string>;
  warn_at: ColumnType<number[], string | undefined, string>;
  escalate_outside_hours: ColumnType<boolean, boolean | undefined, boolean>;
  basis: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  version: ColumnType<number, number | undefined, number>;
  updated_by: number | null;
  updated_at: Timestamp;
}

export interface CaseSlaClockTable {
  id: Generated<string>;
  case_id: string;
  scope: 'case' | 'segment';
  segment_id: string | null;
  provider_code: string | null;
  metric: 'first-response' | 'next-response' | 'resolution';
  policy_id: number | null;
  target: string;
  target_business_ms: ColumnType<string, string | number, string | number>;
  time_zone: string;
  started_at: Timestamp;
  due_at: Timestamp | null;
  stopped_at: Timestamp | null;
  /** Business milliseconds (bigint, read as a string by pg). */
  elapsed_business_ms: ColumnType<string, string | number, string | number>;
  paused_business_ms: ColumnType<string, string | number, string | number>;
  state: 'running' | 'paused' | 'met' | 'breached' | 'stopped';
  breached_at: Timestamp | null;
  computed_at: Timestamp;
}

export interface SlaJobTable {
  id: Generated<string>;
  clock_id: string | null;
  case_id: string;
  metric: string;
  segment_id: string | null;
  /** Percent of the target: 75, 90 are warnings; 100 is the breach. */
  threshold: number;
  fire_at: Timestamp;
  status: 'pending' | 'fired' | 'withdrawn';
  created_at: Timestamp;
  fired_at: Timestamp | null;
  withdrawn_at: Timestamp | null;
  withdrawn_reason: string | null;
  /** The clock's thresholds after this one, by instant (decision 0023): `[{ threshold, fireAt: ISO 8601 }]`. */
  later: ColumnType<EscalationStep[], string | undefined, string>;
}

/** A threshold still to come of a clock, in `sla_jobs.later`. */
export interface EscalationStep {
  threshold: number;
  fireAt: string;
}

export interface PlanningServiceRateTable {
  service_code: string;
  units_per_head_year: number;
  units_per_entity_year: number;
  units_per_case: number | null;
  base_unit_cost_usd: number;
  own_support_unit_cost_usd: number;
  delivery: 'remote' | 'on-site';
  basis: string;
  updated_at: Timestamp;
}

export interface PlanningHeadcountTable {
  entity_code: string;
  headcount: number;
  basis: string;
  updated_at: Timestamp;
}

export interface PlanningDemandOverrideTable {
  entity_code: string;
  service_code: string;
  quantity: number;
  basis: string;
  updated_by: number | null;
  updated_at: Timestamp;
}

export interface PlanningOfferTable {
  provider_code: string;
  service_code: string;
  capacity: number;
  unit_cost_usd: number;
  basis: string;
  updated_at: Timestamp;
}

export interface PlanningLocationTable {
  duty_station_code: string;
  security_level: number;
  hardship: 'H' | 'A' | 'B' | 'C' | 'D' | 'E';
  basis: string;
  updated_at: Timestamp;
}

export interface PlanningLocalPartnerTable {
  provider_code: string;
  duty_station_code: string;
  basis: string;
}

export interface PlanningScenarioTable {
  id: Generated<number>;
  name: string;
  inputs: Json<unknown>;
  status: 'optimal' | 'feasible' | 'infeasible' | 'error';
  result: Json<unknown>;
  created_by: number | null;
  created_at: Timestamp;
}

export interface PlanningChangeProposalTable {
  id: Generated<number>;
  scenario_id: number;
  entity_code: string;
  service_code: string;
  from_provider_code: string | null;
  to_provider_code: string | null;
  quantity: number;
  cost_delta_usd: number;
  status: 'proposed';
  created_by: number | null;
  created_at: Timestamp;
}

/** Versions of the common SLA template (agreements module). */
export interface AgreementTemplateTable {
  id: Generated<number>;
  version: number;
  state: 'draft' | 'published';
  sections: Json<unknown>;
  note: string | null;
  created_by: number | null;
  created_at: Timestamp;
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface AgreementTable {
  id: Generated<number>;
  reference: string;
  provider_code: string;
  entity_code: string;
  title: string;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgreementVersionTable {
  id: Generated<number>;
  agreement_id: number;
  version: number;
  template_id: number;
  state: string;
  annex: Json<unknown>;
  amendment_note: string | null;
  effective_from: string | null;
  effective_to: string | null;
  signed_by: ColumnType<unknown, string | null | undefined, string | null>;
  signed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  policy_ids: ColumnType<number[], string | undefined, string>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AssignmentRequestTable {
  id: Generated<number>;
  reference: string;
  entity_code: string;
  provider_code: string;
  services: Json<string[]>;
  scope: 'global' | 'regional' | 'local';
  cost_recovery: boolean;
  requested_from: string;
  justification: string;
  state: 'open' | 'approved' | 'rejected' | 'withdrawn';
  requested_by: number | null;
  requested_at: Timestamp;
  decided_by: number | null;
  decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  decision_rationale: string | null;
  effective_from: string | null;
}

export interface AssignmentConsultationTable {
  id: Generated<number>;
  request_id: number;
  party: 'dmspc' | 'entity-head' | 'provider' | 'other';
  consultee: string;
  opinion: 'concur' | 'concur-with-conditions' | 'object';
  comment: string;
  recorded_by: number | null;
  at: Timestamp;
}

/** Money and quantities are `numeric`, read as decimal strings (select them `::text`). */
export interface PriceListTable {
  id: Generated<number>;
  provider_code: string;
  service_code: string;
  basis: 'per-case' | 'per-unit' | 'per-head-month' | 'fixed-fee';
  unit_price: string;
  currency: string;
  effective_from: string;
  effective_to: string | null;
  note: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface UsageRecordTable {
  id: Generated<string>;
  provider_code: string;
  entity_code: string;
  service_code: string;
  case_id: string | null;
  on_date: string;
  quantity: string;
  note: string | null;
  recorded_by: number | null;
  recorded_at: Timestamp;
}

export interface EntityHeadcountTable {
  entity_code: string;
  month: string;
  staff: number;
  recorded_by: number | null;
  recorded_at: Timestamp;
}

export interface BillingRunTable {
  id: Generated<number>;
  period: string;
  state: 'open' | 'closed';
  content_hash: string;
  runs: number;
  created_by: number | null;
  created_at: Timestamp;
  computed_at: Timestamp;
  closed_by: number | null;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface StatementTable {
  id: Generated<number>;
  run_id: number;
  number: string;
  entity_code: string;
  provider_code: string;
  currency: string;
  total: string;
  line_count: number;
}

export interface StatementLineTable {
  id: Generated<string>;
  statement_id: number;
  position: number;
  kind: 'charge' | 'service-credit';
  service_code: string;
  basis: string;
  case_id: string | null;
  case_reference: string | null;
  usage_record_id: string | null;
  price_list_id: number | null;
  agreement_version_id: number | null;
  description: string;
  quantity: string;
  unit_price: string;
  amount: string;
}

export interface BillingNoteTable {
  id: Generated<number>;
  number: string;
  statement_id: number;
  kind: 'credit' | 'debit';
  amount: string;
  reason: string;
  case_id: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface Database {
  business_calendars: BusinessCalendarTable;
  business_calendar_versions: BusinessCalendarVersionTable;
  sla_policies: SlaPolicyTable;
  case_sla_clocks: CaseSlaClockTable;
  sla_jobs: SlaJobTable;
  teams: TeamTable;
  cases: CaseTable;
  case_events: CaseEventTable;
  case_segments: CaseSegmentTable;
  case_messages: CaseMessageTable;
  idempotency_keys: IdempotencyKeyTable;
  outbox: OutboxTable;
  attachments: AttachmentTable;
  inbound_emails: InboundEmailTable;
  users: UserTable;
  sessions: SessionTable;
  audit_events: AuditEventTable;
  duty_stations: DutyStationTable;
  providers: ProviderTable;
  client_entities: ClientEntityTable;
  entity_countries: EntityCountryTable;
  service_lines: ServiceLineTable;
  services: ServiceTable;
  assignments: AssignmentTable;
  import_runs: ImportRunTable;
  meta: MetaTable;
  planning_service_rates: PlanningServiceRateTable;
  planning_headcounts: PlanningHeadcountTable;
  planning_demand_overrides: PlanningDemandOverrideTable;
  planning_offers: PlanningOfferTable;
  planning_locations: PlanningLocationTable;
  planning_local_partners: PlanningLocalPartnerTable;
  planning_scenarios: PlanningScenarioTable;
  planning_change_proposals: PlanningChangeProposalTable;
  agreement_templates: AgreementTemplateTable;
  agreements: AgreementTable;
  agreement_versions: AgreementVersionTable;
  assignment_requests: AssignmentRequestTable;
  assignment_consultations: AssignmentConsultationTable;
  price_lists: PriceListTable;
  usage_records: UsageRecordTable;
  entity_headcounts: EntityHeadcountTable;
  billing_runs: BillingRunTable;
  statements: StatementTable;
  statement_lines: StatementLineTable;
  billing_notes: BillingNoteTable;
}
