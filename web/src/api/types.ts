/** Shapes of the API's answers, as the UI uses them (see /api/openapi.json). */

/** Text by language code; `en` and `fr` are always present. */
export type LocalizedText = { en: string; fr: string } & Record<string, string>;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const PROVIDER_KINDS = [
  'global-service-centre',
  'regional-service-centre',
  'office-away-from-headquarters',
  'regional-commission',
  'headquarters',
  'peace-operation',
  'non-secretariat-agency',
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const ENTITY_KINDS = [
  'department-office',
  'office-away-from-headquarters',
  'regional-commission',
  'peacekeeping-operation',
  'special-political-mission',
  'resident-coordinator-office',
  'other',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Regions of duty stations as the API names them. */
export const REGIONS = ['Africa', 'Americas', 'Asia', 'Europe', 'Oceania'] as const;

export type Scope = 'global' | 'regional' | 'local';
export type Delivery = 'remote' | 'on-site';

export interface DutyStationRef {
  code: string;
  city: string;
  country: string;
  region: string | null;
  latitude: number | null;
  longitude: number | null;
  timeZone: string | null;
}

export interface DutyStation extends DutyStationRef {
  cityCode: string;
  countryName: string | null;
  subregion: string | null;
  obsolete: boolean;
  source: string;
  basis: string | null;
}

export interface Provider {
  code: string;
  name: LocalizedText;
  kind: ProviderKind;
  dutyStation: DutyStationRef;
  basis: string;
}

export interface ClientEntity {
  code: string;
  name: LocalizedText;
  kind: EntityKind;
  dutyStation: DutyStationRef;
  countries: string[];
  basis: string;
}

export interface ServiceLine {
  code: string;
  name: LocalizedText;
  serviceCount: number;
  basis: string;
}

export interface Service {
  code: string;
  serviceLine: { code: string; name: LocalizedText };
  name: LocalizedText;
  description: LocalizedText;
  delivery: Delivery;
  unit: string;
  basis: string;
}

export interface NamedRef<K extends string = string> {
  code: string;
  name: LocalizedText;
  kind: K;
}

export interface MatrixCell {
  provider: NamedRef<ProviderKind>;
  scope: Scope;
  costRecovery: boolean;
  basis: string;
}

export interface MatrixService {
  code: string;
  name: LocalizedText;
  delivery: Delivery;
  serviceLine: { code: string; name: LocalizedText };
}

export interface MatrixRow {
  entity: NamedRef<EntityKind>;
  cells: Record<string, MatrixCell>;
}

export interface Matrix extends Page<MatrixRow> {
  services: MatrixService[];
}

export interface LinkPlace {
  code: string;
  city: string;
  country: string;
  latitude: number | null;
  longitude: number | null;
}

export interface Link {
  entity: NamedRef<EntityKind> & { dutyStation: LinkPlace };
  provider: NamedRef<ProviderKind> & { dutyStation: LinkPlace };
  services: string[];
}

/** `GET /api/routing` when a provider is assigned. */
export interface Route {
  assigned: true;
  entity: NamedRef<EntityKind>;
  service: { code: string; name: LocalizedText; delivery: Delivery };
  provider: Provider;
  scope: Scope;
  costRecovery: boolean;
  basis: string;
  on: string;
}

/** `GET /api/routing` when no provider is assigned: a request goes to the DOS coordination queue. */
export interface UnassignedRoute {
  assigned: false;
  entity: NamedRef<EntityKind>;
  service: { code: string; name: LocalizedText; delivery: Delivery };
  provider: null;
  queue: 'dos-coordination';
  on: string;
}

export type RoutePreview = Route | UnassignedRoute;

export interface CurrentUser {
  id: number;
  email: string;
  name: string;
  role: string;
  scope: { type: 'provider' | 'entity'; code: string } | null;
  locale: string;
  permissions: string[];
}

/** The permissions of `GET /api/auth/me` that the cases screens look at. */
export type Permission = 'cases:create' | 'cases:work' | 'cases:read' | 'cases:reply' | 'users:read';

/** A user as `GET /api/users` lists them. */
export interface UserSummary {
  id: number;
  email: string;
  name: string;
  role: string;
  scope: { type: 'provider' | 'entity'; code: string } | null;
  locale: string;
  active: boolean;
}

/** A field a service's request form asks for (`formFields` of a catalogue service). */
export interface FormField {
  key: string;
  label: LocalizedText;
  type: 'text' | 'textarea' | 'number' | 'date' | 'select' | 'boolean';
  required: boolean;
  maxLength?: number;
  options?: string[];
  /** Number fields: the smallest and largest values allowed (inclusive). */
  min?: number;
  max?: number;
  /** Date fields: the key of the date field this one may not precede. */
  notBefore?: string;
}

/** A catalogue service with its request form. */
export interface ServiceWithForm extends Service {
  formFields: FormField[];
}

export const CASE_STATES = ['new', 'in-progress', 'awaiting-client', 'resolved', 'closed', 'cancelled', 'merged'] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const OPEN_STATES: readonly CaseState[] = ['new', 'in-progress', 'awaiting-client'];

export const TRANSITIONS = ['in-progress', 'awaiting-client', 'resolved', 'closed', 'cancelled', 'reopen'] as const;
export type Transition = (typeof TRANSITIONS)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface PersonRef {
  id: number;
  name: string;
}

export interface CaseSummary {
  id: string;
  reference: string;
  parentReference: string | null;
  title: string;
  state: CaseState;
  priority: Priority;
  impact: number;
  urgency: number;
  entity: { code: string; name: LocalizedText };
  service: { code: string; name: LocalizedText };
  /** null: the DOS coordination queue. */
  provider: { code: string; name: LocalizedText } | null;
  team: { id: number; code: string; name: string } | null;
  assignee: PersonRef | null;
  requester: PersonRef | null;
  routingReason: string;
  mergedInto: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  source: string;
}

/** A case in a list (GET /api/cases): its summary without the routing reason, which its view carries. */
export type CaseListItem = Omit<CaseSummary, 'routingReason'>;

export interface CaseEvent {
  id: string;
  caseReference: string;
  at: string;
  actor: PersonRef | null;
  type: string;
  before: unknown;
  after: unknown;
  details: unknown;
}

export interface CaseSegment {
  caseReference: string;
  /** null: the DOS coordination queue. */
  provider: string | null;
  team: string | null;
  startedAt: string;
  endedAt: string | null;
  startReason: string;
  endReason: string | null;
}

export interface CaseMessage {
  id: string;
  caseReference: string;
  author: PersonRef | null;
  visibility: 'public' | 'internal';
  body: string;
  mentions: string[];
  channel: string;
  createdAt: string;
}

/** A file attached to a case (`GET /api/cases/{reference}/attachments`). */
export interface CaseAttachment {
  id: string;
  filename: string;
  /** Detected from the content, not the declared type. */
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: PersonRef | null;
  createdAt: string;
  /** Download path (the answer is `Content-Disposition: attachment`). */
  url: string;
}

export interface CaseView {
  case: CaseSummary;
  fields: Record<string, unknown>;
  children: CaseSummary[];
  timeline: CaseEvent[];
  segments: CaseSegment[];
  messages: CaseMessage[];
}

export interface CaseCounts {
  byState: Partial<Record<CaseState, number>>;
  total: number;
  /** States whose count reached the server's cap (10,000): shown as "10,000+". */
  capped?: CaseState[];
}

export interface BulkResult {
  reference: string;
  ok: boolean;
  code?: string;
  detail?: string;
}
