import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  sharedFinding,
  testFinding,
  testFindingBody,
} from '../../../server/modules/vulnerabilities/test-findings-schemas';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';

/** The test findings API's shapes, from the server's zod schemas (types only). */
export type TestFinding = z.infer<typeof testFinding>;
export type TestFindingBody = z.infer<typeof testFindingBody>;
export type SharedFinding = z.infer<typeof sharedFinding>;
export type TestKind = TestFinding['engagement']['kind'];

export const TEST_KINDS = ['pentest', 'redteam'] as const satisfies readonly TestKind[];

/** A finding entered from a penetration test or a red-team exercise carries its kind as family. */
export const isTestFamily = (family: string): family is TestKind =>
  family === 'pentest' || family === 'redteam';

const orgPath = (org: string) => `/orgs/${encodeURIComponent(org)}`;

export const testFindingKey = (org: string, id: string) => ['findings', org, 'test', id] as const;

/** A test finding's engagement and the organisations it is shared with. */
export function useTestFinding(org: string, id: string, enabled: boolean) {
  return useQuery({
    queryKey: testFindingKey(org, id),
    queryFn: () => api<TestFinding>('GET', `${orgPath(org)}/findings/${encodeURIComponent(id)}/test`),
    enabled,
    retry: false,
  });
}

export const enterTestFinding = (org: string, body: TestFindingBody) =>
  api<TestFinding>('POST', `${orgPath(org)}/findings/tests`, body);

/** Shares a test finding with `withSlug` (PUT) or stops sharing it (DELETE). */
export const setShare = (org: string, id: string, withSlug: string, shared: boolean) =>
  api<TestFinding>(
    shared ? 'PUT' : 'DELETE',
    `${orgPath(org)}/findings/${encodeURIComponent(id)}/shares/${encodeURIComponent(withSlug)}`,
  );

/** Test findings other organisations shared with `org`, worst first, 50 a page. */
export function useSharedFindings(org: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: ['findings', org, 'shared'],
    queryFn: ({ pageParam }) =>
      api<Page<SharedFinding>>(
        'GET',
        `${orgPath(org)}/shared-findings?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
}

/** One organisation of the sector directory, as GET /api/v1/orgs lists it (the fields used here). */
export interface DirectoryOrg {
  slug: string;
  name: string;
}

/** The whole sector directory (to pick an organisation to share with), read page by page. */
export function useDirectory(enabled: boolean) {
  return useQuery({
    queryKey: ['directory', 'all'],
    queryFn: async (): Promise<DirectoryOrg[]> => {
      const all: DirectoryOrg[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: Page<DirectoryOrg> = await api<Page<DirectoryOrg>>(
          'GET',
          `/orgs?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        all.push(...page.items);
        cursor = page.next_cursor;
      }
      return all;
    },
    enabled,
    staleTime: 5 * 60_000,
  });
}

/** A system of the inventory, as the list names it (the fields the picker needs). */
export interface SystemChoice {
  key: string;
  name: string;
}

/** The organisation's systems matching `q` (the inventory's own search), at most 50. */
export function useSystemSearch(org: string, q: string) {
  return useQuery({
    queryKey: ['findings', org, 'system-choices', q.trim()],
    queryFn: () => {
      const p = new URLSearchParams({ limit: '50' });
      if (q.trim()) p.set('q', q.trim());
      return api<Page<SystemChoice>>('GET', `${orgPath(org)}/inventory/systems?${p.toString()}`);
    },
    staleTime: 30_000,
  });
}
