/**
 * The fidelity report: each figure the report states about the support architecture, beside the figure
 * Meridian's data gives. Used by `meridian report fidelity` and `GET /api/reports/fidelity`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import {
  countEntitiesServedBy,
  countEntitiesWithScope,
  providersForKindAndService,
} from '../agreements/assignments.repository.ts';
import { todayUtc } from '../agreements/routing.service.ts';
import { summarizeClientEntities } from '../directory/directory.repository.ts';

/** One claim: what the report says (`report`), what Meridian's data gives (`meridian`), and whether they agree. */
export interface FidelityClaim {
  claim: string;
  paragraph: string;
  report: string;
  meridian: string;
  agrees: boolean;
}

const RCO = 'resident-coordinator-office';
const PKO = 'peacekeeping-operation';
const SPM = 'special-political-mission';

function describeKinds(counts: Record<string, number>): string {
  const label: Record<string, string> = {
    [PKO]: 'peacekeeping operations',
    [SPM]: 'special political missions',
    [RCO]: 'RC offices',
    'department-office': 'departments and offices',
    'office-away-from-headquarters': 'offices away from Headquarters',
    'regional-commission': 'regional commissions',
    other: 'other entities',
  };
  const parts = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${label[k] ?? k}`);
  return parts.length ? parts.join(', ') : 'none';
}

/**
 * Computes every claim on the assignments in force on `on` (default today, UTC).
 * @returns claims in the report's order.
 */
export async function buildFidelityReport(db: Kysely<Database>, on: string = todayUtc()): Promise<FidelityClaim[]> {
  const entities = await summarizeClientEntities(db);
  const rcoCount = entities.byKind[RCO] ?? 0;
  const claims: FidelityClaim[] = [];
  const add = (claim: string, paragraph: string, report: string, meridian: string, agrees: boolean) =>
    claims.push({ claim, paragraph, report, meridian, agrees });

  add(
    'Secretariat entities with full delegated authority',
    'para 8',
    'about 235',
    `${entities.total} client entities`,
    Math.abs(entities.total - 235) <= 235 * 0.15,
  );
  add(
    'Countries where Secretariat entities are present',
    'para 8',
    'at least 175',
    `${entities.countriesCovered} countries and territories covered`,
    entities.countriesCovered >= 175,
  );
  add('Resident-coordinator offices', 'para 13', '132', String(rcoCount), rcoCount === 132);
  add(
    'Countries and territories covered by RC offices',
    'para 13',
    '162',
    String(entities.rcoCountriesCovered),
    entities.rcoCountriesCovered === 162,
  );

  const payroll = await providersForKindAndService(db, RCO, 'PAY-PAYROLL', on);
  add(
    'RC offices receiving payroll globally from UNON',
    'para 16',
    `all (${rcoCount})`,
    `${payroll.UNON ?? 0} of ${rcoCount}`,
    (payroll.UNON ?? 0) === rcoCount && rcoCount > 0,
  );
  const assets = await providersForKindAndService(db, RCO, 'AST-MGMT', on);
  add(
    'RC offices receiving asset management globally from GSC',
    'para 16',
    `all (${rcoCount})`,
    `${assets.GSC ?? 0} of ${rcoCount}`,
    (assets.GSC ?? 0) === rcoCount && rcoCount > 0,
  );
  const procurement = await providersForKindAndService(db, RCO, 'PROC-PROCUREMENT', on);
  const regional = ['ECLAC', 'ESCAP', 'ESCWA', 'UNOG', 'UNON'];
  const procProviders = Object.keys(procurement).sort();
  add(
    'Regional providers of procurement, international travel and non-staff personnel to RC offices',
    'para 16',
    regional.join(', '),
    Object.entries(procurement)
      .sort()
      .map(([p, n]) => `${p} (${n})`)
      .join(', '),
    procProviders.join(',') === [...regional].sort().join(','),
  );
  const onSite = await countEntitiesWithScope(db, RCO, 'local', on);
  add(
    'RC offices given full on-site services locally by the Secretariat',
    'para 16',
    '16 locations',
    `${onSite} RC offices`,
    onSite === 16,
  );

  const rsceAfrica = await countEntitiesServedBy(db, 'RSCE', on, { africaOnly: true });
  const rsceAll = await countEntitiesServedBy(db, 'RSCE', on);
  add(
    'Clients of the Regional Service Centre Entebbe',
    'para 26',
    '6 peacekeeping operations and 9 special political missions in Africa, plus UNSOS and UNOAU',
    describeKinds(rsceAll),
    (rsceAfrica[PKO] ?? 0) >= 6 && (rsceAfrica[SPM] ?? 0) >= 9,
  );
  const kjsoPayroll = await countEntitiesServedBy(db, 'KJSO', on, { services: ['PAY-PAYROLL'] });
  const kjsoAll = await countEntitiesServedBy(db, 'KJSO', on);
  add(
    'Clients of the Kuwait Joint Support Office',
    'paras 28-29',
    'UNAMA, UNAMI and at least 5 special political missions outside Africa; payroll for 6 peacekeeping operations, 4 more political missions, GSC and Valencia',
    `${describeKinds(kjsoAll)}; payroll for ${describeKinds(kjsoPayroll)}`,
    (kjsoAll[SPM] ?? 0) >= 7 && (kjsoPayroll[PKO] ?? 0) >= 6,
  );
  return claims;
}
