/** Planning: scenarios (editor and list), one scenario's results and maps, and the co-location list. */
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from './app.tsx';

export const planningRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/planning',
  component: lazyRouteComponent(() => import('../features/planning/planning-page.tsx'), 'PlanningPage'),
});

const ScenarioPageLazy = lazyRouteComponent(() => import('../features/planning/scenario-page.tsx'), 'ScenarioPage');

export const planningScenarioRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/planning/scenarios/$id',
  component: function PlanningScenarioRoute() {
    const { id } = planningScenarioRoute.useParams();
    return <ScenarioPageLazy id={Number(id)} />;
  },
});

export const coLocationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/planning/co-locations',
  component: lazyRouteComponent(() => import('../features/planning/co-location-page.tsx'), 'CoLocationPage'),
});
