/**
 * Cost recovery end to end on the database. UNON serves the RC office in Chile (RCO-CL) globally on cost
 * recovery (para 16): onboarding per case, payroll per head, accounting per transaction, financial
 * reporting for a fixed fee. Their agreement's annex B gives a 10% credit on onboarding cases whose
 * resolution standard UNON breached, and a 100 USD credit on accounting cases whose first response it
 * breached. Cases are written as facts (resolved, with their clocks) so the month is known exactly.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { buildApp } from '../../server/app.ts';
import { AppError } from '../../server/errors.ts';
import { createAgreement, transitionAgreement } from '../agreements/sla-agreements.service.ts';
import { findUserForSignIn } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import {
  closeRun,
  createPriceList,
  endPriceList,
  getStatement,
  issueNote,
  listStatements,
  recordHeadcount,
  recordUsage,
  runBilling,
  runLines,
} from './billing.service.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
const users: Record<string, User> = {};
const u = (who: string): User => users[who] as User;
const JAN = new Date('2026-01-05T10:00:00Z');

async function refused(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** Integer cents of a decimal string, independent of the money module. */
function cents(v: string): bigint {
  const neg = v.startsWith('-');
  const [i, f = ''] = v.replace('-', '').split('.');
  const c = BigInt(i as string) * 100n + BigInt(`${f}00`.slice(0, 2));
  return neg ? -c : c;
}

let seq = 0;
/** Writes a resolved case (and the breached segment clocks named) as facts. */
async function resolvedCase(o: {
  entity?: string;
  provider?: string;
  service: string;
  resolvedAt: string;
  priority?: string;
  breached?: Array<'first-response' | 'resolution'>;
  parent?: string;
}): Promise<{ id: string; reference: string }> {
  seq += 1;
  const reference = `BIL-${String(seq).padStart(5, '0')}`;
  const r = await sql<{
    id: string;
  }>`insert into cases (reference, parent_case_id, entity_code, service_code, title, impact, urgency,
      priority, state, provider_code, routing_reason, created_at, updated_at, resolved_at, source)
    values (${reference}, ${o.parent ?? null}, ${o.entity ?? 'RCO-CL'}, ${o.service}, ${`Request ${seq}`}, 2, 2, ${o.priority ?? 'P3'},
      'resolved', ${o.provider ?? 'UNON'}, 'test', ${o.resolvedAt}, ${o.resolvedAt}, ${o.resolvedAt}, 'test')
    returning id`.execute(h.db);
  const id = String(r.rows[0]?.id);
  for (const metric of o.breached ?? []) {
    await sql`insert into case_sla_clocks (case_id, scope, provider_code, metric, target, target_business_ms, time_zone, started_at,
        elapsed_business_ms, paused_business_ms, state, breached_at, computed_at)
      values (${id}, 'segment', ${o.provider ?? 'UNON'}, ${metric}, 'PT1H', 3600000, 'Africa/Nairobi', ${o.resolvedAt}, 7200000, 0,
        'breached', ${o.resolvedAt}, ${o.resolvedAt})`.execute(h.db);
  }
  return { id, reference };
}

beforeAll(async () => {
  h = await createTestDatabase();
  for (const who of ['admin', 'coordinator', 'agent.unon', 'agent.kjso', 'focal.minusca', 'requester.rco-cl']) {
    const user = await findUserForSignIn(h.db, `${who}@meridian.test`);
    if (!user) throw new Error(`no demo user ${who}`);
    users[who] = user;
  }
});
afterAll(async () => {
  await app?.close();
  await h.close();
});

