import { Alert, Badge, Button, Group, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { SystemLink } from '../../components/SystemLink';
import { type Component, canWriteInventory, type Process, type Supplier } from './access';
import { COMPONENT_GROUPS, type FormField, PROCESS_GROUPS, SUPPLIER_GROUPS } from './fields';
import { CRITICALITY_COLOR } from './format';
import { RecordForm } from './SystemForm';

interface Column<T> {
  label: string;
  cell(item: T): ReactNode;
}

type RegisterName = 'processes' | 'suppliers' | 'components';

/**
 * Add, change and delete of a register's records, for those who keep the inventory
 * (canWriteInventory): the form above the list, the delete behind a confirmation.
 */
function useRecordEditing<T extends { key: string }>(org: string, register: RegisterName) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<{ t: 'closed' } | { t: 'add' } | { t: 'edit'; item: T }>({
    t: 'closed',
  });
  const [deleting, setDeleting] = useState<T | undefined>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const base = `/orgs/${encodeURIComponent(org)}/inventory/${register}`;
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['inventory', org] }),
      queryClient.invalidateQueries({ queryKey: ['scorecard', org] }),
    ]);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      mode.t === 'edit'
        ? api<T>('PATCH', `${base}/${encodeURIComponent(mode.item.key)}`, body)
        : api<T>('POST', base, body),
    onMutate: () => setSaved(undefined),
    onSuccess: async (item) => {
      setMode({ t: 'closed' });
      setSaved(item.key);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (item: T) => api<void>('DELETE', `${base}/${encodeURIComponent(item.key)}`),
    onSuccess: async () => {
      setDeleting(undefined);
      await refresh();
    },
  });
  return {
    mode,
    saved,
    deleting,
    save,
    remove,
    open(next: { t: 'add' } | { t: 'edit'; item: T }) {
      save.reset();
      setSaved(undefined);
      setMode(next);
    },
    close: () => setMode({ t: 'closed' }),
    clearSaved: () => setSaved(undefined),
    askDelete(item: T) {
      remove.reset();
      setDeleting(item);
    },
    cancelDelete: () => setDeleting(undefined),
  };
}

