/**
 * Meridian's own reference data (`data/reference/*.json`), written from the Secretary-General's report on
 * the service delivery model (A/77/...; see `data/README.md`). Every record carries its `basis`: the
 * report paragraph it comes from, or "assumption: ...".
 *
 * `loadReferenceData` validates every file, expands the assignment rules to one assignment per
 * (entity, service), refuses overlaps, and writes everything in one transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/types.ts';
import { AppError, type FieldIssue } from '../../server/errors.ts';
import { type AssignmentInput, replaceAssignmentsOfSource } from '../agreements/assignments.repository.ts';
import { FormFieldsSchema } from '../cases/form-fields.ts';
import { upsertCatalogue } from '../catalogue/catalogue.repository.ts';
import { SERVICE_UNITS } from '../catalogue/catalogue.schema.ts';
import { upsertClientEntities, upsertDutyStations, upsertProviders } from '../directory/directory.repository.ts';
import { ENTITY_KINDS, PROVIDER_KINDS } from '../directory/directory.schema.ts';

/** Folder of the reference data files. */
export const REFERENCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../data/reference');

/** Source tag of everything the reference loader writes. */
export const REFERENCE_SOURCE = 'reference';

const NonBlank = z.string().regex(/\S/, 'text that is not blank');
const Names = z.object({ en: NonBlank, fr: NonBlank }).catchall(z.string());
const Basis = z.string().min(1);
const Iso2 = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code');

const DutyStationRecord = z.object({
  code: z.string().regex(/^[A-Z]{2}-[A-Za-z0-9]{1,10}$/, 'ISO2-CITYCODE, e.g. KE-NA010'),
  city: z.string().min(1),
  country: Iso2,
  region: z.string().min(1),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone'),
  basis: Basis,
});
const ProviderRecord = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9-]*$/),
  name: Names,
  kind: z.enum(PROVIDER_KINDS),
  dutyStation: z.string(),
  basis: Basis,
});
const EntityRecord = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9-]*$/),
  name: Names,
  kind: z.enum(ENTITY_KINDS),
  dutyStation: z.string(),
  countries: z.array(Iso2).default([]),
  basis: Basis,
});
const ServiceLineRecord = z.object({ code: z.string().regex(/^[A-Z]+$/), name: Names, basis: Basis });
const ServiceRecord = z.object({
  code: z.string().regex(/^[A-Z]+-[A-Z0-9-]+$/),
  serviceLine: z.string(),
  name: Names,
  description: Names,
  delivery: z.enum(['remote', 'on-site']),
  unit: z.enum(SERVICE_UNITS),
  formFields: FormFieldsSchema.default([]),
  basis: Basis,
});
const EntitySelector = z.union([
  z.object({ codes: z.array(z.string()).min(1) }).strict(),
  z
    .object({
      kind: z.enum(ENTITY_KINDS),
      region: z.string().optional(),
      countries: z.array(Iso2).optional(),
      except: z.array(z.string()).optional(),
    })
    .strict(),
]);
const AssignmentRule = z.object({
  provider: z.string(),
  entities: EntitySelector,
  services: z.array(z.string()).min(1),
  scope: z.enum(['global', 'regional', 'local']),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  costRecovery: z.boolean(),
  basis: Basis,
});

const Files = {
  'duty-stations.json': z.object({ source: z.string(), records: z.array(DutyStationRecord) }),
  'providers.json': z.object({ source: z.string(), records: z.array(ProviderRecord) }),
  'entities.json': z.object({ source: z.string(), records: z.array(EntityRecord) }),
  'catalogue.json': z.object({
    source: z.string(),
    serviceLines: z.array(ServiceLineRecord),
    services: z.array(ServiceRecord),
  }),
  'assignments.json': z.object({ source: z.string(), rules: z.array(AssignmentRule) }),
} as const;

