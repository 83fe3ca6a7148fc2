import { createRoute } from '@tanstack/react-router';
import { MatrixPage } from '../features/agreements/matrix-page.tsx';
import { type MatrixSearch, validateMatrixSearch } from '../features/agreements/matrix-search.ts';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

export const matrixRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/matrix',
  validateSearch: validateMatrixSearch,
  component: function MatrixRoute() {
    const search = matrixRoute.useSearch();
    const navigate = matrixRoute.useNavigate();
    const setSearch = (patch: Partial<MatrixSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return <MatrixPage search={search} setSearch={setSearch} />;
  },
});
