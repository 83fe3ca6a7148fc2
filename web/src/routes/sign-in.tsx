/** `/sign-in?redirect=/matrix`: the only screen of signed-out users. */
import { createRoute, redirect, useNavigate } from '@tanstack/react-router';
import { meQueryOptions } from '../features/auth/session.ts';
import { SignInPage } from '../features/auth/sign-in-page.tsx';
import { validateSignInSearch } from '../features/auth/sign-in-search.ts';
import { rootRoute } from './root.tsx';

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeRedirect(v: string | undefined): string {
  return v?.startsWith('/') && !v.startsWith('//') && !v.startsWith('/sign-in') ? v : '/';
}

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: validateSignInSearch,
  beforeLoad: async ({ context, search }) => {
    const user = await context.queryClient.ensureQueryData(meQueryOptions);
    if (user) throw redirect({ href: safeRedirect(search.redirect) });
  },
  component: function SignInRoute() {
    const search = signInRoute.useSearch();
    const navigate = useNavigate();
    return <SignInPage onSignedIn={() => void navigate({ href: safeRedirect(search.redirect), replace: true })} />;
  },
});
