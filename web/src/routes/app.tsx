/** The signed-in layout route: anyone without a session is sent to the sign-in page. */
import { createRoute, redirect } from '@tanstack/react-router';
import { AppLayout } from '../features/auth/app-layout.tsx';
import { meQueryOptions } from '../features/auth/session.ts';
import { rootRoute } from './root.tsx';

export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const user = await context.queryClient.ensureQueryData(meQueryOptions);
    if (!user) throw redirect({ to: '/sign-in', search: { redirect: location.href } });
    return { user };
  },
  component: AppLayout,
});