function PagedRegister<T extends { id: string; key: string }>(props: {
  org: string;
  register: RegisterName;
  caption: string;
  columns: Column<T>[];
  /** The form's fields, for those who keep the inventory. */
  groups: ReadonlyArray<{ id: string; fields: FormField[] }>;
  /** What a delete says it deletes. */
  deleteText(item: T): string;
}) {
  const { t } = useTranslation();
  const { memberships } = useOrg();
  const canWrite = canWriteInventory(memberships.find((m) => m.org === props.org));
  const edit = useRecordEditing<T>(props.org, props.register);
  const noun = t(`inventory.records.${props.register}.noun`);
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const path = `/orgs/${encodeURIComponent(props.org)}/inventory/${props.register}`;
  const list = useInfiniteQuery({
    queryKey: ['inventory', props.org, props.register, debounced],
    queryFn: ({ pageParam }) => {
      const p = new URLSearchParams({ limit: '100' });
      if (debounced) p.set('q', debounced);
      if (pageParam) p.set('cursor', pageParam);
      return api<Page<T>>('GET', `${path}?${p}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const columns: Column<T>[] = canWrite
    ? [
        ...props.columns,
        {
          label: t('inventory.records.actions'),
          cell: (item) => (
            <Group gap="xs" wrap="nowrap">
              <Button
                size="xs"
                variant="default"
                aria-label={t('inventory.records.editLabel', { key: item.key })}
                onClick={() => edit.open({ t: 'edit', item })}
              >
                {t('inventory.edit')}
              </Button>
              <Button
                size="xs"
                variant="default"
                color="red"
                aria-label={t('inventory.records.deleteLabel', { key: item.key })}
                onClick={() => edit.askDelete(item)}
              >
                {t('inventory.delete')}
              </Button>
            </Group>
          ),
        },
      ]
    : props.columns;
  return (
    <Stack>
      {canWrite && edit.mode.t === 'closed' && (
        <Group>
          <Button onClick={() => edit.open({ t: 'add' })}>
            {t(`inventory.records.${props.register}.add`)}
          </Button>
        </Group>
      )}
      {edit.saved && (
        <Alert
          color="green"
          title={t('inventory.savedTitle')}
          withCloseButton
          closeButtonLabel={t('common.close')}
          onClose={edit.clearSaved}
        >
          <Text size="sm" role="status">
            {t('inventory.saved', { key: edit.saved })}
          </Text>
        </Alert>
      )}
      {edit.mode.t !== 'closed' && (
        <RecordForm
          key={edit.mode.t === 'edit' ? edit.mode.item.id : 'add'}
          record={edit.mode.t === 'edit' ? edit.mode.item : undefined}
          groups={props.groups}
          addTitle={t(`inventory.records.${props.register}.add`)}
          failed={t('inventory.records.failed', { noun })}
          pending={edit.save.isPending}
          error={edit.save.error}
          onSubmit={(body) => edit.save.mutate(body)}
          onCancel={edit.close}
        />
      )}
      <TextInput
        type="search"
        label={t('inventory.filter.search')}
        description={t('inventory.filter.searchHint')}
        maw={320}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
      />
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm">
        {list.isPending
          ? t('app.loading')
          : t(list.hasNextPage ? 'inventory.shownMore' : 'inventory.shown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={700}>
        <Table striped data-testid={props.register}>
          <VisuallyHidden component="caption">{props.caption}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th scope="col" key={c.label}>
                  {c.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id}>
                {columns.map((c) => (
                  <Table.Td key={c.label}>{c.cell(item)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && <Text>{t('inventory.emptyRegister')}</Text>}
      <LoadMoreButton query={list} label={t('inventory.more')} maw={240} />
      {edit.deleting && (
        <ConfirmDialog
          opened
          title={t('inventory.deleteTitle', { key: edit.deleting.key })}
          confirmLabel={t('inventory.delete')}
          pending={edit.remove.isPending}
          error={edit.remove.error}
          onConfirm={() => edit.deleting && edit.remove.mutate(edit.deleting)}
          onClose={edit.cancelDelete}
        >
          {props.deleteText(edit.deleting)}
        </ConfirmDialog>
      )}
    </Stack>
  );
}

const dash = (v: string | null) => v || '—';

export function ProcessesList({ org }: { org: string }) {
  const { t } = useTranslation();
  return (
    <PagedRegister<Process>
      org={org}
      register="processes"
      caption={t('inventory.tabs.processes')}
      groups={PROCESS_GROUPS}
      deleteText={(p) => t('inventory.records.processes.deleteText', { key: p.key, name: p.name })}
      columns={[
        { label: t('inventory.fields.key'), cell: (p) => p.key },
        { label: t('inventory.fields.name'), cell: (p) => p.name },
        {
          label: t('inventory.fields.importance'),
          cell: (p) =>
            p.importance ? (
              <Badge variant="light" color={CRITICALITY_COLOR[p.importance]}>
                {t(`inventory.criticality.${p.importance}`)}
              </Badge>
            ) : (
              t('inventory.criticality.none')
            ),
        },
        { label: t('inventory.fields.description'), cell: (p) => dash(p.description) },
      ]}
    />
  );
}

export function SuppliersList({ org }: { org: string }) {
  const { t } = useTranslation();
  return (
    <PagedRegister<Supplier>
      org={org}
      register="suppliers"
      caption={t('inventory.tabs.suppliers')}
      groups={SUPPLIER_GROUPS}
      deleteText={(p) => t('inventory.records.suppliers.deleteText', { key: p.key, name: p.name })}
      columns={[
        { label: t('inventory.fields.key'), cell: (s) => s.key },
        { label: t('inventory.fields.name'), cell: (s) => s.name },
        { label: t('inventory.fields.contact_name'), cell: (s) => dash(s.contact_name) },
        {
          label: t('inventory.fields.contact_email'),
          cell: (s) => (s.contact_email ? <a href={`mailto:${s.contact_email}`}>{s.contact_email}</a> : '—'),
        },
        { label: t('inventory.fields.contact_phone'), cell: (s) => dash(s.contact_phone) },
      ]}
    />
  );
}

export function ComponentsList({ org }: { org: string }) {
  const { t } = useTranslation();
  return (
    <PagedRegister<Component>
      org={org}
      register="components"
      caption={t('inventory.tabs.components')}
      groups={COMPONENT_GROUPS}
      deleteText={(c) => t('inventory.records.components.deleteText', { key: c.key, system: c.system })}
      columns={[
        { label: t('inventory.fields.key'), cell: (c) => c.key },
        {
          label: t('inventory.fields.system'),
          cell: (c) => (
            <SystemLink org={org} systemKey={c.system}>
              {`${c.system} · ${c.system_name}`}
            </SystemLink>
          ),
        },
        { label: t('inventory.fields.vendor'), cell: (c) => dash(c.vendor) },
        { label: t('inventory.fields.product'), cell: (c) => dash(c.product) },
        { label: t('inventory.fields.version'), cell: (c) => dash(c.version) },
        { label: t('inventory.fields.cpe'), cell: (c) => dash(c.cpe ?? c.purl) },
      ]}
    />
  );
}
