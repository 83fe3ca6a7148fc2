/** The signed-in user: `GET /api/auth/me` (null when signed out), sign-in and sign-out. */
import { queryOptions, useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client.ts';
import type { CurrentUser } from '../../api/types.ts';
import { changeLanguage, hasStoredLanguage, isSupportedLanguage } from '../../i18n.ts';

export const ME_KEY = ['auth', 'me'] as const;

/** The current user, or null when there is no session (401). */
export const meQueryOptions = queryOptions({
  queryKey: ME_KEY,
  queryFn: async (): Promise<CurrentUser | null> => {
    try {
      return (await api<{ user: CurrentUser }>('/api/auth/me')).user;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  staleTime: 5 * 60_000,
});

/**
 * The signed-in user. Inside the signed-in layout there is one, except for the moment between the session
 * ending (sign-out, or a 401) and the move to the sign-in page: then null.
 */
export function useCurrentUser(): CurrentUser | null {
  return useSuspenseQuery(meQueryOptions).data;
}

export interface SignInInput {
  email: string;
  password: string;
}

/** Signs in; on success the user is cached and, if the browser has no language choice yet, theirs is used. */
export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SignInInput) =>
      api<{ user: CurrentUser }>('/api/auth/sign-in', { method: 'POST', body: input }).then((r) => r.user),
    onSuccess: async (user) => {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      qc.setQueryData(ME_KEY, user);
      const lng = user.locale?.slice(0, 2);
      if (!hasStoredLanguage() && isSupportedLanguage(lng)) await changeLanguage(lng, false);
    },
  });
}

/**
 * Signs out, then calls `leave` (which goes to the sign-in page) and forgets every cached answer. The user
 * is forgotten first, so the sign-in page does not send them back.
 */
export function useSignOut(leave: () => Promise<void>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await api<void>('/api/auth/sign-out', { method: 'POST' });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) throw e;
      }
    },
    onSuccess: async () => {
      qc.setQueryData(ME_KEY, null);
      await leave();
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
    },
  });
}
