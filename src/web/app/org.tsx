import { useQueries } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { api } from './api';
import type { Membership, Organisation } from './api-types';

/** The organisation the person works in now, chosen from their memberships; kept in this browser. */
const STORAGE_KEY = 'vaern.org';

interface OrgState {
  memberships: Membership[];
  current: Membership | undefined;
  /** Display names by slug (the slug until the name has loaded). */
  nameOf(slug: string): string;
  select(slug: string): void;
}

const OrgContext = createContext<OrgState | undefined>(undefined);

function stored(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function OrgProvider({ memberships, children }: { memberships: Membership[]; children: ReactNode }) {
  const [chosen, setChosen] = useState(stored);
  const organisations = useQueries({
    queries: memberships.map((m) => ({
      queryKey: ['orgs', m.org],
      queryFn: () => api<Organisation>('GET', `/orgs/${encodeURIComponent(m.org)}`),
      staleTime: 5 * 60_000,
    })),
  });
  const names = new Map(organisations.flatMap((q) => (q.data ? [[q.data.slug, q.data.name] as const] : [])));
  const namesKey = [...names.entries()].join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: names is rebuilt every render; namesKey is its content
  const state = useMemo<OrgState>(
    () => ({
      memberships,
      current: memberships.find((m) => m.org === chosen) ?? memberships[0],
      nameOf: (slug) => names.get(slug) ?? slug,
      select: (slug) => {
        setChosen(slug);
        try {
          window.localStorage.setItem(STORAGE_KEY, slug);
        } catch {
          // Storage may be disabled; the choice then lasts for this page only.
        }
      },
    }),
    [memberships, chosen, namesKey],
  );
  return <OrgContext value={state}>{children}</OrgContext>;
}

export function useOrg(): OrgState {
  const state = useContext(OrgContext);
  if (!state) throw new Error('useOrg outside OrgProvider');
  return state;
}
