import { type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, api } from './api';
import type { CurrentSession } from './api-types';
import { changeLanguage } from './i18n';

/** The session whose stored language the app has taken over. */
let adoptedFor: string | undefined;

/** The browser's session, or null when nobody is signed in. */
export const sessionQuery = queryOptions({
  queryKey: ['auth', 'session'],
  queryFn: async (): Promise<CurrentSession | null> => {
    try {
      const session = await api<CurrentSession>('GET', '/auth/session');
      // Once per session (at sign-in, at page load) the person's stored language wins over this
      // browser's; later refetches do not undo a switch the person is just making.
      if (session.stage === 'full' && session.id !== adoptedFor) {
        adoptedFor = session.id;
        await changeLanguage(session.user.locale);
      }
      return session;
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
