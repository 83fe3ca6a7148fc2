/**
 * The cases screens: request a service (`/requests/new`), my requests (`/requests`), the work queue
 * (`/queue`, `?assignee=me` for "my cases", `?provider=none` for the DOS coordination queue) and one case
 * (`/cases/MER-000123`). Each needs a permission of the signed-in user; without it the screen says so.
 */
import { Alert, Button, Stack, Text } from '@mantine/core';
import { createRoute, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../features/auth/session.ts';
import { can, usesQueue } from '../features/cases/case-format.ts';
import { type CaseListSearch, validateCaseListSearch, validateRequestSearch } from '../features/cases/case-search.ts';
import { CaseViewPage } from '../features/cases/case-view-page.tsx';
import { MyRequestsPage } from '../features/cases/my-requests-page.tsx';
import { QueuePage } from '../features/cases/queue-page.tsx';
import { RequestPage } from '../features/cases/request-page.tsx';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

/** Shows `children` only to users with `permission`; others are told they may not see the screen. */
export function RequirePermission({ permission, children }: { permission: string; children: ReactNode }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (!can(user, permission))
    return (
      <Stack maw={700}>
        <Alert color="yellow" variant="light" title={t('cases.notAllowedTitle')} data-testid="not-allowed">
          {t('cases.notAllowedBody')}
        </Alert>
      </Stack>
    );
  return <>{children}</>;
}

export const requestRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/requests/new',
  validateSearch: validateRequestSearch,
  component: function RequestRoute() {
    const search = requestRoute.useSearch();
    const navigate = requestRoute.useNavigate();
    return (
      <RequirePermission permission="cases:create">
        <RequestPage search={search} setSearch={(patch) => void navigate({ search: (prev) => compact({ ...prev, ...patch }) })} />
      </RequirePermission>
    );
  },
});

export const myRequestsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/requests',
  validateSearch: validateCaseListSearch,
  component: function MyRequestsRoute() {
    const search = myRequestsRoute.useSearch();
    const navigate = myRequestsRoute.useNavigate();
    const setSearch = (patch: Partial<CaseListSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return (
      <RequirePermission permission="cases:read">
        <MyRequestsPage search={search} setSearch={setSearch} />
      </RequirePermission>
    );
  },
});

/**
 * The work queue for the roles that use it; client staff who open it by its address are told it is the
 * provider staff's, with the way to their own requests (as RequirePermission tells a role a screen is not theirs).
 */
function RequireQueueRole({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (user && can(user, 'cases:read') && !usesQueue(user))
    return (
      <Stack maw={700}>
        <Alert color="blue" variant="light" title={t('queueAccess.title')} data-testid="queue-for-staff">
          <Stack gap="sm" align="flex-start">
            <Text size="sm">{t('queueAccess.body')}</Text>
            <Button variant="light" renderRoot={(p) => <Link to="/requests" {...p} />}>
              {t('queueAccess.toMyRequests')}
            </Button>
          </Stack>
        </Alert>
      </Stack>
    );
  return <>{children}</>;
}

export const queueRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/queue',
  validateSearch: validateCaseListSearch,
  component: function QueueRoute() {
    const search = queueRoute.useSearch();
    const navigate = queueRoute.useNavigate();
    const setSearch = (patch: Partial<CaseListSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return (
      <RequirePermission permission="cases:read">
        <RequireQueueRole>
          <QueuePage search={search} setSearch={setSearch} />
        </RequireQueueRole>
      </RequirePermission>
    );
  },
});

export const caseRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/cases/$reference',
  component: function CaseRoute() {
    const { reference } = caseRoute.useParams();
    return (
      <RequirePermission permission="cases:read">
        <CaseViewPage key={reference} reference={reference.toUpperCase()} />
      </RequirePermission>
    );
  },
});
