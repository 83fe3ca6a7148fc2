/**
 * Survey results: satisfaction (mean overall rating, 1-5), net promoter score and response rates per
 * provider, service, client entity or period (month, quarter, year), the answer distributions, and the
 * comments feed with its pain-point flag. `satisfactionByProvider` is the figure the minimum service
 * standards (performance issue) read.
 *
 * Periods: a transactional answer counts in the period its case was resolved (the invitation's day, UTC);
 * a campaign answer in its campaign's period (the period's last day). Response rates: invitations sent (not
 * throttled) and campaign targets, answered or not, in the same periods.
 *
 * Anonymity: anonymous answers have no service and no entity, so they appear only in provider and period
 * groups, and only in groups holding at least `anonymousMinGroup` of them (else they are left out and
 * counted in `withheldAnonymous`): a small group would let a reader guess who answered.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import { AppError } from '../../server/errors.ts';
import { appendAuditEvent } from '../identity/identity.repository.ts';
import type { User } from '../identity/identity.schema.ts';
import { type SurveySettings, withDefaults } from './settings.ts';
import {
  countAnswerValues,
  findCommentScope,
  findComments,
  namesOf,
  type ResponseSums,
  type SurveyScope,
  setPainPoint,
  sumInvitations,
  sumResponses,
} from './surveys.repository.ts';
import type { Comment, CommentQuery, ResultRow, Results, ResultsQuery } from './surveys.schema.ts';
import { netPromoterScore } from './template.ts';

type Db = Kysely<Database>;

/** The results a user may see: provider staff their provider's, focal points their entity's, Secretariat-wide roles all. */
export function surveyScopeOf(user: User): SurveyScope {
  if (user.role === 'provider-agent' || user.role === 'provider-manager') {
    return user.scope?.type === 'provider' ? { kind: 'provider', code: user.scope.code } : { kind: 'none' };
  }
  if (user.role === 'entity-focal-point')
    return user.scope?.type === 'entity' ? { kind: 'entity', code: user.scope.code } : { kind: 'none' };
  if (user.role === 'client-requester') return { kind: 'none' };
  return { kind: 'all' };
}

interface Acc {
  responses: number;
  ratings: number;
  ratingSum: number;
  recommendations: number;
  promoters: number;
  detractors: number;
}
const zero = (): Acc => ({ responses: 0, ratings: 0, ratingSum: 0, recommendations: 0, promoters: 0, detractors: 0 });
function add(a: Acc, b: Acc): Acc {
  return {
    responses: a.responses + b.responses,
    ratings: a.ratings + b.ratings,
    ratingSum: a.ratingSum + b.ratingSum,
    recommendations: a.recommendations + b.recommendations,
    promoters: a.promoters + b.promoters,
    detractors: a.detractors + b.detractors,
  };
}

/** Mean of `sum / n`, rounded to two decimals; null when n is 0. */
export function meanOf(sum: number, n: number): number | null {
  return n === 0 ? null : Math.round((sum / n) * 100) / 100;
}

/**
 * Combines the named and anonymous sums of each group: the anonymous part counts only when it holds at
 * least `minGroup` answers. Pure.
 */
export function combineGroups(sums: ResponseSums[], minGroup: number): Map<string | null, { acc: Acc; withheld: number }> {
  const named = new Map<string | null, Acc>();
  const anonymous = new Map<string | null, Acc>();
  for (const s of sums) {
    const m = s.anonymous ? anonymous : named;
    m.set(s.key, add(m.get(s.key) ?? zero(), s));
  }
  const out = new Map<string | null, { acc: Acc; withheld: number }>();
  for (const key of new Set([...named.keys(), ...anonymous.keys()])) {
    const a = anonymous.get(key);
    const counted = a && a.responses >= minGroup;
    out.set(key, { acc: add(named.get(key) ?? zero(), counted ? a : zero()), withheld: a && !counted ? a.responses : 0 });
  }
  return out;
}

function row(
  key: string,
  name: Record<string, string> | null,
  acc: Acc,
  withheld: number,
  inv: { invited: number; answered: number },
): ResultRow {
  return {
    key,
    name,
    responses: acc.responses,
    meanRating: meanOf(acc.ratingSum, acc.ratings),
    nps: netPromoterScore(acc.promoters, acc.detractors, acc.recommendations),
    invited: inv.invited,
    answered: inv.answered,
    responseRate: inv.invited ? Math.round((inv.answered / inv.invited) * 1000) / 1000 : null,
    withheldAnonymous: withheld,
  };
}

/**
 * Results for `q` within `scope`: one row per group (providers, services and entities named; groups without
 * a key, e.g. campaign answers when grouping by service, are left out of the rows but not of the total),
 * the total, and the distribution of each rating and choice question.
 * @throws AppError VALIDATION_FAILED when `from` is after `to`.
 */
