/**
 * Minimum service standards and performance analytics (issue 6, decision 0015):
 * - `performance_standards`: the standards as data, versioned by month (`effective_from` .. exclusive
 *   `effective_to`, both `YYYY-MM`), names in each language, a measure from the fixed vocabulary
 *   (docs/standards.md), a comparator and a target, all providers or one service line; the report's six
 *   examples are seeded as version 1 from 2020-01;
 * - `performance_manual_values`: data captured by hand for standards not derived from cases, per provider
 *   and period (`YYYY-MM`, `YYYY-Qn`, `YYYY-Hn`, `YYYY`), with who entered it and the evidence;
 * - `performance_case_facts`: one row per case, what the measures need (clock outcomes, business time,
 *   reopen, handoffs), refreshed in the transaction of each case change; `performance_rollups`: their sums
 *   per provider x service x client entity x local month, kept current by difference (never recomputed);
 * - `performance_closed_periods` with frozen copies of the month's facts, roll-ups and satisfaction
 *   (`performance_frozen_*`): a closed month is read from them, so its figures never move;
 * - `analytics_logs` and `analytics_events`: real service-desk logs loaded for flow analytics.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('performance_standards')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'jsonb', (c) => c.notNull())
    .addColumn('measure', 'text', (c) => c.notNull().check(sql`measure in ('share-met','percentile','rate','mean','manual')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('percentile', 'double precision')
    .addColumn('comparator', 'text', (c) => c.notNull().check(sql`comparator in ('>=','<=')`))
    .addColumn('target', 'double precision', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('service_line_code', 'text', (c) => c.references('service_lines.code'))
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('effective_to', 'text')
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('performance_standards_code_version_key', ['code', 'version'])
    .execute();

  await db.schema
    .createTable('performance_manual_values')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('standard_code', 'text', (c) => c.notNull())
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('evidence_url', 'text')
    .addColumn('entered_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('entered_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('performance_manual_values_key', ['standard_code', 'provider_code', 'period'])
    .execute();

  await db.schema
    .createTable('performance_case_facts')
    .addColumn('case_id', 'bigint', (c) => c.primaryKey().references('cases.id'))
    .addColumn('provider_code', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('entity_code', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('fr_state', 'text')
    .addColumn('fr_ms', 'bigint')
    .addColumn('nr_state', 'text')
    .addColumn('nr_ms', 'bigint')
    .addColumn('res_state', 'text')
    .addColumn('res_ms', 'bigint')
    .addColumn('resolved', 'boolean', (c) => c.notNull())
    .addColumn('reopened', 'boolean', (c) => c.notNull())
    .addColumn('provider_handoffs', 'integer', (c) => c.notNull())
    .addColumn('team_handoffs', 'integer', (c) => c.notNull())
    .addColumn('ping_pong', 'boolean', (c) => c.notNull())
    .addColumn('end_to_end_ms', 'bigint')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('performance_case_facts_month_idx')
    .on('performance_case_facts')
    .columns(['month', 'provider_code'])
    .execute();

  const rollupColumns = (t: string) =>
    db.schema
      .createTable(t)
      .addColumn('provider_code', 'text', (c) => c.notNull())
      .addColumn('service_code', 'text', (c) => c.notNull())
      .addColumn('entity_code', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('cases', 'bigint', (c) => c.notNull())
      .addColumn('fr_met', 'bigint', (c) => c.notNull())
      .addColumn('fr_decided', 'bigint', (c) => c.notNull())
      .addColumn('nr_met', 'bigint', (c) => c.notNull())
      .addColumn('nr_decided', 'bigint', (c) => c.notNull())
      .addColumn('res_met', 'bigint', (c) => c.notNull())
      .addColumn('res_decided', 'bigint', (c) => c.notNull())
      .addColumn('resolved', 'bigint', (c) => c.notNull())
      .addColumn('reopened', 'bigint', (c) => c.notNull())
      .addColumn('provider_handoffs', 'bigint', (c) => c.notNull())
      .addColumn('team_handoffs', 'bigint', (c) => c.notNull())
      .addColumn('ping_pong', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${t}_pk`, ['month', 'provider_code', 'service_code', 'entity_code']);
  await rollupColumns('performance_rollups').execute();
  await rollupColumns('performance_frozen_rollups').execute();

  await db.schema
    .createTable('performance_closed_periods')
    .addColumn('month', 'text', (c) => c.primaryKey())
    .addColumn('closed_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('closed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create table performance_frozen_facts (like performance_case_facts)`.execute(db);
  await db.schema
    .createIndex('performance_frozen_facts_month_idx')
    .on('performance_frozen_facts')
    .columns(['month', 'provider_code'])
    .execute();
  await db.schema
    .createTable('performance_frozen_satisfaction')
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('provider_code', 'text', (c) => c.notNull())
    .addColumn('mean_rating', 'double precision')
    .addColumn('responses', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('performance_frozen_satisfaction_pk', ['month', 'provider_code'])
    .execute();

  await db.schema
    .createTable('analytics_logs')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('preset', 'text')
    .addColumn('has_levels', 'boolean', (c) => c.notNull())
    .addColumn('has_sla', 'boolean', (c) => c.notNull())
    .addColumn('cases', 'integer', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('analytics_events')
    .addColumn('log_id', 'integer', (c) => c.notNull().references('analytics_logs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('activity', 'text', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('resource', 'text')
    .addColumn('level', 'text')
    .addColumn('sla_met', 'boolean')
    .addPrimaryKeyConstraint('analytics_events_pk', ['log_id', 'seq'])
    .execute();

  // The report's examples (para 53), version 1 from 2020-01; targets are assumptions until the Management
  // Committee sets its own.
  const seed: Array<[string, string, string, string, string, number | null, string, number, string]> = [
    [
      'MSS-FR',
      'First responses within target',
      'Premières réponses dans le délai',
      'share-met',
      'first-response',
      null,
      '>=',
      0.9,
      'share',
    ],
    [
      'MSS-RES',
      'Cases resolved within target',
      'Dossiers résolus dans le délai',
      'share-met',
      'resolution',
      null,
      '>=',
      0.95,
      'share',
    ],
    [
      'MSS-TTR',
      'Median time to resolve',
      'Délai médian de résolution',
      'percentile',
      'resolution',
      50,
      '<=',
      40,
      'business-hours',
    ],
    ['MSS-REOPEN', 'Reopen rate', 'Taux de réouverture', 'rate', 'reopened', null, '<=', 0.05, 'share'],
    [
      'MSS-HANDOFF',
      'Handoffs between providers per case',
      'Transferts entre prestataires par dossier',
      'mean',
      'provider-handoffs',
      null,
      '<=',
      1.2,
      'per-case',
    ],
    ['MSS-CSAT', 'Client satisfaction', 'Satisfaction des clients', 'mean', 'satisfaction', null, '>=', 4, 'rating'],
  ];
  for (const [code, en, fr, measure, subject, pct, cmp, target, unit] of seed) {
    await sql`insert into performance_standards (code, version, name, measure, subject, percentile, comparator, target, unit,
        effective_from, basis)
      values (${code}, 1, ${JSON.stringify({ en, fr })}::jsonb, ${measure}, ${subject}, ${pct}, ${cmp}, ${target}, ${unit},
        '2020-01', 'assumption: example of the report (para 53) until the Management Committee sets the targets')`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'analytics_events',
    'analytics_logs',
    'performance_frozen_satisfaction',
    'performance_frozen_facts',
    'performance_closed_periods',
    'performance_frozen_rollups',
    'performance_rollups',
    'performance_case_facts',
    'performance_manual_values',
    'performance_standards',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
