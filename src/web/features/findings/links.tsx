import { Anchor, Button } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** A link to one finding's page. */
export function FindingLink({ org, id, children }: { org: string; id: string; children: ReactNode }) {
  return (
    <Anchor
      inherit
      renderRoot={(props) => <Link {...props} to="/orgs/$org/findings/$id" params={{ org, id }} />}
    >
      {children}
    </Anchor>
  );
}

/** The list's filters a link may open it with. */
export interface ListSearch {
  host?: string;
  system?: string;
  severity?: string;
  overdue?: boolean;
  kev?: boolean;
  /** Every unfinished state instead of the list's default (open and in progress). */
  unfinished?: boolean;
  /** Only the findings this scan import saw first: new since the scan before it. */
  new_in?: string;
}

/** A link to the list of findings, filtered by `search`. */
export function ListLink({
  org,
  search,
  children,
  ...rest
}: {
  org: string;
  search: ListSearch;
  children: ReactNode;
  'aria-label'?: string;
  'data-testid'?: string;
}) {
  return (
    <Anchor
      inherit
      {...rest}
      renderRoot={(props) => (
        <Link {...props} to="/orgs/$org/findings/list" params={{ org }} search={search} />
      )}
    >
      {children}
    </Anchor>
  );
}

/** A link back to the organisation's list of findings. */
export function FindingsLink({ org, children }: { org: string; children: ReactNode }) {
  return (
    <Anchor
      size="sm"
      renderRoot={(props) => <Link {...props} to="/orgs/$org/findings/list" params={{ org }} />}
    >
      {children}
    </Anchor>
  );
}

/** A link to the inventory, where a host is added to a system. */
export function InventoryLink({ org, children }: { org: string; children: ReactNode }) {
  return (
    <Anchor inherit renderRoot={(props) => <Link {...props} to="/orgs/$org/inventory" params={{ org }} />}>
      {children}
    </Anchor>
  );
}

/** A button that opens another page of the findings: the list, the scan upload, the unmapped hosts. */
export function FindingsButton(props: {
  org: string;
  to: 'list' | 'import' | 'unmapped';
  variant?: string;
  children: ReactNode;
}) {
  const params = { org: props.org };
  return (
    <Button
      variant={props.variant ?? 'default'}
      renderRoot={(p) =>
        props.to === 'import' ? (
          <Link {...p} to="/orgs/$org/findings/import" params={params} />
        ) : props.to === 'unmapped' ? (
          <Link {...p} to="/orgs/$org/findings/unmapped-hosts" params={params} />
        ) : (
          <Link {...p} to="/orgs/$org/findings/list" params={params} />
        )
      }
    >
      {props.children}
    </Button>
  );
}
