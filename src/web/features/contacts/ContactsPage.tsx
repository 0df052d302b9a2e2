import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { type Contact, canEditContacts } from './access';
import { ContactForm, type ContactInput } from './ContactForm';
import { VerifiedCell } from './VerifiedCell';

type Editing = { kind: 'new' } | { kind: 'edit'; contact: Contact } | undefined;

/** An organisation's contacts directory: who to call, and when each entry was last verified. */
export function ContactsPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/contacts' });
  const { nameOf, memberships } = useOrg();
  const canEdit = canEditContacts(memberships.find((m) => m.org === org));
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>();
  const base = `/orgs/${encodeURIComponent(org)}/contacts`;
  const list = useInfiniteQuery({
    queryKey: ['contacts', org],
    queryFn: ({ pageParam }) =>
      api<Page<Contact>>('GET', `${base}?limit=100${pageParam ? `&cursor=${pageParam}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['contacts', org] });
  const save = useMutation({
    mutationFn: (input: ContactInput) =>
      editing?.kind === 'edit'
        ? api<Contact>('PATCH', `${base}/${editing.contact.id}`, input)
        : api<Contact>('POST', base, input),
    onSuccess: async () => {
      setEditing(undefined);
      await refresh();
    },
  });
  const verify = useMutation({
    mutationFn: (id: string) => api<Contact>('POST', `${base}/${id}/verify`),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api<void>('DELETE', `${base}/${id}`),
    onSuccess: refresh,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const overdue = items.filter((c) => c.overdue).length;
  return (
    <Stack maw={1280}>
      <PageTitle>{t('contacts.title')}</PageTitle>
      <Text>{t('contacts.intro', { org: nameOf(org) })}</Text>
      {canEdit && !editing && (
        <Group>
          <Button
            onClick={() => {
              save.reset();
              setEditing({ kind: 'new' });
            }}
          >
            {t('contacts.add')}
          </Button>
        </Group>
      )}
      {editing && (
        <ContactForm
          key={editing.kind === 'edit' ? editing.contact.id : 'new'}
          {...(editing.kind === 'edit' ? { initial: editing.contact } : {})}
          pending={save.isPending}
          error={save.error}
          onSubmit={(input) => save.mutate(input)}
          onCancel={() => setEditing(undefined)}
        />
      )}
      <ErrorAlert title={t('app.error')} error={save.error ?? verify.error ?? remove.error ?? list.error} />
      <Text role="status" size="sm">
        {list.isPending ? t('app.loading') : t('contacts.shown', { count: items.length, overdue })}
      </Text>
      <Table.ScrollContainer minWidth={800}>
        <Table striped data-testid="contacts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('contacts.role')}</Table.Th>
              <Table.Th scope="col">{t('contacts.name')}</Table.Th>
              <Table.Th scope="col">{t('contacts.phone')}</Table.Th>
              <Table.Th scope="col">{t('contacts.email')}</Table.Th>
              <Table.Th scope="col">{t('contacts.verifiedOn')}</Table.Th>
              {canEdit && <Table.Th scope="col">{t('contacts.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={c.id} data-testid="contact">
                <Table.Td>
                  <Badge variant="light">{t(`contacts.roles.${c.role}`)}</Badge>
                </Table.Td>
                <Table.Td>
                  {c.name}
                  {c.notes && (
                    <Text size="xs" c="dimmed">
                      {c.notes}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {c.phone ? <a href={`tel:${c.phone.replace(/\s/g, '')}`}>{c.phone}</a> : '—'}
                </Table.Td>
                <Table.Td>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '—'}</Table.Td>
                <Table.Td>
                  <VerifiedCell contact={c} />
                </Table.Td>
                {canEdit && (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="light"
                        aria-label={t('contacts.verifyLabel', { name: c.name })}
                        loading={verify.isPending && verify.variables === c.id}
                        onClick={() => verify.mutate(c.id)}
                      >
                        {t('contacts.verify')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-label={t('contacts.editLabel', { name: c.name })}
                        onClick={() => {
                          save.reset();
                          setEditing({ kind: 'edit', contact: c });
                        }}
                      >
                        {t('contacts.edit')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        aria-label={t('contacts.deleteLabel', { name: c.name })}
                        loading={remove.isPending && remove.variables === c.id}
                        onClick={() => {
                          if (window.confirm(t('contacts.confirmDelete', { name: c.name })))
                            remove.mutate(c.id);
                        }}
                      >
                        {t('contacts.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && <Text>{t('contacts.empty')}</Text>}
      <LoadMoreButton query={list} label={t('contacts.more')} />
    </Stack>
  );
}
