import { createRoute } from '@tanstack/react-router';
import { type ProvidersSearch, validateProvidersSearch } from '../features/directory/list-search.ts';
import { ProvidersPage } from '../features/directory/providers-page.tsx';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

export const providersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/providers',
  validateSearch: validateProvidersSearch,
  component: function ProvidersRoute() {
    const search = providersRoute.useSearch();
    const navigate = providersRoute.useNavigate();
    const setSearch = (patch: Partial<ProvidersSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return <ProvidersPage search={search} setSearch={setSearch} />;
  },
});
