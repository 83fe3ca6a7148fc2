/**
 * Histograms in the roll-ups with a database: the SQL bucket function agrees with `bucketOf`; counters and
 * histograms (both levels) stay equal to a full recompute from the facts after random case changes; the
 * migration's fill gives the same; the percentiles read from both levels are within 1/64 of the exact
 * `percentile_cont` over the same facts.
 */
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../tests/helpers/test-db.ts';
import type { DatabaseHandle } from '../../db/database.ts';
import { fillHistograms } from '../../db/migrations/20261130T0300-performance-histograms.ts';
import { bucketOf, HISTOGRAM_RELATIVE_PRECISION, histogramPercentile } from './histogram.ts';
import { type CaseFactRow, findFact, rollupAggregates } from './performance.repository.ts';
import { storeFact } from './rollups.service.ts';
import { rollupsRecomputed } from './rollups.test-fixtures.ts';

let h: DatabaseHandle;
const ids: string[] = [];
let providers: string[] = [];
let services: string[] = [];
let entities: string[] = [];
const MONTHS = ['2026-01', '2026-02', '2026-03'];

beforeAll(async () => {
  h = await createTestDatabase();
  const codes = async (t: string) =>
    (await sql<{ code: string }>`select code from ${sql.table(t)} order by code limit 3`.execute(h.db)).rows.map((r) => r.code);
  [providers, services, entities] = [await codes('providers'), await codes('services'), await codes('client_entities')];
  for (let i = 0; i < 12; i++) {
    const r = await sql<{ id: string }>`insert into cases (reference, entity_code, service_code, title, impact, urgency, priority,
        state, provider_code, routing_reason, created_at, updated_at, source, external_id)
      values (${`HIST-${i}`}, ${entities[0]}, ${services[0]}, 'histogram test', 2, 2, 'P3', 'new', ${providers[0]}, 'test',
        now(), now(), 'test', ${String(i)}) returning id`.execute(h.db);
    ids.push(String(r.rows[0]?.id));
  }
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('SQL bucket function', () => {
  it('agrees with bucketOf', async () => {
    const values = [
      0,
      1,
      63,
      64,
      65,
      127,
      128,
      1000,
      65_535,
      65_536,
      3_600_000,
      36_000_000,
      2 ** 40 - 1,
      2 ** 40,
      123_456_789_012,
    ];
    for (let e = 6; e < 50; e++) values.push(2 ** e - 1, 2 ** e, 2 ** e + 1);
    const r = await sql<{ v: string; b: number }>`select v::text as v, performance_hist_bucket(v) as b
      from unnest(${values.map(String)}::bigint[]) v`.execute(h.db);
    expect(r.rows.map((x) => [Number(x.v), Number(x.b)])).toEqual(values.map((v) => [v, bucketOf(v)]));
  });
});

const states = fc.constantFrom(null, 'running', 'paused', 'met', 'breached');
const times = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 200_000_000 }));
/** A random change: case i gets new facts (or loses them). */
const change = fc.record({
  i: fc.integer({ min: 0, max: 11 }),
  gone: fc.boolean(),
  p: fc.integer({ min: 0, max: 2 }),
  s: fc.integer({ min: 0, max: 2 }),
  e: fc.integer({ min: 0, max: 2 }),
  m: fc.integer({ min: 0, max: 2 }),
  fr: states,
  frMs: times,
  res: states,
  resMs: times,
  flags: fc.integer({ min: 0, max: 15 }),
});

type Change = typeof change extends fc.Arbitrary<infer T> ? T : never;

async function apply(c: Change) {
  const id = ids[c.i] as string;
  await h.db.transaction().execute(async (trx) => {
    const old = (await findFact(trx, id)) ?? null;
    const next: CaseFactRow | null = c.gone
      ? null
      : {
          case_id: id,
          provider_code: providers[c.p] as string,
          service_code: services[c.s] as string,
          entity_code: entities[c.e] as string,
          month: MONTHS[c.m] as string,
          time_zone: 'UTC',
          fr_state: c.fr,
          fr_ms: c.fr ? String(c.frMs) : null,
          nr_state: null,
          nr_ms: null,
          res_state: c.res,
          res_ms: c.res ? String(c.resMs) : null,
          resolved: (c.flags & 1) > 0,
          reopened: (c.flags & 2) > 0,
          provider_handoffs: c.flags & 3,
          team_handoffs: c.flags >> 2,
          ping_pong: (c.flags & 8) > 0,
          end_to_end_ms: null,
          updated_at: new Date(),
        };
    await storeFact(trx, id, old, next);
  });
}

describe('roll-ups kept by difference', () => {
  it('counters and histograms of both levels equal a full recompute after random case changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 25 }), async (cs) => {
        for (const c of cs) await apply(c);
        const r = await rollupsRecomputed(h.db);
        expect(r.kept).toEqual(r.recomputed);
      }),
      { numRuns: 12 },
    );
    const facts = await sql<{ n: string }>`select count(*) as n from performance_case_facts`.execute(h.db);
    expect(Number(facts.rows[0]?.n)).toBeGreaterThan(0);
  }, 120_000);

  it('the migration fills the same histograms and provider level from the facts', async () => {
    const before = await rollupsRecomputed(h.db);
    await sql`update performance_rollups set fr_hist = '{}', res_hist = '{}'`.execute(h.db);
    await sql`delete from performance_provider_rollups`.execute(h.db);
    await fillHistograms(h.db as unknown as Kysely<unknown>);
    const after = await rollupsRecomputed(h.db);
    expect(after.kept).toEqual(before.kept);
  });
});

describe('percentiles from the roll-ups', () => {
  it('are within 1/64 of percentile_cont over the same facts, at the provider level and filtered', async () => {
    for (let i = 0; i < 12; i++)
      await apply({
        i,
        gone: false,
        p: i % 2,
        s: i % 3,
        e: i % 2,
        m: i % 3,
        fr: 'met',
        frMs: 1000 * i,
        res: i % 4 === 0 ? 'breached' : 'met',
        resMs: (i * 7_919_111) % 180_000_000,
        flags: i,
      });
    for (const filter of [{}, { entity: entities[0] as string }]) {
      const rows = await rollupAggregates(h.db, { open: MONTHS, closed: [], filter, granularity: 'range', label: 'all' });
      const exact = await sql<{ provider: string; v: number | string | null; n: string }>`
        select provider_code as provider, percentile_cont(0.5) within group (order by res_ms) as v, count(*) as n
        from performance_case_facts where res_state in ('met', 'breached')
          and (${filter.entity ?? null}::text is null or entity_code = ${filter.entity ?? null})
        group by 1`.execute(h.db);
      expect(exact.rows.length).toBeGreaterThan(0);
      for (const x of exact.rows) {
        const row = rows.find((r) => r.provider === x.provider);
        const estimate = histogramPercentile(row?.res_hist ?? new Map(), 50) as number;
        const v = Number(x.v);
        expect(Math.abs(estimate - v)).toBeLessThanOrEqual(v * HISTOGRAM_RELATIVE_PRECISION + 1e-9);
        expect([...(row?.res_hist.values() ?? [])].reduce((a, n) => a + n, 0)).toBe(Number(x.n));
      }
    }
  });
});
