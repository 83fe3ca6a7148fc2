/**
 * Standards as data (versioned by month), manual data capture and closing months. Every change is made in
 * one transaction with its audit event (`performance.standard.versioned`, `performance.manual-value.saved`,
 * `performance.period.closed`).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { satisfactionByProvider } from '../surveys/results.service.ts';
import { isMonth, monthDates, monthsOf, unitOf, vocabularyProblem } from './measures.ts';
import {
  endStandardVersion,
  findClosedMonths,
  findManualValues,
  findStandards,
  freezeMonth,
  insertStandard,
  listClosedMonths,
  type StandardRow,
  upsertManualValue,
} from './performance.repository.ts';
import type { ManualValueInput, Standard, StandardInput } from './performance.schema.ts';
import { drainPerformanceQueue } from './queue.service.ts';

/** A stored version as the API shows it. */
export function presentStandard(r: StandardRow): Standard {
  return {
    code: r.code,
    version: r.version,
    name: r.name,
    measure: r.measure,
    subject: r.subject,
    percentile: r.percentile === null ? null : Number(r.percentile),
    comparator: r.comparator,
    target: Number(r.target),
    unit: r.unit,
    serviceLine: r.service_line_code,
    effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to,
    basis: r.basis,
  };
}

/** Every version of every standard (code, then version). Source: `performance_standards`. */
export async function listStandards(db: Kysely<Database>): Promise<Standard[]> {
  return (await findStandards(db)).map(presentStandard);
}

/**
 * Adds a version of a standard in force from `effectiveFrom` (a new code starts at version 1); the
 * version in force before ends there. A version may not start in or before a closed month, nor before the
 * start of the version it replaces.
 * @throws AppError VALIDATION_FAILED (measure outside the vocabulary, unknown service line, start not after
 *   the current version's), PERFORMANCE_PERIOD_CLOSED.
 */
export async function saveStandardVersion(db: Kysely<Database>, actor: User, input: StandardInput): Promise<Standard> {
  const problem = vocabularyProblem(input.measure, input.subject, input.percentile);
  if (problem)
    throw new AppError('VALIDATION_FAILED', `Standard ${input.code}: ${problem}`, {
      issues: [{ field: 'measure', message: problem }],
    });
  if (input.serviceLine) {
    const line = await db.selectFrom('service_lines').select('code').where('code', '=', input.serviceLine).executeTakeFirst();
    if (!line)
      throw new AppError('VALIDATION_FAILED', `No service line ${input.serviceLine}`, {
        issues: [{ field: 'serviceLine', message: `no service line ${input.serviceLine}` }],
      });
  }
  const closed = await listClosedMonths(db);
  if (closed.some((c) => c.month >= input.effectiveFrom))
    throw new AppError(
      'PERFORMANCE_PERIOD_CLOSED',
      `A version of ${input.code} cannot start in ${input.effectiveFrom}: that month or a later one is closed`,
      {
        issues: [{ field: 'effectiveFrom', message: 'must be after the last closed month' }],
      },
    );
  return db.transaction().execute(async (trx) => {
    const versions = (await findStandards(trx)).filter((s) => s.code === input.code);
    const current = versions.find((v) => v.effective_to === null);
    if (current && current.effective_from >= input.effectiveFrom)
      throw new AppError(
        'VALIDATION_FAILED',
        `Version ${current.version} of ${input.code} starts ${current.effective_from}; a new version must start later`,
        {
          issues: [{ field: 'effectiveFrom', message: `after ${current.effective_from}` }],
        },
      );
    if (current) await endStandardVersion(trx, input.code, current.version, input.effectiveFrom);
    const version = (versions.at(-1)?.version ?? 0) + 1;
    const row = {
      code: input.code,
      version,
      name: input.name,
      measure: input.measure,
      subject: input.subject,
      percentile: input.percentile,
      comparator: input.comparator,
      target: input.target,
      unit: unitOf(input.measure, input.subject, input.unit),
      service_line_code: input.serviceLine,
      effective_from: input.effectiveFrom,
      effective_to: null,
      basis: input.basis,
      created_by: actor.id,
    };
    const id = await insertStandard(trx, row);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'performance.standard.versioned',
      targetType: 'performance-standard',
      targetId: `${input.code}@${version}`,
      details: { ...input, version, replaces: current?.version ?? null },
    });
    return presentStandard({ ...row, id, created_at: new Date() } as StandardRow);
  });
}

