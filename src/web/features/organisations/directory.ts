import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import { ORG_KINDS } from '../../../server/lib/actor';
import type { organisation } from '../../../server/modules/directory/schemas';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';

/** One organisation of the sector directory, as GET /api/v1/orgs lists it. */
export type DirectoryEntry = z.infer<typeof organisation>;
export type OrgKind = DirectoryEntry['kind'];

/** Every kind of organisation, in the server's order. */
export const KINDS: readonly OrgKind[] = ORG_KINDS;

/** The server's slug rule (directory/schemas.ts slugSchema): lower-case letters, digits, hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const SLUG_MAX = 63;
export const NAME_MAX = 200;

export const PAGE_SIZE = 50;
export const directoryKey = ['directory'] as const;

/** One page of the directory, searched on the server by part of the slug or name, and by kind. */
export function pagePath(cursor: string, filter: { q?: string; kind?: string } = {}) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filter.q?.trim()) params.set('q', filter.q.trim());
  if (filter.kind) params.set('kind', filter.kind);
  if (cursor) params.set('cursor', cursor);
  return `/orgs?${params.toString()}`;
}

/** The whole directory (for the parent and region choices), read page by page. */
export const wholeDirectoryQuery = queryOptions({
  queryKey: [...directoryKey, 'all'],
  queryFn: async (): Promise<DirectoryEntry[]> => {
    const all: DirectoryEntry[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: Page<DirectoryEntry> = await api<Page<DirectoryEntry>>(
        'GET',
        `/orgs?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      all.push(...page.items);
      cursor = page.next_cursor;
    }
    return all;
  },
});
