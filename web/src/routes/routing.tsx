import { createRoute } from '@tanstack/react-router';
import { RoutingPage, type RoutingSearch } from '../features/agreements/routing-page.tsx';
import { compact, optString } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

export const routingRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/routing',
  validateSearch: (raw: Record<string, unknown>): RoutingSearch => {
    const on = optString(raw.on);
    return compact({
      entity: optString(raw.entity),
      service: optString(raw.service),
      on: on && /^\d{4}-\d{2}-\d{2}$/.test(on) ? on : undefined,
    });
  },
  component: function RoutingRoute() {
    const search = routingRoute.useSearch();
    const navigate = routingRoute.useNavigate();
    const setSearch = (patch: Partial<RoutingSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return <RoutingPage search={search} setSearch={setSearch} />;
  },
});
