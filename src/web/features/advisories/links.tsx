import { Anchor } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** A link to one advisory's page. */
export function AdvisoryLink({ id, children }: { id: string; children: ReactNode }) {
  return (
    <Anchor inherit renderRoot={(props) => <Link {...props} to="/advisories/$id" params={{ id }} />}>
      {children}
    </Anchor>
  );
}

/** A link to a system's page in the organisation's inventory. */
export function SystemLink({
  org,
  systemKey,
  children,
}: {
  org: string;
  systemKey: string;
  children: ReactNode;
}) {
  return (
    <Anchor
      inherit
      renderRoot={(props) => (
        <Link {...props} to="/orgs/$org/inventory/systems/$key" params={{ org, key: systemKey }} />
      )}
    >
      {children}
    </Anchor>
  );
}