export type ReferenceData = {
  dutyStations: z.infer<typeof DutyStationRecord>[];
  providers: z.infer<typeof ProviderRecord>[];
  entities: z.infer<typeof EntityRecord>[];
  serviceLines: z.infer<typeof ServiceLineRecord>[];
  services: z.infer<typeof ServiceRecord>[];
  rules: z.infer<typeof AssignmentRule>[];
};

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function readJson<K extends keyof typeof Files>(dir: string, file: K): z.infer<(typeof Files)[K]> {
  const full = path.join(dir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (e) {
    throw new AppError('REFERENCE_DATA_INVALID', `${file}: ${(e as Error).message}`);
  }
  const parsed = Files[file].safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 50).map((i) => ({ field: `${file}:${i.path.join('.')}`, message: i.message }));
    throw new AppError(
      'REFERENCE_DATA_INVALID',
      `${file} is invalid (${parsed.error.issues.length} problem(s)): ${issues
        .slice(0, 5)
        .map((i) => `${i.field} ${i.message}`)
        .join('; ')}`,
      {
        issues,
      },
    );
  }
  return parsed.data as z.infer<(typeof Files)[K]>;
}

/**
 * Reads and validates the reference data files of `dir` (default: the project's `data/reference`).
 * @throws AppError REFERENCE_DATA_INVALID naming the file and the record path of each problem.
 */
export function readReferenceData(dir: string = REFERENCE_DIR): ReferenceData {
  const catalogue = readJson(dir, 'catalogue.json');
  return {
    dutyStations: readJson(dir, 'duty-stations.json').records,
    providers: readJson(dir, 'providers.json').records,
    entities: readJson(dir, 'entities.json').records,
    serviceLines: catalogue.serviceLines,
    services: catalogue.services,
    rules: readJson(dir, 'assignments.json').rules,
  };
}

/**
 * Expands assignment rules to one assignment per (entity, service) and checks every reference.
 * An entity selector matches by codes, or by kind plus optional region and host countries of the
 * entity's duty station (minus `except`).
 * @throws AppError REFERENCE_DATA_INVALID listing unknown codes, rules matching nothing, and overlaps
 *   (two rules for one entity and service from the same date).
 */
export function expandAssignments(data: ReferenceData): AssignmentInput[] {
  const issues: FieldIssue[] = [];
  const stations = new Map(data.dutyStations.map((s) => [s.code, s]));
  const providers = new Set(data.providers.map((p) => p.code));
  const services = new Set(data.services.map((s) => s.code));
  const lines = new Set(data.serviceLines.map((l) => l.code));
  const entities = new Map(data.entities.map((e) => [e.code, e]));
  for (const [i, p] of data.providers.entries()) {
    if (!stations.has(p.dutyStation))
      issues.push({ field: `providers.json:records.${i}.dutyStation`, message: `unknown duty station ${p.dutyStation}` });
  }
  for (const [i, e] of data.entities.entries()) {
    if (!stations.has(e.dutyStation))
      issues.push({ field: `entities.json:records.${i}.dutyStation`, message: `unknown duty station ${e.dutyStation}` });
  }
  for (const [i, s] of data.services.entries()) {
    if (!lines.has(s.serviceLine))
      issues.push({ field: `catalogue.json:services.${i}.serviceLine`, message: `unknown service line ${s.serviceLine}` });
  }
  for (const [label, list] of [
    ['duty-stations.json', data.dutyStations.map((s) => s.code)],
    ['providers.json', data.providers.map((s) => s.code)],
    ['entities.json', data.entities.map((s) => s.code)],
    ['catalogue.json', [...data.services.map((s) => s.code), ...data.serviceLines.map((l) => l.code)]],
  ] as const) {
    const seen = new Set<string>();
    for (const c of list) {
      if (seen.has(c)) issues.push({ field: label, message: `code ${c} appears twice` });
      seen.add(c);
    }
  }
  const out: AssignmentInput[] = [];
  const taken = new Map<string, number>();
  data.rules.forEach((rule, i) => {
    const where = `assignments.json:rules.${i}`;
    if (!providers.has(rule.provider)) issues.push({ field: `${where}.provider`, message: `unknown provider ${rule.provider}` });
    for (const s of rule.services)
      if (!services.has(s)) issues.push({ field: `${where}.services`, message: `unknown service ${s}` });
    let matched: string[];
    const sel = rule.entities;
    if ('codes' in sel) {
      for (const c of sel.codes)
        if (!entities.has(c)) issues.push({ field: `${where}.entities`, message: `unknown entity ${c}` });
      matched = sel.codes.filter((c) => entities.has(c));
    } else {
      const except = new Set(sel.except ?? []);
      matched = data.entities
        .filter((e) => {
          const st = stations.get(e.dutyStation);
          return (
            e.kind === sel.kind &&
            !except.has(e.code) &&
            (!sel.region || st?.region === sel.region) &&
            (!sel.countries || (st !== undefined && sel.countries.includes(st.country)))
          );
        })
        .map((e) => e.code);
    }
    if (matched.length === 0) issues.push({ field: `${where}.entities`, message: 'matches no entity' });
    for (const entity of matched) {
      for (const service of rule.services) {
        const key = `${entity}|${service}|${rule.from}`;
        const prior = taken.get(key);
        if (prior !== undefined) {
          issues.push({ field: where, message: `${entity} ${service} from ${rule.from} is also assigned by rules.${prior}` });
          continue;
        }
        taken.set(key, i);
        out.push({
          provider: rule.provider,
          entity,
          service,
          scope: rule.scope,
          effectiveFrom: rule.from,
          costRecovery: rule.costRecovery,
          basis: rule.basis,
          source: REFERENCE_SOURCE,
        });
      }
    }
  });
  if (issues.length) {
    throw new AppError(
      'REFERENCE_DATA_INVALID',
      `Reference data has ${issues.length} problem(s): ${issues
        .slice(0, 5)
        .map((i) => `${i.field}: ${i.message}`)
        .join('; ')}`,
      { issues },
    );
  }
  return out;
}

