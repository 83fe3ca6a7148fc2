/**
 * Cost recovery (paras 15, 22, 24): price lists per provider, service and period (no two periods of a
 * provider's service overlap), usage and headcounts, and billing runs per month. A run computes the
 * statements of an open month from the recorded facts (billing-run.ts); re-running an open month with the
 * same facts writes nothing; a closed month never changes (refused here and by a database trigger), and
 * corrections are credit or debit notes on its statements. Every change is one transaction with an audit
 * event.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { inScope, recordScopeOf } from '../agreements/record-scope.ts';
import { findService } from '../catalogue/catalogue.repository.ts';
import { findClientEntity, findProvider } from '../directory/directory.repository.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import {
  deleteStatementsOfRun,
  findCaseIdByReference,
  findLines,
  findNotes,
  findOverlappingPrices,
  findPriceList,
  findPriceLists,
  findRunByPeriod,
  findRunRow,
  findRuns,
  findStatementSummary,
  findStatements,
  insertNote,
  insertPriceList,
  insertRun,
  insertStatements,
  insertUsage,
  loadBillingFacts,
  markRunClosed,
  markRunComputed,
  setPriceListEnd,
  upsertHeadcount,
} from './billing.repository.ts';
import type {
  BillingRun,
  HeadcountInput,
  NoteInput,
  PriceList,
  PriceListInput,
  PriceListQuery,
  Statement,
  StatementQuery,
  UsageInput,
} from './billing.schema.ts';
import { computeRun, periodBounds, totalOf } from './billing-run.ts';

type Db = Kysely<Database>;

const periodLabel = (p: { effectiveFrom: string; effectiveTo: string | null }) =>
  `${p.effectiveFrom} to ${p.effectiveTo ? `${p.effectiveTo} (exclusive)` : 'open end'}`;

/** Price lists the viewer may see. */
export async function listPriceLists(db: Db, viewer: User, q: PriceListQuery) {
  return findPriceLists(db, recordScopeOf(viewer), q);
}

/**
 * Adds a price list for a provider's service and period.
 * @throws AppError DIRECTORY_PROVIDER_NOT_FOUND, CATALOGUE_SERVICE_NOT_FOUND, PRICE_PERIOD_OVERLAP (naming
 *   the price list whose period overlaps).
 */
export async function createPriceList(db: Db, actor: User, input: PriceListInput, now = new Date()): Promise<PriceList> {
  if (!(await findProvider(db, input.provider))) {
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${input.provider}`, {
      issues: [{ field: 'provider', message: 'unknown provider' }],
    });
  }
  if (!(await findService(db, input.service))) {
    throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${input.service} in the catalogue`, {
      issues: [{ field: 'service', message: 'unknown service code' }],
    });
  }
  const id = await db.transaction().execute(async (trx) => {
    const overlaps = await findOverlappingPrices(trx, input.provider, input.service, input.effectiveFrom, input.effectiveTo);
    const first = overlaps[0];
    if (first) {
      throw new AppError(
        'PRICE_PERIOD_OVERLAP',
        `${input.provider}'s price for ${input.service} from ${periodLabel(input)} overlaps price list ${first.id} (${periodLabel(first)}); end that one first or start after it`,
        {
          issues: [{ field: 'effectiveFrom', message: `overlaps price list ${first.id}` }],
          details: { overlapping: overlaps.map((o) => o.id) },
        },
      );
    }
    const id = await insertPriceList(trx, input, actor.id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'billing.price-list-created',
      targetType: 'price-list',
      targetId: String(id),
      details: { ...input },
    });
    return id;
  });
  return (await findPriceList(db, id)) as PriceList;
}

/**
 * Sets (or clears) the exclusive end of a price list's period.
 * @throws AppError PRICE_LIST_NOT_FOUND, VALIDATION_FAILED (end not after start), PRICE_PERIOD_OVERLAP.
 */
export async function endPriceList(db: Db, actor: User, id: number, to: string | null): Promise<PriceList> {
  await db.transaction().execute(async (trx) => {
    const p = await findPriceList(trx, id);
    if (!p) throw new AppError('PRICE_LIST_NOT_FOUND', `No price list ${id}`);
    if (to !== null && to <= p.effectiveFrom) {
      throw new AppError('VALIDATION_FAILED', `The end ${to} must be after the start ${p.effectiveFrom}`, {
        issues: [{ field: 'effectiveTo', message: 'not after the start' }],
      });
    }
    const overlaps = await findOverlappingPrices(trx, p.provider, p.service, p.effectiveFrom, to, id);
    if (overlaps[0]) {
      throw new AppError(
        'PRICE_PERIOD_OVERLAP',
        `Price list ${id} would then overlap price list ${overlaps[0].id} (${periodLabel(overlaps[0])})`,
        {
          issues: [{ field: 'effectiveTo', message: `overlaps price list ${overlaps[0].id}` }],
          details: { overlapping: overlaps.map((o) => o.id) },
        },
      );
    }
    await setPriceListEnd(trx, id, to);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'billing.price-list-ended',
      targetType: 'price-list',
      targetId: String(id),
      details: { before: p.effectiveTo, after: to },
    });
  });
  return (await findPriceList(db, id)) as PriceList;
}

