/**
 * SLA clocks: business calendars (one per duty station, overridable per provider; versioned by effective
 * date), SLA policies (per provider, service and priority: first response, next response and resolution
 * targets as ISO-8601 durations of business time), the clocks of each case (end to end and per provider
 * segment) and the escalation jobs that fire warnings and breaches at business instants.
 *
 * Seeds the common default policy per priority (the report's "one SLA model", para 53); the targets are an
 * assumption until agreements (issue 7) set their own.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('business_calendars')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('duty_station_code', 'text', (c) => c.references('duty_stations.code').unique())
    .addColumn('provider_code', 'text', (c) => c.references('providers.code').unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('business_calendars_owner_ck', sql`(duty_station_code is null) <> (provider_code is null)`)
    .execute();

  await db.schema
    .createTable('business_calendar_versions')
    .addColumn('calendar_id', 'integer', (c) => c.notNull().references('business_calendars.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('business_calendar_versions_pk', ['calendar_id', 'version'])
    .addUniqueConstraint('business_calendar_versions_from_uq', ['calendar_id', 'effective_from'])
    .execute();

  await db.schema
    .createTable('sla_policies')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('provider_code', 'text', (c) => c.references('providers.code'))
    .addColumn('service_code', 'text', (c) => c.references('services.code'))
    .addColumn('priority', 'text', (c) => c.check(sql`priority in ('P1','P2','P3','P4')`))
    .addColumn('first_response', 'text')
    .addColumn('next_response', 'text')
    .addColumn('resolution', 'text')
    .addColumn('calendar_basis', 'text', (c) =>
      c.notNull().defaultTo('provider').check(sql`calendar_basis in ('provider','client')`),
    )
    .addColumn('pause_states', 'jsonb', (c) => c.notNull().defaultTo(sql`'["awaiting-client"]'::jsonb`))
    .addColumn('warn_at', 'jsonb', (c) => c.notNull().defaultTo(sql`'[75,90]'::jsonb`))
    .addColumn('escalate_outside_hours', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create unique index sla_policies_scope_uq on sla_policies
    (coalesce(provider_code, ''), coalesce(service_code, ''), coalesce(priority, '')) where active`.execute(db);

  await db.schema
    .createTable('case_sla_clocks')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('case','segment')`))
    .addColumn('segment_id', 'bigint', (c) => c.references('case_segments.id'))
    .addColumn('provider_code', 'text')
    .addColumn('metric', 'text', (c) => c.notNull().check(sql`metric in ('first-response','next-response','resolution')`))
    .addColumn('policy_id', 'integer', (c) => c.references('sla_policies.id'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('target_business_ms', 'bigint', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz')
    .addColumn('stopped_at', 'timestamptz')
    .addColumn('elapsed_business_ms', 'bigint', (c) => c.notNull())
    .addColumn('paused_business_ms', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('running','paused','met','breached','stopped')`))
    .addColumn('breached_at', 'timestamptz')
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create unique index case_sla_clocks_uq on case_sla_clocks (case_id, metric, coalesce(segment_id, 0))`.execute(db);
  await db.schema.createIndex('case_sla_clocks_state_idx').on('case_sla_clocks').columns(['state', 'due_at']).execute();

  await db.schema
    .createTable('sla_jobs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('clock_id', 'bigint', (c) => c.references('case_sla_clocks.id').onDelete('set null'))
    .addColumn('case_id', 'bigint', (c) => c.notNull().references('cases.id'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('segment_id', 'bigint')
    .addColumn('threshold', 'integer', (c) => c.notNull())
    .addColumn('fire_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','fired','withdrawn')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('fired_at', 'timestamptz')
    .addColumn('withdrawn_at', 'timestamptz')
    .addColumn('withdrawn_reason', 'text')
    .execute();
  await db.schema.createIndex('sla_jobs_pending_idx').on('sla_jobs').columns(['status', 'fire_at']).execute();
  await db.schema.createIndex('sla_jobs_case_idx').on('sla_jobs').column('case_id').execute();

  // The common default policy per priority (assumption until agreements set their own targets).
  const defaults: Array<[string, string, string, string]> = [
    ['P1', 'PT1H', 'PT2H', 'PT8H'],
    ['P2', 'PT4H', 'PT4H', 'P2D'],
    ['P3', 'PT8H', 'P1D', 'P5D'],
    ['P4', 'P1D', 'P2D', 'P10D'],
  ];
  for (const [priority, fr, nr, res] of defaults) {
    await sql`insert into sla_policies (priority, first_response, next_response, resolution, basis, updated_at)
      values (${priority}, ${fr}, ${nr}, ${res}, 'assumption: common default of the one SLA model (para 53)', now())`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['sla_jobs', 'case_sla_clocks', 'sla_policies', 'business_calendar_versions', 'business_calendars']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
