/** The dashboard's entry: one QueryClient and one ApiClient for the page's lifetime, created here. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import type { MeBody } from '../../src/api/identity.ts';
import { createApiClient } from './api/api-client.ts';
import { ApiProvider } from './api/api-context.tsx';
import { isUnauthenticated } from './api/api-error.ts';
import { queryKeys } from './api/query-keys.ts';
import { App } from './app.tsx';
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
