/**
 * The application's providers. The direction (ltr/rtl) follows the language: Mantine's DirectionProvider
 * flips its components, `<html dir>` flips the page. A 401 from any API call (the session expired or was
 * revoked) forgets the user and sends them to the sign-in page, to come back where they were.
 */
import { DirectionProvider, MantineProvider, useDirection } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { onUnauthenticated } from './api/client.ts';
import { createQueryClient } from './api/query-client.ts';
import { ME_KEY } from './features/auth/session.ts';
import { DatesLocale } from './lib/date-fields.tsx';
import { createAppRouter } from './routes/router.tsx';
import { theme } from './theme.ts';

function DirectionSync() {
  const { i18n } = useTranslation();
  const { setDirection } = useDirection();
  useEffect(() => {
    setDirection(i18n.dir(i18n.language));
  }, [i18n, i18n.language, setDirection]);
  return null;
}

export function App() {
  const { i18n } = useTranslation();
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createAppRouter(queryClient));

  useEffect(
    () =>
      onUnauthenticated(() => {
        queryClient.setQueryData(ME_KEY, null);
        const { pathname, href } = router.state.location;
        if (pathname === '/sign-in') return;
        queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
        void router.navigate({ to: '/sign-in', search: { redirect: href }, replace: true });
      }),
    [queryClient, router],
  );

  return (
    <StrictMode>
      <DirectionProvider initialDirection={i18n.dir(i18n.language)} detectDirection>
        <DirectionSync />
        <MantineProvider theme={theme} defaultColorScheme="light">
          <DatesLocale>
            <QueryClientProvider client={queryClient}>
              <RouterProvider router={router} />
            </QueryClientProvider>
          </DatesLocale>
        </MantineProvider>
      </DirectionProvider>
    </StrictMode>
  );
}
