/** The two maps; their code (d3-geo, the world atlas) loads only when a map is opened. */
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from './app.tsx';

export const providersMapRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/maps/providers',
  component: lazyRouteComponent(() => import('../features/maps/providers-map-page.tsx'), 'ProvidersMapPage'),
});

export const peaceOperationsMapRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/maps/peace-operations',
  component: lazyRouteComponent(() => import('../features/maps/peace-operations-map-page.tsx'), 'PeaceOperationsMapPage'),
});
