/**
 * Standards, roll-ups kept current by case changes, the dashboard, drill-down, closed (frozen) months,
 * manual capture with evidence and audit, exports, and the viewer's scope — through the API.
 */
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { countAuditEvents } from '../identity/identity.repository.ts';
import { PAYROLL, type SurveyTestApp, surveyTestApp } from '../surveys/surveys.test-fixtures.ts';
import { drainPerformanceQueue } from './queue.service.ts';
import { rollupsRecomputed } from './rollups.test-fixtures.ts';
import { closeMonth } from './standards.service.ts';

let h: DatabaseHandle;
let t: SurveyTestApp;
const month = new Date().toISOString().slice(0, 7);
let provider = '';
const refs: string[] = [];

const get = async (who: string, url: string) => {
  const r = await t.app.inject({ url, headers: t.as[who] });
  if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
  return r.json();
};
const cell = (
  d: { cells: { standard: string; provider: string; period: string }[] },
  standard: string,
  p = provider,
  period = month,
) =>
  d.cells.find((c) => c.standard === standard && c.provider === p && c.period === period) as
    | { value: number | null; numerator: number | null; denominator: number | null; met: boolean | null; frozen: boolean }
    | undefined;

beforeAll(async () => {
  h = await createTestDatabase();
  t = await surveyTestApp(h, { throttleDays: 0 }, [
    'requester.rco-cl',
    'agent.unon',
    'manager.rsce',
    'focal.minusca',
    'viewer',
    'admin',
  ]);
  for (let i = 0; i < 3; i++) refs.push(await t.request('requester.rco-cl', PAYROLL));
  provider = (await get('coordinator', `/api/cases/${refs[0]}`)).case.provider.code;
  await t.move(refs[0] as string, 'resolved');
  await t.move(refs[1] as string, 'resolved');
}, 60_000);
afterAll(async () => {
  await t.app.close();
  await h.close();
});

describe('roll-ups', () => {
  it('follow each case change and equal a recomputation from the facts', async () => {
    await drainPerformanceQueue(h.db); // the case changes queued their refresh (decision 0019)
    const facts = await sql<{ n: string }>`select count(*) as n from performance_case_facts`.execute(h.db);
    expect(Number(facts.rows[0]?.n)).toBe(3);
    const r = await rollupsRecomputed(h.db);
    expect(r.kept).toEqual(r.recomputed);
    expect(r.kept.providers.find((x) => x.provider_code === provider)).toMatchObject({
      cases: 3,
      resolved: 2,
      res_met: 2,
      res_decided: 2,
      reopened: 0,
    });
  });
});

