/** All SQL of the service catalogue. */
import { type Kysely, sql, type Transaction } from 'kysely';
import { containsPattern, fromJson } from '../../db/sql-helpers.ts';
import type { Database, LocalizedText } from '../../db/types.ts';
import { offsetOf, type Page } from '../../server/pagination.ts';
import type { Service, ServiceLine, ServiceQuery } from './catalogue.schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface ServiceLineInput {
  code: string;
  name: LocalizedText;
  position: number;
  basis: string;
}

export interface ServiceInput {
  code: string;
  serviceLine: string;
  name: LocalizedText;
  description: LocalizedText;
  delivery: 'remote' | 'on-site';
  unit: string;
  position: number;
  basis: string;
  formFields?: unknown[];
}

/** Inserts or updates service lines and services by code. */
export async function upsertCatalogue(db: Db, lines: ServiceLineInput[], services: ServiceInput[]): Promise<void> {
  if (lines.length) {
    await db
      .insertInto('service_lines')
      .values(lines.map((l) => ({ code: l.code, name: JSON.stringify(l.name), position: l.position, basis: l.basis })))
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          position: eb.ref('excluded.position'),
          basis: eb.ref('excluded.basis'),
        })),
      )
      .execute();
  }
  if (services.length) {
    await db
      .insertInto('services')
      .values(
        services.map((s) => ({
          code: s.code,
          service_line_code: s.serviceLine,
          name: JSON.stringify(s.name),
          description: JSON.stringify(s.description),
          delivery: s.delivery,
          unit: s.unit,
          position: s.position,
          basis: s.basis,
          form_fields: JSON.stringify(s.formFields ?? []),
        })),
      )
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          service_line_code: eb.ref('excluded.service_line_code'),
          name: eb.ref('excluded.name'),
          description: eb.ref('excluded.description'),
          delivery: eb.ref('excluded.delivery'),
          unit: eb.ref('excluded.unit'),
          position: eb.ref('excluded.position'),
          basis: eb.ref('excluded.basis'),
          form_fields: eb.ref('excluded.form_fields'),
        })),
      )
      .execute();
  }
}

/** All service lines in catalogue order, with their number of services. */
export async function findServiceLines(db: Db): Promise<ServiceLine[]> {
  const rows = await db
    .selectFrom('service_lines as l')
    .select([
      'l.code',
      'l.name',
      'l.basis',
      sql<string>`(select count(*) from services s where s.service_line_code = l.code)`.as('n'),
    ])
    .orderBy('l.position')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: fromJson<ServiceLine['name']>(r.name),
    basis: r.basis,
    serviceCount: Number(r.n),
  }));
}

function serviceSelect(db: Db) {
  return db
    .selectFrom('services as s')
    .innerJoin('service_lines as l', 'l.code', 's.service_line_code')
    .select([
      's.code',
      's.name',
      's.description',
      's.delivery',
      's.unit',
      's.basis',
      's.form_fields',
      'l.code as line_code',
      'l.name as line_name',
    ]);
}

// biome-ignore lint/suspicious/noExplicitAny: row shape from a join
function toService(r: any): Service {
  return {
    code: r.code,
    name: fromJson(r.name),
    description: fromJson(r.description),
    delivery: r.delivery,
    unit: r.unit,
    formFields: fromJson(r.form_fields) ?? [],
    basis: r.basis,
    serviceLine: { code: r.line_code, name: fromJson(r.line_name) },
  };
}

/** Lists services with search (any language), filters, sort and pagination. */
export async function findServices(db: Db, q: ServiceQuery): Promise<Page<Service>> {
  let query = serviceSelect(db);
  if (q.q) {
    const p = containsPattern(q.q);
    query = query.where((eb) =>
      eb.or([
        eb('s.code', 'ilike', p),
        eb(sql<string>`s.name::text`, 'ilike', p),
        eb(sql<string>`s.description::text`, 'ilike', p),
      ]),
    );
  }
  if (q.serviceLine) query = query.where('s.service_line_code', '=', q.serviceLine);
  if (q.delivery) query = query.where('s.delivery', '=', q.delivery);
  const total = await query.clearSelect().select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const ordered =
    q.sort === 'code' ? query.orderBy('s.code', q.order) : query.orderBy('l.position', q.order).orderBy('s.position', q.order);
  const rows = await ordered.limit(q.pageSize).offset(offsetOf(q)).execute();
  return { items: rows.map(toService), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

/** One service by code, or undefined. */
export async function findService(db: Db, code: string): Promise<Service | undefined> {
  const r = await serviceSelect(db).where('s.code', '=', code).executeTakeFirst();
  return r ? toService(r) : undefined;
}

/** Every service, in catalogue order (for `meridian catalogue list`). */
export async function findAllServices(db: Db): Promise<Service[]> {
  const rows = await serviceSelect(db).orderBy('l.position').orderBy('s.position').execute();
  return rows.map(toService);
}
