/**
 * The common SLA, assignment decisions and cost recovery screens: `/agreements` (and one agreement),
 * `/agreement-template`, `/assignment-requests` (and one request), `/price-lists`, `/billing` (runs, one
 * run) and `/statements/$id`. Each needs a permission of the signed-in user; without it the screen says so.
 */
import { Alert, Stack } from '@mantine/core';
import { createRoute } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useCurrentUser } from '../features/auth/session.ts';
import { AgreementPage, AgreementsPage, TemplatePage } from '../features/billing/agreement-pages.tsx';
import { AssignmentRequestPage, AssignmentRequestsPage } from '../features/billing/assignment-request-pages.tsx';
import { BillingRunPage, BillingRunsPage, PriceListsPage, StatementPage } from '../features/billing/billing-pages.tsx';
import { can } from '../features/cases/case-format.ts';
import { appRoute } from './app.tsx';

function Allowed({ permission, children }: { permission: string; children: ReactNode }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (!can(user, permission))
    return (
      <Stack maw={700}>
        <Alert color="yellow" variant="light" title={t('agreementsDoc.notAllowedTitle')} data-testid="not-allowed">
          {t('agreementsDoc.notAllowedBody')}
        </Alert>
      </Stack>
    );
  return <>{children}</>;
}

const idOf = (s: string) => Number.parseInt(s, 10);

export const agreementsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/agreements',
  component: () => (
    <Allowed permission="agreements:read">
      <AgreementsPage />
    </Allowed>
  ),
});

export const agreementRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/agreements/$id',
  component: function AgreementRoute() {
    const { id } = agreementRoute.useParams();
    return (
      <Allowed permission="agreements:read">
        <AgreementPage id={idOf(id)} />
      </Allowed>
    );
  },
});

export const agreementTemplateRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/agreement-template',
  component: () => (
    <Allowed permission="agreements:read">
      <TemplatePage />
    </Allowed>
  ),
});

export const assignmentRequestsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/assignment-requests',
  component: () => (
    <Allowed permission="agreements:read">
      <AssignmentRequestsPage />
    </Allowed>
  ),
});

export const assignmentRequestRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/assignment-requests/$id',
  component: function AssignmentRequestRoute() {
    const { id } = assignmentRequestRoute.useParams();
    return (
      <Allowed permission="agreements:read">
        <AssignmentRequestPage id={idOf(id)} />
      </Allowed>
    );
  },
});

export const priceListsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/price-lists',
  component: () => (
    <Allowed permission="billing:read">
      <PriceListsPage />
    </Allowed>
  ),
});

export const billingRunsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/billing',
  component: () => (
    <Allowed permission="billing:read">
      <BillingRunsPage />
    </Allowed>
  ),
});

export const billingRunRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/billing/$id',
  component: function BillingRunRoute() {
    const { id } = billingRunRoute.useParams();
    return (
      <Allowed permission="billing:read">
        <BillingRunPage id={idOf(id)} />
      </Allowed>
    );
  },
});

export const statementRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/statements/$id',
  component: function StatementRoute() {
    const { id } = statementRoute.useParams();
    return (
      <Allowed permission="billing:read">
        <StatementPage id={idOf(id)} />
      </Allowed>
    );
  },
});

/** Every route of this feature, for the route tree. */
export const billingRoutes = [
  agreementsRoute,
  agreementRoute,
  agreementTemplateRoute,
  assignmentRequestsRoute,
  assignmentRequestRoute,
  priceListsRoute,
  billingRunsRoute,
  billingRunRoute,
  statementRoute,
];
