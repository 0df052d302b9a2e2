import { Button } from '@mantine/core';

/** The part of an infinite query the button needs (TanStack Query's useInfiniteQuery result). */
interface PagedQuery {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/** "Load more" under a paged list: shown while the server has a next page. */
export function LoadMoreButton({ query, label, maw }: { query: PagedQuery; label: string; maw?: number }) {
  if (!query.hasNextPage) return null;
  return (
    <Button
      variant="default"
      maw={maw}
      onClick={() => void query.fetchNextPage()}
      loading={query.isFetchingNextPage}
    >
      {label}
    </Button>
  );
}
