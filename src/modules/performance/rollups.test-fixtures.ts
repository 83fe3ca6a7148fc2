/**
 * Test helpers: a case's facts with test defaults (`caseFact`), and the roll-ups (counters and histograms, both levels) recomputed from the per-case facts, beside
 * the ones kept by difference, in the same shape and order, so a test can compare them with `toEqual`.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/types.ts';
import { type CaseFactRow, ROLLUP_COUNTERS } from './performance.repository.ts';

/** A case's facts: provider P1, service S1, entity E1, January 2026 (UTC), first response met in 1 s, resolution running (5 s); `over` replaces any. */
export const caseFact = (over: Partial<CaseFactRow> = {}): CaseFactRow => ({
  case_id: '1',
  provider_code: 'P1',
  service_code: 'S1',
  entity_code: 'E1',
  month: '2026-01',
  time_zone: 'UTC',
  fr_state: 'met',
  fr_ms: '1000',
  nr_state: null,
  nr_ms: null,
  res_state: 'running',
  res_ms: '5000',
  resolved: false,
  reopened: false,
  provider_handoffs: 0,
  team_handoffs: 0,
  ping_pong: false,
  end_to_end_ms: null,
  updated_at: new Date(0),
  ...over,
});

const sums = ROLLUP_COUNTERS.map(
  (k) =>
    `sum(${k === 'cases' ? '1' : ['resolved', 'reopened', 'ping_pong'].includes(k) ? `case when ${k} then 1 else 0 end` : k.endsWith('_met') ? `case when ${k.split('_')[0]}_state = 'met' then 1 else 0 end` : k.endsWith('_decided') ? `case when ${k.split('_')[0]}_state in ('met','breached') then 1 else 0 end` : k})::int as ${k}`,
).join(', ');

const hist = (keys: string, state: string, ms: string) => `coalesce((select jsonb_object_agg(b::text, n) from (
    select performance_hist_bucket(${ms}) as b, count(*) as n from performance_case_facts x
    where ${keys
      .split(', ')
      .map((k) => `x.${k} = f.${k}`)
      .join(' and ')} and x.${state} in ('met','breached') and x.${ms} is not null group by 1) h), '{}'::jsonb)`;

type Row = Record<string, unknown> & { fr_hist: Record<string, number>; res_hist: Record<string, number> };

/**
 * Kept and recomputed roll-ups: `cells` (provider x service x entity x month) and `providers` (provider x
 * month), rows with counters as numbers and histograms as objects; kept rows all zero are left out.
 */
export async function rollupsRecomputed(db: Kysely<Database>) {
  const level = async (keys: string, table: string) => {
    const recomputed = await sql
      .raw<Record<string, unknown>>(
        `select ${keys}, ${sums}, ${hist(keys, 'fr_state', 'fr_ms')} as fr_hist, ${hist(keys, 'res_state', 'res_ms')} as res_hist
         from performance_case_facts f group by ${keys} order by ${keys}`,
      )
      .execute(db);
    const kept = await sql
      .raw<Record<string, unknown>>(
        `select ${keys}, ${ROLLUP_COUNTERS.map((k) => `${k}::int as ${k}`).join(', ')}, fr_hist, res_hist from ${table}
         where cases <> 0 or fr_hist <> '{}'::jsonb or res_hist <> '{}'::jsonb order by ${keys}`,
      )
      .execute(db);
    const parse = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({
        ...r,
        fr_hist: typeof r.fr_hist === 'string' ? JSON.parse(r.fr_hist) : r.fr_hist,
        res_hist: typeof r.res_hist === 'string' ? JSON.parse(r.res_hist) : r.res_hist,
      }));
    return { recomputed: parse(recomputed.rows), kept: parse(kept.rows) } as { recomputed: Row[]; kept: Row[] };
  };
  const cells = await level('provider_code, service_code, entity_code, month', 'performance_rollups');
  const providers = await level('provider_code, month', 'performance_provider_rollups');
  return {
    recomputed: { cells: cells.recomputed, providers: providers.recomputed },
    kept: { cells: cells.kept, providers: providers.kept },
  };
}
