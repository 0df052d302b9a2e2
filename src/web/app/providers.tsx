import { MantineProvider } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { I18nextProvider } from 'react-i18next';
import { ApiError } from './api';
import { i18n } from './i18n';
import { createAppRouter } from './router';
import { theme } from './theme';

/** A request answered 401 means the session ended (expired, revoked elsewhere): back to sign-in. */
function onSessionLost(error: unknown) {
  if (!(error instanceof ApiError) || error.status !== 401) return;
  if (window.location.pathname.startsWith('/sign-in')) return;
  queryClient.setQueryData(['auth', 'session'], null);
  void router.navigate({ to: '/sign-in' });
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onSessionLost }),
  mutationCache: new MutationCache({ onError: onSessionLost }),
  defaultOptions: { queries: { retry: (count, error) => !(error instanceof ApiError) && count < 2 } },
});
const router = createAppRouter(queryClient);

export function App() {
  return (
    <I18nextProvider i18n={i18n}>
      {/* The theme's CSS variables and breakpoint classes come from a static style sheet
          (vite.config.ts): the CSP (style-src 'self') refuses Mantine's inline <style> elements. */}
      <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>
  );
}