export interface ReferenceLoadReport {
  dutyStations: number;
  providers: number;
  entities: number;
  serviceLines: number;
  services: number;
  assignments: number;
}

/**
 * Loads (or reloads) the reference data into the database in one transaction: upserts the directory
 * and the catalogue, and replaces the assignments whose source is `reference`. Marks the database as loaded.
 * @throws AppError REFERENCE_DATA_INVALID (nothing written) when a file is invalid.
 */
export async function loadReferenceData(db: Kysely<Database>, dir: string = REFERENCE_DIR): Promise<ReferenceLoadReport> {
  const data = readReferenceData(dir);
  const countryNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const assignments = expandAssignments(data);
  await db.transaction().execute(async (trx) => {
    await upsertDutyStations(
      trx,
      data.dutyStations.map((s) => ({
        code: s.code,
        cityCode: s.code.slice(3),
        city: s.city,
        country: s.country,
        countryName: countryNames.of(s.country) ?? null,
        region: s.region,
        subregion: null,
        latitude: s.latitude,
        longitude: s.longitude,
        timeZone: s.timeZone,
        obsolete: false,
        source: REFERENCE_SOURCE,
        basis: s.basis,
      })),
    );
    await upsertProviders(trx, data.providers);
    await upsertClientEntities(trx, data.entities);
    await upsertCatalogue(
      trx,
      data.serviceLines.map((l, position) => ({ ...l, position })),
      data.services.map((s, position) => ({ ...s, position })),
    );
    await replaceAssignmentsOfSource(trx, REFERENCE_SOURCE, assignments);
    await trx
      .insertInto('meta')
      .values({ key: 'reference_loaded_at', value: new Date().toISOString() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: new Date().toISOString() }))
      .execute();
  });
  return {
    dutyStations: data.dutyStations.length,
    providers: data.providers.length,
    entities: data.entities.length,
    serviceLines: data.serviceLines.length,
    services: data.services.length,
    assignments: assignments.length,
  };
}

/** Whether the reference data has been loaded into this database. */
export async function isReferenceDataLoaded(db: Kysely<Database>): Promise<boolean> {
  const r = await db.selectFrom('meta').select('value').where('key', '=', 'reference_loaded_at').executeTakeFirst();
  return r !== undefined;
}
