import {
  Button,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { SystemLink } from '../../components/SystemLink';
import { canWriteInventory, type Dependency } from './access';

type FromType = Dependency['from_type'];
type ToType = Dependency['to_type'];

/** What a process or a system may depend on (the server's rule, inventory/schemas.ts). */
const TO_TYPES: Record<FromType, ToType[]> = { process: ['system'], system: ['system', 'supplier'] };

/** Adds a dependency: from a process or a system, to a system or a supplier, by their keys. */
function AddDependency(props: { org: string; onDone(): void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [fromType, setFromType] = useState<FromType>('system');
  const [fromKey, setFromKey] = useState('');
  const [toType, setToType] = useState<ToType>('system');
  const [toKey, setToKey] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api<Dependency>('POST', `/orgs/${encodeURIComponent(props.org)}/inventory/dependencies`, {
        from_type: fromType,
        from_key: fromKey.trim(),
        to_type: toType,
        to_key: toKey.trim(),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['inventory', props.org] });
      props.onDone();
    },
  });
  const fields = create.error instanceof ApiError ? create.error.fields : [];
  const fieldError = (name: string) =>
    fields.some((f) => f.path === `body.${name}`) ? t('inventory.form.invalid') : undefined;
  const title = t('inventory.dependencies.add');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const typeOptions = (types: readonly string[]) =>
    types.map((v) => ({ value: v, label: t(`inventory.graph.types.${v}`) }));
  return (
    <Paper withBorder p="md" maw={960}>
      <form onSubmit={submit} aria-label={title} noValidate>
        <Stack gap="md">
          <Title order={2} size="h3">
            {title}
          </Title>
          <Group gap="md" align="flex-start" wrap="wrap">
            <NativeSelect
              label={t('inventory.dependencies.fromType')}
              w={220}
              value={fromType}
              error={fieldError('from_type')}
              data={typeOptions(['process', 'system'])}
              onChange={(e) => {
                const next = e.currentTarget.value as FromType;
                setFromType(next);
                if (!TO_TYPES[next].includes(toType)) setToType('system');
              }}
            />
            <TextInput
              label={t('inventory.dependencies.fromKey')}
              required
              w={280}
              value={fromKey}
              error={fieldError('from_key')}
              onChange={(e) => setFromKey(e.currentTarget.value)}
            />
          </Group>
          <Group gap="md" align="flex-start" wrap="wrap">
            <NativeSelect
              label={t('inventory.dependencies.toType')}
              w={220}
              value={toType}
              error={fieldError('to_type')}
              data={typeOptions(TO_TYPES[fromType])}
              onChange={(e) => setToType(e.currentTarget.value as ToType)}
            />
            <TextInput
              label={t('inventory.dependencies.toKey')}
              required
              w={280}
              value={toKey}
              error={fieldError('to_key')}
              onChange={(e) => setToKey(e.currentTarget.value)}
            />
          </Group>
          <ErrorAlert title={t('inventory.dependencies.failed')} error={create.error} />
          <Group gap="sm">
            <Button type="submit" loading={create.isPending}>
              {t('inventory.form.save')}
            </Button>
            <Button variant="default" onClick={props.onDone}>
              {t('common.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** The dependencies register: every dependency, with add and remove for those who keep it. */
export function DependenciesList({ org }: { org: string }) {
  const { t } = useTranslation();
  const { memberships } = useOrg();
  const canWrite = canWriteInventory(memberships.find((m) => m.org === org));
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Dependency | undefined>(undefined);
  const path = `/orgs/${encodeURIComponent(org)}/inventory/dependencies`;
  const list = useInfiniteQuery({
    queryKey: ['inventory', org, 'dependencies'],
    queryFn: ({ pageParam }) => {
      const p = new URLSearchParams({ limit: '100' });
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
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const end = (type: string, key: string, name: string) => (
    <>
      {t(`inventory.graph.types.${type}`)}:{' '}
      {type === 'system' ? (
        <SystemLink org={org} systemKey={key}>
          {key}
        </SystemLink>
      ) : (
        key
      )}{' '}
      · {name}
    </>
  );
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
      {adding && <AddDependency org={org} onDone={() => setAdding(false)} />}
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm">
        {list.isPending
          ? t('app.loading')
          : t(list.hasNextPage ? 'inventory.shownMore' : 'inventory.shown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={700}>
        <Table striped data-testid="dependencies-register">
          <VisuallyHidden component="caption">{t('inventory.tabs.dependencies')}</VisuallyHidden>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('inventory.dependencies.from')}</Table.Th>
              <Table.Th scope="col">{t('inventory.dependencies.to')}</Table.Th>
              {canWrite && <Table.Th scope="col">{t('inventory.records.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{end(d.from_type, d.from_key, d.from_name)}</Table.Td>
                <Table.Td>{end(d.to_type, d.to_key, d.to_name)}</Table.Td>
                {canWrite && (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      color="red"
                      aria-label={t('inventory.dependencies.removeLabel', { from: d.from_key, to: d.to_key })}
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
      {list.isSuccess && items.length === 0 && <Text>{t('inventory.emptyRegister')}</Text>}
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
