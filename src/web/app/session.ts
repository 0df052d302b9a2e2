import { type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, api } from './api';
import type { CurrentSession } from './api-types';

/** The browser's session, or null when nobody is signed in. */
export const sessionQuery = queryOptions({
  queryKey: ['auth', 'session'],
  queryFn: async (): Promise<CurrentSession | null> => {
    try {
      return await api<CurrentSession>('GET', '/auth/session');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: 60_000,
});

/** Asks the server again (after each sign-in step): the stage decides where the person goes. */
export const refreshSession = (queryClient: QueryClient) =>
  queryClient.fetchQuery({ ...sessionQuery, staleTime: 0 });

/** The signed-in person's session inside the shell (the route guard has loaded it). */
export function useFullSession(): CurrentSession {
  const { data } = useQuery(sessionQuery);
  if (!data) throw new Error('useFullSession outside a signed-in route');
  return data;
}

/** Where a session at this stage belongs. */
export function pathForStage(
  session: CurrentSession | null,
): '/sign-in' | '/sign-in/mfa' | '/sign-in/enrol' | '/' {
  if (!session) return '/sign-in';
  if (session.stage === 'password') return '/sign-in/mfa';
  if (session.stage === 'enrol') return '/sign-in/enrol';
  return '/';
}
