/** The route tree (code-based) and the router. */
import type { QueryClient } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';
import { keepSearchCanonical } from '../lib/canonical-search.ts';
import { parseSearch, stringifySearch } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';
import { billingRoutes } from './billing.tsx';
import { caseRoute, myRequestsRoute, queueRoute, requestRoute } from './cases.tsx';
import { catalogueRoute } from './catalogue.tsx';
import { dutyStationsRoute } from './duty-stations.tsx';
import { entitiesRoute } from './entities.tsx';
import { homeRoute } from './home.tsx';
import { peaceOperationsMapRoute, providersMapRoute } from './maps.tsx';
import { matrixRoute } from './matrix.tsx';
import { performanceDrilldownRoute, performanceFlowRoute, performanceRoute, performanceStandardsRoute } from './performance.tsx';
import { coLocationRoute, planningRoute, planningScenarioRoute } from './planning.tsx';
import { providersRoute } from './providers.tsx';
import { rootRoute } from './root.tsx';
import { routingRoute } from './routing.tsx';
import { signInRoute } from './sign-in.tsx';
import { slaCalendarRoute, slaCalendarsRoute, slaPoliciesRoute, slaReportRoute } from './sla.tsx';
import {
  mySurveyRoute,
  mySurveysRoute,
  surveyAnswerRoute,
  surveyCampaignsRoute,
  surveyResultsRoute,
  surveyTemplateRoute,
} from './surveys.tsx';

export const routeTree = rootRoute.addChildren([
  signInRoute,
  surveyAnswerRoute,
  appRoute.addChildren([
    homeRoute,
    requestRoute,
    myRequestsRoute,
    queueRoute,
    caseRoute,
    providersRoute,
    entitiesRoute,
    dutyStationsRoute,
    catalogueRoute,
    matrixRoute,
    routingRoute,
    providersMapRoute,
    peaceOperationsMapRoute,
    slaCalendarsRoute,
    slaCalendarRoute,
    slaPoliciesRoute,
    slaReportRoute,
    mySurveysRoute,
    mySurveyRoute,
    surveyResultsRoute,
    surveyCampaignsRoute,
    performanceRoute,
    performanceDrilldownRoute,
    performanceFlowRoute,
    performanceStandardsRoute,
    surveyTemplateRoute,
    planningRoute,
    planningScenarioRoute,
    coLocationRoute,
    ...billingRoutes,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  const router = createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
    // values read as typed, not as JSON (`?page=1e1` is not page 10): see lib/search-params.ts
    parseSearch,
    stringifySearch,
  });
  // the address shows only the parameters the page understands (replace): see lib/canonical-search.ts
  keepSearchCanonical(router);
  return router;
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
