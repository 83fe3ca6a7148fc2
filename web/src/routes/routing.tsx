import { createRoute } from '@tanstack/react-router';
import { RoutingPage, type RoutingSearch } from '../features/agreements/routing-page.tsx';
import { validateRoutingSearch } from '../features/agreements/routing-search.ts';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

export const routingRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/routing',
  validateSearch: validateRoutingSearch,
  component: function RoutingRoute() {
    const search = routingRoute.useSearch();
    const navigate = routingRoute.useNavigate();
    const setSearch = (patch: Partial<RoutingSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return <RoutingPage search={search} setSearch={setSearch} />;
  },
});
