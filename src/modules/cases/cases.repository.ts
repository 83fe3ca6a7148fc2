/**
 * All SQL of cases: cases, events (append-only), provider segments, messages, idempotency keys, teams.
 * Every read takes the viewer's scope so that lists, counts and searches obey the same visibility rule.
 */
import { type CompiledQuery, type ExpressionBuilder, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { compileOnce, executeCompiledOnce, opaqueParam, type Param } from '../../db/compiled-once.ts';
import { containsPattern, fromJson } from '../../db/sql-helpers.ts';
import type { Database } from '../../db/types.ts';
import { offsetOf } from '../../server/pagination.ts';
import type { User } from '../identity/identity.schema.ts';
import type { CaseQuery, CaseSummary } from './cases.schema.ts';
import { CASE_STATES, type CaseState, OPEN_STATES } from './lifecycle.ts';
import { codeAndNameJson, type ReferenceNames, referenceNames, userNameTexts } from './reference-names.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Page sizes the web's tables offer: the queue's statement is compiled with these as literals. */
const LITERAL_PAGE_SIZES = [10, 25, 50, 100];

/** Between the queue page's items in the text its statement returns (`findCases`). */
const ITEM_SEPARATOR = '\u001e';
/** Between a queue item's summary and its codes and ids, and between those (`queueItems`). */
const CODE_SEPARATOR = '\u001f';

/** Queue counts stop at this number ("10,000+"). */
export const COUNT_CAP = 10_000;

/**
 * The visibility rule, as SQL on `c` (cases): provider roles see their provider's cases (child tasks
 * addressed to it included); client requesters their own; entity focal points their entity's;
 * Secretariat-wide roles all.
 */
export function caseScope(viewer: User) {
  return (eb: ExpressionBuilder<Database & { c: Database['cases'] }, 'c'>) => {
    if (viewer.role === 'provider-agent' || viewer.role === 'provider-manager') {
      return eb('c.provider_code', '=', viewer.scope?.code ?? '\u0000');
    }
    if (viewer.role === 'client-requester') return eb('c.requester_user_id', '=', viewer.id);
    if (viewer.role === 'entity-focal-point') return eb('c.entity_code', '=', viewer.scope?.code ?? '\u0000');
    return sql<boolean>`true`;
  };
}

/**
 * `viewer` with placeholders for its id and scope code, for a statement compiled once (`executeCompiledOnce`);
 * `value` makes each placeholder (default `param` itself; the queue page's are `opaqueParam`s).
 */
function placeholderViewer(
  viewer: User,
  param: Param,
  value: (name: string, type: 'text' | 'bigint') => unknown = (name) => param(name),
): User {
  return {
    ...viewer,
    id: value('viewerId', 'bigint') as number,
    scope: viewer.scope ? { ...viewer.scope, code: value('scopeCode', 'text') as string } : viewer.scope,
  };
}

const iso = (d: unknown): string => new Date(d as string).toISOString();
const isoOrNull = (d: unknown): string | null => (d ? iso(d) : null);

/** `lookUp` (a scalar subquery), or null without running it when `key` (a column of `c`) is null. */
const unlessNull = (key: string, lookUp: RawBuilder<unknown>) =>
  sql`case when ${sql.ref(key)} is null then null else (${lookUp}) end`;

/** A timestamp column as the API writes it: ISO 8601 UTC to the millisecond, as `Date.toISOString` does. */
const isoText = (column: string) => sql`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * How `jsonObjectText` writes a member's value: `text` escaped as a JSON string (`to_json`); `digits` a
 * bigint id as a JSON string, unescaped (digits only); `number` as a JSON number; `json` a json value's text;
 * `iso` a timestamp column as `isoText`, quoted. A null value is written `null`, whatever its kind.
 */
type JsonKind = 'text' | 'digits' | 'number' | 'json' | 'iso';

/**
 * A JSON object's text (SQL type text), written by concatenation: its members' keys (constants of the code)
 * as literals and each value as its `JsonKind` says, in the order given. Measured against
 * `json_build_object(...)::text` on a queue page of 50 summaries (pgbench, one connection, 2026-11-30):
 * 0.24 ms against 0.31 ms a page (PostgreSQL 15's `json_build_object` looks up each argument's type and
 * output function on every row). The text has no spaces; it is valid JSON: keys are `JSON.stringify`d here
 * and text values escaped by PostgreSQL (control characters as `\u` escapes, so the text never holds one).
 * @param members `[key, value, kind]`: the value a column (`c.title`) or an SQL expression.
 */
function jsonObjectText(members: [key: string, value: string | RawBuilder<unknown>, kind: JsonKind][]): RawBuilder<string> {
  const parts = members.map(([key, value, kind], i) => {
    const v = typeof value === 'string' ? sql.ref(value) : value;
    const written =
      kind === 'text'
        ? sql`to_json(${v})::text`
        : kind === 'digits'
          ? sql`'"' || ${v} || '"'`
          : kind === 'iso'
            ? sql`'"' || ${isoText(value as string)} || '"'`
            : sql`(${v})::text`;
    return sql`${sql.lit(`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`)} || coalesce(${written}, 'null')`;
  });
  return sql<string>`(${sql.join(parts, sql` || `)} || '}')`;
}

/**
 * A case summary (`CaseSummarySchema`) of the case `c` as the text of one JSON object (`jsonObjectText`),
 * written by PostgreSQL in the API's shape: nothing to convert in the server, and the queue page passes it on
 * as text (`findCases`); cast it `::json` where a JSON value is wanted.
 * The names of the team, assignee, requester, parent and primary case are scalar subqueries rather than
 * joins: each is a primary-key look-up of a row the foreign key guarantees, and a query over one table
 * plans in ~0.1 ms where the nine-table join took ~1.5 ms of PostgreSQL's planner per call. A look-up by a
 * column that may be null runs only when it is not (`unlessNull`: PostgreSQL starts a subquery's scan even
 * for a null key; ~18% of a queue page's statement).
 * @param names `inline`: the entity, service, provider, assignee and requester with their names (more
 *   look-ups); `cached`: without those five keys, which the queue page adds from its caches (`withNames`:
 *   `referenceNames`, `userNameTexts`).
 * @param members `full`: the case summary (`CaseSummarySchema`); `list`: a list's item
 *   (`CaseListItemSchema`), without the routing reason, a paragraph of English (~300 bytes, a third of an
 *   item) that the case's view carries and no list shows.
 */
function summaryText(names: 'inline' | 'cached', members: 'full' | 'list' = 'full'): RawBuilder<string> {
  // the assignee and the requester: `{"id":…,"name":…}` of the user the column names (`u` in the look-up)
  const user = (key: string, column: 'c.assignee_user_id' | 'c.requester_user_id'): [string, RawBuilder<unknown>, JsonKind] => [
    key,
    unlessNull(
      column,
      sql`select ${jsonObjectText([
        ['id', 'u.id', 'number'],
        ['name', 'u.name', 'text'],
      ])} from users u where u.id = ${sql.ref(column)}`,
    ),
    'json',
  ];
  const people = [user('assignee', 'c.assignee_user_id'), user('requester', 'c.requester_user_id')];
  const codeAndName = (code: string, name: RawBuilder<unknown>) =>
    jsonObjectText([
      ['code', code, 'text'],
      ['name', name, 'json'],
    ]);
  return jsonObjectText([
    ['id', 'c.id', 'digits'],
    ['reference', 'c.reference', 'text'],
    [
      'parentReference',
      unlessNull('c.parent_case_id', sql`select parent.reference from cases parent where parent.id = c.parent_case_id`),
      'text',
    ],
    ['title', 'c.title', 'text'],
    ['state', 'c.state', 'text'],
    ['priority', 'c.priority', 'text'],
    ['impact', 'c.impact', 'number'],
    ['urgency', 'c.urgency', 'number'],
    [
      'team',
      unlessNull(
        'c.team_id',
        sql`select ${jsonObjectText([
          ['id', 't.id', 'number'],
          ['code', 't.code', 'text'],
          ['name', 't.name', 'text'],
        ])} from teams t where t.id = c.team_id`,
      ),
      'json',
    ],
    ...(names === 'inline' ? people : []),
    ...(members === 'full' ? ([['routingReason', 'c.routing_reason', 'text']] as [string, string, JsonKind][]) : []),
    [
      'mergedInto',
      unlessNull('c.merged_into_case_id', sql`select m.reference from cases m where m.id = c.merged_into_case_id`),
      'text',
    ],
    ['version', 'c.version', 'number'],
    ['createdAt', 'c.created_at', 'iso'],
    ['updatedAt', 'c.updated_at', 'iso'],
    ['resolvedAt', 'c.resolved_at', 'iso'],
    ['closedAt', 'c.closed_at', 'iso'],
    ['source', 'c.source', 'text'],
    ...(names === 'inline'
      ? ([
          [
            'entity',
            codeAndName('c.entity_code', sql`(select e.name from client_entities e where e.code = c.entity_code)`),
            'json',
          ],
          ['service', codeAndName('c.service_code', sql`(select s.name from services s where s.code = c.service_code)`), 'json'],
          [
            'provider',
            unlessNull(
              'c.provider_code',
              sql`select ${codeAndName('p.code', sql`p.name`)} from providers p where p.code = c.provider_code`,
            ),
            'json',
          ],
        ] as [string, RawBuilder<unknown>, JsonKind][])
      : []),
  ]);
}

/**
 * A queue page's items, each split into its summary's text (`summaryText('cached')`) and the codes and ids
 * written after it (`casePageQuery`): items are separated by U+001E, and after its text each item has, each
 * after a U+001F, its entity, service and provider codes and its assignee's and requester's ids (empty:
 * none). JSON text never holds a raw U+001E or U+001F (PostgreSQL writes control characters as `\u`
 * escapes), codes are letters, digits and hyphens (reference-data.ts) and ids digits.
 * @throws Error when an item lacks its codes and ids.
 */
function queueItems(items: string | null): QueueItem[] {
  if (!items) return [];
  return items.split(ITEM_SEPARATOR).map((item) => {
    const [text, entity, service, provider, assignee, requester] = item.split(CODE_SEPARATOR);
    if (
      text === undefined ||
      entity === undefined ||
      service === undefined ||
      provider === undefined ||
      assignee === undefined ||
      requester === undefined
    )
      throw new Error('findCases: an item without its codes and ids');
    return {
      text,
      entity,
      service,
      provider: provider === '' ? null : provider,
      assignee: assignee === '' ? null : Number(assignee),
      requester: requester === '' ? null : Number(requester),
    };
  });
}

/** A queue item as `queueItems` splits it. */
interface QueueItem {
  text: string;
  entity: string;
  service: string;
  provider: string | null;
  assignee: number | null;
  requester: number | null;
}

/**
 * The queue page's items as JSON texts: each item's text with its entity, service and provider added from
 * `names` (`codeAndNameJson`, written once per code and version) and its assignee and requester from
 * `users` (`userNameTexts`).
 * @throws Error when a code is not in `names` (`nameOf`) or an id not in `users`.
 */
function withNames(items: QueueItem[], names: ReferenceNames, users: ReadonlyMap<number, string>): string[] {
  const user = (id: number | null) => {
    if (id === null) return 'null';
    const text = users.get(id);
    if (text === undefined) throw new Error(`findCases: no name for user ${id}`);
    return text;
  };
  return items.map(
    (i) =>
      `${i.text.slice(0, i.text.lastIndexOf('}'))},"entity":${codeAndNameJson(names, 'entities', i.entity)},"service":${codeAndNameJson(
        names,
        'services',
        i.service,
      )},"provider":${i.provider === null ? 'null' : codeAndNameJson(names, 'providers', i.provider)},"assignee":${user(
        i.assignee,
      )},"requester":${user(i.requester)}}`,
  );
}

/** The raw row of a case by reference, visible to `viewer` (undefined otherwise). */
export async function findCaseRow(db: Db, viewer: User | null, reference: string) {
  let q = db.selectFrom('cases as c').selectAll('c').where('c.reference', '=', reference);
  if (viewer) q = q.where(caseScope(viewer));
  return q.executeTakeFirst();
}

/** The raw row of a case by id (no scope: for internal use after a scoped read). */
export async function findCaseRowById(db: Db, id: string) {
  return db.selectFrom('cases as c').selectAll('c').where('c.id', '=', id).executeTakeFirst();
}

/** The summary of a case by reference, visible to `viewer`, or undefined. */
export async function findCaseSummary(db: Db, viewer: User | null, reference: string): Promise<CaseSummary | undefined> {
  let q = db.selectFrom('cases as c').select(summaryText('inline').as('summary')).where('c.reference', '=', reference);
  if (viewer) q = q.where(caseScope(viewer));
  const r = await q.executeTakeFirst();
  return r ? fromJson<CaseSummary>(r.summary) : undefined;
}

/** What of a case's history `findCaseView` returns: the rule is the service's (`viewCase`), applied in SQL. */
export interface CaseViewReach {
  /** Internal notes among the messages. */
  internalNotes: boolean;
  /** The `note-added` events in the timeline (false: clients see neither notes nor that they exist). */
  noteEvents: boolean;
  /** Messages of the child tasks too (false: the case's own only). */
  childMessages: boolean;
}

/** A case as `findCaseView` returns it (the shape of `CaseView`, before the service names it so). */
export interface CaseViewRow {
  summary: CaseSummary;
  fields: Record<string, unknown>;
  children: CaseSummary[];
  timeline: {
    id: string;
    caseReference: string;
    at: string;
    actor: { id: number; name: string } | null;
    type: string;
    before: unknown;
    after: unknown;
    details: unknown;
  }[];
  segments: {
    caseReference: string;
    provider: string | null;
    team: string | null;
    startedAt: string;
    endedAt: string | null;
    startReason: string;
    endReason: string | null;
  }[];
  messages: {
    id: string;
    caseReference: string;
    author: { id: number; name: string } | null;
    visibility: 'public' | 'internal';
    body: string;
    mentions: string[];
    channel: string;
    createdAt: string;
  }[];
}

/** The case `c` and its child tasks, as an `in (...)` list in SQL (the outer query's alias `c`). */
const CASE_TREE = sql`(select tree.id from cases tree where tree.id = c.id or tree.parent_case_id = c.id)`;

/** A JSON array of what `rows` selects, in its order, and `[]` when nothing (json_agg gives null then). */
const jsonArray = (rows: RawBuilder<unknown>, order: RawBuilder<unknown>) =>
  sql`coalesce(json_agg(${rows} order by ${order}), '[]'::json)`;

/** The statement of `findCaseView`, values as `param(...)` placeholders (`viewer`: placeholders too). */
function caseViewQuery(db: Db, viewer: User, reach: CaseViewReach, param: Param) {
  const events = sql`select ${jsonArray(
    sql`json_build_object('id', ev.id::text, 'caseReference', ec.reference, 'at', ev.at,
      'actor', case when u.id is null then null else json_build_object('id', u.id, 'name', u.name) end,
      'type', ev.type, 'before', ev.before, 'after', ev.after, 'details', ev.details)`,
    sql`ev.at, ev.id`,
  )}
    from case_events ev
    join cases ec on ec.id = ev.case_id
    left join users u on u.id = ev.actor_user_id
    where ev.case_id in ${CASE_TREE}${reach.noteEvents ? sql`` : sql` and ev.type <> 'note-added'`}`;
  const segments = sql`select ${jsonArray(
    sql`json_build_object('caseReference', ec.reference, 'provider', sg.provider_code, 'team', t.code,
      'startedAt', sg.started_at, 'endedAt', sg.ended_at, 'startReason', sg.start_reason, 'endReason', sg.end_reason)`,
    sql`sg.started_at, sg.id`,
  )}
    from case_segments sg
    join cases ec on ec.id = sg.case_id
    left join teams t on t.id = sg.team_id
    where sg.case_id in ${CASE_TREE}`;
  const messages = sql`select ${jsonArray(
    sql`json_build_object('id', m.id::text, 'caseReference', ec.reference,
      'author', case when u.id is null then null else json_build_object('id', u.id, 'name', u.name) end,
      'visibility', m.visibility, 'body', m.body, 'mentions', m.mentions, 'channel', m.channel, 'createdAt', m.created_at)`,
    sql`m.created_at, m.id`,
  )}
    from case_messages m
    join cases ec on ec.id = m.case_id
    left join users u on u.id = m.author_user_id
    where m.case_id in ${reach.childMessages ? CASE_TREE : sql`(c.id)`}${reach.internalNotes ? sql`` : sql` and m.visibility = 'public'`}`;
  // The child tasks: the summary's own select (its alias `c` shadows the outer one, hence the reference).
  const children = db
    .selectFrom('cases as c')
    .select([summaryText('inline').as('summary'), 'c.created_at', 'c.id'])
    .where('c.parent_case_id', '=', sql<string>`(select p.id from cases p where p.reference = ${param('reference')})`);
  return db
    .selectFrom('cases as c')
    .select([
      summaryText('inline').as('summary'),
      'c.fields',
      sql<unknown[]>`(select ${jsonArray(sql`ch.summary::json`, sql`ch.created_at, ch.id`)} from (${children}) ch)`.as(
        'children_json',
      ),
      sql<unknown[]>`(${events})`.as('timeline_json'),
      sql<unknown[]>`(${segments})`.as('segments_json'),
      sql<unknown[]>`(${messages})`.as('messages_json'),
    ])
    .where('c.reference', '=', param('reference'))
    .where(caseScope(viewer));
}

/**
 * A case as `viewer` may see it, in ONE statement (one round trip; decision 0012): its summary and form
 * fields, its child tasks (summaries, oldest first), and as JSON arrays the timeline (events of the case and
 * its child tasks by time, then id), the provider segments (by start, then id) and the messages (by
 * creation, then id), each with the reach given. Timestamps come back as ISO 8601 UTC strings to the
 * millisecond (`2026-11-29T19:49:13.123Z`), as everywhere in the API. Undefined when the case does not exist
 * or is outside the viewer's scope (`caseScope`): nothing of it is read then.
 */
export async function findCaseView(
  db: Db,
  viewer: User,
  reference: string,
  reach: CaseViewReach,
): Promise<CaseViewRow | undefined> {
  const shape = `view:${viewer.role}:${viewer.scope ? 1 : 0}:${reach.internalNotes}:${reach.noteEvents}:${reach.childMessages}`;
  const [r] = await executeCompiledOnce(db, shape, (param) => caseViewQuery(db, placeholderViewer(viewer, param), reach, param), {
    reference,
    viewerId: viewer.id,
    scopeCode: viewer.scope?.code,
  });
  if (!r) return undefined;
  // biome-ignore lint/suspicious/noExplicitAny: rows of the JSON arrays above, converted in place
  const list = (v: unknown): any[] => fromJson<any[]>(v);
  const timeline = list(r.timeline_json);
  for (const e of timeline) {
    e.at = iso(e.at);
  }
  const segmentRows = list(r.segments_json);
  for (const s of segmentRows) {
    s.startedAt = iso(s.startedAt);
    s.endedAt = isoOrNull(s.endedAt);
  }
  const messageRows = list(r.messages_json);
  for (const m of messageRows) {
    m.createdAt = iso(m.createdAt);
  }
  return {
    summary: fromJson<CaseSummary>(r.summary),
    fields: fromJson<Record<string, unknown>>(r.fields),
    children: list(r.children_json),
    timeline,
    segments: segmentRows,
    messages: messageRows,
  };
}

/**
 * Cases to read events, segments or messages of: a list of ids, or a case and its child tasks (`treeOf`),
 * chosen inside the same statement so that the view's reads need not wait for the list of children.
 */
export type CaseIds = string[] | { treeOf: string };

function inCases(db: Db, caseIds: CaseIds) {
  if (Array.isArray(caseIds)) return caseIds;
  const id = caseIds.treeOf;
  return db
    .selectFrom('cases as tree')
    .select('tree.id')
    .where((w) => w.or([w('tree.id', '=', id), w('tree.parent_case_id', '=', id)]));
}

/** References of the child tasks of a case that are still open. */
export async function findOpenChildren(db: Db, parentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('cases')
    .select('reference')
    .where('parent_case_id', '=', parentId)
    .where('state', 'in', ['new', 'in-progress', 'awaiting-client'])
    .orderBy('id')
    .execute();
  return rows.map((r) => r.reference);
}

function applyFilters(viewer: User, q: CaseQuery) {
  // biome-ignore lint/suspicious/noExplicitAny: a Kysely builder over cases as c
  return <T extends { where: (...a: any[]) => T }>(query: T): T => {
    let out = query.where(caseScope(viewer));
    // literals, not parameters: the planner sees them in a generic plan too (`opaqueParam`)
    if (q.state === 'open')
      out = out.where(
        'c.state',
        'in',
        OPEN_STATES.map((s) => sql.lit(s)),
      );
    else if (q.state) out = out.where('c.state', '=', q.state);
    if (q.provider === 'none') out = out.where('c.provider_code', 'is', null);
    else if (q.provider) out = out.where('c.provider_code', '=', q.provider);
    if (q.team !== undefined) out = out.where('c.team_id', '=', q.team);
    if (q.entity) out = out.where('c.entity_code', '=', q.entity);
    if (q.service) out = out.where('c.service_code', '=', q.service);
    if (q.priority) out = out.where('c.priority', '=', q.priority);
    if (q.parent === 'none') out = out.where('c.parent_case_id', 'is', null);
    if (q.assignee === 'me') out = out.where('c.assignee_user_id', '=', viewer.id);
    else if (q.assignee === 'none') out = out.where('c.assignee_user_id', 'is', null);
    else if (q.assignee !== undefined) out = out.where('c.assignee_user_id', '=', q.assignee);
    if (q.q) {
      const pattern = containsPattern(q.q);
      out = out.where((eb: ExpressionBuilder<Database & { c: Database['cases'] }, 'c'>) =>
        eb.or([eb('c.reference', 'ilike', pattern), eb('c.title', 'ilike', pattern)]),
      );
    }
    return out;
  };
}

/**
 * A page of the cases visible to `viewer` that match the queue filters, in one statement and one row: the
 * page's rows are chosen on the cases table (index on provider, state, created), and the page's summaries
 * come back as JSON texts in the API's shape (`summaryText`), each with its codes, joined in page order into
 * one text value (`withNames`): the server neither parses nor re-serialises them
 * (half of its work on a page of 50 when it did), it adds the names (`withNames`) and writes them out
 * (`listCases`, the route). With `count` the matches are counted up to `COUNT_CAP + 1` (a bounded index
 * scan) as a scalar subquery of the same statement. The queue's rules (the cap, a total reused) are
 * `listCases`'s.
 * @returns `items`: each a `CaseListItem` (a summary without the routing reason) as JSON text, in page order.
 */
export async function findCases(
  db: Db,
  viewer: User,
  q: CaseQuery,
  count: boolean,
): Promise<{ items: string[]; counted: number | undefined }> {
  let r: QueuePageRow | undefined;
  if (q.q) {
    // A search's pattern is derived from its term (escaped): built plainly, not compiled once.
    r = await casePageQuery(db, viewer, q, q.pageSize, offsetOf(q), count).executeTakeFirstOrThrow();
  } else {
    r = (await db.executeQuery(queuePageQuery(db, viewer, q, count))).rows[0];
  }
  if (!r) throw new Error('findCases: the page statement returned no row');
  const items = queueItems(r.items);
  const ids = items.flatMap((i) => [i.assignee, i.requester]).filter((id): id is number => id !== null);
  const [names, users] = await Promise.all([
    referenceNames(db, Number(r.ref_version)),
    userNameTexts(db, Number(r.users_version), ids),
  ]);
  return {
    items: withNames(items, names, users),
    counted: count ? Number(r.total_n) : undefined,
  };
}

/** The row of the queue page's statement (`casePageQuery`). */
interface QueuePageRow {
  items: string | null;
  users_version: unknown;
  total_n: unknown;
  ref_version: unknown;
}

/**
 * The queue page's statement for a query without a search term (`findCases`), compiled once per shape
 * (`compileOnce`) and planned once by PostgreSQL: its values are `opaqueParam`s and its page size (one the
 * web offers) and first page's offset literals, so that its generic plan costs no more than a plan for
 * the values. Exported for the test of that property.
 */
export function queuePageQuery(db: Db, viewer: User, q: CaseQuery, count: boolean): CompiledQuery<QueuePageRow> {
  const offset = offsetOf(q);
  const kind = (v: unknown, keep: readonly unknown[] = []) => (v === undefined ? '-' : keep.includes(v) ? String(v) : 'v');
  const shape = [
    'queue',
    viewer.role,
    viewer.scope ? 1 : 0,
    kind(q.state || undefined, ['open']),
    kind(q.provider || undefined, ['none']),
    kind(q.team),
    kind(q.entity || undefined),
    kind(q.service || undefined),
    kind(q.priority || undefined),
    kind(q.assignee, ['me', 'none']),
    kind(q.parent, ['none']),
    q.sort,
    q.order,
    count,
  ].join(':');
  // A page size the web offers and the first page's offset are literals (ten variants of a shape at most);
  // another size or a later page is a parameter, and PostgreSQL plans such a call for its values.
  const literalLimit = LITERAL_PAGE_SIZES.includes(q.pageSize);
  return compileOnce(
    db,
    `${shape}:${literalLimit ? q.pageSize : 'v'}:${offset === 0 ? '0' : 'v'}`,
    (param) => {
      const text = (name: string) => opaqueParam(param, name, 'text');
      const id = (name: string) => opaqueParam(param, name, 'bigint');
      return casePageQuery(
        db,
        placeholderViewer(viewer, param, (name, type) => opaqueParam(param, name, type)),
        {
          ...q,
          state: q.state && q.state !== 'open' ? text('state') : q.state,
          provider: q.provider && q.provider !== 'none' ? text('provider') : q.provider,
          team: q.team === undefined ? undefined : id('team'),
          entity: q.entity ? text('entity') : q.entity,
          service: q.service ? text('service') : q.service,
          priority: q.priority ? text('priority') : q.priority,
          assignee: typeof q.assignee === 'number' ? id('assignee') : q.assignee,
        },
        literalLimit ? sql.lit(q.pageSize) : param('limit'),
        offset === 0 ? sql.lit(0) : param('offset'),
        count,
      );
    },
    {
      viewerId: viewer.id,
      scopeCode: viewer.scope?.code,
      state: q.state,
      provider: q.provider,
      team: q.team,
      entity: q.entity,
      service: q.service,
      priority: q.priority,
      assignee: q.assignee,
      limit: q.pageSize,
      offset,
    },
  );
}

/**
 * The statement of `findCases` (`limit` rows from `offset`; with `count`, the capped count too); values may
 * be `param(...)` placeholders (`executeCompiledOnce`).
 */
function casePageQuery(
  db: Db,
  viewer: User,
  q: CaseQuery,
  limit: number | RawBuilder<number>,
  offset: number | RawBuilder<number>,
  count: boolean,
) {
  const filter = applyFilters(viewer, q);
  const sortCol =
    q.sort === 'updatedAt' ? 'updated_at' : q.sort === 'priority' ? 'priority' : q.sort === 'reference' ? 'id' : 'created_at';
  const order = q.order === 'asc' ? sql`asc` : sql`desc`;
  // The page's rows in one select: PostgreSQL computes the summaries (costly expressions) above the sort
  // and limit, for the page's rows only (a sort without an index included; `make_sort_input_target`).
  const page = filter(
    db.selectFrom('cases as c').select([
      'c.id',
      // the sort column, for the aggregates' order (the id already is one)
      ...(sortCol === 'id' ? [] : [`c.${sortCol}` as const]),
      sql<string>`${summaryText('cached', 'list')} || ${sql.lit(CODE_SEPARATOR)} || c.entity_code || ${sql.lit(CODE_SEPARATOR)} ||
        c.service_code || ${sql.lit(CODE_SEPARATOR)} || coalesce(c.provider_code, '') || ${sql.lit(CODE_SEPARATOR)} ||
        coalesce(c.assignee_user_id::text, '') || ${sql.lit(CODE_SEPARATOR)} || coalesce(c.requester_user_id::text, '')`.as(
        'item',
      ),
    ]),
  )
    .orderBy(`c.${sortCol}`, q.order)
    .orderBy('c.id', q.order)
    .limit(limit)
    .offset(offset)
    .as('p');
  const cappedCount = db
    .selectFrom(
      filter(db.selectFrom('cases as c').select('c.id'))
        .limit(sql.lit(COUNT_CAP + 1))
        .as('x'),
    )
    .select(db.fn.countAll<string>().as('n'));
  return db.selectFrom(page).select([
    sql<
      string | null
    >`string_agg(p.item, ${sql.lit(ITEM_SEPARATOR)} order by ${sql.ref(`p.${sortCol}`)} ${order}, p.id ${order})`.as('items'),
    count ? cappedCount.as('total_n') : sql<null>`null`.as('total_n'),
    // the names of the page's entities, services and providers come from this version (`referenceNames`)
    sql<string>`(select version from reference_data_version where id = 1)`.as('ref_version'),
    // the names of the page's assignees and requesters come from this version (`userNameTexts`)
    sql<string>`(select version from user_names_version where id = 1)`.as('users_version'),
  ]);
}

/**
 * Counts per state of the cases visible to `viewer` that match the filters (state filter ignored), for
 * `states` (default all), each counted up to `COUNT_CAP + 1` (a queue of more shows "10,000+"): counting
 * stays a bounded index scan however many cases a provider holds. One statement, a scalar subquery per
 * state. The cap and the reuse of counts are `countCasesPerState`'s (cases.service.ts).
 */
export async function countCasesByState(
  db: Db,
  viewer: User,
  q: CaseQuery,
  states: readonly CaseState[] = CASE_STATES,
): Promise<Partial<Record<CaseState, number>>> {
  if (states.length === 0) return {};
  const filter = applyFilters(viewer, { ...q, state: undefined });
  const r = await db
    .selectNoFrom((eb) =>
      states.map((state) =>
        eb
          .selectFrom(
            filter(db.selectFrom('cases as c').select('c.id'))
              .where('c.state', '=', state)
              .limit(COUNT_CAP + 1)
              .as('x'),
          )
          .select(eb.fn.countAll<string>().as('n'))
          .as(state),
      ),
    )
    .executeTakeFirstOrThrow();
  const counts: Partial<Record<CaseState, number>> = {};
  for (const state of states) counts[state] = Number((r as Record<string, unknown>)[state]);
  return counts;
}

export interface NewCaseRow {
  parentCaseId: string | null;
  entity: string;
  requesterUserId: number | null;
  service: string;
  title: string;
  fields: Record<string, unknown>;
  impact: number;
  urgency: number;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  state: CaseState;
  provider: string | null;
  routingReason: string;
  at: Date;
  source: string;
  externalId?: string | null;
  reference?: string;
}

/** The row of a new case, for `insertInto('cases')`. */
function caseValues(c: NewCaseRow) {
  return {
    reference: c.reference ?? sql<string>`'MER-' || lpad(nextval('case_reference_seq')::text, 6, '0')`,
    parent_case_id: c.parentCaseId,
    entity_code: c.entity,
    requester_user_id: c.requesterUserId,
    service_code: c.service,
    title: c.title,
    fields: JSON.stringify(c.fields),
    impact: c.impact,
    urgency: c.urgency,
    priority: c.priority,
    state: c.state,
    provider_code: c.provider,
    routing_reason: c.routingReason,
    created_at: c.at,
    updated_at: c.at,
    source: c.source,
    external_id: c.externalId ?? null,
  } as never;
}

/** Inserts a case with the next reference (`MER-000001`, ...). Returns its id and reference. */
export async function insertCase(db: Db, c: NewCaseRow): Promise<{ id: string; reference: string }> {
  const r = await db.insertInto('cases').values(caseValues(c)).returning(['id', 'reference']).executeTakeFirstOrThrow();
  return { id: String(r.id), reference: r.reference };
}

/**
 * Updates a case only if its version is still `version`, and bumps the version.
 * @returns whether the row was updated (false: someone changed it first).
 */
export async function updateCaseIfVersion(
  db: Db,
  id: string,
  version: number,
  set: Partial<{
    state: CaseState;
    provider_code: string | null;
    team_id: number | null;
    assignee_user_id: number | null;
    merged_into_case_id: string | null;
    resolved_at: Date | null;
    closed_at: Date | null;
    routing_reason: string;
    impact: number;
    urgency: number;
    priority: string;
  }>,
  at: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('cases')
    .set({ ...set, updated_at: at, version: sql<number>`version + 1` } as never)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Marks the parent of a child task as updated at `at` (its `updated_at`, for "recently updated" sorting),
 * without bumping its version: a child task's change shows in the parent's timeline, but does not change the
 * parent's own fields, so an agent editing the parent with the version they read must not get a 412.
 * Never moves `updated_at` back.
 */
export async function touchParentCase(db: Db, parentId: string, at: Date): Promise<void> {
  await db
    .updateTable('cases')
    .set({ updated_at: sql<Date>`greatest(updated_at, ${at})` })
    .where('id', '=', parentId)
    .execute();
}

/**
 * Marks a case as updated at `at` after an activity that changes none of its own fields (a reply, an
 * internal note, an attachment): its `updated_at` moves, for "recently updated" sorting in queues and My
 * requests, but not its version, so that an agent editing the case with the version they read gets no 412
 * from someone's reply. When the case is a child task its parent is marked too (the activity shows in the
 * parent's timeline), as `touchParentCase` does for a child's changes. One statement; never moves
 * `updated_at` back.
 */
export async function touchCase(db: Db, caseId: string, at: Date): Promise<void> {
  await db
    .updateTable('cases')
    .set({ updated_at: sql<Date>`greatest(updated_at, ${at})` })
    .where((eb) =>
      eb.or([
        eb('id', '=', caseId),
        eb('id', '=', eb.selectFrom('cases as child').select('child.parent_case_id').where('child.id', '=', caseId)),
      ]),
    )
    .execute();
}

export interface CaseEventInput {
  caseId: string;
  at: Date;
  actorUserId: number | null;
  type: string;
  before?: unknown;
  after?: unknown;
  details?: unknown;
}

/** Appends a case event. */
export async function appendCaseEvent(db: Db, e: CaseEventInput): Promise<void> {
  await appendCaseEvents(db, [e]);
}

/** Appends several case events in one statement, in order. */
export async function appendCaseEvents(db: Db, events: CaseEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('case_events')
    .values(events.map((e) => eventValues(e, e.caseId)))
    .execute();
}

/** The row of a case event of case `caseId` (an id, or SQL yielding it), for `insertInto('case_events')`. */
function eventValues(e: Omit<CaseEventInput, 'caseId'>, caseId: string | RawBuilder<string>) {
  return {
    case_id: caseId,
    at: e.at,
    actor_user_id: e.actorUserId,
    type: e.type,
    before: e.before === undefined ? null : JSON.stringify(e.before),
    after: e.after === undefined ? null : JSON.stringify(e.after),
    details: JSON.stringify(e.details ?? {}),
  };
}

/** Opens a provider segment (provider null: the DOS coordination queue). */
export async function openSegment(
  db: Db,
  caseId: string,
  provider: string | null,
  teamId: number | null,
  at: Date,
  reason: string,
): Promise<void> {
  await db
    .insertInto('case_segments')
    .values({ case_id: caseId, provider_code: provider, team_id: teamId, started_at: at, start_reason: reason })
    .execute();
}

/** Ends the open segment of a case, if any. */
export async function closeSegment(db: Db, caseId: string, at: Date, reason: string): Promise<void> {
  await db
    .updateTable('case_segments')
    .set({ ended_at: at, end_reason: reason })
    .where('case_id', '=', caseId)
    .where('ended_at', 'is', null)
    .execute();
}

/** Events of the given cases (ids, or a case and its child tasks), oldest first. */
export async function findEvents(db: Db, caseIds: CaseIds) {
  if (Array.isArray(caseIds) && caseIds.length === 0) return [];
  const rows = await db
    .selectFrom('case_events as ev')
    .innerJoin('cases as c', 'c.id', 'ev.case_id')
    .leftJoin('users as u', 'u.id', 'ev.actor_user_id')
    .select([
      'ev.id',
      'c.reference',
      'ev.at',
      'u.id as u_id',
      'u.name as u_name',
      'ev.type',
      'ev.before',
      'ev.after',
      'ev.details',
    ])
    .where('ev.case_id', 'in', inCases(db, caseIds))
    .orderBy('ev.at')
    .orderBy('ev.id')
    .execute();
  return rows.map((r) => ({
    id: String(r.id),
    caseReference: r.reference,
    at: iso(r.at),
    actor: r.u_id ? { id: r.u_id, name: r.u_name as string } : null,
    type: r.type,
    before: fromJson(r.before),
    after: fromJson(r.after),
    details: fromJson(r.details),
  }));
}

/** Segments of the given cases (ids, or a case and its child tasks), oldest first. */
export async function findSegments(db: Db, caseIds: CaseIds) {
  if (Array.isArray(caseIds) && caseIds.length === 0) return [];
  const rows = await db
    .selectFrom('case_segments as sg')
    .innerJoin('cases as c', 'c.id', 'sg.case_id')
    .leftJoin('teams as t', 't.id', 'sg.team_id')
    .select([
      'c.reference',
      'sg.provider_code',
      't.code as team',
      'sg.started_at',
      'sg.ended_at',
      'sg.start_reason',
      'sg.end_reason',
    ])
    .where('sg.case_id', 'in', inCases(db, caseIds))
    .orderBy('sg.started_at')
    .orderBy('sg.id')
    .execute();
  return rows.map((r) => ({
    caseReference: r.reference,
    provider: r.provider_code,
    team: r.team,
    startedAt: iso(r.started_at),
    endedAt: isoOrNull(r.ended_at),
    startReason: r.start_reason,
    endReason: r.end_reason,
  }));
}

/** Inserts a message. */
export async function insertMessage(
  db: Db,
  m: {
    caseId: string;
    authorUserId: number | null;
    visibility: 'public' | 'internal';
    body: string;
    mentions: string[];
    channel: string;
    at: Date;
  },
): Promise<string> {
  const r = await db
    .insertInto('case_messages')
    .values({
      case_id: m.caseId,
      author_user_id: m.authorUserId,
      visibility: m.visibility,
      body: m.body,
      mentions: JSON.stringify(m.mentions),
      channel: m.channel,
      created_at: m.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(r.id);
}

/** The case an idempotency key of a user already created, with the request hash it was used for. */
export async function findIdempotencyKey(db: Db, userId: number, key: string) {
  return db
    .selectFrom('idempotency_keys as k')
    .innerJoin('cases as c', 'c.id', 'k.case_id')
    .select(['k.request_hash', 'c.reference'])
    .where('k.user_id', '=', userId)
    .where('k.key', '=', key)
    .executeTakeFirst();
}

/** A user by id, with their role scope (for assignment checks). */
export async function findUserScope(db: Db, id: number) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'provider_code', 'entity_code', 'active'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Users to notify about a case: the requester and the assignee, with e-mail and locale. */
export async function findUsersByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('users').select(['id', 'email', 'name', 'locale']).where('id', 'in', ids).execute();
}

/** Users of a provider whose e-mail local part or name matches a mention (`@name`). */
export async function findMentionedUsers(db: Db, handles: string[]) {
  if (handles.length === 0) return [];
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'provider_code', 'entity_code', 'role', 'locale'])
    .where(
      sql<string>`split_part(email, '@', 1)`,
      'in',
      handles.map((h) => h.toLowerCase()),
    )
    .execute();
}

/** Queues an e-mail in the outbox. */
export async function enqueueEmail(
  db: Db,
  m: { caseId: string | null; to: string; subject: string; body: string; at: Date },
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({ case_id: m.caseId, to_address: m.to, subject: m.subject, body: m.body, status: 'pending', created_at: m.at })
    .execute();
}

/** Whether team `id` belongs to `provider`. */
export async function teamOfProvider(db: Db, id: number, provider: string | null): Promise<boolean> {
  if (provider === null) return false;
  const r = await db
    .selectFrom('teams')
    .select('id')
    .where('id', '=', id)
    .where('provider_code', '=', provider)
    .executeTakeFirst();
  return r !== undefined;
}

/** Whether a provider exists. */
export async function providerExists(db: Db, code: string): Promise<boolean> {
  return (await db.selectFrom('providers').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

/** Counts of all cases and events, and cases per state (for `meridian cases stats`). */
export async function caseStats(db: Db): Promise<{ cases: number; events: number; byState: Record<string, number> }> {
  const byState = await db
    .selectFrom('cases')
    .select(['state', db.fn.countAll<string>().as('n')])
    .groupBy('state')
    .execute();
  const events = await db.selectFrom('case_events').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const states = Object.fromEntries(byState.map((r) => [r.state, Number(r.n)]));
  return { cases: Object.values(states).reduce((a, b) => a + b, 0), events: Number(events.n), byState: states };
}
