import { createRoute } from '@tanstack/react-router';
import { DutyStationsPage } from '../features/directory/duty-stations-page.tsx';
import { type DutyStationsSearch, validateDutyStationsSearch } from '../features/directory/list-search.ts';
import { compact } from '../lib/search-params.ts';
import { appRoute } from './app.tsx';

export const dutyStationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/duty-stations',
  validateSearch: validateDutyStationsSearch,
  component: function DutyStationsRoute() {
    const search = dutyStationsRoute.useSearch();
    const navigate = dutyStationsRoute.useNavigate();
    const setSearch = (patch: Partial<DutyStationsSearch>) =>
      void navigate({ search: (prev) => compact({ ...prev, ...patch }), replace: true });
    return <DutyStationsPage search={search} setSearch={setSearch} />;
  },
});
