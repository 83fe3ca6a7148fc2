/**
 * The common service-level agreement (para 53), provider assignment decisions (para 11) and cost recovery
 * (paras 15, 22, 24):
 *
 * - `agreement_templates`: versions of the one common SLA template (sections and clauses in English and
 *   French), draft until published; seeded with version 1.
 * - `agreements` (one provider, one client entity) and `agreement_versions` (each amendment a new version
 *   with its own lifecycle state and annex: services, standards, contacts, term, review date), with the
 *   period each version was in force.
 * - `assignment_requests` and `assignment_consultations`: a request to assign or change a provider, each
 *   consultation, and the decision that writes the `assignments` routing uses.
 * - `price_lists`, `usage_records`, `entity_headcounts`: prices per provider, service and period, and the
 *   usage and staff counts billed per unit and per head.
 * - `billing_runs`, `statements`, `statement_lines`, `billing_notes`: a run per month, a statement per
 *   client entity and provider, lines traceable to cases, and credit or debit notes on closed periods.
 *
 * Money is `numeric` (exact decimal); USD only.
 */
import { type Kysely, sql } from 'kysely';

const T = (en: string, fr: string) => ({ en, fr });

/** Version 1 of the common template (the report's one SLA model, para 53). Placeholders: {{provider}} etc. */
const COMMON_TEMPLATE_V1 = [
  {
    key: 'parties',
    title: T('Parties and purpose', 'Parties et objet'),
    clauses: [
      {
        key: 'parties',
        text: T(
          'This agreement is made between {{provider}} (the provider) and {{entity}} (the client entity) under the common service-level agreement of the Secretariat.',
          'Le présent accord est conclu entre {{provider}} (le prestataire) et {{entity}} (l’entité cliente) dans le cadre de l’accord de niveau de service commun du Secrétariat.',
        ),
      },
      {
        key: 'purpose',
        text: T(
          'It sets out the services the provider gives the client entity, the standards they are given to, their prices and how both parties review them.',
          'Il définit les services que le prestataire fournit à l’entité cliente, les normes auxquelles ils répondent, leurs prix et la manière dont les deux parties les examinent.',
        ),
      },
    ],
  },
  {
    key: 'services',
    title: T('Services', 'Services'),
    clauses: [
      {
        key: 'scope',
        text: T(
          'The provider gives the services listed in annex A, from the service catalogue, through the single front door of the Secretariat.',
          'Le prestataire fournit les services énumérés à l’annexe A, tirés du catalogue des services, par le guichet unique du Secrétariat.',
        ),
      },
    ],
  },
  {
    key: 'standards',
    title: T('Service standards', 'Normes de service'),
    clauses: [
      {
        key: 'targets',
        text: T(
          'The provider meets the targets of annex B, measured in business time on its duty station’s calendar from the moment a request is received.',
          'Le prestataire respecte les objectifs de l’annexe B, mesurés en temps ouvré selon le calendrier de son lieu d’affectation à compter de la réception de la demande.',
        ),
      },
      {
        key: 'credits',
        text: T(
          'Where annex B sets a service credit, a breached standard reduces the price of the case concerned as stated there.',
          'Lorsque l’annexe B prévoit un crédit de service, le non-respect d’une norme réduit le prix du dossier concerné comme il y est indiqué.',
        ),
      },
    ],
  },
  {
    key: 'cost-recovery',
    title: T('Cost recovery', 'Recouvrement des coûts'),
    clauses: [
      {
        key: 'prices',
        text: T(
          'Services are given on cost recovery at the prices of annex C, in United States dollars; statements are issued per month.',
          'Les services sont fournis contre recouvrement des coûts aux prix de l’annexe C, en dollars des États-Unis ; les relevés sont établis chaque mois.',
        ),
      },
      {
        key: 'corrections',
        text: T(
          'A statement of a closed month is not changed; corrections are made by credit or debit notes.',
          'Un relevé d’un mois clos n’est pas modifié ; les corrections se font par notes de crédit ou de débit.',
        ),
      },
    ],
  },
  {
    key: 'governance',
    title: T('Contacts, term and review', 'Contacts, durée et examen'),
    clauses: [
      {
        key: 'term',
        text: T(
          'This agreement applies from {{termFrom}} to {{termTo}} and is reviewed by {{reviewDate}}. Amendments are made as new versions; earlier versions remain on record.',
          'Le présent accord s’applique du {{termFrom}} au {{termTo}} et est examiné au plus tard le {{reviewDate}}. Les modifications font l’objet de nouvelles versions ; les versions antérieures restent consignées.',
        ),
      },
      {
        key: 'contacts',
        text: T(
          'The contacts of annex D act for each party in the day-to-day running of this agreement.',
          'Les contacts de l’annexe D représentent chaque partie dans l’application courante du présent accord.',
        ),
      },
    ],
  },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agreement_templates')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('draft','published')`))
    .addColumn('sections', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('agreements')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agreements_provider_idx').on('agreements').column('provider_code').execute();
  await db.schema.createIndex('agreements_entity_idx').on('agreements').column('entity_code').execute();

  await db.schema
    .createTable('agreement_versions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('agreement_id', 'integer', (c) => c.notNull().references('agreements.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('template_id', 'integer', (c) => c.notNull().references('agreement_templates.id'))
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .check(sql`state in ('draft','in-consultation','signed','active','superseded','expired','terminated','withdrawn')`),
    )
    .addColumn('annex', 'jsonb', (c) => c.notNull())
    .addColumn('amendment_note', 'text')
    .addColumn('effective_from', 'date')
    .addColumn('effective_to', 'date')
    .addColumn('signed_by', 'jsonb')
    .addColumn('signed_at', 'timestamptz')
    .addColumn('policy_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('agreement_versions_uq', ['agreement_id', 'version'])
    .addCheckConstraint('agreement_versions_period_ck', sql`effective_to is null or effective_to >= effective_from`)
    .execute();

  await db.schema
    .createTable('assignment_requests')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('services', 'jsonb', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('global','regional','local')`))
    .addColumn('cost_recovery', 'boolean', (c) => c.notNull())
    .addColumn('requested_from', 'date', (c) => c.notNull())
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open','approved','rejected','withdrawn')`))
    .addColumn('requested_by', 'integer', (c) => c.references('users.id'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_rationale', 'text')
    .addColumn('effective_from', 'date')
    .execute();

  await db.schema
    .createTable('assignment_consultations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('request_id', 'integer', (c) => c.notNull().references('assignment_requests.id'))
    .addColumn('party', 'text', (c) => c.notNull().check(sql`party in ('dmspc','entity-head','provider','other')`))
    .addColumn('consultee', 'text', (c) => c.notNull())
    .addColumn('opinion', 'text', (c) => c.notNull().check(sql`opinion in ('concur','concur-with-conditions','object')`))
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assignment_consultations_request_idx')
    .on('assignment_consultations')
    .column('request_id')
    .execute();

  await db.schema
    .alterTable('assignments')
    .addColumn('decision_id', 'integer', (c) => c.references('assignment_requests.id'))
    .execute();

  await db.schema
    .createTable('price_lists')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addColumn('basis', 'text', (c) => c.notNull().check(sql`basis in ('per-case','per-unit','per-head-month','fixed-fee')`))
    .addColumn('unit_price', sql`numeric(18,4)`, (c) => c.notNull().check(sql`unit_price >= 0`))
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency = 'USD'`))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('effective_to', 'date')
    .addColumn('note', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('price_lists_period_ck', sql`effective_to is null or effective_to > effective_from`)
    .execute();
  await db.schema.createIndex('price_lists_scope_idx').on('price_lists').columns(['provider_code', 'service_code']).execute();

  await db.schema
    .createTable('usage_records')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addColumn('case_id', 'bigint', (c) => c.references('cases.id'))
    .addColumn('on_date', 'date', (c) => c.notNull())
    .addColumn('quantity', sql`numeric(18,4)`, (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_records_period_idx').on('usage_records').columns(['provider_code', 'on_date']).execute();

  await db.schema
    .createTable('entity_headcounts')
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('month', 'text', (c) => c.notNull().check(sql`month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`))
    .addColumn('staff', 'integer', (c) => c.notNull().check(sql`staff >= 0`))
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('entity_headcounts_pk', ['entity_code', 'month'])
    .execute();

  await db.schema
    .createTable('billing_runs')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('period', 'text', (c) => c.notNull().unique().check(sql`period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open','closed')`))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('runs', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_by', 'integer', (c) => c.references('users.id'))
    .addColumn('closed_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('statements')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('billing_runs.id'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('entity_code', 'text', (c) => c.notNull().references('client_entities.code'))
    .addColumn('provider_code', 'text', (c) => c.notNull().references('providers.code'))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('total', sql`numeric(18,2)`, (c) => c.notNull())
    .addColumn('line_count', 'integer', (c) => c.notNull())
    .addUniqueConstraint('statements_run_scope_uq', ['run_id', 'entity_code', 'provider_code'])
    .execute();

  await db.schema
    .createTable('statement_lines')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('statement_id', 'integer', (c) => c.notNull().references('statements.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('charge','service-credit')`))
    .addColumn('service_code', 'text', (c) => c.notNull().references('services.code'))
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('case_id', 'bigint', (c) => c.references('cases.id'))
    .addColumn('case_reference', 'text')
    .addColumn('usage_record_id', 'bigint', (c) => c.references('usage_records.id'))
    .addColumn('price_list_id', 'integer', (c) => c.references('price_lists.id'))
    .addColumn('agreement_version_id', 'integer', (c) => c.references('agreement_versions.id'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', sql`numeric(18,4)`, (c) => c.notNull())
    .addColumn('unit_price', sql`numeric(18,4)`, (c) => c.notNull())
    .addColumn('amount', sql`numeric(18,2)`, (c) => c.notNull())
    .addUniqueConstraint('statement_lines_position_uq', ['statement_id', 'position'])
    .execute();
  await db.schema.createIndex('statement_lines_case_idx').on('statement_lines').column('case_id').execute();

  await db.schema
    .createTable('billing_notes')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('statement_id', 'integer', (c) => c.notNull().references('statements.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('credit','debit')`))
    .addColumn('amount', sql`numeric(18,2)`, (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('case_id', 'bigint', (c) => c.references('cases.id'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // A closed period is immutable: its statements and lines refuse changes at the database too.
  await sql`
    create function billing_refuse_closed() returns trigger language plpgsql as $$
    declare st text;
    begin
      if tg_table_name = 'billing_runs' then
        st := old.state;
      elsif tg_table_name = 'statements' then
        select state into st from billing_runs where id = coalesce(old.run_id, new.run_id);
      else
        select r.state into st from billing_runs r join statements s on s.run_id = r.id
          where s.id = coalesce(old.statement_id, new.statement_id);
      end if;
      if st = 'closed' then
        raise exception 'billing period is closed: % refused on %', tg_op, tg_table_name using errcode = 'P0001';
      end if;
      return coalesce(new, old);
    end $$`.execute(db);
  await sql`create trigger statements_closed before insert or update or delete on statements
    for each row execute function billing_refuse_closed()`.execute(db);
  await sql`create trigger statement_lines_closed before insert or update or delete on statement_lines
    for each row execute function billing_refuse_closed()`.execute(db);
  await sql`create trigger billing_runs_closed before update or delete on billing_runs
    for each row execute function billing_refuse_closed()`.execute(db);

  await sql`insert into agreement_templates (version, state, sections, note, created_at, published_at)
    values (1, 'published', ${JSON.stringify(COMMON_TEMPLATE_V1)}::jsonb,
      'The common service-level agreement (para 53): one model for every provider and client', now(), now())`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists billing_runs_closed on billing_runs`.execute(db);
  await sql`drop trigger if exists statement_lines_closed on statement_lines`.execute(db);
  await sql`drop trigger if exists statements_closed on statements`.execute(db);
  await sql`drop function if exists billing_refuse_closed()`.execute(db);
  for (const t of [
    'billing_notes',
    'statement_lines',
    'statements',
    'billing_runs',
    'entity_headcounts',
    'usage_records',
    'price_lists',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.alterTable('assignments').dropColumn('decision_id').execute();
  for (const t of [
    'assignment_consultations',
    'assignment_requests',
    'agreement_versions',
    'agreements',
    'agreement_templates',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
