import { Alert, Button, Code, Group, NativeSelect, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useFullSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { CreateOrganisationForm } from './CreateOrganisationForm';
import { type DirectoryEntry, directoryKey, KINDS, pagePath } from './directory';
import { EditOrganisationForm } from './EditOrganisationForm';

/**
 * The sector directory for platform administrators: every organisation, searched on the server,
 * a form to add one and a form to correct one.
 */
export function OrganisationsPage() {
  const { t } = useTranslation();
  const session = useFullSession();
  const allowed = session.stage === 'full' && session.user.platform_admin;
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [created, setCreated] = useState<DirectoryEntry | null>(null);
  const [editing, setEditing] = useState<DirectoryEntry | null>(null);
  const [changed, setChanged] = useState<DirectoryEntry | null>(null);
  const list = useInfiniteQuery({
    queryKey: [...directoryKey, 'pages', q.trim(), kind],
    queryFn: ({ pageParam }) => api<Page<DirectoryEntry>>('GET', pagePath(pageParam, { q, kind })),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: allowed,
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('organisations.title')}</PageTitle>
        <Text data-testid="organisations-no-access">{t('organisations.noAccess')}</Text>
      </Stack>
    );
  }
  const kindLabel = (entry: DirectoryEntry) => t(`kinds.${entry.kind}`);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack maw={1100}>
      <PageTitle>{t('organisations.title')}</PageTitle>
      <Text>{t('organisations.intro')}</Text>
      {created && (
        <Alert color="green" role="status" title={t('organisations.created', { name: created.name })}>
          {t('organisations.createdHint', { slug: created.slug })}
        </Alert>
      )}
      {changed && (
        <Alert color="green" role="status" title={t('organisations.changed', { name: changed.name })} />
      )}
      {editing ? (
        <EditOrganisationForm
          key={editing.id}
          entry={editing}
          onDone={(entry) => {
            setEditing(null);
            setChanged(entry);
          }}
        />
      ) : (
        <CreateOrganisationForm onCreated={setCreated} />
      )}
      <Group align="flex-end">
        <TextInput
          type="search"
          label={t('organisations.search')}
          description={t('organisations.searchHint')}
          w={320}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
        <NativeSelect
          label={t('organisations.kindFilter')}
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value)}
          data={[
            { value: '', label: t('organisations.allKinds') },
            ...KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) })),
          ]}
        />
      </Group>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm">
        {list.isPending ? t('app.loading') : t('organisations.shown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={720}>
        <Table striped data-testid="organisations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('organisations.slug')}</Table.Th>
              <Table.Th scope="col">{t('organisations.name')}</Table.Th>
              <Table.Th scope="col">{t('organisations.kind')}</Table.Th>
              <Table.Th scope="col">{t('organisations.parent')}</Table.Th>
              <Table.Th scope="col">{t('organisations.region')}</Table.Th>
              <Table.Th scope="col">{t('organisations.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((entry) => (
              <Table.Tr key={entry.id} data-testid="organisation-row">
                <Table.Td>
                  <Code>{entry.slug}</Code>
                </Table.Td>
                <Table.Td>{entry.name}</Table.Td>
                <Table.Td>{kindLabel(entry)}</Table.Td>
                <Table.Td>{entry.parent ?? '—'}</Table.Td>
                <Table.Td>{entry.region ?? '—'}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={t('organisations.editRow', { name: entry.name })}
                    onClick={() => {
                      setChanged(null);
                      setEditing(entry);
                    }}
                  >
                    {t('organisations.editShort')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && <Text>{t('organisations.empty')}</Text>}
      <LoadMoreButton query={list} label={t('organisations.more')} maw={240} />
    </Stack>
  );
}
