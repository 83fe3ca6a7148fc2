/**
 * A billing run's arithmetic (pure): from the facts of one month — price lists, resolved cases, usage,
 * headcounts, cost-recovery assignments, agreement versions and breached SLA clocks — to the statements,
 * one per client entity and provider, with every line traceable to the case, usage record, price list or
 * agreement behind it. The same facts always give the same statements, line for line (deterministic
 * order), which is what makes re-running an open period a no-op.
 *
 * Rules (decision 0014):
 * - A service is charged only where the assignment in force names the provider on cost recovery
 *   (paras 15, 22, 24), at the price list of the provider and service in force on the day charged.
 * - per-case: each case (not child tasks) resolved in the month (UTC), on its resolution day.
 * - per-unit: each usage record dated in the month, quantity x price (the service's unit of measure).
 * - per-head-month: the entity's staff headcount for the month x price, on the month's first day.
 * - fixed-fee: one fee a month per entity and service, on the month's first day.
 * - Service credits: when the agreement version in force on the charge's day has a standard for the
 *   service (the case's priority, else any priority) with a service credit, and the provider's own
 *   (segment) clock of that metric is breached on the case, a credit line reduces that case's charge by
 *   the percent or amount, never below zero.
 * Amounts are rounded to the cent per line; totals are exact sums of lines.
 */
import { createHash } from 'node:crypto';
import type { Annex } from '../agreements/sla-agreements.schema.ts';
import type { PriceBasis } from './billing.schema.ts';
import { formatMoney, lineAmount, type Money, minMoney, money, percentOf, sumMoney, ZERO } from './money.ts';

export interface PriceRow {
  id: number;
  provider: string;
  service: string;
  basis: PriceBasis;
  unitPrice: string;
  from: string;
  to: string | null;
}
export interface CaseRow {
  id: string;
  reference: string;
  provider: string;
  entity: string;
  service: string;
  priority: string;
  resolvedOn: string;
  title: string;
}
export interface UsageRow {
  id: string;
  provider: string;
  entity: string;
  service: string;
  caseId: string | null;
  caseReference: string | null;
  onDate: string;
  quantity: string;
}
export interface AssignmentPeriod {
  provider: string;
  entity: string;
  service: string;
  from: string;
  to: string | null;
  costRecovery: boolean;
}
export interface AgreementPeriod {
  reference: string;
  versionId: number;
  version: number;
  provider: string;
  entity: string;
  from: string;
  to: string | null;
  annex: Annex;
}

export interface BillingFacts {
  period: string;
  prices: PriceRow[];
  cases: CaseRow[];
  usage: UsageRow[];
  /** Staff per entity for the month. */
  headcounts: Map<string, number>;
  assignments: AssignmentPeriod[];
  agreements: AgreementPeriod[];
  /** `${caseId}/${provider}/${metric}` for every breached segment clock. */
  breaches: Set<string>;
}

export interface ComputedLine {
  kind: 'charge' | 'service-credit';
  service: string;
  basis: string;
  caseId: string | null;
  caseReference: string | null;
  usageRecordId: string | null;
  priceListId: number | null;
  agreementVersionId: number | null;
  agreement: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
}
export interface ComputedStatement {
  entity: string;
  provider: string;
  lines: ComputedLine[];
  total: string;
}
export interface ComputedRun {
  statements: ComputedStatement[];
  warnings: string[];
  /** SHA-256 of the statements, to tell whether a re-run changed anything. */
  hash: string;
}

/** First day and the exclusive end of a month `YYYY-MM`, as dates. */
export function periodBounds(period: string): { from: string; to: string } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: `${period}-01`, to: `${next}-01` };
}

const inForce = (p: { from: string; to: string | null }, day: string) => p.from <= day && (p.to === null || p.to > day);