export async function surveyResults(
  db: Db,
  scope: SurveyScope,
  q: ResultsQuery,
  opts: { surveys?: Partial<SurveySettings> } = {},
): Promise<Results> {
  if (q.from > q.to)
    throw new AppError('VALIDATION_FAILED', `from ${q.from} is after to ${q.to}`, {
      issues: [{ field: 'from', message: 'after to' }],
    });
  const min = withDefaults(opts.surveys).anonymousMinGroup;
  const f = { from: q.from, to: q.to, provider: q.provider, service: q.service, entity: q.entity, source: q.source };
  const [sums, invitations, values] = await Promise.all([
    sumResponses(db, scope, f, q.groupBy),
    sumInvitations(db, scope, f, q.groupBy),
    countAnswerValues(db, scope, f, q.details === 'true'),
  ]);
  const groups = combineGroups(sums, min);
  const inv = new Map<string | null, { invited: number; answered: number }>();
  for (const i of invitations) {
    const cur = inv.get(i.key) ?? { invited: 0, answered: 0 };
    inv.set(i.key, { invited: cur.invited + i.invited, answered: cur.answered + i.answered });
  }
  const keys = [...new Set([...groups.keys(), ...inv.keys()])].filter((k): k is string => k !== null).sort();
  const names =
    q.groupBy === 'provider' || q.groupBy === 'service' || q.groupBy === 'entity'
      ? await namesOf(db, q.groupBy, keys)
      : new Map();
  const rows = keys.map((k) => {
    const g = groups.get(k) ?? { acc: zero(), withheld: 0 };
    return row(k, names.get(k) ?? null, g.acc, g.withheld, inv.get(k) ?? { invited: 0, answered: 0 });
  });
  // the total applies the anonymity threshold to all anonymous answers together
  const totalGroups = combineGroups(
    sums.map((s) => ({ ...s, key: null })),
    min,
  );
  const t = totalGroups.get(null) ?? { acc: zero(), withheld: 0 };
  const totalInv = [...inv.values()].reduce((a, b) => ({ invited: a.invited + b.invited, answered: a.answered + b.answered }), {
    invited: 0,
    answered: 0,
  });
  const anonymousTotal = sums.filter((s) => s.anonymous).reduce((n, s) => n + s.responses, 0);
  const distributions: Record<string, Record<string, number>> = {};
  for (const v of values) {
    if (v.anonymous && anonymousTotal < min) continue;
    const d = distributions[v.question] ?? {};
    d[v.value] = (d[v.value] ?? 0) + v.n;
    distributions[v.question] = d;
  }
  return {
    groupBy: q.groupBy,
    from: q.from,
    to: q.to,
    rows,
    total: row('total', null, t.acc, t.withheld, totalInv),
    distributions,
    minAnonymousGroup: min,
  };
}

/** Satisfaction of one provider over a period. */
export interface ProviderSatisfaction {
  /** Provider code (`UNON`). */
  provider: string;
  /** Mean overall rating, 1-5, rounded to two decimals (null when no answer). */
  meanRating: number | null;
  /** Answers counted (named, and anonymous when the provider has at least the minimum group of them). */
  responses: number;
}

/**
 * The satisfaction figure per provider for a period, for the minimum service standards: the mean of the
 * overall rating (1-5) of every answer about the provider that counts in the period (transactional: case
 * resolved in it; campaign: campaign period ending in it), whatever the viewer (no scope: a system figure).
 * Anonymous answers count only when the provider has at least `anonymousMinGroup` of them in the period.
 * @param period calendar dates `YYYY-MM-DD`, both inclusive. Source: `survey_responses`.
 * @returns one row per provider with at least one answer, by provider code.
 */
export async function satisfactionByProvider(
  db: Db,
  period: { from: string; to: string },
  opts: { surveys?: Partial<SurveySettings> } = {},
): Promise<ProviderSatisfaction[]> {
  const min = withDefaults(opts.surveys).anonymousMinGroup;
  const sums = await sumResponses(db, { kind: 'all' }, { from: period.from, to: period.to }, 'provider');
  const groups = combineGroups(sums, min);
  return [...groups.entries()]
    .filter((e): e is [string, { acc: Acc; withheld: number }] => e[0] !== null && e[1].acc.ratings > 0)
    .map(([provider, g]) => ({ provider, meanRating: meanOf(g.acc.ratingSum, g.acc.ratings), responses: g.acc.ratings }))
    .sort((a, b) => a.provider.localeCompare(b.provider));
}

/** A page of the comments feed within `scope`. */
export async function surveyComments(
  db: Db,
  scope: SurveyScope,
  q: CommentQuery,
  opts: { surveys?: Partial<SurveySettings> } = {},
): Promise<{ items: Comment[]; total: number; totalCapped: boolean; page: number; pageSize: number }> {
  const r = await findComments(
    db,
    scope,
    { ...q, painPoint: q.painPoint === undefined ? undefined : q.painPoint === 'true' },
    withDefaults(opts.surveys).anonymousMinGroup,
  );
  return { ...r, page: q.page, pageSize: q.pageSize };
}

/**
 * Flags a comment as a pain point (or clears the flag), kept for the continuous-improvement register.
 * @throws AppError SURVEY_COMMENT_NOT_FOUND (unknown or outside the actor's scope).
 */
export async function flagComment(
  db: Db,
  actor: User,
  id: string,
  input: { painPoint: boolean; note?: string | undefined },
  opts: { now?: Date } = {},
): Promise<{ id: string; painPoint: boolean; painPointNote: string | null }> {
  const scope = surveyScopeOf(actor);
  const c = await findCommentScope(db, id);
  const visible =
    c &&
    (scope.kind === 'all' ||
      (scope.kind === 'provider' && c.provider_code === scope.code) ||
      (scope.kind === 'entity' && c.entity_code === scope.code));
  if (!visible) throw new AppError('SURVEY_COMMENT_NOT_FOUND', `No comment ${id} that you can see`);
  const note = input.painPoint ? (input.note ?? null) : null;
  await db.transaction().execute(async (trx) => {
    await setPainPoint(trx, id, { painPoint: input.painPoint, note, by: actor.id, at: opts.now ?? new Date() });
    await appendAuditEvent(trx, {
      actorUserId: actor.id,
      action: input.painPoint ? 'survey.comment.pain-point' : 'survey.comment.pain-point-cleared',
      targetType: 'survey_comment',
      targetId: id,
      details: note ? { note } : {},
    });
  });
  return { id, painPoint: input.painPoint, painPointNote: note };
}
