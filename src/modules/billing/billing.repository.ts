/**
 * All SQL of cost recovery: price lists, usage records, headcounts, the facts a billing run reads (cases,
 * assignments, agreement versions, breached clocks), runs, statements, lines and notes. Money and
 * quantities are PostgreSQL `numeric`, always read as text (`::text`) so no value passes through a float.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { offsetOf, type Page } from '../../server/pagination.ts';
import { type RecordScope, scopeWhere } from '../agreements/record-scope.ts';
import { findVersionsInForceDuring } from '../agreements/sla-agreements.repository.ts';
import type {
  BillingRun,
  HeadcountInput,
  PriceList,
  PriceListInput,
  PriceListQuery,
  StatementLine,
  StatementQuery,
  StatementSummary,
} from './billing.schema.ts';
import type { BillingFacts, ComputedStatement } from './billing-run.ts';

type Db = Kysely<Database> | Transaction<Database>;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

function priceSelect(db: Db) {
  return db
    .selectFrom('price_lists as pl')
    .innerJoin('services as s', 's.code', 'pl.service_code')
    .select([
      'pl.id',
      'pl.provider_code',
      'pl.service_code',
      's.unit',
      'pl.basis',
      sql<string>`pl.unit_price::text`.as('unit_price'),
      'pl.currency',
      'pl.effective_from',
      'pl.effective_to',
      'pl.note',
    ]);
}

// biome-ignore lint/suspicious/noExplicitAny: row of a join
function toPriceList(r: any): PriceList {
  return {
    id: r.id,
    provider: r.provider_code,
    service: r.service_code,
    serviceUnit: r.unit,
    basis: r.basis,
    unitPrice: r.unit_price,
    currency: r.currency,
    effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to,
    note: r.note,
  };
}

/**
 * Price lists visible to a scope: a provider's staff see their provider's; an entity's staff those of the
 * providers assigned to serve their entity (at any date); Secretariat-wide roles all.
 */
