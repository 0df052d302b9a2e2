import { Anchor } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** A link to a system's page in an organisation's inventory (Mantine's Anchor as the router's typed Link). */
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
