/**
 * The common client-satisfaction survey (issue 8):
 * - `survey_templates`: the common template, versioned (draft -> published -> retired; one published per code),
 *   with its questions in each language (JSONB); version 1 of `common` is written here, published;
 * - `survey_invitations`: the transactional survey, ONE row per case ever (unique `case_id`), `sent` or
 *   `throttled` when the requester was asked less than N days before; only the SHA-256 of the link's token;
 * - `survey_campaigns` and `survey_campaign_targets`: periodic campaigns to entity focal points, one target
 *   per focal point and provider serving the entity, with response tracking and reminders;
 * - `survey_responses`: the answers. Random UUID ids (no insertion order). An anonymous response carries no
 *   user, no target, no invitation, no token, no entity, no service, no language and no timestamp: the
 *   check constraint `survey_responses_anonymous_unlinked` makes that a rule of the database itself
 *   (decision 0010);
 * - `survey_comments`: the free-text answers, with the "pain point" flag kept for the improvement register.
 */
import { type Kysely, sql } from 'kysely';
import { COMMON_TEMPLATE_V1 } from '../../modules/surveys/common-template.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('survey_templates')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'published', 'retired')`))
    .addColumn('title', 'jsonb', (c) => c.notNull())
    .addColumn('intro', 'jsonb', (c) => c.notNull())
    .addColumn('questions', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('published_at', 'timestamptz')
    .addUniqueConstraint('survey_templates_code_version_key', ['code', 'version'])
    .execute();
  await sql`create unique index survey_templates_one_published on survey_templates (code) where status = 'published'`.execute(db);
  await sql`create unique index survey_templates_one_draft on survey_templates (code) where status = 'draft'`.execute(db);

  await db.schema
    .createTable('survey_invitations')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'bigint', (c) => c.notNull().unique().references('cases.id'))
    .addColumn('template_id', 'integer', (c) => c.notNull().references('survey_templates.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('provider_code', 'text', (c) => c.references('providers.code'))
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('sent', 'throttled', 'answered')`))
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('answered_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('survey_invitations_user_idx')
    .on('survey_invitations')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('survey_invitations_provider_idx')
    .on('survey_invitations')
    .columns(['provider_code', 'created_at'])
    .execute();

  await db.schema
    .createTable('survey_campaigns')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('template_id', 'integer', (c) => c.notNull().references('survey_templates.id'))
    .addColumn('anonymous', 'boolean', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'open', 'closed')`))
    .addColumn('period_start', 'date', (c) => c.notNull())
    .addColumn('period_end', 'date', (c) => c.notNull())
    .addColumn('closes_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reminder_interval_days', 'integer')
    .addColumn('target_entities', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('launched_at', 'timestamptz')
    .addColumn('last_reminder_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addCheckConstraint('survey_campaigns_period', sql`period_start <= period_end`)
    .execute();

  await db.schema
    .createTable('survey_campaign_targets')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('survey_campaigns.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('responded', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('reminders_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('survey_campaign_targets_key', ['campaign_id', 'user_id', 'provider_code'])
    .execute();

  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('template_id', 'integer', (c) => c.notNull().references('survey_templates.id'))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('transactional', 'campaign')`))
    .addColumn('anonymous', 'boolean', (c) => c.notNull())
    .addColumn('invitation_id', 'bigint', (c) => c.unique().references('survey_invitations.id'))
    .addColumn('campaign_id', 'integer', (c) => c.references('survey_campaigns.id'))
    .addColumn('campaign_target_id', 'bigint', (c) => c.unique().references('survey_campaign_targets.id'))
    .addColumn('respondent_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('provider_code', 'text', (c) => c.references('providers.code'))
    .addColumn('service_code', 'text', (c) => c.references('services.code'))
    .addColumn('entity_code', 'text', (c) => c.references('client_entities.code'))
    .addColumn('period_date', 'date', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('overall_rating', 'smallint', (c) => c.check(sql`overall_rating between 1 and 5`))
    .addColumn('recommend_score', 'smallint', (c) => c.check(sql`recommend_score between 0 and 10`))
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz')
    .addCheckConstraint(
      'survey_responses_anonymous_unlinked',
      sql`not anonymous or (respondent_user_id is null and invitation_id is null and campaign_target_id is null
        and entity_code is null and service_code is null and language is null and submitted_at is null and updated_at is null)`,
    )
    .addCheckConstraint('survey_responses_source', sql`(source = 'campaign') = (campaign_id is not null)`)
    .execute();
  await db.schema
    .createIndex('survey_responses_provider_period_idx')
    .on('survey_responses')
    .columns(['provider_code', 'period_date'])
    .execute();
  await db.schema
    .createIndex('survey_responses_entity_period_idx')
    .on('survey_responses')
    .columns(['entity_code', 'period_date'])
    .execute();
  await db.schema.createIndex('survey_responses_period_idx').on('survey_responses').columns(['period_date']).execute();
  await db.schema.createIndex('survey_responses_campaign_idx').on('survey_responses').columns(['campaign_id']).execute();

  await db.schema
    .createTable('survey_comments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('response_id', 'uuid', (c) => c.notNull().references('survey_responses.id').onDelete('cascade'))
    .addColumn('question_key', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('pain_point', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('pain_point_note', 'text')
    .addColumn('pain_point_by', 'integer', (c) => c.references('users.id'))
    .addColumn('pain_point_at', 'timestamptz')
    .addUniqueConstraint('survey_comments_key', ['response_id', 'question_key'])
    .execute();

  await db
    .withTables<{
      survey_templates: {
        code: string;
        version: number;
        status: string;
        title: string;
        intro: string;
        questions: string;
        published_at: Date;
      };
    }>()
    .insertInto('survey_templates')
    .values({
      code: COMMON_TEMPLATE_V1.code,
      version: 1,
      status: 'published',
      title: JSON.stringify(COMMON_TEMPLATE_V1.title),
      intro: JSON.stringify(COMMON_TEMPLATE_V1.intro),
      questions: JSON.stringify(COMMON_TEMPLATE_V1.questions),
      published_at: new Date('2026-11-29T18:00:00Z'),
    })
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'survey_comments',
    'survey_responses',
    'survey_campaign_targets',
    'survey_campaigns',
    'survey_invitations',
    'survey_templates',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