describe('price lists', () => {
  it('accepts one price per provider, service and period, and refuses overlapping periods clearly', async () => {
    const coord = u('coordinator');
    const base = { provider: 'UNON', currency: 'USD' as const, effectiveTo: null };
    const onboarding = await createPriceList(
      h.db,
      coord,
      { ...base, service: 'HR-ONBOARD', basis: 'per-case', unitPrice: '150.00', effectiveFrom: '2025-01-01' },
      JAN,
    );
    await createPriceList(h.db, coord, {
      ...base,
      service: 'PAY-PAYROLL',
      basis: 'per-head-month',
      unitPrice: '12.3456',
      effectiveFrom: '2026-01-01',
    });
    await createPriceList(h.db, coord, {
      ...base,
      service: 'FIN-ACCOUNTING',
      basis: 'per-unit',
      unitPrice: '2.5',
      effectiveFrom: '2026-01-01',
    });
    await createPriceList(h.db, coord, {
      ...base,
      service: 'FIN-REPORTING',
      basis: 'fixed-fee',
      unitPrice: '1000',
      effectiveFrom: '2026-01-01',
    });

    const e = await refused(
      createPriceList(h.db, coord, {
        ...base,
        service: 'HR-ONBOARD',
        basis: 'per-case',
        unitPrice: '175',
        effectiveFrom: '2026-06-01',
      }),
    );
    expect(e.code).toBe('PRICE_PERIOD_OVERLAP');
    expect(e.message).toContain(`price list ${onboarding.id}`);
    expect(e.message).toContain('2025-01-01');
    expect(e.issues[0]?.field).toBe('effectiveFrom');
    // End the first, then the new price fits after it; a period reaching back into it does not.
    await endPriceList(h.db, coord, onboarding.id, '2026-06-01');
    await createPriceList(h.db, coord, {
      ...base,
      service: 'HR-ONBOARD',
      basis: 'per-case',
      unitPrice: '175',
      effectiveFrom: '2026-06-01',
    });
    expect(
      (
        await refused(
          createPriceList(h.db, coord, {
            ...base,
            service: 'HR-ONBOARD',
            basis: 'per-case',
            unitPrice: '1',
            effectiveFrom: '2026-05-01',
            effectiveTo: '2026-06-02',
          }),
        )
      ).code,
    ).toBe('PRICE_PERIOD_OVERLAP');
    expect((await refused(endPriceList(h.db, coord, onboarding.id, '2026-07-01'))).code).toBe('PRICE_PERIOD_OVERLAP');
  });
});

