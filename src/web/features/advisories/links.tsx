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