/** Computes the statements of one month from its facts. */
export function computeRun(f: BillingFacts): ComputedRun {
  const { from, to } = periodBounds(f.period);
  const warnings: string[] = [];
  const pricesBy = groupBy(f.prices, (p) => `${p.provider}\u0000${p.service}`);
  const assignmentsBy = groupBy(f.assignments, (a) => `${a.entity}\u0000${a.service}`);
  const priceOn = (provider: string, service: string, day: string) =>
    pricesBy.get(`${provider}\u0000${service}`)?.find((p) => inForce(p, day));
  const assignmentOn = (entity: string, service: string, day: string) =>
    (assignmentsBy.get(`${entity}\u0000${service}`) ?? [])
      .filter((a) => inForce(a, day))
      .sort((a, b) => (a.from < b.from ? 1 : -1))[0];
  const billable = (provider: string, entity: string, service: string, day: string) => {
    const a = assignmentOn(entity, service, day);
    return a !== undefined && a.provider === provider && a.costRecovery;
  };
  const agreementOn = (provider: string, entity: string, day: string) =>
    f.agreements.find((a) => a.provider === provider && a.entity === entity && inForce(a, day));

  const byStatement = new Map<string, ComputedLine[]>();
  const push = (entity: string, provider: string, line: ComputedLine) => {
    const key = `${entity}\u0000${provider}`;
    const list = byStatement.get(key) ?? [];
    list.push(line);
    byStatement.set(key, list);
  };

  const credit = (
    c: { id: string; reference: string; priority: string },
    provider: string,
    entity: string,
    service: string,
    day: string,
    charge: Money,
  ): ComputedLine | null => {
    const ag = agreementOn(provider, entity, day);
    if (!ag) return null;
    const standards = ag.annex.standards.filter((s) => s.service === service && s.serviceCredit);
    const st = standards.find((s) => s.priority === c.priority) ?? standards.find((s) => s.priority === null);
    const sc = st?.serviceCredit;
    if (!sc || !f.breaches.has(`${c.id}/${provider}/${sc.metric}`)) return null;
    const raw = sc.percent !== undefined ? percentOf(charge, sc.percent) : money(sc.amount as string);
    const amount = minMoney(raw, charge);
    if (amount.isZero()) return null;
    return {
      kind: 'service-credit',
      service,
      basis: sc.percent !== undefined ? `${sc.percent}%` : 'amount',
      caseId: c.id,
      caseReference: c.reference,
      usageRecordId: null,
      priceListId: null,
      agreementVersionId: ag.versionId,
      agreement: `${ag.reference} v${ag.version}`,
      description: `Service credit: ${sc.metric} standard breached (${ag.reference} v${ag.version}, annex B)`,
      quantity: '1.0000',
      unitPrice: formatMoney(amount.negated(), 4),
      amount: formatMoney(amount.negated()),
    };
  };

  // per-case
  for (const c of f.cases) {
    if (c.resolvedOn < from || c.resolvedOn >= to) continue;
    const price = priceOn(c.provider, c.service, c.resolvedOn);
    if (price?.basis !== 'per-case') continue;
    if (!billable(c.provider, c.entity, c.service, c.resolvedOn)) continue;
    const amount = lineAmount('1', price.unitPrice);
    push(c.entity, c.provider, {
      kind: 'charge',
      service: c.service,
      basis: 'per-case',
      caseId: c.id,
      caseReference: c.reference,
      usageRecordId: null,
      priceListId: price.id,
      agreementVersionId: null,
      agreement: null,
      description: `${c.reference}: ${c.title}`,
      quantity: '1.0000',
      unitPrice: formatMoney(price.unitPrice, 4),
      amount: formatMoney(amount),
    });
    const cr = credit(c, c.provider, c.entity, c.service, c.resolvedOn, amount);
    if (cr) push(c.entity, c.provider, cr);
  }

  // per-unit
  const caseById = new Map(f.cases.map((c) => [c.id, c]));
  for (const u of f.usage) {
    if (u.onDate < from || u.onDate >= to) continue;
    const price = priceOn(u.provider, u.service, u.onDate);
    if (price?.basis !== 'per-unit') {
      warnings.push(`Usage ${u.id} (${u.entity}, ${u.service}, ${u.onDate}) has no per-unit price of ${u.provider}: not billed`);
      continue;
    }
    if (!billable(u.provider, u.entity, u.service, u.onDate)) {
      warnings.push(
        `Usage ${u.id} (${u.entity}, ${u.service}) is not on cost recovery with ${u.provider} on ${u.onDate}: not billed`,
      );
      continue;
    }
    const amount = lineAmount(u.quantity, price.unitPrice);
    push(u.entity, u.provider, {
      kind: 'charge',
      service: u.service,
      basis: 'per-unit',
      caseId: u.caseId,
      caseReference: u.caseReference,
      usageRecordId: u.id,
      priceListId: price.id,
      agreementVersionId: null,
      agreement: null,
      description: `Usage ${u.onDate}${u.caseReference ? ` (${u.caseReference})` : ''}`,
      quantity: formatMoney(u.quantity, 4),
      unitPrice: formatMoney(price.unitPrice, 4),
      amount: formatMoney(amount),
    });
    const c = u.caseId ? caseById.get(u.caseId) : undefined;
    if (c) {
      const cr = credit(c, u.provider, u.entity, u.service, u.onDate, amount);
      if (cr) push(u.entity, u.provider, cr);
    }
  }

  // per-head-month and fixed-fee: the assignments in force on the first day, on cost recovery.
  for (const a of f.assignments) {
    if (!a.costRecovery || !inForce(a, from)) continue;
    if (assignmentOn(a.entity, a.service, from) !== a) continue;
    const price = priceOn(a.provider, a.service, from);
    if (!price || (price.basis !== 'per-head-month' && price.basis !== 'fixed-fee')) continue;
    let quantity = '1';
    if (price.basis === 'per-head-month') {
      const staff = f.headcounts.get(a.entity);
      if (staff === undefined) {
        warnings.push(`No staff headcount of ${a.entity} for ${f.period}: ${a.service} per head not billed`);
        continue;
      }
      if (staff === 0) continue;
      quantity = String(staff);
    }
    const amount = lineAmount(quantity, price.unitPrice);
    push(a.entity, a.provider, {
      kind: 'charge',
      service: a.service,
      basis: price.basis,
      caseId: null,
      caseReference: null,
      usageRecordId: null,
      priceListId: price.id,
      agreementVersionId: null,
      agreement: null,
      description: price.basis === 'fixed-fee' ? `Fixed fee ${f.period}` : `${quantity} staff x ${f.period}`,
      quantity: formatMoney(quantity, 4),
      unitPrice: formatMoney(price.unitPrice, 4),
      amount: formatMoney(amount),
    });
  }

  const order = (l: ComputedLine) =>
    [
      l.service,
      l.basis === 'per-head-month' || l.basis === 'fixed-fee' ? '0' : '1',
      l.caseReference ?? '',
      l.usageRecordId?.padStart(12, '0') ?? '',
      l.kind === 'charge' ? '0' : '1',
    ].join('\u0000');
  const statements: ComputedStatement[] = [...byStatement.entries()]
    .map(([key, lines]) => {
      const [entity, provider] = key.split('\u0000') as [string, string];
      lines.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
      return { entity, provider, lines, total: formatMoney(sumMoney(lines.map((l) => l.amount))) };
    })
    .sort((a, b) => (a.entity === b.entity ? (a.provider < b.provider ? -1 : 1) : a.entity < b.entity ? -1 : 1));
  const hash = createHash('sha256').update(JSON.stringify(statements)).digest('hex');
  return { statements, warnings, hash };
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** The exact total of several statements. */
export function totalOf(statements: Array<{ total: string }>): string {
  return formatMoney(statements.reduce((t, s) => t.plus(money(s.total)), ZERO));
}
