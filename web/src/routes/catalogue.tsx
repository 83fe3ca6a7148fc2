import { createRoute } from '@tanstack/react-router';
import { CataloguePage, type CatalogueSearch } from '../features/catalogue/catalogue-page.tsx';
import { compact, optOneOf, optString } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

export const catalogueRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/catalogue',
  validateSearch: (raw: Record<string, unknown>): CatalogueSearch =>
    compact({
      q: optString(raw.q),
      serviceLine: optString(raw.serviceLine),
      delivery: optOneOf(raw.delivery, ['remote', 'on-site'] as const),
    }),
  component: function CatalogueRoute() {
    const search = catalogueRoute.useSearch();
    const navigate = catalogueRoute.useNavigate();
    const setSearch = (patch: Partial<CatalogueSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return <CataloguePage search={search} setSearch={setSearch} />;
  },
});
