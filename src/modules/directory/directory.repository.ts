/**
 * All SQL of the directory: duty stations, providers, client entities and the countries they cover.
 * Returns plain objects shaped by `directory.schema.ts`.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { containsPattern, fromJson } from '../../db/sql-helpers.ts';
import type { Database, LocalizedText } from '../../db/types.ts';
import { offsetOf, type Page } from '../../server/pagination.ts';
import type { ClientEntity, DutyStation, DutyStationQuery, EntityQuery, Provider, ProviderQuery } from './directory.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A duty station as written by the importers and the reference loader. */
export interface DutyStationInput {
  code: string;
  cityCode: string;
  city: string;
  country: string;
  countryName: string | null;
  region: string | null;
  subregion: string | null;
  latitude: number | null;
  longitude: number | null;
  timeZone: string | null;
  obsolete: boolean;
  source: string;
  basis: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: row shape from a join
function toDutyStation(r: any): DutyStation {
  return {
    code: r.code,
    cityCode: r.city_code,
    city: r.city,
    country: r.country,
    countryName: r.country_name,
    region: r.region,
    subregion: r.subregion,
    latitude: r.latitude,
    longitude: r.longitude,
    timeZone: r.time_zone,
    obsolete: r.obsolete,
    source: r.source,
    basis: r.basis,
  };
}

/** Inserts or updates duty stations by code, in batches of 500 rows. Returns the number written. */
export async function upsertDutyStations(db: Db, rows: DutyStationInput[]): Promise<number> {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500).map((r) => ({
      code: r.code,
      city_code: r.cityCode,
      city: r.city,
      country: r.country,
      country_name: r.countryName,
      region: r.region,
      subregion: r.subregion,
      latitude: r.latitude,
      longitude: r.longitude,
      time_zone: r.timeZone,
      obsolete: r.obsolete,
      source: r.source,
      basis: r.basis,
    }));
    await db
      .insertInto('duty_stations')
      .values(batch)
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          city_code: eb.ref('excluded.city_code'),
          city: eb.ref('excluded.city'),
          country: eb.ref('excluded.country'),
          country_name: sql`coalesce(excluded.country_name, duty_stations.country_name)`,
          region: eb.ref('excluded.region'),
          subregion: sql`coalesce(excluded.subregion, duty_stations.subregion)`,
          latitude: eb.ref('excluded.latitude'),
          longitude: eb.ref('excluded.longitude'),
          time_zone: eb.ref('excluded.time_zone'),
          obsolete: eb.ref('excluded.obsolete'),
          source: eb.ref('excluded.source'),
          basis: sql`coalesce(excluded.basis, duty_stations.basis)`,
          updated_at: sql`now()`,
        })),
      )
      .execute();
  }
  return rows.length;
}

/** Counts duty stations (all, including obsolete ones). */
export async function countDutyStations(db: Db): Promise<number> {
  const r = await db.selectFrom('duty_stations').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Lists duty stations with search, filters, sort and pagination. */
export async function findDutyStations(db: Db, q: DutyStationQuery): Promise<Page<DutyStation>> {
  let query = db.selectFrom('duty_stations');
  if (q.q) {
    const p = containsPattern(q.q);
    query = query.where((eb) => eb.or([eb('code', 'ilike', p), eb('city', 'ilike', p), eb('country_name', 'ilike', p)]));
  }
  if (q.country) query = query.where('country', '=', q.country.toUpperCase());
  if (q.region) query = query.where('region', '=', q.region);
  if (q.includeObsolete !== 'true') query = query.where('obsolete', '=', false);
  const total = await query.select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const sortColumn = q.sort === 'city' ? 'city' : q.sort === 'country' ? 'country' : q.sort === 'region' ? 'region' : 'code';
  const rows = await query
    .selectAll()
    .orderBy(sortColumn, q.order)
    .orderBy('code', 'asc')
    .limit(q.pageSize)
    .offset(offsetOf(q))
    .execute();
  return { items: rows.map(toDutyStation), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

/** One duty station by code, or undefined. */
export async function findDutyStation(db: Db, code: string): Promise<DutyStation | undefined> {
  const r = await db.selectFrom('duty_stations').selectAll().where('code', '=', code).executeTakeFirst();
  return r ? toDutyStation(r) : undefined;
}

/** Codes of the duty stations among `codes` that exist. */
export async function existingDutyStationCodes(db: Db, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('duty_stations').select('code').where('code', 'in', codes).execute();
  return new Set(rows.map((r) => r.code));
}

const stationRef = [
  'ds.code as ds_code',
  'ds.city as ds_city',
  'ds.country as ds_country',
  'ds.region as ds_region',
  'ds.latitude as ds_latitude',
  'ds.longitude as ds_longitude',
  'ds.time_zone as ds_time_zone',
] as const;

// biome-ignore lint/suspicious/noExplicitAny: row shape from a join
function toStationRef(r: any) {
  return {
    code: r.ds_code,
    city: r.ds_city,
    country: r.ds_country,
    region: r.ds_region,
    latitude: r.ds_latitude,
    longitude: r.ds_longitude,
    timeZone: r.ds_time_zone,
  };
}

/** Provider rows as written by the reference loader. */
export interface ProviderInput {
  code: string;
  name: LocalizedText;
  kind: string;
  dutyStation: string;
  basis: string;
}

/** Inserts or updates providers by code. */
export async function upsertProviders(db: Db, rows: ProviderInput[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('providers')
    .values(
      rows.map((r) => ({
        code: r.code,
        name: JSON.stringify(r.name),
        kind: r.kind,
        duty_station_code: r.dutyStation,
        basis: r.basis,
      })),
    )
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        kind: eb.ref('excluded.kind'),
        duty_station_code: eb.ref('excluded.duty_station_code'),
        basis: eb.ref('excluded.basis'),
      })),
    )
    .execute();
}

