/**
 * A month's billing run on the reference data (PGlite, in-process): 20,000 cases resolved in the month for
 * the 132 RC offices UNON serves on cost recovery (onboarding per case, payroll per head, reporting as a
 * fixed fee), a tenth of them with a breached resolution clock and a 10% service credit in each office's
 * agreement; prints the time of the first run, of a re-run that finds nothing changed, and the rate of
 * exact decimal summing (1M statement lines).
 * Run: npx tsx bench/billing.bench.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createAgreement, transitionAgreement } from '../src/modules/agreements/sla-agreements.service.ts';
import { createPriceList, recordHeadcount, runBilling } from '../src/modules/billing/billing.service.ts';
import { formatMoney, sumMoney } from '../src/modules/billing/money.ts';
import { findUserForSignIn } from '../src/modules/identity/identity.repository.ts';
import { openMeridian } from '../src/server/runtime.ts';
import { machine } from './machine.ts';

const CASES = 20_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meridian-bench-'));
const m = await openMeridian({ dataDir: dir, demoUsers: true });
const db = m.db;
const coord = await findUserForSignIn(db, 'coordinator@meridian.test');
if (!coord) throw new Error('no coordinator');
const at = new Date('2026-01-02T00:00:00Z');
const base = { provider: 'UNON', currency: 'USD' as const, effectiveFrom: '2026-01-01', effectiveTo: null };
await createPriceList(db, coord, { ...base, service: 'HR-ONBOARD', basis: 'per-case', unitPrice: '152.3750' }, at);
await createPriceList(db, coord, { ...base, service: 'PAY-PAYROLL', basis: 'per-head-month', unitPrice: '12.3456' }, at);
await createPriceList(db, coord, { ...base, service: 'FIN-REPORTING', basis: 'fixed-fee', unitPrice: '1000' }, at);
const offices = (
  await db.selectFrom('client_entities').select('code').where('kind', '=', 'resident-coordinator-office').execute()
).map((r) => r.code);
for (const [i, entity] of offices.entries()) {
  await recordHeadcount(db, coord, { entity, month: '2026-02', staff: 10 + (i % 40) }, at);
  const a = await createAgreement(
    db,
    coord,
    {
      provider: 'UNON',
      entity,
      annex: {
        services: ['HR-ONBOARD'],
        standards: [
          {
            service: 'HR-ONBOARD',
            priority: null,
            firstResponse: 'PT8H',
            nextResponse: null,
            resolution: 'P5D',
            serviceCredit: { metric: 'resolution', percent: '10' },
          },
        ],
        contacts: [
          { party: 'provider', role: 'r', name: 'n', email: 'p@example.org' },
          { party: 'client', role: 'r', name: 'n', email: 'c@example.org' },
        ],
        term: { from: '2026-01-01', to: '2027-12-31' },
        reviewDate: '2027-06-30',
      },
    },
    at,
  );
  await transitionAgreement(db, coord, a.id, { action: 'submit', version: 1 }, at);
  await transitionAgreement(db, coord, a.id, { action: 'sign', version: 1, signatories: { provider: 'p', client: 'c' } }, at);
  await transitionAgreement(db, coord, a.id, { action: 'activate', version: 1, date: '2026-01-01' }, at);
}
await sql`insert into cases (reference, entity_code, service_code, title, impact, urgency, priority, state, provider_code,
    routing_reason, created_at, updated_at, resolved_at, source)
  select 'BEN-' || lpad(g::text, 6, '0'), e.codes[1 + g % array_length(e.codes, 1)], 'HR-ONBOARD', 'Onboarding ' || g, 2, 2, 'P3',
    'resolved', 'UNON', 'bench', t, t, t, 'bench'
  from generate_series(1, ${CASES}) g,
    (select array_agg(code order by code) codes from client_entities where kind = 'resident-coordinator-office') e,
    lateral (select timestamptz '2026-02-01' + (g % 27) * interval '1 day' + (g % 86000) * interval '1 second' as t) x`.execute(
  db,
);
await sql`insert into case_sla_clocks (case_id, scope, provider_code, metric, target, target_business_ms, time_zone, started_at,
    elapsed_business_ms, paused_business_ms, state, breached_at, computed_at)
  select id, 'segment', 'UNON', 'resolution', 'P5D', 1, 'Africa/Nairobi', resolved_at, 2, 0, 'breached', resolved_at, resolved_at
  from cases where source = 'bench' and id % 10 = 0`.execute(db);

let t = performance.now();
const first = await runBilling(db, coord, '2026-02');
const firstMs = performance.now() - t;
t = performance.now();
const again = await runBilling(db, coord, '2026-02');
const againMs = performance.now() - t;
if (again.changed) throw new Error('a re-run changed the statements');
const lines = await db.selectFrom('statement_lines').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();

const amounts: string[] = [];
for (let i = 0; i < 1_000_000; i++) amounts.push(`${(i * 7919) % 100000}.${String(i % 100).padStart(2, '0')}`);
t = performance.now();
const total = formatMoney(sumMoney(amounts));
const sumMs = performance.now() - t;

await m.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  `billing run: ${CASES} cases -> ${first.run.statements} statements, ${lines.n} lines, total ${first.run.total} USD in ${(firstMs / 1000).toFixed(2)} s; re-run unchanged in ${(againMs / 1000).toFixed(2)} s (PGlite, in-process) on ${machine()}`,
);
console.log(`exact decimal sum: 1,000,000 lines in ${sumMs.toFixed(0)} ms (${total} USD) on ${machine()}`);
