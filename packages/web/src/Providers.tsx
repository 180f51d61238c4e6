import '@mantine/core/styles.css';
import '@mantine/dropzone/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ApiError } from './api/client.ts';
import { AuthProvider } from './auth/AuthContext.tsx';

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not get better by asking again; a dropped connection might.
        retry: (count, err) =>
          !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

/** Everything the app needs around it; tests pass their own fetch and router. */
export function Providers({ children, fetchImpl }: { children: ReactNode; fetchImpl?: typeof fetch }) {
  const [queryClient] = useState(makeQueryClient);
  return (
    <MantineProvider>
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <AuthProvider fetchImpl={fetchImpl}>{children}</AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