/** Lists providers with search, filter, sort and pagination. */
export async function findProviders(db: Db, q: ProviderQuery): Promise<Page<Provider>> {
  let query = db.selectFrom('providers as p').innerJoin('duty_stations as ds', 'ds.code', 'p.duty_station_code');
  if (q.q) {
    const pat = containsPattern(q.q);
    query = query.where((eb) => eb.or([eb('p.code', 'ilike', pat), eb(sql<string>`p.name::text`, 'ilike', pat)]));
  }
  if (q.kind) query = query.where('p.kind', '=', q.kind);
  const total = await query.select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .select(['p.code', 'p.name', 'p.kind', 'p.basis', ...stationRef])
    .orderBy(q.sort === 'kind' ? 'p.kind' : 'p.code', q.order)
    .orderBy('p.code', 'asc')
    .limit(q.pageSize)
    .offset(offsetOf(q))
    .execute();
  return {
    items: rows.map((r) => ({
      code: r.code,
      name: fromJson<LocalizedText>(r.name),
      kind: r.kind as Provider['kind'],
      basis: r.basis,
      dutyStation: toStationRef(r),
    })) as Provider[],
    total: Number(total.n),
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** One provider by code, or undefined. */
export async function findProvider(db: Db, code: string): Promise<Provider | undefined> {
  const page = await findProvidersByCodes(db, [code]);
  return page[0];
}

/** Providers with the given codes (any order). */
export async function findProvidersByCodes(db: Db, codes: string[]): Promise<Provider[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('providers as p')
    .innerJoin('duty_stations as ds', 'ds.code', 'p.duty_station_code')
    .select(['p.code', 'p.name', 'p.kind', 'p.basis', ...stationRef])
    .where('p.code', 'in', codes)
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: fromJson<LocalizedText>(r.name),
    kind: r.kind,
    basis: r.basis,
    dutyStation: toStationRef(r),
  })) as Provider[];
}

/** Client-entity rows as written by the reference loader. */
export interface ClientEntityInput {
  code: string;
  name: LocalizedText;
  kind: string;
  dutyStation: string;
  countries: string[];
  basis: string;
}

/** Inserts or updates client entities by code and replaces the countries each covers. */
export async function upsertClientEntities(db: Db, rows: ClientEntityInput[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const batch = rows.slice(i, i + 200);
    await db
      .insertInto('client_entities')
      .values(
        batch.map((r) => ({
          code: r.code,
          name: JSON.stringify(r.name),
          kind: r.kind,
          duty_station_code: r.dutyStation,
          basis: r.basis,
        })),
      )
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          kind: eb.ref('excluded.kind'),
          duty_station_code: eb.ref('excluded.duty_station_code'),
          basis: eb.ref('excluded.basis'),
        })),
      )
      .execute();
    const codes = batch.map((r) => r.code);
    await db.deleteFrom('entity_countries').where('entity_code', 'in', codes).execute();
    const countries = batch.flatMap((r) => [...new Set(r.countries)].map((c) => ({ entity_code: r.code, country: c })));
    if (countries.length) await db.insertInto('entity_countries').values(countries).execute();
  }
}