async function refuseClosedMonth(db: Kysely<Database> | Transaction<Database>, day: string, what: string): Promise<void> {
  const run = await findRunByPeriod(db, day.slice(0, 7));
  if (run?.state === 'closed') {
    throw new AppError(
      'BILLING_PERIOD_CLOSED',
      `${day.slice(0, 7)} is closed: ${what} cannot change its statements; issue a credit or debit note instead`,
      { issues: [{ field: 'onDate', message: 'in a closed period' }] },
    );
  }
}

/**
 * Records usage of a service in its unit of measure (billed per unit).
 * @throws AppError DIRECTORY_*_NOT_FOUND, CATALOGUE_SERVICE_NOT_FOUND, CASE_NOT_FOUND, VALIDATION_FAILED
 *   (the case is of another entity, provider or service), BILLING_PERIOD_CLOSED.
 */
export async function recordUsage(db: Db, actor: User, input: UsageInput, now = new Date()): Promise<{ id: string }> {
  const [p, e, s] = await Promise.all([
    findProvider(db, input.provider),
    findClientEntity(db, input.entity),
    findService(db, input.service),
  ]);
  if (!p)
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${input.provider}`, {
      issues: [{ field: 'provider', message: 'unknown' }],
    });
  if (!e)
    throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${input.entity}`, {
      issues: [{ field: 'entity', message: 'unknown' }],
    });
  if (!s)
    throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `No service ${input.service}`, {
      issues: [{ field: 'service', message: 'unknown' }],
    });
  let caseId: string | null = null;
  if (input.caseReference) {
    const c = await findCaseIdByReference(db, input.caseReference);
    if (!c)
      throw new AppError('CASE_NOT_FOUND', `No case ${input.caseReference}`, {
        issues: [{ field: 'caseReference', message: 'unknown' }],
      });
    if (c.entity_code !== input.entity || c.service_code !== input.service || c.provider_code !== input.provider) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Case ${input.caseReference} is not a ${input.service} case of ${input.entity} with ${input.provider}`,
        {
          issues: [{ field: 'caseReference', message: 'of another entity, service or provider' }],
        },
      );
    }
    caseId = String(c.id);
  }
  return db.transaction().execute(async (trx) => {
    await refuseClosedMonth(trx, input.onDate, 'usage');
    const id = await insertUsage(trx, { ...input, caseId, note: input.note ?? null }, actor.id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'billing.usage-recorded',
      targetType: 'usage',
      targetId: id,
      details: { ...input },
    });
    return { id };
  });
}

/** Records an entity's staff headcount for a month (billed per head). @throws BILLING_PERIOD_CLOSED, DIRECTORY_ENTITY_NOT_FOUND. */
export async function recordHeadcount(db: Db, actor: User, input: HeadcountInput, now = new Date()): Promise<void> {
  if (!(await findClientEntity(db, input.entity))) {
    throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity ${input.entity}`, {
      issues: [{ field: 'entity', message: 'unknown' }],
    });
  }
  await db.transaction().execute(async (trx) => {
    await refuseClosedMonth(trx, `${input.month}-01`, 'a headcount');
    await upsertHeadcount(trx, input, actor.id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'billing.headcount-recorded',
      targetType: 'entity',
      targetId: input.entity,
      details: { ...input },
    });
  });
}

/**
 * Runs (or re-runs) the billing of a month: computes every statement from the facts recorded and stores
 * them. When the stored statements already equal the result, nothing is written (`changed: false`).
 * @returns the run (with the statements' count and total) and the warnings (usage without a price,
 *   missing headcounts).
 * @throws AppError BILLING_PERIOD_CLOSED.
 */
export async function runBilling(db: Db, actor: User, period: string, now = new Date()) {
  try {
    return await runBillingOnce(db, actor, period, now);
  } catch (e) {
    // Two first runs of a month at once: the loser retries, finds the winner's run and locks it.
    if ((e as { code?: string })?.code === '23505') return runBillingOnce(db, actor, period, now);
    throw e;
  }
}

async function runBillingOnce(db: Db, actor: User, period: string, now: Date) {
  const { from, to } = periodBounds(period);
  const result = await db.transaction().execute(async (trx) => {
    const existing = await findRunByPeriod(trx, period, true);
    if (existing?.state === 'closed') {
      throw new AppError(
        'BILLING_PERIOD_CLOSED',
        `${period} is closed: its statements cannot change; issue a credit or debit note instead`,
      );
    }
    const facts = await loadBillingFacts(trx, period, from, to);
    const computed = computeRun(facts);
    if (existing && existing.contentHash === computed.hash)
      return { id: existing.id, changed: false, warnings: computed.warnings };
    let id: number;
    if (existing) {
      id = existing.id;
      await deleteStatementsOfRun(trx, id);
      await markRunComputed(trx, id, computed.hash, existing.runs + 1, now);
    } else {
      id = await insertRun(trx, period, computed.hash, actor.id, now);
    }
    await insertStatements(trx, id, period, computed.statements);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: existing ? 'billing.run-recomputed' : 'billing.run-created',
      targetType: 'billing-run',
      targetId: period,
      details: {
        statements: computed.statements.length,
        total: totalOf(computed.statements),
        warnings: computed.warnings.length,
      },
    });
    return { id, changed: true, warnings: computed.warnings };
  });
  return { run: await getRun(db, actor, result.id), changed: result.changed, warnings: result.warnings };
}

