import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs } from '../../../tests/helpers/http.ts';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { buildApp } from '../../server/app.ts';
import { countAuditEvents } from '../identity/identity.repository.ts';
import type { PlanningSnapshot } from './planning.repository.ts';
import type { CoLocation, Scenario } from './planning.schema.ts';
import { demandOf } from './planning.service.ts';

let h: DatabaseHandle;
let app: FastifyInstance;
const as: Record<string, { cookie: string }> = {};

beforeAll(async () => {
  h = await createTestDatabase();
  app = await buildApp({ db: h.db, databaseKind: h.kind, logLevel: 'silent', signInRateLimit: 10_000, webDir: '/nonexistent' });
  await app.ready();
  for (const who of ['coordinator', 'manager.rsce', 'viewer', 'agent.rsce'])
    as[who] = await signInAs(app, `${who}@meridian.test`);
});
afterAll(async () => {
  await app.close();
  await h.close();
});

const southAmerica = {
  name: 'RC offices of the Southern Cone',
  referenceDate: '2026-01-14',
  scope: { entities: ['RCO-CL', 'RCO-AR', 'RCO-UY', 'RCO-PY', 'RCO-BR'] },
  solver: { timeLimitSeconds: 30, relativeGap: 0 },
};

describe('co-location finder on the reference data', () => {
  it('names real duty stations where several entities each keep their own support for a service', async () => {
    const r = await app.inject({ url: '/api/planning/co-locations', headers: as.coordinator });
    expect(r.statusCode, r.body).toBe(200);
    const items = r.json().items as CoLocation[];
    expect(items.length).toBeGreaterThan(0);
    const stations = new Map(
      (await h.db.selectFrom('duty_stations').select(['code', 'city']).execute()).map((s) => [s.code, s.city]),
    );
    const entityStation = new Map(
      (await h.db.selectFrom('client_entities').select(['code', 'duty_station_code']).execute()).map((e) => [
        e.code,
        e.duty_station_code,
      ]),
    );
    const assigned = new Set(
      (await h.db.selectFrom('assignments').select(['entity_code', 'service_code']).execute()).map(
        (a) => `${a.entity_code}|${a.service_code}`,
      ),
    );
    for (const c of items) {
      expect(stations.get(c.dutyStation)).toBe(c.city);
      expect(c.entities.length).toBeGreaterThanOrEqual(2);
      for (const e of c.entities) {
        expect(entityStation.get(e.code)).toBe(c.dutyStation);
        expect(assigned.has(`${e.code}|${c.service}`)).toBe(false);
        expect(e.quantity).toBeGreaterThan(0);
      }
      expect(c.ownSupportCostUsd).toBeGreaterThan(c.sharedCostUsd);
    }
    // New York: the larger Headquarters departments each keep their own HR administration (para 31, 44).
    const ny = items.find((c) => c.dutyStation === 'US-NE020' && c.service === 'HR-ADMIN');
    expect(ny?.city).toBe('New York');
    expect(ny?.entities.length).toBeGreaterThanOrEqual(5);
  });
});