function entityQuery(db: Db) {
  return db
    .selectFrom('client_entities as e')
    .innerJoin('duty_stations as ds', 'ds.code', 'e.duty_station_code')
    .select([
      'e.code',
      'e.name',
      'e.kind',
      'e.basis',
      ...stationRef,
      sql<
        string[]
      >`coalesce((select array_agg(ec.country order by ec.country) from entity_countries ec where ec.entity_code = e.code), '{}')`.as(
        'countries',
      ),
    ]);
}

// biome-ignore lint/suspicious/noExplicitAny: row shape from a join
function toEntity(r: any): ClientEntity {
  return {
    code: r.code,
    name: fromJson<LocalizedText>(r.name) as ClientEntity['name'],
    kind: r.kind,
    basis: r.basis,
    dutyStation: toStationRef(r),
    countries: r.countries ?? [],
  };
}

/** Lists client entities with search, filters (kind, covered country, region), sort and pagination. */
export async function findClientEntities(db: Db, q: EntityQuery): Promise<Page<ClientEntity>> {
  let base = db.selectFrom('client_entities as e').innerJoin('duty_stations as ds', 'ds.code', 'e.duty_station_code');
  if (q.q) {
    const pat = containsPattern(q.q);
    base = base.where((eb) => eb.or([eb('e.code', 'ilike', pat), eb(sql<string>`e.name::text`, 'ilike', pat)]));
  }
  if (q.kind) base = base.where('e.kind', '=', q.kind);
  if (q.region) base = base.where('ds.region', '=', q.region);
  if (q.country) {
    const c = q.country.toUpperCase();
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom('entity_countries as ec')
          .select('ec.country')
          .whereRef('ec.entity_code', '=', 'e.code')
          .where('ec.country', '=', c),
      ),
    );
  }
  const total = await base.select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const codes = await base
    .select('e.code')
    .orderBy(q.sort === 'kind' ? 'e.kind' : 'e.code', q.order)
    .orderBy('e.code', 'asc')
    .limit(q.pageSize)
    .offset(offsetOf(q))
    .execute();
  const byCode = new Map(
    (
      await findClientEntitiesByCodes(
        db,
        codes.map((c) => c.code),
      )
    ).map((e) => [e.code, e]),
  );
  return {
    items: codes.map((c) => byCode.get(c.code)).filter((e): e is ClientEntity => e !== undefined),
    total: Number(total.n),
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** Client entities with the given codes (any order). */
export async function findClientEntitiesByCodes(db: Db, codes: string[]): Promise<ClientEntity[]> {
  if (codes.length === 0) return [];
  const rows = await entityQuery(db).where('e.code', 'in', codes).execute();
  return rows.map(toEntity);
}

/** One client entity by code, or undefined. */
export async function findClientEntity(db: Db, code: string): Promise<ClientEntity | undefined> {
  return (await findClientEntitiesByCodes(db, [code]))[0];
}

/** Counts of client entities by kind, and distinct countries covered (for the fidelity report). */
export async function summarizeClientEntities(db: Db): Promise<{
  byKind: Record<string, number>;
  total: number;
  countriesCovered: number;
  rcoCountriesCovered: number;
  dutyStationCountries: number;
}> {
  const kinds = await db
    .selectFrom('client_entities')
    .select(['kind', db.fn.countAll<string>().as('n')])
    .groupBy('kind')
    .execute();
  const byKind = Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]));
  const covered = await db
    .selectFrom('entity_countries')
    .select(sql<string>`count(distinct country)`.as('n'))
    .executeTakeFirstOrThrow();
  const rco = await db
    .selectFrom('entity_countries as ec')
    .innerJoin('client_entities as e', 'e.code', 'ec.entity_code')
    .where('e.kind', '=', 'resident-coordinator-office')
    .select(sql<string>`count(distinct ec.country)`.as('n'))
    .executeTakeFirstOrThrow();
  const stations = await db
    .selectFrom('client_entities as e')
    .innerJoin('duty_stations as ds', 'ds.code', 'e.duty_station_code')
    .select(sql<string>`count(distinct ds.country)`.as('n'))
    .executeTakeFirstOrThrow();
  return {
    byKind,
    total: Object.values(byKind).reduce((a, b) => a + b, 0),
    countriesCovered: Number(covered.n),
    rcoCountriesCovered: Number(rco.n),
    dutyStationCountries: Number(stations.n),
  };
}
