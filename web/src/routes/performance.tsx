/**
 * The performance screens: the dashboard of minimum service standards (`/performance`), the cases behind a
 * figure (`/performance/drilldown?standard=&provider=&period=&from=&to=`) and flow analytics
 * (`/performance/flow?log=`), the standards and captured values (`/performance/standards`). All need
 * `performance:read`; capturing a value `performance:capture`.
 */
import { Alert, Stack } from '@mantine/core';
import { createRoute, redirect } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../features/auth/session.ts';
import { can } from '../features/cases/case-format.ts';
import { DashboardPage } from '../features/performance/dashboard-page.tsx';
import { DrilldownPage } from '../features/performance/drilldown-page.tsx';
import { FlowPage } from '../features/performance/flow-page.tsx';
import {
  type PerformanceSearch,
  validateDrilldownSearch,
  validateFlowSearch,
  validatePerformanceSearch,
} from '../features/performance/performance-format.ts';
import { StandardsPage } from '../features/performance/standards-page.tsx';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

function RequireRead({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (!can(user, 'performance:read'))
    return (
      <Stack maw={700}>
        <Alert color="yellow" variant="light" title={t('performance.notAllowedTitle')} data-testid="not-allowed">
          {t('performance.notAllowedBody')}
        </Alert>
      </Stack>
    );
  return <>{children}</>;
}

export const performanceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/performance',
  validateSearch: validatePerformanceSearch,
  component: function PerformanceRoute() {
    const search = performanceRoute.useSearch();
    const navigate = performanceRoute.useNavigate();
    const setSearch = (patch: Partial<PerformanceSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return (
      <RequireRead>
        <DashboardPage search={search} setSearch={setSearch} />
      </RequireRead>
    );
  },
});

export const performanceDrilldownRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/performance/drilldown',
  validateSearch: validateDrilldownSearch,
  // without a standard and a provider (a hand-made or stale link) there is no figure to open: the dashboard
  beforeLoad: ({ search }) => {
    if (!search.standard || !search.provider)
      throw redirect({
        to: '/performance',
        search: {
          from: search.from,
          to: search.to,
          serviceLine: search.serviceLine,
          entity: search.entity,
          region: search.region,
        },
        replace: true,
      });
  },
  component: function PerformanceDrilldownRoute() {
    const s = performanceDrilldownRoute.useSearch();
    const month = new Date().toISOString().slice(0, 7);
    return (
      <RequireRead>
        <DrilldownPage
          params={{
            standard: s.standard ?? '',
            provider: s.provider ?? '',
            period: s.period ?? month,
            from: s.from ?? month,
            to: s.to ?? month,
            granularity: 'month',
            serviceLine: s.serviceLine,
            entity: s.entity,
            region: s.region,
          }}
        />
      </RequireRead>
    );
  },
});

export const performanceFlowRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/performance/flow',
  validateSearch: validateFlowSearch,
  component: function PerformanceFlowRoute() {
    const { log } = performanceFlowRoute.useSearch();
    const navigate = performanceFlowRoute.useNavigate();
    return (
      <RequireRead>
        <FlowPage log={log} setLog={(l) => void navigate({ search: compact({ log: l }), replace: true })} />
      </RequireRead>
    );
  },
});

export const performanceStandardsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/performance/standards',
  component: function PerformanceStandardsRoute() {
    return (
      <RequireRead>
        <StandardsPage />
      </RequireRead>
    );
  },
});