export async function findPriceLists(db: Db, scope: RecordScope, q: PriceListQuery): Promise<Page<PriceList>> {
  let query = priceSelect(db);
  if (scope.provider !== undefined) query = query.where('pl.provider_code', '=', scope.provider);
  if (scope.entity !== undefined) {
    const entity = scope.entity;
    query = query.where('pl.provider_code', 'in', (eb) =>
      eb.selectFrom('assignments').select('provider_code').where('entity_code', '=', entity),
    );
  }
  if (scope.none) query = query.where(sql<boolean>`false`);
  if (q.provider) query = query.where('pl.provider_code', '=', q.provider);
  if (q.service) query = query.where('pl.service_code', '=', q.service);
  if (q.on) {
    const on = q.on;
    query = query
      .where('pl.effective_from', '<=', on)
      .where((eb) => eb.or([eb('pl.effective_to', 'is', null), eb('pl.effective_to', '>', on)]));
  }
  const total = await query.clearSelect().select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .orderBy('pl.provider_code')
    .orderBy('pl.service_code')
    .orderBy('pl.effective_from', q.order === 'desc' ? 'desc' : 'asc')
    .limit(q.pageSize)
    .offset(offsetOf(q))
    .execute();
  return { items: rows.map(toPriceList), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

/** One price list, or undefined. */
export async function findPriceList(db: Db, id: number): Promise<PriceList | undefined> {
  const r = await priceSelect(db).where('pl.id', '=', id).executeTakeFirst();
  return r ? toPriceList(r) : undefined;
}

/** Price lists of (provider, service) whose period overlaps [from, to), locked; `exceptId` left out. */
export async function findOverlappingPrices(
  db: Db,
  provider: string,
  service: string,
  from: string,
  to: string | null,
  exceptId?: number,
): Promise<PriceList[]> {
  // Lock the pair's rows so two concurrent inserts cannot both pass the check.
  await db
    .selectFrom('price_lists')
    .select('id')
    .where('provider_code', '=', provider)
    .where('service_code', '=', service)
    .forUpdate()
    .execute();
  let q = priceSelect(db)
    .where('pl.provider_code', '=', provider)
    .where('pl.service_code', '=', service)
    .where((eb) => eb.or([eb('pl.effective_to', 'is', null), eb('pl.effective_to', '>', from)]));
  if (to !== null) q = q.where('pl.effective_from', '<', to);
  if (exceptId !== undefined) q = q.where('pl.id', '<>', exceptId);
  return (await q.orderBy('pl.effective_from').execute()).map(toPriceList);
}

/** Inserts a price list. */
export async function insertPriceList(db: Db, p: PriceListInput, createdBy: number, at: Date): Promise<number> {
  const r = await db
    .insertInto('price_lists')
    .values({
      provider_code: p.provider,
      service_code: p.service,
      basis: p.basis,
      unit_price: p.unitPrice,
      currency: p.currency,
      effective_from: p.effectiveFrom,
      effective_to: p.effectiveTo,
      note: p.note ?? null,
      created_by: createdBy,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Sets the exclusive end of a price list. */
export async function setPriceListEnd(db: Db, id: number, to: string | null): Promise<void> {
  await db.updateTable('price_lists').set({ effective_to: to }).where('id', '=', id).execute();
}

/** The id of a case by reference, or undefined. */
export async function findCaseIdByReference(db: Db, reference: string) {
  return db
    .selectFrom('cases')
    .select(['id', 'entity_code', 'provider_code', 'service_code'])
    .where('reference', '=', reference)
    .executeTakeFirst();
}

/** Inserts a usage record. */
export async function insertUsage(
  db: Db,
  u: {
    provider: string;
    entity: string;
    service: string;
    caseId: string | null;
    onDate: string;
    quantity: string;
    note: string | null;
  },
  by: number,
  at: Date,
): Promise<string> {
  const r = await db
    .insertInto('usage_records')
    .values({
      provider_code: u.provider,
      entity_code: u.entity,
      service_code: u.service,
      case_id: u.caseId,
      on_date: u.onDate,
      quantity: u.quantity,
      note: u.note,
      recorded_by: by,
      recorded_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(r.id);
}

/** Records (or replaces) an entity's staff headcount for a month. */
export async function upsertHeadcount(db: Db, h: HeadcountInput, by: number, at: Date): Promise<void> {
  await db
    .insertInto('entity_headcounts')
    .values({ entity_code: h.entity, month: h.month, staff: h.staff, recorded_by: by, recorded_at: at })
    .onConflict((oc) => oc.columns(['entity_code', 'month']).doUpdateSet({ staff: h.staff, recorded_by: by, recorded_at: at }))
    .execute();
}

/** Reads every fact a billing run of [from, to) needs (see billing-run.ts). */
export async function loadBillingFacts(db: Db, period: string, from: string, to: string): Promise<BillingFacts> {
  const [prices, cases, usage, headcounts, assignments, agreements] = await Promise.all([
    db
      .selectFrom('price_lists')
      .select([
        'id',
        'provider_code',
        'service_code',
        'basis',
        sql<string>`unit_price::text`.as('unit_price'),
        'effective_from',
        'effective_to',
      ])
      .where('effective_from', '<', to)
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', from)]))
      .orderBy('id')
      .execute(),
    db
      .selectFrom('cases')
      .select([
        'id',
        'reference',
        'provider_code',
        'entity_code',
        'service_code',
        'priority',
        'title',
        sql<string>`to_char(resolved_at at time zone 'UTC', 'YYYY-MM-DD')`.as('resolved_on'),
      ])
      .where('provider_code', 'is not', null)
      .where('parent_case_id', 'is', null)
      .where('state', 'in', ['resolved', 'closed'])
      .where('resolved_at', '>=', new Date(`${from}T00:00:00Z`))
      .where('resolved_at', '<', new Date(`${to}T00:00:00Z`))
      .orderBy('reference')
      .execute(),
    db
      .selectFrom('usage_records as u')
      .leftJoin('cases as c', 'c.id', 'u.case_id')
      .select([
        'u.id',
        'u.provider_code',
        'u.entity_code',
        'u.service_code',
        'u.case_id',
        'c.reference',
        'u.on_date',
        sql<string>`u.quantity::text`.as('quantity'),
      ])
      .where('u.on_date', '>=', from)
      .where('u.on_date', '<', to)
      .orderBy('u.id')
      .execute(),
    db.selectFrom('entity_headcounts').select(['entity_code', 'staff']).where('month', '=', period).execute(),
    db
      .selectFrom('assignments')
      .select(['provider_code', 'entity_code', 'service_code', 'effective_from', 'effective_to', 'cost_recovery'])
      .where('effective_from', '<', to)
      .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>', from)]))
      .orderBy('entity_code')
      .orderBy('service_code')
      .orderBy('effective_from')
      .execute(),
    findVersionsInForceDuring(db, from, to),
  ]);
  const caseIds = cases.map((c) => String(c.id));
  const breaches = new Set<string>();
  for (let i = 0; i < caseIds.length; i += 1000) {
    const rows = await db
      .selectFrom('case_sla_clocks')
      .select(['case_id', 'provider_code', 'metric'])
      .where('scope', '=', 'segment')
      .where('state', '=', 'breached')
      .where('case_id', 'in', caseIds.slice(i, i + 1000))
      .execute();
    for (const r of rows) breaches.add(`${r.case_id}/${r.provider_code}/${r.metric}`);
  }
  return {
    period,
    prices: prices.map((p) => ({
      id: p.id,
      provider: p.provider_code,
      service: p.service_code,
      basis: p.basis,
      unitPrice: p.unit_price,
      from: p.effective_from,
      to: p.effective_to,
    })),
    cases: cases.map((c) => ({
      id: String(c.id),
      reference: c.reference,
      provider: c.provider_code as string,
      entity: c.entity_code,
      service: c.service_code,
      priority: c.priority,
      resolvedOn: c.resolved_on,
      title: c.title,
    })),
    usage: usage.map((u) => ({
      id: String(u.id),
      provider: u.provider_code,
      entity: u.entity_code,
      service: u.service_code,
      caseId: u.case_id === null ? null : String(u.case_id),
      caseReference: u.reference ?? null,
      onDate: u.on_date,
      quantity: u.quantity,
    })),
    headcounts: new Map(headcounts.map((h) => [h.entity_code, h.staff])),
    assignments: assignments.map((a) => ({
      provider: a.provider_code,
      entity: a.entity_code,
      service: a.service_code,
      from: a.effective_from,
      to: a.effective_to,
      costRecovery: a.cost_recovery,
    })),
    agreements: agreements.map((a) => ({
      reference: a.reference,
      versionId: a.versionId,
      version: a.version,
      provider: a.provider,
      entity: a.entity,
      from: a.effectiveFrom,
      to: a.effectiveTo,
      annex: a.annex,
    })),
    breaches,
  };
}

export interface RunRow {
  id: number;
  period: string;
  state: 'open' | 'closed';
  contentHash: string;
  runs: number;
  computedAt: string;
  closedAt: string | null;
}

/** The run of a period (locked with `forUpdate`), or undefined. */
export async function findRunByPeriod(db: Db, period: string, forUpdate = false): Promise<RunRow | undefined> {
  let q = db.selectFrom('billing_runs').selectAll().where('period', '=', period);
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toRunRow(r) : undefined;
}

/** The run by id (locked with `forUpdate`), or undefined. */
export async function findRunRow(db: Db, id: number, forUpdate = false): Promise<RunRow | undefined> {
  let q = db.selectFrom('billing_runs').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toRunRow(r) : undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: billing_runs row
function toRunRow(r: any): RunRow {
  return {
    id: r.id,
    period: r.period,
    state: r.state,
    contentHash: r.content_hash,
    runs: r.runs,
    computedAt: new Date(r.computed_at).toISOString(),
    closedAt: iso(r.closed_at),
  };
}

/** Inserts an open run of a period. */
export async function insertRun(db: Db, period: string, hash: string, by: number, at: Date): Promise<number> {
  const r = await db
    .insertInto('billing_runs')
    .values({ period, state: 'open', content_hash: hash, runs: 1, created_by: by, created_at: at, computed_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Records a re-computation of an open run. */
export async function markRunComputed(db: Db, id: number, hash: string, runs: number, at: Date): Promise<void> {
  await db.updateTable('billing_runs').set({ content_hash: hash, runs, computed_at: at }).where('id', '=', id).execute();
}

/** Closes a run. */
export async function markRunClosed(db: Db, id: number, by: number, at: Date): Promise<void> {
  await db.updateTable('billing_runs').set({ state: 'closed', closed_by: by, closed_at: at }).where('id', '=', id).execute();
}

/** Deletes the statements and lines of an open run (the database refuses it for a closed one). */
export async function deleteStatementsOfRun(db: Db, runId: number): Promise<void> {
  const ids = (await db.selectFrom('statements').select('id').where('run_id', '=', runId).execute()).map((r) => r.id);
  if (ids.length === 0) return;
  await db.deleteFrom('statement_lines').where('statement_id', 'in', ids).execute();
  await db.deleteFrom('statements').where('id', 'in', ids).execute();
}

/** Writes the computed statements of a run (numbers `ST-<period>-<entity>-<provider>`). */
export async function insertStatements(db: Db, runId: number, period: string, statements: ComputedStatement[]): Promise<void> {
  for (const s of statements) {
    const st = await db
      .insertInto('statements')
      .values({
        run_id: runId,
        number: `ST-${period}-${s.entity}-${s.provider}`,
        entity_code: s.entity,
        provider_code: s.provider,
        currency: 'USD',
        total: s.total,
        line_count: s.lines.length,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < s.lines.length; i += 500) {
      await db
        .insertInto('statement_lines')
        .values(
          s.lines.slice(i, i + 500).map((l, j) => ({
            statement_id: st.id,
            position: i + j + 1,
            kind: l.kind,
            service_code: l.service,
            basis: l.basis,
            case_id: l.caseId,
            case_reference: l.caseReference,
            usage_record_id: l.usageRecordId,
            price_list_id: l.priceListId,
            agreement_version_id: l.agreementVersionId,
            description: l.description,
            quantity: l.quantity,
            unit_price: l.unitPrice,
            amount: l.amount,
          })),
        )
        .execute();
    }
  }
}

/** Runs, newest first, each with the number and total of the statements visible in `scope`. */
export async function findRuns(db: Db, scope: RecordScope): Promise<BillingRun[]> {
  const rows = await db
    .selectFrom('billing_runs as r')
    .leftJoin('statements as s', (j) =>
      j.onRef('s.run_id', '=', 'r.id').on(scopeWhere(scope, 's.provider_code', 's.entity_code')),
    )
    .select([
      'r.id',
      'r.period',
      'r.state',
      'r.runs',
      'r.computed_at',
      'r.closed_at',
      sql<string>`count(s.id)`.as('statements'),
      sql<string>`coalesce(sum(s.total), 0)::text`.as('total'),
    ])
    .groupBy('r.id')
    .orderBy('r.period', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    period: r.period,
    state: r.state,
    runs: r.runs,
    computedAt: new Date(r.computed_at).toISOString(),
    closedAt: iso(r.closed_at),
    statements: Number(r.statements),
    total: r.total,
  }));
}

function statementSelect(db: Db) {
  return db
    .selectFrom('statements as s')
    .innerJoin('billing_runs as r', 'r.id', 's.run_id')
    .select([
      's.id',
      's.number',
      'r.period',
      'r.state as run_state',
      's.entity_code',
      's.provider_code',
      's.currency',
      sql<string>`s.total::text`.as('total'),
      's.line_count',
      sql<string>`coalesce((select sum(case when n.kind = 'debit' then n.amount else -n.amount end) from billing_notes n where n.statement_id = s.id), 0)::text`.as(
        'notes_total',
      ),
    ]);
}

// biome-ignore lint/suspicious/noExplicitAny: row of a join
function toSummary(r: any): StatementSummary {
  return {
    id: r.id,
    number: r.number,
    period: r.period,
    runState: r.run_state,
    entity: r.entity_code,
    provider: r.provider_code,
    currency: r.currency,
    total: r.total,
    lineCount: r.line_count,
    notesTotal: r.notes_total,
  };
}

/** Statements visible in `scope`, by entity then provider. */
export async function findStatements(db: Db, scope: RecordScope, q: StatementQuery): Promise<Page<StatementSummary>> {
  let query = statementSelect(db).where(scopeWhere(scope, 's.provider_code', 's.entity_code'));
  if (q.run) query = query.where('s.run_id', '=', q.run);
  if (q.entity) query = query.where('s.entity_code', '=', q.entity);
  if (q.provider) query = query.where('s.provider_code', '=', q.provider);
  const total = await query.clearSelect().select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .orderBy('r.period', 'desc')
    .orderBy('s.entity_code')
    .orderBy('s.provider_code')
    .limit(q.pageSize)
    .offset(offsetOf(q))
    .execute();
  return { items: rows.map(toSummary), total: Number(total.n), page: q.page, pageSize: q.pageSize };
}

/** One statement's summary, or undefined. */
export async function findStatementSummary(db: Db, id: number): Promise<StatementSummary | undefined> {
  const r = await statementSelect(db).where('s.id', '=', id).executeTakeFirst();
  return r ? toSummary(r) : undefined;
}

/** The lines of statements, in order (with the statement id). */
export async function findLines(db: Db, statementIds: number[]): Promise<Array<StatementLine & { statementId: number }>> {
  if (statementIds.length === 0) return [];
  const rows = await db
    .selectFrom('statement_lines as l')
    .leftJoin('agreement_versions as v', 'v.id', 'l.agreement_version_id')
    .leftJoin('agreements as a', 'a.id', 'v.agreement_id')
    .select([
      'l.statement_id',
      'l.position',
      'l.kind',
      'l.service_code',
      'l.basis',
      'l.case_reference',
      'l.description',
      sql<string>`l.quantity::text`.as('quantity'),
      sql<string>`l.unit_price::text`.as('unit_price'),
      sql<string>`l.amount::text`.as('amount'),
      'a.reference as agreement_reference',
      'v.version as agreement_version',
    ])
    .where('l.statement_id', 'in', statementIds)
    .orderBy('l.statement_id')
    .orderBy('l.position')
    .execute();
  return rows.map((r) => ({
    statementId: r.statement_id,
    position: r.position,
    kind: r.kind,
    service: r.service_code,
    basis: r.basis,
    caseReference: r.case_reference,
    description: r.description,
    quantity: r.quantity,
    unitPrice: r.unit_price,
    amount: r.amount,
    agreement: r.agreement_reference ? `${r.agreement_reference} v${r.agreement_version}` : null,
  }));
}

/** The credit and debit notes of a statement, oldest first. */
export async function findNotes(db: Db, statementId: number) {
  const rows = await db
    .selectFrom('billing_notes as n')
    .leftJoin('cases as c', 'c.id', 'n.case_id')
    .select(['n.id', 'n.number', 'n.kind', sql<string>`n.amount::text`.as('amount'), 'n.reason', 'c.reference', 'n.created_at'])
    .where('n.statement_id', '=', statementId)
    .orderBy('n.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    kind: r.kind,
    amount: r.amount,
    reason: r.reason,
    caseReference: r.reference ?? null,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Inserts a credit or debit note numbered `CN-`/`DN-` + a 6-digit sequence. */
export async function insertNote(
  db: Db,
  n: { statementId: number; kind: 'credit' | 'debit'; amount: string; reason: string; caseId: string | null },
  by: number,
  at: Date,
): Promise<string> {
  const r = await db
    .insertInto('billing_notes')
    .values({
      number: `pending-${Math.random().toString(36).slice(2)}`,
      statement_id: n.statementId,
      kind: n.kind,
      amount: n.amount,
      reason: n.reason,
      case_id: n.caseId,
      created_by: by,
      created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const number = `${n.kind === 'credit' ? 'CN' : 'DN'}-${String(r.id).padStart(6, '0')}`;
  await db.updateTable('billing_notes').set({ number }).where('id', '=', r.id).execute();
  return number;
}
