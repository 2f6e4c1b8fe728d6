/** The dashboard's entry: one QueryClient and one ApiClient for the page's lifetime, created here. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { DASHBOARD_PATHS } from '../../src/api/dashboard-paths.ts';
import type { MeBody } from '../../src/api/identity.ts';
import { createApiClient } from './api/api-client.ts';
import { ApiProvider } from './api/api-context.tsx';
import { isUnauthenticated } from './api/api-error.ts';
import { meQuery, promotionsQuery } from './api/queries.ts';
import { queryKeys } from './api/query-keys.ts';
import { App } from './app.tsx';
import { filtersFromSearch } from './lib/promotion-filters.ts';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A 401 means "sign in", not "try again".
      retry: (count, err) => !isUnauthenticated(err) && count < 2,
    },
  },
});
const api = createApiClient({
  csrfToken: () => queryClient.getQueryData<MeBody>(queryKeys.me)?.csrfToken ?? null,
});

// The first page's data is asked for now, while React is still starting (no request waits for a render).
void queryClient.prefetchQuery(meQuery(api));
if (window.location.pathname === DASHBOARD_PATHS.promotions) {
  const filters = filtersFromSearch(new URLSearchParams(window.location.search));
  void queryClient.prefetchInfiniteQuery(promotionsQuery(api, filters));
}

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </ApiProvider>
    </QueryClientProvider>
  </StrictMode>,
);