/**
 * Records (or corrects) a manual value of a `manual` standard for a provider and period, with the evidence
 * and who entered it. A provider manager may enter only their own provider's values.
 * @throws AppError VALIDATION_FAILED (not a manual standard), FORBIDDEN (another provider),
 *   DIRECTORY_PROVIDER_NOT_FOUND, PERFORMANCE_PERIOD_CLOSED (a month of the period is closed).
 */
export async function saveManualValue(db: Kysely<Database>, actor: User, input: ManualValueInput, now = new Date()) {
  const std = (await findStandards(db)).filter((s) => s.code === input.standard);
  if (!std.length || std.some((s) => s.measure !== 'manual'))
    throw new AppError('VALIDATION_FAILED', `${input.standard} is not a standard captured by hand`, {
      issues: [{ field: 'standard', message: 'must name a standard whose measure is manual' }],
    });
  if ((actor.role === 'provider-manager' || actor.role === 'provider-agent') && actor.scope?.code !== input.provider)
    throw new AppError('FORBIDDEN', `You may enter values for ${actor.scope?.code ?? 'no provider'} only`);
  const provider = await db.selectFrom('providers').select('code').where('code', '=', input.provider).executeTakeFirst();
  if (!provider)
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${input.provider}`, {
      issues: [{ field: 'provider', message: 'unknown' }],
    });
  const closed = await findClosedMonths(db, monthsOf(input.period));
  if (closed.size)
    throw new AppError(
      'PERFORMANCE_PERIOD_CLOSED',
      `${input.period} includes closed month(s) ${[...closed].sort().join(', ')}: its values are frozen`,
      {
        issues: [{ field: 'period', message: 'closed' }],
      },
    );
  return db.transaction().execute(async (trx) => {
    const before = (
      await findManualValues(trx, { periods: [input.period], provider: input.provider, standard: input.standard })
    )[0];
    const id = await upsertManualValue(trx, {
      standard_code: input.standard,
      provider_code: input.provider,
      period: input.period,
      value: input.value,
      evidence: input.evidence,
      evidence_url: input.evidenceUrl,
      entered_by: actor.id,
      entered_at: now,
    });
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'performance.manual-value.saved',
      targetType: 'performance-manual-value',
      targetId: id,
      details: { ...input, previous: before ? { value: before.value, evidence: before.evidence } : null },
    });
    return { id };
  });
}

/** Manual values of a standard or provider or periods, as the API shows them. */
export async function listManualValues(db: Kysely<Database>, q: { periods?: string[]; provider?: string; standard?: string }) {
  return (await findManualValues(db, q)).map((v) => ({
    id: String(v.id),
    standard: v.standard_code,
    provider: v.provider_code,
    period: v.period,
    value: Number(v.value),
    evidence: v.evidence,
    evidenceUrl: v.evidence_url,
    enteredBy: v.entered_by_name,
    enteredAt: new Date(v.entered_at).toISOString(),
  }));
}

/**
 * Closes a month: its facts, roll-ups and satisfaction figures are copied as they are now and read from
 * the copy ever after, so its figures never move (cases that change later still update the live roll-ups).
 * Only a month that has ended may be closed, once.
 * @throws AppError VALIDATION_FAILED (not a month, not ended), PERFORMANCE_PERIOD_CLOSED (already closed).
 */
export async function closeMonth(db: Kysely<Database>, actor: User, month: string, now = new Date()) {
  if (!isMonth(month))
    throw new AppError('VALIDATION_FAILED', `${month} is not a month YYYY-MM`, {
      issues: [{ field: 'month', message: 'YYYY-MM' }],
    });
  if (month >= now.toISOString().slice(0, 7))
    throw new AppError('VALIDATION_FAILED', `${month} has not ended: only past months may be closed`, {
      issues: [{ field: 'month', message: 'not ended' }],
    });
  if ((await findClosedMonths(db, [month])).size) throw new AppError('PERFORMANCE_PERIOD_CLOSED', `${month} is already closed`);
  await drainPerformanceQueue(db); // the frozen copy includes every change committed before closing
  const satisfaction = await satisfactionByProvider(db, monthDates(month));
  await db.transaction().execute(async (trx) => {
    await freezeMonth(trx, month, satisfaction, actor.id, now);
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: 'performance.period.closed',
      targetType: 'performance-period',
      targetId: month,
      details: { satisfactionProviders: satisfaction.length },
    });
  });
  return { month, closedAt: now.toISOString() };
}

/** Closed months, latest first. */
export async function closedMonths(db: Kysely<Database>) {
  return (await listClosedMonths(db)).map((c) => ({
    month: c.month,
    closedAt: new Date(c.closed_at).toISOString(),
    closedBy: c.closed_by_name,
  }));
}