describe('dashboard', () => {
  it('shows each standard for the provider with met or not', async () => {
    const d = await get('coordinator', `/api/performance/dashboard?from=${month}&to=${month}`);
    expect(d.periods).toEqual([month]);
    expect(d.providers).toContain(provider);
    expect(cell(d, 'MSS-RES')).toMatchObject({ value: 1, numerator: 2, denominator: 2, met: true, frozen: false });
    expect(cell(d, 'MSS-REOPEN')).toMatchObject({ value: 0, met: true });
    expect(cell(d, 'MSS-HANDOFF')).toMatchObject({ numerator: 0, denominator: 3, met: true });
    expect(cell(d, 'MSS-TTR')?.denominator).toBe(2);
  });

  it('moves with a reopen (incremental), and the drill-down lists the cases behind the figure', async () => {
    const r = await t.move(refs[0] as string, 'reopen');
    expect(r.statusCode).toBe(200);
    const d = await get('coordinator', `/api/performance/dashboard?from=${month}&to=${month}&granularity=quarter`);
    const q = d.periods[0];
    expect(cell(d, 'MSS-REOPEN', provider, q)).toMatchObject({ numerator: 1, denominator: 2, value: 0.5, met: false });
    const dd = await get(
      'coordinator',
      `/api/performance/drilldown?from=${month}&to=${month}&standard=MSS-REOPEN&provider=${provider}&period=${q}`,
    );
    expect(dd.total).toBe(2);
    expect(dd.items[0]).toMatchObject({ reference: refs[0], outcome: 'reopened' });
    const rr = await rollupsRecomputed(h.db);
    expect(rr.kept).toEqual(rr.recomputed);
  });

  it('filters by service line, client entity and region', async () => {
    const none = await get('coordinator', `/api/performance/dashboard?from=${month}&to=${month}&serviceLine=ICT`);
    expect(cell(none, 'MSS-RES')).toBeUndefined();
    const mine = await get('coordinator', `/api/performance/dashboard?from=${month}&to=${month}&serviceLine=PAY&entity=RCO-CL`);
    // the reopened case's resolution clock runs again: one decided clock left
    expect(cell(mine, 'MSS-RES')?.denominator).toBe(1);
    const other = await get('coordinator', `/api/performance/dashboard?from=${month}&to=${month}&entity=MINUSCA`);
    expect(cell(other, 'MSS-RES')).toBeUndefined();
  });

  it('is scoped: a provider agent sees only their provider, a focal point only their entity', async () => {
    const unon = await get('agent.unon', `/api/performance/dashboard?from=${month}&to=${month}`);
    expect(unon.providers.every((p: string) => p === 'UNON')).toBe(true);
    if (provider !== 'UNON') expect(cell(unon, 'MSS-RES')).toBeUndefined();
    const focal = await get('focal.minusca', `/api/performance/dashboard?from=${month}&to=${month}`);
    expect(cell(focal, 'MSS-RES')).toBeUndefined();
    const denied = await t.app.inject({
      url: `/api/performance/dashboard?from=${month}&to=${month}`,
      headers: t.as['requester.rco-cl'],
    });
    expect(denied.statusCode).toBe(403);
  });
});

