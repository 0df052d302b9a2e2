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

export const pagePath = (cursor: string) =>
  `/orgs?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;

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

/** Whether an entry matches a free-text search (slug, name, kind in words, parent, region). */
export function matches(entry: DirectoryEntry, kindLabel: string, search: string): boolean {
  const needle = search.trim().toLocaleLowerCase();
  if (!needle) return true;
  return [entry.slug, entry.name, kindLabel, entry.parent ?? '', entry.region ?? ''].some((field) =>
    field.toLocaleLowerCase().includes(needle),
  );
}
