/**
 * Teams within a provider: the second level of the work queues. A provider manager (or a DOS
 * coordinator or administrator) creates its provider's teams and places its agents in them; cases are
 * then assigned to a team and filtered by team (`GET /api/cases?team=`).
 */
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/types.ts';
import { currentUser } from '../../server/access.ts';
import { AppError } from '../../server/errors.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { IdSchema, INT32_MAX } from '../../server/validation.ts';
import type { User } from '../identity/identity.schema.ts';

export const TeamSchema = z.object({
  id: z.number().int(),
  provider: z.string(),
  code: z.string(),
  name: z.string(),
  members: z.number().int().describe('Agents placed in the team'),
});
export type Team = z.infer<typeof TeamSchema>;

const CreateTeamSchema = z.strictObject({
  provider: z.string().min(1).max(40).optional().describe("Default: the manager's provider"),
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$/, 'letters, digits, space, _ . - (at most 40)'),
  name: z.string().trim().min(2).max(120),
});

/** The provider whose teams `actor` manages: their own for a provider manager, any for coordinators. */
function managedProvider(actor: User, requested: string | undefined): string {
  if (actor.role === 'provider-manager') {
    const own = actor.scope?.code as string;
    if (requested && requested !== own) throw new AppError('FORBIDDEN', `You manage the teams of ${own} only`);
    return own;
  }
  if (actor.role === 'dos-coordinator' || actor.role === 'administrator') {
    if (!requested)
      throw new AppError('VALIDATION_FAILED', 'Name the provider', { issues: [{ field: 'provider', message: 'is required' }] });
    return requested;
  }
  throw new AppError('FORBIDDEN', 'Only provider managers and coordinators manage teams');
}

/** Teams of `provider`, with their number of members, by code. */
export async function findTeams(db: Kysely<Database>, provider: string): Promise<Team[]> {
  const rows = await db
    .selectFrom('teams as t')
    .select([
      't.id',
      't.provider_code',
      't.code',
      't.name',
      sql<string>`(select count(*) from users u where u.team_id = t.id)`.as('members'),
    ])
    .where('t.provider_code', '=', provider)
    .orderBy('t.code')
    .execute();
  return rows.map((r) => ({ id: r.id, provider: r.provider_code, code: r.code, name: r.name, members: Number(r.members) }));
}

/**
 * Creates a team of a provider.
 * @throws AppError FORBIDDEN (not its manager), DIRECTORY_PROVIDER_NOT_FOUND, CONFLICT-like VALIDATION_FAILED (code taken).
 */
export async function createTeam(db: Kysely<Database>, actor: User, input: z.infer<typeof CreateTeamSchema>): Promise<Team> {
  const provider = managedProvider(actor, input.provider);
  const exists = await db.selectFrom('providers').select('code').where('code', '=', provider).executeTakeFirst();
  if (!exists)
    throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider ${provider}`, {
      issues: [{ field: 'provider', message: 'unknown provider' }],
    });
  const taken = await db
    .selectFrom('teams')
    .select('id')
    .where('provider_code', '=', provider)
    .where('code', '=', input.code)
    .executeTakeFirst();
  if (taken)
    throw new AppError('VALIDATION_FAILED', `${provider} already has a team ${input.code}`, {
      issues: [{ field: 'code', message: 'is taken' }],
    });
  const r = await db
    .insertInto('teams')
    .values({ provider_code: provider, code: input.code, name: input.name })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: r.id, provider, code: input.code, name: input.name, members: 0 };
}

/**
 * Places an agent of the provider in one of its teams (or none with null).
 * @throws AppError FORBIDDEN, IDENTITY_USER_NOT_FOUND (not an agent of that provider), VALIDATION_FAILED (team of another provider).
 */
export async function placeInTeam(db: Kysely<Database>, actor: User, userId: number, teamId: number | null): Promise<void> {
  const user = await db.selectFrom('users').select(['id', 'provider_code']).where('id', '=', userId).executeTakeFirst();
  if (!user?.provider_code) throw new AppError('IDENTITY_USER_NOT_FOUND', 'No such agent');
  managedProvider(actor, user.provider_code);
  if (teamId !== null) {
    const team = await db.selectFrom('teams').select('provider_code').where('id', '=', teamId).executeTakeFirst();
    if (team?.provider_code !== user.provider_code) {
      throw new AppError('VALIDATION_FAILED', `Team ${teamId} is not a team of ${user.provider_code}`, {
        issues: [{ field: 'team', message: "not a team of the agent's provider" }],
      });
    }
  }
  await db.updateTable('users').set({ team_id: teamId }).where('id', '=', userId).execute();
}

/** Routes: `GET /api/teams?provider=`, `POST /api/teams`, `PUT /api/users/:id/team`. */
export async function teamRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  api.get(
    '/api/teams',
    {
      config: { access: 'permission:cases:read' },
      schema: {
        tags: ['cases'],
        summary: "Teams of a provider (default: the caller's provider)",
        querystring: z.strictObject({ provider: z.string().min(1).max(40).optional() }),
        response: { 200: z.object({ items: z.array(TeamSchema) }), 400: ProblemSchema },
      },
    },
    async (req) => {
      const actor = currentUser(req);
      const own = actor.scope?.type === 'provider' ? actor.scope.code : undefined;
      const provider = req.query.provider ?? own;
      if (!provider)
        throw new AppError('VALIDATION_FAILED', 'Name the provider', {
          issues: [{ field: 'querystring.provider', message: 'is required' }],
        });
      if (own && provider !== own) throw new AppError('FORBIDDEN', `You see the teams of ${own} only`);
      return { items: await findTeams(app.deps.db, provider) };
    },
  );
  api.post(
    '/api/teams',
    {
      config: { access: 'permission:cases:work' },
      schema: {
        tags: ['cases'],
        summary: 'Create a team of a provider (its manager, or a coordinator)',
        body: CreateTeamSchema,
        response: { 201: TeamSchema, 400: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (req, reply) => {
      reply.status(201);
      return createTeam(app.deps.db, currentUser(req), req.body);
    },
  );
  api.put(
    '/api/users/:id/team',
    {
      config: { access: 'permission:cases:work' },
      schema: {
        tags: ['cases'],
        summary: 'Place an agent in a team of its provider (null: no team)',
        params: z.object({ id: IdSchema }),
        body: z.strictObject({
          team: z.number().int().min(1).max(INT32_MAX).nullable().describe("A team id of the agent's provider"),
        }),
        response: { 204: z.null(), 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req, reply) => {
      await placeInTeam(app.deps.db, currentUser(req), req.params.id, req.body.team);
      return reply.status(204).send(null);
    },
  );
}