describe('a billing run', () => {
  let runId: number;
  let statementId: number;
  const facts: { onboarding: Array<{ id: string; reference: string }>; accounting?: { reference: string } } = { onboarding: [] };

  beforeAll(async () => {
    const coord = u('coordinator');
    const agreement = await createAgreement(
      h.db,
      coord,
      {
        provider: 'UNON',
        entity: 'RCO-CL',
        annex: {
          services: ['HR-ONBOARD', 'PAY-PAYROLL', 'FIN-ACCOUNTING', 'FIN-REPORTING'],
          standards: [
            {
              service: 'HR-ONBOARD',
              priority: null,
              firstResponse: 'PT8H',
              nextResponse: null,
              resolution: 'P5D',
              serviceCredit: { metric: 'resolution', percent: '10' },
            },
            {
              service: 'FIN-ACCOUNTING',
              priority: 'P3',
              firstResponse: 'PT4H',
              nextResponse: null,
              resolution: 'P3D',
              serviceCredit: { metric: 'first-response', amount: '100' },
            },
          ],
          contacts: [
            { party: 'provider', role: 'Client relations', name: 'Wanjiru Kamau', email: 'agent.unon@meridian.test' },
            { party: 'client', role: 'Operations manager', name: 'Camila Rojas', email: 'requester.rco-cl@meridian.test' },
          ],
          term: { from: '2026-01-01', to: '2027-12-31' },
          reviewDate: '2027-06-30',
        },
      },
      JAN,
    );
    for (const [action, extra] of [
      ['submit', {}],
      ['sign', { signatories: { provider: 'Director, UNON', client: 'Resident Coordinator, Chile' } }],
      ['activate', { date: '2026-01-01' }],
    ] as const) {
      await transitionAgreement(h.db, coord, agreement.id, { action, version: 1, ...extra }, JAN);
    }
    facts.onboarding.push(
      await resolvedCase({ service: 'HR-ONBOARD', resolvedAt: '2026-02-03T10:00:00Z', breached: ['resolution'] }),
    );
    facts.onboarding.push(
      await resolvedCase({ service: 'HR-ONBOARD', resolvedAt: '2026-02-27T23:59:00Z', breached: ['first-response'] }),
    );
    const parent = facts.onboarding[0] as { id: string };
    await resolvedCase({ service: 'HR-ONBOARD', resolvedAt: '2026-02-10T10:00:00Z', parent: parent.id }); // child task: not billed
    await resolvedCase({ service: 'HR-ONBOARD', resolvedAt: '2026-03-01T00:00:00Z' }); // March
    await resolvedCase({ entity: 'MINUSCA', provider: 'RSCE', service: 'HR-ONBOARD', resolvedAt: '2026-02-05T10:00:00Z' }); // no cost recovery
    const accounting = await resolvedCase({
      service: 'FIN-ACCOUNTING',
      resolvedAt: '2026-02-12T10:00:00Z',
      breached: ['first-response'],
    });
    facts.accounting = accounting;
    await recordUsage(h.db, coord, {
      provider: 'UNON',
      entity: 'RCO-CL',
      service: 'FIN-ACCOUNTING',
      caseReference: accounting.reference,
      onDate: '2026-02-12',
      quantity: '10.5',
    });
    await recordHeadcount(h.db, coord, { entity: 'RCO-CL', month: '2026-02', staff: 37 });
  });

  it('makes one statement per client entity and provider whose total is the sum of its lines and of the cases behind them', async () => {
    const r = await runBilling(h.db, u('coordinator'), '2026-02', new Date('2026-03-02T08:00:00Z'));
    runId = r.run.id;
    expect(r.changed).toBe(true);
    // UNON bills financial reporting as a fixed fee to every RC office it serves on cost recovery.
    const all = await listStatements(h.db, u('coordinator'), { run: runId, page: 1, pageSize: 500, order: 'asc' });
    expect(all.total).toBe(132);
    expect(all.items.every((s) => s.provider === 'UNON' && s.entity.startsWith('RCO-'))).toBe(true);
    expect(r.warnings.filter((w) => w.includes('headcount'))).toHaveLength(131);
    const page = await listStatements(h.db, u('coordinator'), {
      run: runId,
      entity: 'RCO-CL',
      page: 1,
      pageSize: 100,
      order: 'asc',
    });
    expect(page.items.map((s) => [s.entity, s.provider])).toEqual([['RCO-CL', 'UNON']]);
    statementId = (page.items[0] as { id: number }).id;
    const st = await getStatement(h.db, u('coordinator'), statementId);
    expect(st.number).toBe('ST-2026-02-RCO-CL-UNON');

    // The total is the exact sum of the lines...
    const sumLines = st.lines.reduce((t, l) => t + cents(l.amount), 0n);
    expect(cents(st.total)).toBe(sumLines);
    // ...and of the cases behind them plus the monthly lines (per head, fixed fee) that have no case.
    const onboardingRefs = facts.onboarding.map((c) => c.reference);
    const byCase = new Map<string, bigint>();
    for (const l of st.lines)
      if (l.caseReference) byCase.set(l.caseReference, (byCase.get(l.caseReference) ?? 0n) + cents(l.amount));
    expect([...byCase.keys()].sort()).toEqual([...onboardingRefs, facts.accounting?.reference].sort());
    const monthly = st.lines.filter((l) => l.caseReference === null);
    expect(monthly.map((l) => [l.service, l.basis, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['FIN-REPORTING', 'fixed-fee', '1.0000', '1000.0000', '1000.00'],
      ['PAY-PAYROLL', 'per-head-month', '37.0000', '12.3456', '456.79'],
    ]);
    const caseTotal = [...byCase.values()].reduce((a, b) => a + b, 0n);
    expect(cents(st.total)).toBe(caseTotal + monthly.reduce((t, l) => t + cents(l.amount), 0n));
    // Per case, the charge is the price in force on the resolution day.
    for (const ref of onboardingRefs) {
      const charge = st.lines.find((l) => l.caseReference === ref && l.kind === 'charge');
      expect(charge?.amount).toBe('150.00');
    }
  });

  it('applies service credits exactly as the annex says: 10% on breached resolution, 100 USD capped at the charge on breached first response', async () => {
    const st = await getStatement(h.db, u('coordinator'), statementId);
    const credits = st.lines.filter((l) => l.kind === 'service-credit');
    const breachedResolution = facts.onboarding[0] as { reference: string };
    const breachedFirstResponse = facts.onboarding[1] as { reference: string };
    expect(credits.map((l) => [l.caseReference, l.amount, l.agreement])).toEqual([
      [facts.accounting?.reference, '-26.25', 'SLA-UNON-RCO-CL-1 v1'],
      [breachedResolution.reference, '-15.00', 'SLA-UNON-RCO-CL-1 v1'],
    ]);
    // The onboarding case whose first response (not resolution) was breached gets no credit.
    expect(credits.some((l) => l.caseReference === breachedFirstResponse.reference)).toBe(false);
    const usage = st.lines.find((l) => l.caseReference === facts.accounting?.reference && l.kind === 'charge');
    expect([usage?.basis, usage?.quantity, usage?.amount]).toEqual(['per-unit', '10.5000', '26.25']);
  });

  it('changes nothing when an open period is re-run, and takes in new facts when there are some', async () => {
    const before = await getStatement(h.db, u('coordinator'), statementId);
    const again = await runBilling(h.db, u('coordinator'), '2026-02');
    expect(again.changed).toBe(false);
    expect(again.run.runs).toBe(1);
    expect(await getStatement(h.db, u('coordinator'), statementId)).toEqual(before);

    await resolvedCase({ service: 'HR-ONBOARD', resolvedAt: '2026-02-15T10:00:00Z' });
    const third = await runBilling(h.db, u('coordinator'), '2026-02');
    expect(third.changed).toBe(true);
    expect(third.run.runs).toBe(2);
    const rcoCl = await listStatements(h.db, u('coordinator'), {
      run: runId,
      entity: 'RCO-CL',
      page: 1,
      pageSize: 10,
      order: 'asc',
    });
    expect(cents((rcoCl.items[0] as { total: string }).total)).toBe(cents(before.total) + 15000n);
    expect(cents(third.run.total)).toBe(cents(again.run.total) + 15000n);
    const page = await listStatements(h.db, u('coordinator'), {
      run: runId,
      entity: 'RCO-CL',
      page: 1,
      pageSize: 10,
      order: 'asc',
    });
    statementId = (page.items[0] as { id: number }).id;
  });

  it('gives the same answer to two runs of a month started at once', async () => {
    const [a, b] = await Promise.all([
      runBilling(h.db, u('coordinator'), '2026-04'),
      runBilling(h.db, u('coordinator'), '2026-04'),
    ]);
    expect(a.run.id).toBe(b.run.id);
    expect([a.changed, b.changed].sort()).toEqual([false, true]);
  });

  it('keeps provider and entity scoping: another provider or entity sees no statement, not even a count', async () => {
    const q = { run: runId, page: 1, pageSize: 10, order: 'asc' as const };
    expect((await listStatements(h.db, u('agent.unon'), q)).total).toBe(132);
    expect((await listStatements(h.db, u('agent.kjso'), q)).total).toBe(0);
    expect((await listStatements(h.db, u('focal.minusca'), q)).total).toBe(0);
    expect((await refused(getStatement(h.db, u('agent.kjso'), statementId))).code).toBe('STATEMENT_NOT_FOUND');
    const lines = await runLines(h.db, u('focal.minusca'), runId);
    expect(lines.lines).toHaveLength(0);
    expect(lines.run.total).toBe('0');
  });

  it('refuses notes on an open period, then closes it: a closed period cannot change, corrections are notes', async () => {
    expect(
      (await refused(issueNote(h.db, u('coordinator'), statementId, { kind: 'credit', amount: '10', reason: 'x' }))).code,
    ).toBe('BILLING_PERIOD_OPEN');
    const closed = await closeRun(h.db, u('admin'), runId);
    expect(closed.state).toBe('closed');
    const before = await getStatement(h.db, u('coordinator'), statementId);

    await resolvedCase({ service: 'HR-ONBOARD', resolvedAt: '2026-02-16T10:00:00Z' });
    const rerun = await refused(runBilling(h.db, u('coordinator'), '2026-02'));
    expect(rerun.code).toBe('BILLING_PERIOD_CLOSED');
    expect(rerun.message).toMatch(/credit or debit note/);
    expect(
      (
        await refused(
          recordUsage(h.db, u('coordinator'), {
            provider: 'UNON',
            entity: 'RCO-CL',
            service: 'FIN-ACCOUNTING',
            onDate: '2026-02-20',
            quantity: '1',
          }),
        )
      ).code,
    ).toBe('BILLING_PERIOD_CLOSED');
    expect((await refused(closeRun(h.db, u('admin'), runId))).code).toBe('BILLING_PERIOD_CLOSED');
    // The database itself refuses to touch a closed period's lines, statements or run.
    await expect(sql`update statement_lines set amount = 0 where statement_id = ${statementId}`.execute(h.db)).rejects.toThrow(
      /closed/,
    );
    await expect(sql`delete from statements where id = ${statementId}`.execute(h.db)).rejects.toThrow(/closed/);
    await expect(sql`update billing_runs set state = 'open' where id = ${runId}`.execute(h.db)).rejects.toThrow(/closed/);
    expect(await getStatement(h.db, u('coordinator'), statementId)).toEqual(before);

    const first = facts.onboarding[0] as { reference: string };
    const credit = await issueNote(h.db, u('coordinator'), statementId, {
      kind: 'credit',
      amount: '150.00',
      reason: 'Duplicate onboarding request',
      caseReference: first.reference,
    });
    expect(credit.number).toMatch(/^CN-\d{6}$/);
    await issueNote(h.db, u('coordinator'), statementId, {
      kind: 'debit',
      amount: '150.00',
      reason: 'Case resolved late on 16 February',
    });
    const after = await getStatement(h.db, u('coordinator'), statementId);
    expect(after.total).toBe(before.total);
    expect(after.lines).toEqual(before.lines);
    expect(after.notes.map((n) => [n.kind, n.amount])).toEqual([
      ['credit', '150.00'],
      ['debit', '150.00'],
    ]);
    expect(after.notesTotal).toBe('0.00');
    expect(
      (
        await refused(
          issueNote(h.db, u('coordinator'), statementId, { kind: 'credit', amount: '1', reason: 'x', caseReference: 'NOPE-1' }),
        )
      ).code,
    ).toBe('VALIDATION_FAILED');
  });
});

describe('exports', () => {
  it('exports a statement to XLSX and PDF and the whole run to CSV, with the same exact amounts', async () => {
    app = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', signInRateLimit: 10_000, webDir: '/nonexistent' });
    await app.ready();
    const { cookie } = await signInAs(app, 'agent.unon@meridian.test');
    const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
    const runs = (await get('/api/billing-runs')).json() as Array<{
      id: number;
      period: string;
      total: string;
      statements: number;
    }>;
    const run = runs.find((r) => r.period === '2026-02');
    if (!run) throw new Error('no run');
    const st = (await get(`/api/statements?run=${run.id}&entity=RCO-CL`)).json().items[0];
    const full = (await get(`/api/statements/${st.id}`)).json();

    const xlsx = await get(`/api/statements/${st.id}/statement.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    const amounts: string[] = [];
    ws.eachRow((row, n) => {
      if (n > 6 && row.getCell(1).value !== '' && row.getCell(1).value !== null)
        amounts.push(Number(row.getCell(9).value).toFixed(2));
    });
    expect(amounts).toEqual(full.lines.map((l: { amount: string }) => l.amount));
    expect(wb.worksheets[1]?.rowCount).toBe(3); // the two notes and their header

    const pdf = await get(`/api/statements/${st.id}/statement.pdf?lang=fr`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = (await new PDFParse({ data: new Uint8Array(pdf.rawPayload) }).getText()).text;
    expect(text).toContain(`Relevé ${full.number}`);
    expect(text).toContain('crédit de service');
    expect(text).toContain('CN-');

    const csv = await get(`/api/billing-runs/${run.id}/lines.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.body, { columns: true }) as Array<{ statement: string; amount: string; case: string }>;
    expect(rows.reduce((t, r) => t + cents(r.amount), 0n)).toBe(cents(run.total));
    expect(new Set(rows.map((r) => r.statement)).size).toBe(run.statements);
    // Another provider's staff get an empty export, not UNON's lines.
    const kjso = (await signInAs(app, 'agent.kjso@meridian.test')).cookie;
    const other = await app.inject({ method: 'GET', url: `/api/billing-runs/${run.id}/lines.csv`, headers: { cookie: kjso } });
    expect(parse(other.body, { columns: true })).toEqual([]);
    expect(
      (await app.inject({ method: 'GET', url: `/api/statements/${st.id}/statement.pdf`, headers: { cookie: kjso } })).statusCode,
    ).toBe(404);
  });
});
