/**
 * Survey results over many answers: seeds `--responses N` answers (default 200,000) over a year, spread over
 * every provider, service and entity, 1 in 5 with a comment, then times `satisfactionByProvider` for the year
 * (the figure the minimum standards read), the results dashboard grouped by provider and by month, and the
 * first page of the comments feed, each run 20 times; prints the median and p95 in ms and the machine.
 * Run: npx tsx bench/surveys.bench.ts [--responses 200000]   (PostgreSQL: set DATABASE_URL to an empty database)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { satisfactionByProvider, surveyComments, surveyResults } from '../src/modules/surveys/results.service.ts';
import { openMeridian } from '../src/server/runtime.ts';
import { machine } from './machine.ts';

const arg = process.argv.indexOf('--responses');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 200_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-bench-surveys-'));
const m = await openMeridian({ dataDir: dir, databaseUrl: process.env.DATABASE_URL || undefined, demoUsers: false });
const year = 2026;

const t0 = performance.now();
for (let done = 0; done < N; done += 50_000) {
  const n = Math.min(50_000, N - done);
  await sql`
    with p as (select array_agg(code order by code) a from providers),
         s as (select array_agg(code order by code) a from services),
         e as (select array_agg(code order by code) a from client_entities)
    insert into survey_responses (template_id, source, anonymous, provider_code, service_code, entity_code, period_date, language,
      overall_rating, recommend_score, answers, submitted_at, updated_at)
    select 1, 'transactional', false,
      p.a[1 + (g * 7) % array_length(p.a, 1)], s.a[1 + (g * 13) % array_length(s.a, 1)], e.a[1 + (g * 31) % array_length(e.a, 1)],
      make_date(${year}::int, 1, 1) + (g % 365), 'en', 1 + (g * 17) % 5, (g * 23) % 11,
      jsonb_build_object('overall', 1 + (g * 17) % 5, 'recommend', (g * 23) % 11, 'resolved', (array['yes','partly','no'])[1 + g % 3]),
      now(), now()
    from generate_series(${done + 1}::int, ${done + n}::int) g, p, s, e`.execute(m.db);
}
await sql`insert into survey_comments (response_id, question_key, body)
  select id, 'comment', 'Comment on ' || provider_code from survey_responses where overall_rating = 2`.execute(m.db);
await sql`analyze`.execute(m.db);
const seeded = performance.now() - t0;

async function time(label: string, f: () => Promise<unknown>): Promise<string> {
  const xs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    await f();
    xs.push(performance.now() - s);
  }
  xs.sort((a, b) => a - b);
  return `${label}: median ${xs[10]?.toFixed(1)} ms, p95 ${xs[18]?.toFixed(1)} ms`;
}

const period = { from: `${year}-01-01`, to: `${year}-12-31` };
const check = await satisfactionByProvider(m.db, period);
const counted = check.reduce((a, r) => a + r.responses, 0);
if (counted !== N) throw new Error(`satisfactionByProvider counted ${counted} answers, expected ${N}`);
const lines = [
  await time('satisfactionByProvider (year)', () => satisfactionByProvider(m.db, period)),
  await time('results by provider (year)', () =>
    surveyResults(m.db, { kind: 'all' }, { ...period, groupBy: 'provider', source: 'all' }),
  ),
  await time('results by month (year)', () =>
    surveyResults(m.db, { kind: 'all' }, { ...period, groupBy: 'month', source: 'all' }),
  ),
  await time('results of one provider by month', () =>
    surveyResults(m.db, { kind: 'provider', code: 'UNON' }, { ...period, groupBy: 'month', source: 'all' }),
  ),
  await time('comments feed, first page', () => surveyComments(m.db, { kind: 'all' }, { ...period, page: 1, pageSize: 20 })),
];
await m.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  `survey results over ${N.toLocaleString('en')} answers (${m.kind}; seeded in ${(seeded / 1000).toFixed(1)} s) on ${machine()}`,
);
for (const l of lines) console.log(`  ${l}`);