describe('standards, manual capture and closed months', () => {
  it('versions a standard from a later month and refuses measures outside the vocabulary', async () => {
    const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 7);
    const body = {
      code: 'MSS-RES',
      name: { en: 'Cases resolved within target', fr: 'Dossiers résolus dans le délai' },
      measure: 'share-met',
      subject: 'resolution',
      comparator: '>=',
      target: 0.97,
      effectiveFrom: next,
      basis: 'test: tighter target',
    };
    const r = await t.app.inject({ method: 'POST', url: '/api/performance/standards', payload: body, headers: t.as.coordinator });
    expect(r.statusCode).toBe(201);
    expect(r.json().version).toBe(2);
    const d = await get('coordinator', `/api/performance/dashboard?from=${month}&to=${next}`);
    expect(d.standards.filter((s: { code: string }) => s.code === 'MSS-RES').map((s: { version: number }) => s.version)).toEqual([
      1, 2,
    ]);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/performance/standards',
      payload: { ...body, code: 'MSS-X', subject: 'payroll' },
      headers: t.as.coordinator,
    });
    expect(bad.statusCode).toBe(400);
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/performance/standards',
      payload: body,
      headers: t.as['manager.rsce'],
    });
    expect(denied.statusCode).toBe(403);
  });

  it('captures manual values with evidence, who and audit; a manager only for their provider', async () => {
    const std = {
      code: 'MSS-PAYACC',
      name: { en: 'Payroll accuracy', fr: 'Exactitude de la paie' },
      measure: 'manual',
      subject: 'payroll-accuracy',
      comparator: '>=',
      target: 0.99,
      unit: 'share',
      effectiveFrom: '2020-01',
      basis: 'test',
    };
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/performance/standards', payload: std, headers: t.as.coordinator }))
        .statusCode,
    ).toBe(201);
    const value = {
      standard: 'MSS-PAYACC',
      provider: 'RSCE',
      period: month,
      value: 0.985,
      evidence: 'Payroll audit sample of 400 payslips',
    };
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/performance/manual-values',
      payload: value,
      headers: t.as['manager.rsce'],
    });
    expect(ok.statusCode).toBe(201);
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/performance/manual-values',
      payload: { ...value, provider: 'UNON' },
      headers: t.as['manager.rsce'],
    });
    expect(other.statusCode).toBe(403);
    const list = await get('coordinator', '/api/performance/manual-values?standard=MSS-PAYACC');
    expect(list.items[0]).toMatchObject({
      provider: 'RSCE',
      value: 0.985,
      enteredBy: expect.any(String),
      evidence: value.evidence,
    });
    expect(await countAuditEvents(h.db, 'performance.manual-value.saved')).toBe(1);
    const d = await get('coordinator', `/api/performance/dashboard?from=${month}&to=${month}`);
    expect(cell(d, 'MSS-PAYACC', 'RSCE')).toMatchObject({ value: 0.985, met: false });
  });

  it('a closed month is frozen: later case changes do not move its figures', async () => {
    const me = await sql<{ id: number }>`select id from users where email = 'coordinator@meridian.test'`.execute(h.db);
    const actor = {
      id: me.rows[0]?.id as number,
      email: 'coordinator@meridian.test',
      name: 'c',
      role: 'dos-coordinator',
      scope: null,
      locale: 'en',
      active: true,
    } as const;
    const before = await get('coordinator', `/api/performance/dashboard?from=${month}&to=${month}`);
    const nextMonthDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 2));
    await closeMonth(h.db, actor, month, nextMonthDay);
    await t.move(refs[2] as string, 'resolved');
    await t.move(refs[0] as string, 'resolved');
    const after = await get('coordinator', `/api/performance/dashboard?from=${month}&to=${month}`);
    expect(cell(after, 'MSS-RES')).toMatchObject({ ...cell(before, 'MSS-RES'), frozen: true });
    expect(cell(after, 'MSS-REOPEN')?.value).toBe(cell(before, 'MSS-REOPEN')?.value);
    // the percentile too (from the frozen provider-level histogram)
    expect(cell(after, 'MSS-TTR')).toMatchObject({ ...cell(before, 'MSS-TTR'), frozen: true });
    expect(cell(after, 'MSS-TTR')?.denominator).toBeGreaterThan(0);
    // the live roll-ups did move
    const live = await sql<{
      resolved: string;
    }>`select sum(resolved) as resolved from performance_rollups where provider_code = ${provider}`.execute(h.db);
    expect(Number(live.rows[0]?.resolved)).toBe(3);
    const late = await t.app.inject({
      method: 'POST',
      url: '/api/performance/manual-values',
      payload: { standard: 'MSS-PAYACC', provider: 'RSCE', period: month, value: 1, evidence: 'late correction' },
      headers: t.as['manager.rsce'],
    });
    expect(late.statusCode).toBe(409);
  });
});

describe('exports', () => {
  it('exports the dashboard as CSV and XLSX with the same rows', async () => {
    const q = `from=${month}&to=${month}`;
    const csv = await t.app.inject({
      url: `/api/performance/export?view=dashboard&format=csv&lang=fr&${q}`,
      headers: t.as.coordinator,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^Période,Prestataire,Norme/);
    const d = await get('coordinator', `/api/performance/dashboard?${q}`);
    expect(lines.length - 1).toBe(d.cells.length);
    const xlsx = await t.app.inject({
      url: `/api/performance/export?view=dashboard&format=xlsx&${q}`,
      headers: t.as.coordinator,
    });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws?.rowCount).toBe(d.cells.length + 1);
    expect(ws?.getRow(1).getCell(1).value).toBe('Period');
    const drill = await t.app.inject({
      url: `/api/performance/export?view=drilldown&format=csv&${q}&standard=MSS-RES&provider=${provider}&period=${month}`,
      headers: t.as.coordinator,
    });
    expect(drill.body).toContain(refs[1]);
  });
});
