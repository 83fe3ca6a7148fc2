/** HTTP routes of the directory (thin: validate, call the repository, present). */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../server/errors.ts';
import { pageOf } from '../../server/pagination.ts';
import { CodeParamSchema, ProblemSchema, typed } from '../../server/route-helpers.ts';
import {
  findClientEntities,
  findClientEntity,
  findDutyStation,
  findDutyStations,
  findProvider,
  findProviders,
} from './directory.repository.ts';
import {
  ClientEntitySchema,
  DutyStationQuerySchema,
  DutyStationSchema,
  EntityQuerySchema,
  ProviderQuerySchema,
  ProviderSchema,
} from './directory.schema.ts';

export async function directoryRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  const db = () => app.deps.db;

  api.get(
    '/api/duty-stations',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['directory'],
        summary: 'List duty stations (search, filter, sort, paginate)',
        querystring: DutyStationQuerySchema,
        response: { 200: pageOf(DutyStationSchema), 400: ProblemSchema },
      },
    },
    async (req) => findDutyStations(db(), req.query),
  );
  api.get(
    '/api/duty-stations/:code',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['directory'],
        summary: 'One duty station',
        params: CodeParamSchema,
        response: { 200: DutyStationSchema, 404: ProblemSchema },
      },
    },
    async (req) => {
      const s = await findDutyStation(db(), req.params.code);
      if (!s)
        throw new AppError('DIRECTORY_DUTY_STATION_NOT_FOUND', `No duty station has the code ${JSON.stringify(req.params.code)}`);
      return s;
    },
  );
  api.get(
    '/api/providers',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['directory'],
        summary: 'List service providers',
        querystring: ProviderQuerySchema,
        response: { 200: pageOf(ProviderSchema), 400: ProblemSchema },
      },
    },
    async (req) => findProviders(db(), req.query),
  );
  api.get(
    '/api/providers/:code',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['directory'],
        summary: 'One service provider',
        params: CodeParamSchema,
        response: { 200: ProviderSchema, 404: ProblemSchema },
      },
    },
    async (req) => {
      const p = await findProvider(db(), req.params.code);
      if (!p) throw new AppError('DIRECTORY_PROVIDER_NOT_FOUND', `No provider has the code ${JSON.stringify(req.params.code)}`);
      return p;
    },
  );
  api.get(
    '/api/entities',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['directory'],
        summary: 'List client entities',
        querystring: EntityQuerySchema,
        response: { 200: pageOf(ClientEntitySchema), 400: ProblemSchema },
      },
    },
    async (req) => findClientEntities(db(), req.query),
  );
  api.get(
    '/api/entities/:code',
    {
      config: { access: 'permission:reference:read' },
      schema: {
        tags: ['directory'],
        summary: 'One client entity',
        params: CodeParamSchema,
        response: { 200: ClientEntitySchema, 404: ProblemSchema },
      },
    },
    async (req) => {
      const e = await findClientEntity(db(), req.params.code);
      if (!e)
        throw new AppError('DIRECTORY_ENTITY_NOT_FOUND', `No client entity has the code ${JSON.stringify(req.params.code)}`);
      return e;
    },
  );
}
