import { Anchor, Button } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** A link back to the organisation's inventory. */
export function InventoryLink({ org, children }: { org: string; children: ReactNode }) {
  return (
    <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/orgs/$org/inventory" params={{ org }} />}>
      {children}
    </Anchor>
  );
}

/** A button that opens a page of the inventory (the import wizard, the list). */
export function InventoryButton(props: {
  org: string;
  to: 'list' | 'import';
  variant?: string;
  children: ReactNode;
}) {
  return (
    <Button
      variant={props.variant ?? 'default'}
      renderRoot={(p) =>
        props.to === 'import' ? (
          <Link {...p} to="/orgs/$org/inventory/import" params={{ org: props.org }} />
        ) : (
          <Link {...p} to="/orgs/$org/inventory" params={{ org: props.org }} />
        )
      }
    >
      {props.children}
    </Button>
  );
}