/**
 * Closes a month: its statements become immutable.
 * @throws AppError BILLING_RUN_NOT_FOUND, BILLING_PERIOD_CLOSED (already closed).
 */
export async function closeRun(db: Db, actor: User, id: number, now = new Date()): Promise<BillingRun> {
  await db.transaction().execute(async (trx) => {
    const run = await findRunRow(trx, id, true);
    if (!run) throw new AppError('BILLING_RUN_NOT_FOUND', `No billing run ${id}`);
    if (run.state === 'closed') throw new AppError('BILLING_PERIOD_CLOSED', `${run.period} is already closed`);
    await markRunClosed(trx, id, actor.id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'billing.run-closed',
      targetType: 'billing-run',
      targetId: run.period,
    });
  });
  return getRun(db, actor, id);
}

/** Runs, newest first, with the statements the viewer may see. */
export async function listRuns(db: Db, viewer: User): Promise<BillingRun[]> {
  return findRuns(db, recordScopeOf(viewer));
}

/** One run with the count and total of the statements the viewer may see. @throws BILLING_RUN_NOT_FOUND. */
export async function getRun(db: Db, viewer: User, id: number): Promise<BillingRun> {
  const run = (await findRuns(db, recordScopeOf(viewer))).find((r) => r.id === id);
  if (!run) throw new AppError('BILLING_RUN_NOT_FOUND', `No billing run ${id}`);
  return run;
}

/** Statements the viewer may see. */
export async function listStatements(db: Db, viewer: User, q: StatementQuery) {
  return findStatements(db, recordScopeOf(viewer), q);
}

/**
 * One statement with its lines and notes, if the viewer may see it.
 * @throws AppError STATEMENT_NOT_FOUND (also for another provider's or entity's statement).
 */
export async function getStatement(db: Db, viewer: User, id: number): Promise<Statement> {
  const s = await findStatementSummary(db, id);
  if (!s || !inScope(recordScopeOf(viewer), s.provider, s.entity))
    throw new AppError('STATEMENT_NOT_FOUND', `No statement ${id}`);
  const [lines, notes] = await Promise.all([findLines(db, [id]), findNotes(db, id)]);
  return { ...s, lines: lines.map(({ statementId: _, ...l }) => l), notes };
}

/** Every line of a run's statements the viewer may see (for the CSV export), with its statement. */
export async function runLines(db: Db, viewer: User, runId: number) {
  const run = await getRun(db, viewer, runId);
  const statements = await findStatements(db, recordScopeOf(viewer), { run: runId, page: 1, pageSize: 100_000, order: 'asc' });
  const byId = new Map(statements.items.map((s) => [s.id, s]));
  const lines = await findLines(db, [...byId.keys()]);
  return { run, lines: lines.map((l) => ({ ...l, statement: byId.get(l.statementId) as (typeof statements.items)[number] })) };
}

/**
 * Issues a credit or debit note on a statement of a closed month (an open month is corrected by re-running it).
 * @throws AppError STATEMENT_NOT_FOUND, BILLING_PERIOD_OPEN, VALIDATION_FAILED (a case not on the statement).
 */
export async function issueNote(db: Db, actor: User, statementId: number, input: NoteInput, now = new Date()) {
  const st = await getStatement(db, actor, statementId);
  if (st.runState !== 'closed') {
    throw new AppError(
      'BILLING_PERIOD_OPEN',
      `${st.period} is still open: correct the facts and re-run it instead of issuing a note`,
    );
  }
  let caseId: string | null = null;
  if (input.caseReference) {
    if (!st.lines.some((l) => l.caseReference === input.caseReference)) {
      throw new AppError('VALIDATION_FAILED', `Case ${input.caseReference} is not on statement ${st.number}`, {
        issues: [{ field: 'caseReference', message: 'not on this statement' }],
      });
    }
    caseId = String((await findCaseIdByReference(db, input.caseReference))?.id);
  }
  const number = await db.transaction().execute(async (trx) => {
    const number = await insertNote(
      trx,
      { statementId, kind: input.kind, amount: input.amount, reason: input.reason, caseId },
      actor.id,
      now,
    );
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: `billing.${input.kind}-note`,
      targetType: 'statement',
      targetId: st.number,
      details: { number, ...input },
    });
    return number;
  });
  return { number, statement: await getStatement(db, actor, statementId) };
}
