/** Directory (duty stations, providers, client entities), service catalogue, assignments, import runs. */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('duty_stations')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addColumn('country_name', 'text')
    .addColumn('region', 'text')
    .addColumn('subregion', 'text')
    .addColumn('latitude', 'double precision', (c) => c.check(sql`latitude between -90 and 90`))
    .addColumn('longitude', 'double precision', (c) => c.check(sql`longitude between -180 and 180`))
    .addColumn('time_zone', 'text')
    .addColumn('obsolete', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('basis', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('duty_stations_country_idx').on('duty_stations').column('country').execute();

  await db.schema
    .createTable('providers')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'jsonb', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('global-service-centre','regional-service-centre','office-away-from-headquarters','regional-commission','headquarters','peace-operation','non-secretariat-agency')`,
        ),
    )
    .addColumn('duty_station_code', 'text', (c) => c.notNull().references('duty_stations.code'))
    .addColumn('basis', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('client_entities')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'jsonb', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('department-office','office-away-from-headquarters','regional-commission','peacekeeping-operation','special-political-mission','resident-coordinator-office','other')`,
        ),
    )
    .addColumn('duty_station_code', 'text', (c) => c.notNull().references('duty_stations.code'))
    .addColumn('basis', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('client_entities_kind_idx').on('client_entities').column('kind').execute();

  await db.schema
    .createTable('entity_countries')
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code').onDelete('cascade'))
    .addColumn('country', 'text', (c) => c.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addPrimaryKeyConstraint('entity_countries_pk', ['entity_code', 'country'])
    .execute();

  await db.schema
    .createTable('service_lines')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'jsonb', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('services')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('service_line_code', 'text', (c) => c.notNull().references('service_lines.code'))
    .addColumn('name', 'jsonb', (c) => c.notNull())
    .addColumn('description', 'jsonb', (c) => c.notNull())
    .addColumn('delivery', 'text', (c) => c.notNull().check(sql`delivery in ('remote','on-site')`))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('assignments')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('global','regional','local')`))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('effective_to', 'date')
    .addColumn('cost_recovery', 'boolean', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addUniqueConstraint('assignments_entity_service_from_uq', ['entity_code', 'service_code', 'effective_from'])
    .addCheckConstraint('assignments_period_ck', sql`effective_to is null or effective_to > effective_from`)
    .execute();
  await db.schema.createIndex('assignments_provider_idx').on('assignments').column('provider_code').execute();

  await db.schema
    .createTable('import_runs')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('succeeded','rejected')`))
    .addColumn('rows_read', 'integer', (c) => c.notNull())
    .addColumn('rows_written', 'integer', (c) => c.notNull())
    .addColumn('issues', 'jsonb', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'meta',
    'import_runs',
    'assignments',
    'services',
    'service_lines',
    'entity_countries',
    'client_entities',
    'providers',
    'duty_stations',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
