/**
 * Shared-services planning: editable planning data (service rates, entity headcounts, demand overrides,
 * provider offers with capacity and unit cost, duty-station security and hardship levels, local
 * partners), saved scenarios with their inputs and results, and change proposals made from accepted
 * changes.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('planning_service_rates')
    .addColumn('service_code', 'text', (c) => c.primaryKey().references('services.code'))
    .addColumn('units_per_head_year', 'double precision', (c) => c.notNull().check(sql`units_per_head_year >= 0`))
    .addColumn('units_per_entity_year', 'double precision', (c) => c.notNull().check(sql`units_per_entity_year >= 0`))
    .addColumn('units_per_case', 'double precision', (c) => c.check(sql`units_per_case > 0`))
    .addColumn('base_unit_cost_usd', 'double precision', (c) => c.notNull().check(sql`base_unit_cost_usd >= 0`))
    .addColumn('own_support_unit_cost_usd', 'double precision', (c) => c.notNull().check(sql`own_support_unit_cost_usd >= 0`))
    .addColumn('delivery', 'text', (c) => c.notNull().check(sql`delivery in ('remote','on-site')`))
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('planning_headcounts')
    .addColumn('entity_code', 'text', (c) => c.primaryKey().references('client_entities.code'))
    .addColumn('headcount', 'integer', (c) => c.notNull().check(sql`headcount >= 0`))
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('planning_demand_overrides')
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addColumn('quantity', 'double precision', (c) => c.notNull().check(sql`quantity >= 0`))
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('planning_demand_overrides_pk', ['entity_code', 'service_code'])
    .execute();

  await db.schema
    .createTable('planning_offers')
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addColumn('capacity', 'double precision', (c) => c.notNull().check(sql`capacity >= 0`))
    .addColumn('unit_cost_usd', 'double precision', (c) => c.notNull().check(sql`unit_cost_usd >= 0`))
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('planning_offers_pk', ['provider_code', 'service_code'])
    .execute();

  await db.schema
    .createTable('planning_locations')
    .addColumn('duty_station_code', 'text', (c) => c.primaryKey().references('duty_stations.code'))
    .addColumn('security_level', 'smallint', (c) => c.notNull().check(sql`security_level between 1 and 6`))
    .addColumn('hardship', 'text', (c) => c.notNull().check(sql`hardship in ('H','A','B','C','D','E')`))
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('planning_local_partners')
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('duty_station_code', 'text', (c) => c.notNull().references('duty_stations.code'))
    .addColumn('basis', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('planning_local_partners_pk', ['provider_code', 'duty_station_code'])
    .execute();

  await db.schema
    .createTable('planning_scenarios')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('inputs', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('optimal','feasible','infeasible','error')`))
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('planning_scenarios_created_idx').on('planning_scenarios').column('created_at').execute();

  await db.schema
    .createTable('planning_change_proposals')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('scenario_id', 'integer', (c) => c.notNull().references('planning_scenarios.id'))
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addColumn('from_provider_code', 'text', (c) => c.references('providers.code'))
    .addColumn('to_provider_code', 'text', (c) => c.references('providers.code'))
    .addColumn('quantity', 'double precision', (c) => c.notNull())
    .addColumn('cost_delta_usd', 'double precision', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('proposed')`))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('planning_change_proposals_uq', ['scenario_id', 'entity_code', 'service_code'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'planning_change_proposals',
    'planning_scenarios',
    'planning_local_partners',
    'planning_locations',
    'planning_offers',
    'planning_demand_overrides',
    'planning_headcounts',
    'planning_service_rates',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
