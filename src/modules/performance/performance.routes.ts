/**
 * Routes of the performance module: standards (list, new version), manual values (list, capture), closed
 * months (list, close), the dashboard, the drill-down, flow analytics (loaded logs and Meridian's cases),
 * and exports of any view as CSV or XLSX. Reading needs `performance:read` (scoped: provider staff see
 * their provider, focal points their entity); standards and closing need `performance:manage`; manual
 * capture `performance:capture`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { currentUser } from '../../server/access.ts';
import { ProblemSchema, typed } from '../../server/route-helpers.ts';
import { casesFlow, dashboard, drilldown } from './dashboard.service.ts';
import { loadedLogs, logFlow } from './event-log.service.ts';
import {
  DASHBOARD_COLUMNS,
  DRILLDOWN_COLUMNS,
  type ExportTable,
  FLOW_COLUMNS,
  PROVIDER_FLOW_COLUMNS,
  toCsv,
  toXlsx,
} from './export.ts';
import {
  DashboardSchema,
  DrilldownQuerySchema,
  DrilldownSchema,
  ExportQuerySchema,
  exportedViewQuery,
  FlowQuerySchema,
  ManualValueInputSchema,
  ManualValueSchema,
  StandardInputSchema,
  StandardSchema,
  ViewQuerySchema,
} from './performance.schema.ts';
import {
  closedMonths,
  closeMonth,
  listManualValues,
  listStandards,
  saveManualValue,
  saveStandardVersion,
} from './standards.service.ts';

const Errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
};

/** Registers the performance routes. */
export async function performanceRoutes(app: FastifyInstance): Promise<void> {
  const api = typed(app);
  const db = () => app.deps.db;

  api.get(
    '/api/performance/standards',
    {
      config: { access: 'permission:performance:read' },
      schema: {
        tags: ['performance'],
        summary: 'Every version of every minimum service standard',
        response: { 200: z.object({ items: z.array(StandardSchema) }), ...Errors },
      },
    },
    async () => ({ items: await listStandards(db()) }),
  );

  api.post(
    '/api/performance/standards',
    {
      config: { access: 'permission:performance:manage' },
      schema: {
        tags: ['performance'],
        summary: 'Add a version of a standard (a new code starts at 1) in force from a month; the previous version ends there',
        body: StandardInputSchema,
        response: { 201: StandardSchema, ...Errors },
      },
    },
    async (req, reply) => {
      reply.status(201);
      return saveStandardVersion(db(), currentUser(req), req.body);
    },
  );

  api.get(
    '/api/performance/manual-values',
    {
      config: { access: 'permission:performance:read' },
      schema: {
        tags: ['performance'],
        summary: 'Values captured by hand (with who entered them and the evidence)',
        querystring: z.strictObject({ standard: z.string().max(40).optional(), provider: z.string().max(20).optional() }),
        response: { 200: z.object({ items: z.array(ManualValueSchema) }), ...Errors },
      },
    },
    async (req) => {
      const viewer = currentUser(req);
      const own = viewer.scope?.type === 'provider' ? viewer.scope.code : undefined;
      if (viewer.role === 'entity-focal-point') return { items: [] };
      const provider = own ?? req.query.provider;
      return {
        items: await listManualValues(db(), {
          ...(provider ? { provider } : {}),
          ...(req.query.standard ? { standard: req.query.standard } : {}),
        }),
      };
    },
  );

  api.post(
    '/api/performance/manual-values',
    {
      config: { access: 'permission:performance:capture' },
      schema: {
        tags: ['performance'],
        summary: 'Capture (or correct) the value of a manual standard for a provider and period, with evidence',
        body: ManualValueInputSchema,
        response: { 201: z.object({ id: z.string() }), ...Errors },
      },
    },
    async (req, reply) => {
      reply.status(201);
      return saveManualValue(db(), currentUser(req), req.body);
    },
  );

  api.get(
    '/api/performance/periods',
    {
      config: { access: 'permission:performance:read' },
      schema: {
        tags: ['performance'],
        summary: 'Closed months (their figures are frozen)',
        response: {
          200: z.object({ items: z.array(z.object({ month: z.string(), closedAt: z.string(), closedBy: z.string() })) }),
          ...Errors,
        },
      },
    },
    async () => ({ items: await closedMonths(db()) }),
  );

  api.post(
    '/api/performance/periods/:month/close',
    {
      config: { access: 'permission:performance:manage' },
      schema: {
        tags: ['performance'],
        summary: 'Close a past month: its figures are frozen as they are now',
        params: z.object({ month: z.string().max(7) }),
        response: { 201: z.object({ month: z.string(), closedAt: z.string() }), ...Errors },
      },
    },
    async (req, reply) => {
      reply.status(201);
      return closeMonth(db(), currentUser(req), req.params.month);
    },
  );

  api.get(
    '/api/performance/dashboard',
    {
      config: { access: 'permission:performance:read' },
      schema: {
        tags: ['performance'],
        summary: 'Each standard for each provider per period (local months of the calendars), met or not',
        querystring: ViewQuerySchema,
        response: { 200: DashboardSchema, ...Errors },
      },
    },
    async (req) => dashboard(db(), currentUser(req), req.query),
  );

  api.get(
    '/api/performance/drilldown',
    {
      config: { access: 'permission:performance:read' },
      schema: {
        tags: ['performance'],
        summary: 'The cases behind one figure (standard x provider x period), worst first',
        querystring: DrilldownQuerySchema,
        response: { 200: DrilldownSchema, ...Errors },
      },
    },
    async (req) => drilldown(db(), currentUser(req), req.query),
  );

  api.get(
    '/api/performance/flow',
    {
      config: { access: 'permission:performance:read' },
      schema: {
        tags: ['performance'],
        summary: 'Flow analytics: of a loaded log (per team, worst cases), or of Meridian cases per provider',
        querystring: FlowQuerySchema,
        response: { 200: z.any(), ...Errors },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.log) return logFlow(db(), q.log, q.limit);
      const to = q.to ?? new Date().toISOString().slice(0, 7);
      return { logs: await loadedLogs(db()), providers: await casesFlow(db(), currentUser(req), { from: q.from ?? to, to }) };
    },
  );

  api.get(
    '/api/performance/export',
    {
      config: { access: 'permission:performance:read' },
      schema: {
        tags: ['performance'],
        summary: "Export a view (dashboard, drill-down or flow, with that view's query) as CSV or XLSX",
        querystring: ExportQuerySchema,
        response: { 200: z.any().describe('The file'), ...Errors },
      },
    },
    async (req, reply) => {
      const { view, format, lang, ...rest } = req.query;
      const viewer = currentUser(req);
      let table: ExportTable;
      if (view === 'dashboard') {
        const d = await dashboard(db(), viewer, exportedViewQuery(ViewQuerySchema, rest));
        const std = new Map(d.standards.map((s) => [`${s.code}@${s.version}`, s]));
        table = {
          name: 'dashboard',
          columns: DASHBOARD_COLUMNS,
          rows: d.cells.map((c) => {
            const s = std.get(`${c.standard}@${c.version}`);
            return {
              period: c.period,
              provider: c.provider,
              standard: c.standard,
              name: s?.name[lang] ?? s?.name.en ?? '',
              version: c.version,
              measure: s ? `${s.measure}:${s.subject}${s.percentile ? `:p${s.percentile}` : ''}` : '',
              target: s ? `${s.comparator} ${s.target}` : '',
              unit: s?.unit ?? '',
              value: c.value,
              numerator: c.numerator,
              denominator: c.denominator,
              met: c.met,
              frozen: c.frozen,
            };
          }),
        };
      } else if (view === 'drilldown') {
        const d = await drilldown(db(), viewer, exportedViewQuery(DrilldownQuerySchema, rest));
        table = { name: 'drilldown', columns: DRILLDOWN_COLUMNS, rows: d.items };
      } else {
        const q = exportedViewQuery(FlowQuerySchema, rest);
        if (q.log) table = { name: 'flow', columns: FLOW_COLUMNS, rows: (await logFlow(db(), q.log, q.limit)).worst };
        else {
          const to = q.to ?? new Date().toISOString().slice(0, 7);
          table = {
            name: 'flow',
            columns: PROVIDER_FLOW_COLUMNS,
            rows: await casesFlow(db(), viewer, { from: q.from ?? to, to }),
          };
        }
      }
      const name = `meridian-${table.name}-${new Date().toISOString().slice(0, 10)}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store');
      if (format === 'csv') return reply.header('content-type', 'text/csv; charset=utf-8').send(toCsv(table, lang));
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(await toXlsx(table, lang));
    },
  );
}
