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

export interface Route {
  entity: NamedRef<EntityKind>;
  service: { code: string; name: LocalizedText; delivery: Delivery };
  provider: Provider;
  scope: Scope;
  costRecovery: boolean;
  basis: string;
  on: string;
}

export interface CurrentUser {
  id: number;
  email: string;
  name: string;
  role: string;
  scope: { type: 'provider' | 'entity'; code: string } | null;
  locale: string;
  permissions: string[];
}
