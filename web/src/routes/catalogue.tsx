import { createRoute } from '@tanstack/react-router';
import { CataloguePage, type CatalogueSearch } from '../features/catalogue/catalogue-page.tsx';
import { validateCatalogueSearch } from '../features/catalogue/catalogue-search.ts';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

export const catalogueRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/catalogue',
  validateSearch: validateCatalogueSearch,
  component: function CatalogueRoute() {
    const search = catalogueRoute.useSearch();
    const navigate = catalogueRoute.useNavigate();
    const setSearch = (patch: Partial<CatalogueSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return <CataloguePage search={search} setSearch={setSearch} />;
  },
});
