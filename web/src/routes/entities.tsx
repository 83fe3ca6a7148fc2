import { createRoute } from '@tanstack/react-router';
import { EntitiesPage } from '../features/directory/entities-page.tsx';
import { type EntitiesSearch, validateEntitiesSearch } from '../features/directory/list-search.ts';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

export const entitiesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/entities',
  validateSearch: validateEntitiesSearch,
  component: function EntitiesRoute() {
    const search = entitiesRoute.useSearch();
    const navigate = entitiesRoute.useNavigate();
    const setSearch = (patch: Partial<EntitiesSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return <EntitiesPage search={search} setSearch={setSearch} />;
  },
});
