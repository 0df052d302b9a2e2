import { type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../app/api';
import type { Page } from '../app/api-types';

/**
 * A list the API pages with `?limit=&cursor=` (`{ items, next_cursor }`), read page by page as the
 * person asks for more: the query and every item read so far. `path` is the API path below
 * /api/v1; `params` go before `limit` and `cursor` in the query string.
 */
export function useCursorList<T>(o: {
  queryKey: QueryKey;
  path: string;
  params?: Record<string, string>;
  limit: number;
  enabled: boolean;
  retry?: boolean;
}) {
  const query = useInfiniteQuery({
    queryKey: o.queryKey,
    queryFn: ({ pageParam }) =>
      api<Page<T>>(
        'GET',
        `${o.path}?${new URLSearchParams({
          ...o.params,
          limit: String(o.limit),
          ...(pageParam ? { cursor: pageParam } : {}),
        })}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: o.enabled,
    ...(o.retry === undefined ? {} : { retry: o.retry }),
  });
  return { ...query, items: query.data?.pages.flatMap((p) => p.items) ?? [] };
}
