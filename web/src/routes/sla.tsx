/**
 * The SLA screens: business calendars (`/sla/calendars`, one calendar at `/sla/calendars/duty-stations/KE-NA100`
 * or `/sla/calendars/providers/UNON`), SLA policies (`/sla/policies`) and the monthly SLA report
 * (`/sla/report`). Calendars and policies need `reference:read`, the report `cases:read`; changes need
 * `sla:manage` (checked on the pages and by the API).
 */
import { createRoute } from '@tanstack/react-router';
import { CalendarPage } from '../features/sla/calendar-page.tsx';
import { CalendarsPage } from '../features/sla/calendars-page.tsx';
import { PoliciesPage } from '../features/sla/policies-page.tsx';
import { ReportPage } from '../features/sla/report-page.tsx';
import {
  type CalendarsSearch,
  type PoliciesSearch,
  type ReportSearch,
  validateCalendarsSearch,
  validatePoliciesSearch,
  validateReportSearch,
} from '../features/sla/sla-search.ts';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';
import { RequirePermission } from './cases.tsx';

export const slaCalendarsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/sla/calendars',
  validateSearch: validateCalendarsSearch,
  component: function SlaCalendarsRoute() {
    const search = slaCalendarsRoute.useSearch();
    const navigate = slaCalendarsRoute.useNavigate();
    const setSearch = (patch: Partial<CalendarsSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return (
      <RequirePermission permission="reference:read">
        <CalendarsPage search={search} setSearch={setSearch} />
      </RequirePermission>
    );
  },
});

export const slaCalendarRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/sla/calendars/$kind/$code',
  component: function SlaCalendarRoute() {
    const { kind, code } = slaCalendarRoute.useParams();
    return (
      <RequirePermission permission="reference:read">
        <CalendarPage
          key={`${kind}/${code}`}
          kind={kind === 'providers' ? 'providers' : 'duty-stations'}
          code={code.toUpperCase()}
        />
      </RequirePermission>
    );
  },
});

export const slaPoliciesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/sla/policies',
  validateSearch: validatePoliciesSearch,
  component: function SlaPoliciesRoute() {
    const search = slaPoliciesRoute.useSearch();
    const navigate = slaPoliciesRoute.useNavigate();
    const setSearch = (patch: Partial<PoliciesSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return (
      <RequirePermission permission="reference:read">
        <PoliciesPage search={search} setSearch={setSearch} />
      </RequirePermission>
    );
  },
});

export const slaReportRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/sla/report',
  validateSearch: validateReportSearch,
  component: function SlaReportRoute() {
    const search = slaReportRoute.useSearch();
    const navigate = slaReportRoute.useNavigate();
    const setSearch = (patch: Partial<ReportSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return (
      <RequirePermission permission="cases:read">
        <ReportPage search={search} setSearch={setSearch} />
      </RequirePermission>
    );
  },
});
