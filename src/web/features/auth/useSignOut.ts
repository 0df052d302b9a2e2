import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { api, forgetCsrfToken } from '../../app/api';

/** Ends the session on the server, forgets everything cached and returns to the sign-in page. */
export function useSignOut() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('POST', '/auth/logout'),
    onSettled: async () => {
      forgetCsrfToken();
      queryClient.setQueryData(['auth', 'session'], null);
      await navigate({ to: '/sign-in' });
      queryClient.removeQueries({ predicate: (q) => q.queryKey[1] !== 'session' });
    },
  });
}