describe('scenarios through the API', () => {
  let scenario: Scenario;

  it('solves and saves a scenario, compared with today, obeying capacities and the on-site rule', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/planning/scenarios',
      headers: as.coordinator,
      payload: southAmerica,
    });
    expect(r.statusCode, r.body).toBe(201);
    scenario = r.json() as Scenario;
    expect(r.headers.location).toBe(`/api/planning/scenarios/${scenario.id}`);
    const res = scenario.result;
    expect(res.status).toBe('optimal');
    expect(res.gap).toBeLessThanOrEqual(1e-6);
    expect(res.demands).toBe(res.assignments.length);
    expect(new Set(res.assignments.map((a) => a.entity))).toEqual(new Set(southAmerica.scope.entities));
    expect(res.today?.breaches.unserved).toBe(0);
    expect(res.scenario?.breaches).toEqual({ onSite: 0, capacity: 0, unserved: 0, unpriced: 0 });
    expect(res.scenario?.objectiveUsd).toBeLessThanOrEqual((res.today?.objectiveUsd ?? 0) + 1e-6);
    // On-site services stay at the entity's duty station or with a local partner there.
    const onSite = new Set(
      (await h.db.selectFrom('planning_service_rates').select('service_code').where('delivery', '=', 'on-site').execute()).map(
        (s) => s.service_code,
      ),
    );
    const providerStation = new Map(
      (await h.db.selectFrom('providers').select(['code', 'duty_station_code']).execute()).map((p) => [
        p.code,
        p.duty_station_code,
      ]),
    );
    const entityStation = new Map(
      (await h.db.selectFrom('client_entities').select(['code', 'duty_station_code']).execute()).map((e) => [
        e.code,
        e.duty_station_code,
      ]),
    );
    const partners = new Set(
      (await h.db.selectFrom('planning_local_partners').select(['provider_code', 'duty_station_code']).execute()).map(
        (p) => `${p.provider_code}|${p.duty_station_code}`,
      ),
    );
    for (const a of res.assignments.filter((x) => onSite.has(x.service) && x.provider !== null)) {
      const at = entityStation.get(a.entity) as string;
      expect(providerStation.get(a.provider as string) === at || partners.has(`${a.provider}|${at}`)).toBe(true);
    }
    expect(await countAuditEvents(h.db, 'planning.scenario.created')).toBe(1);
    const list = await app.inject({ url: '/api/planning/scenarios', headers: as.coordinator });
    expect(list.json().items[0]).toMatchObject({ id: scenario.id, name: southAmerica.name, status: 'optimal' });
  });

  it('records accepted changes as proposals and exports them as CSV', async () => {
    const changes = scenario.result.assignments.filter((a) => a.provider !== a.current).slice(0, 2);
    expect(changes.length).toBeGreaterThan(0);
    const r = await app.inject({
      method: 'POST',
      url: `/api/planning/scenarios/${scenario.id}/proposals`,
      headers: as.coordinator,
      payload: { changes: changes.map((c) => ({ entity: c.entity, service: c.service })) },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ proposed: changes.length, skipped: 0 });
    const again = await app.inject({
      method: 'POST',
      url: `/api/planning/scenarios/${scenario.id}/proposals`,
      headers: as.coordinator,
      payload: { changes: changes.map((c) => ({ entity: c.entity, service: c.service })) },
    });
    expect(again.json()).toMatchObject({ proposed: 0, skipped: changes.length });
    const kept = scenario.result.assignments.find((a) => a.provider === a.current);
    if (kept) {
      const bad = await app.inject({
        method: 'POST',
        url: `/api/planning/scenarios/${scenario.id}/proposals`,
        headers: as.coordinator,
        payload: { changes: [{ entity: kept.entity, service: kept.service }] },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].message).toContain('not a change');
    }
    const csv = await app.inject({ url: `/api/planning/proposals.csv?scenario=${scenario.id}`, headers: as.coordinator });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,scenario_id,entity,service,from_provider,to_provider,quantity,cost_delta_usd,status,created_at');
    expect(lines).toHaveLength(changes.length + 1);
    expect(lines[1]).toContain(`,${changes[0]?.entity},${changes[0]?.service},`);
    expect(lines[1]).toContain(',proposed,');
    expect(await countAuditEvents(h.db, 'planning.changes.proposed')).toBe(2);
  });

  it("lets a provider manager read only their provider's rows, without totals; viewers and agents not at all", async () => {
    const r = await app.inject({ url: `/api/planning/scenarios/${scenario.id}`, headers: as['manager.rsce'] });
    expect(r.statusCode, r.body).toBe(200);
    const s = r.json() as Scenario;
    expect(s.scoped).toBe(true);
    expect(s.objectiveUsd).toBeNull();
    expect(s.result.today).toBeNull();
    for (const a of s.result.assignments) expect(a.current === 'RSCE' || a.provider === 'RSCE').toBe(true);
    const post = await app.inject({
      method: 'POST',
      url: '/api/planning/scenarios',
      headers: as['manager.rsce'],
      payload: southAmerica,
    });
    expect(post.statusCode).toBe(403);
    const offers = await app.inject({ url: '/api/planning/offers', headers: as['manager.rsce'] });
    expect(offers.json().items.every((o: { provider: string }) => o.provider === 'RSCE')).toBe(true);
    expect((await app.inject({ url: '/api/planning/scenarios', headers: as.viewer })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/planning/scenarios', headers: as['agent.rsce'] })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/planning/scenarios' })).statusCode).toBe(401);
  });

  it('explains an infeasible scenario: the demand that cannot be met and why', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/planning/scenarios',
      headers: as.coordinator,
      payload: {
        ...southAmerica,
        name: 'Chile payroll beyond every capacity',
        constraints: { ownSupport: 'none' },
        overrides: { demand: [{ entity: 'RCO-CL', service: 'PAY-PAYROLL', quantity: 1e9 }] },
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    const s = r.json() as Scenario;
    expect(s.status).toBe('infeasible');
    expect(s.result.assignments).toEqual([]);
    const f = s.result.infeasibility.find((x) => x.entity === 'RCO-CL' && x.service === 'PAY-PAYROLL');
    expect(f?.code).toBe('DEMAND_ABOVE_ANY_CAPACITY');
    expect(f?.message).toMatch(/RCO-CL needs 1,000,000,000 staff-month of PAY-PAYROLL a year/);
  });

  it('refuses a scenario naming unknown codes, naming the field', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/planning/scenarios',
      headers: as.coordinator,
      payload: { ...southAmerica, overrides: { offers: [{ provider: 'NOPE', service: 'PAY-PAYROLL', capacity: 1 }] } },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([{ field: 'overrides.offers.0.provider', message: 'unknown provider NOPE' }]);
  });
});

