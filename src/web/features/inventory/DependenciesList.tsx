import { Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { SystemLink } from '../../components/SystemLink';
import { canWriteInventory, type Dependency } from './access';
import { AddDependency } from './DependencyForm';

/** A sort key of a dependency seen from `system`: the direction, the other end's type and key. */
function otherEnd(d: Dependency, system: string) {
  return d.from_type === 'system' && d.from_key === system
    ? `2 ${d.to_type === 'system' ? 0 : 1} ${d.to_key}`
    : `1 ${d.from_type === 'process' ? 0 : 1} ${d.from_key}`;
}

/**
 * Dependencies with add and remove for those who keep the inventory: the whole register (its tab),
 * or, given `system` (a key), that system's dependencies at either end as its page lists them
 * (direction, type, key and name of the other end), read with `?system=`.
 */
export function DependenciesList({ org, system }: { org: string; system?: string }) {
  const { t } = useTranslation();
  const { memberships } = useOrg();
  const canWrite = canWriteInventory(memberships.find((m) => m.org === org));
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Dependency | undefined>(undefined);
  const path = `/orgs/${encodeURIComponent(org)}/inventory/dependencies`;
  const list = useInfiniteQuery({
    queryKey: ['inventory', org, 'dependencies', system ?? null],
    queryFn: ({ pageParam }) => {
      const p = new URLSearchParams({ limit: '100' });
      if (system !== undefined) p.set('system', system);
      if (pageParam) p.set('cursor', pageParam);
      return api<Page<Dependency>>('GET', `${path}?${p}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const remove = useMutation({
    mutationFn: (d: Dependency) => api<void>('DELETE', `${path}/${d.id}`),
    onSuccess: async () => {
      setDeleting(undefined);
      await queryClient.invalidateQueries({ queryKey: ['inventory', org] });
    },
  });
  const loaded = list.data?.pages.flatMap((p) => p.items) ?? [];
  // Seen from a system, as its graph draws them: what uses it (processes, then systems), then what
  // it uses (systems, then suppliers), each by key. The register keeps the server's order.
  const items =
    system === undefined
      ? loaded
      : [...loaded].sort((a, b) => otherEnd(a, system).localeCompare(otherEnd(b, system)));
  const keyCell = (type: string, key: string) =>
    type === 'system' ? (
      <SystemLink org={org} systemKey={key}>
        {key}
      </SystemLink>
    ) : (
      key
    );
  const end = (type: string, key: string, name: string) => (
    <>
      {t(`inventory.graph.types.${type}`)}: {keyCell(type, key)} · {name}
    </>
  );
  // The columns: from and to on the register; seen from the system on its page.
  const headers =
    system === undefined
      ? [t('inventory.dependencies.from'), t('inventory.dependencies.to')]
      : [
          t('inventory.graph.direction'),
          t('inventory.graph.type'),
          t('inventory.fields.key'),
          t('inventory.fields.name'),
        ];
  const cells = (d: Dependency): ReactNode[] => {
    if (system === undefined)
      return [end(d.from_type, d.from_key, d.from_name), end(d.to_type, d.to_key, d.to_name)];
    const uses = d.from_type === 'system' && d.from_key === system;
    const [type, key, name] = uses
      ? [d.to_type, d.to_key, d.to_name]
      : [d.from_type, d.from_key, d.from_name];
    return [
      t(`inventory.graph.${uses ? 'uses' : 'usedBy'}`),
      t(`inventory.graph.types.${type}`),
      keyCell(type, key),
      name,
    ];
  };
  return (
    <Stack>
      {canWrite && !adding && (
        <Group>
          <Button
            onClick={() => {
              setAdding(true);
            }}
          >
            {t('inventory.dependencies.add')}
          </Button>
        </Group>
      )}
      {adding && <AddDependency org={org} system={system} onDone={() => setAdding(false)} />}
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm">
        {list.isPending
          ? t('app.loading')
          : t(list.hasNextPage ? 'inventory.shownMore' : 'inventory.shown', { count: items.length })}
      </Text>
      {(system === undefined || items.length > 0) && (
        <Table.ScrollContainer minWidth={system === undefined ? 700 : 640}>
          <Table striped data-testid={system === undefined ? 'dependencies-register' : 'dependencies'}>
            {system === undefined ? (
              <VisuallyHidden component="caption">{t('inventory.tabs.dependencies')}</VisuallyHidden>
            ) : (
              <caption>{t('inventory.graph.tableCaption')}</caption>
            )}
            <Table.Thead>
              <Table.Tr>
                {headers.map((h) => (
                  <Table.Th scope="col" key={h}>
                    {h}
                  </Table.Th>
                ))}
                {canWrite && <Table.Th scope="col">{t('inventory.records.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id}>
                  {cells(d).map((c, i) => (
                    <Table.Td key={headers[i]}>{c}</Table.Td>
                  ))}
                  {canWrite && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        color="red"
                        aria-label={t('inventory.dependencies.removeLabel', {
                          from: d.from_key,
                          to: d.to_key,
                        })}
                        onClick={() => {
                          remove.reset();
                          setDeleting(d);
                        }}
                      >
                        {t('inventory.dependencies.remove')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {system === undefined && list.isSuccess && items.length === 0 && (
        <Text>{t('inventory.emptyRegister')}</Text>
      )}
      <LoadMoreButton query={list} label={t('inventory.more')} maw={240} />
      {deleting && (
        <ConfirmDialog
          opened
          title={t('inventory.dependencies.removeTitle')}
          confirmLabel={t('inventory.dependencies.remove')}
          pending={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate(deleting)}
          onClose={() => setDeleting(undefined)}
        >
          {t('inventory.dependencies.removeText', {
            from: `${deleting.from_key} · ${deleting.from_name}`,
            to: `${deleting.to_key} · ${deleting.to_name}`,
          })}
        </ConfirmDialog>
      )}
    </Stack>
  );
}
