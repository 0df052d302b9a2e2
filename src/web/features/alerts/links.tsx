import { Anchor } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** A link to one alert's page (in the current organisation). */
export function AlertLink({ id, children }: { id: string; children: ReactNode }) {
  return (
    <Anchor inherit renderRoot={(props) => <Link {...props} to="/alerts/$id" params={{ id }} />}>
      {children}
    </Anchor>
  );
}