describe('planning data edits', () => {
  it("sets a duty station's levels and a demand override, each audited", async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/planning/locations/CF-BA020',
      headers: as.coordinator,
      payload: { securityLevel: 5, hardship: 'E', basis: 'UNDSS security level in force (test)' },
    });
    expect(put.statusCode, put.body).toBe(204);
    const locs = await app.inject({ url: '/api/planning/locations', headers: as.coordinator });
    expect(locs.json().items.find((l: { dutyStation: string }) => l.dutyStation === 'CF-BA020')).toMatchObject({
      securityLevel: 5,
      hardship: 'E',
    });
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/planning/locations/CF-BA020',
      headers: as.coordinator,
      payload: { securityLevel: 7, hardship: 'E', basis: 'x yz' },
    });
    expect(bad.statusCode).toBe(400);
    const missing = await app.inject({
      method: 'PUT',
      url: '/api/planning/locations/ZZ-NOPE',
      headers: as.coordinator,
      payload: { securityLevel: 3, hardship: 'C', basis: 'test basis' },
    });
    expect(missing.statusCode).toBe(404);
    expect(await countAuditEvents(h.db, 'planning.location.updated')).toBe(1);

    const d = await app.inject({
      method: 'PUT',
      url: '/api/planning/demand/RCO-CL/PAY-PAYROLL',
      headers: as.coordinator,
      payload: { quantity: 180, basis: 'RCO Chile payroll: 15 staff x 12 months' },
    });
    expect(d.statusCode, d.body).toBe(204);
    const list = await app.inject({ url: '/api/planning/demand?entity=RCO-CL', headers: as.coordinator });
    expect(list.json().items.find((x: { service: string }) => x.service === 'PAY-PAYROLL')).toMatchObject({
      quantity: 180,
      source: 'override',
      basis: 'RCO Chile payroll: 15 staff x 12 months',
    });
    expect(list.json().items.find((x: { service: string }) => x.service === 'HR-ADMIN')).toMatchObject({
      source: 'headcount',
      quantity: 144,
    });
    expect(await countAuditEvents(h.db, 'planning.demand.updated')).toBe(1);
  });
});

describe('demand', () => {
  const service = {
    code: 'HR-ONBOARD',
    serviceLine: 'HR',
    delivery: 'remote' as const,
    unit: 'case',
    unitsPerHeadPerYear: 0.15,
    unitsPerEntityPerYear: 0,
    unitsPerCase: 1,
    baseUnitCostUsd: 450,
    ownSupportUnitCostUsd: 720,
  };
  const snap = (over: Partial<PlanningSnapshot>): PlanningSnapshot => ({
    stations: [],
    entities: [],
    providers: [],
    services: [service],
    offers: [],
    localPartners: [],
    headcounts: new Map([['MINUSCA', 1000]]),
    overrides: new Map(),
    caseCounts: new Map(),
    current: new Map(),
    ...over,
  });

  it('comes from case history where there is one, else headcount x rate, and an override wins', () => {
    expect(demandOf(snap({}), 'MINUSCA', service)).toEqual({ quantity: 150, source: 'headcount' });
    expect(demandOf(snap({ caseCounts: new Map([['MINUSCA|HR-ONBOARD', 42]]) }), 'MINUSCA', service)).toEqual({
      quantity: 42,
      source: 'cases',
    });
    expect(
      demandOf(
        snap({ caseCounts: new Map([['MINUSCA|HR-ONBOARD', 42]]), overrides: new Map([['MINUSCA|HR-ONBOARD', 7]]) }),
        'MINUSCA',
        service,
      ),
    ).toEqual({ quantity: 7, source: 'override' });
    // A service not counted per case ignores case history.
    expect(
      demandOf(snap({ caseCounts: new Map([['MINUSCA|HR-ONBOARD', 42]]) }), 'MINUSCA', { ...service, unitsPerCase: null }),
    ).toEqual({
      quantity: 150,
      source: 'headcount',
    });
  });
});
