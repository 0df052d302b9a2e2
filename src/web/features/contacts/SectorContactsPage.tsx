import { Badge, Checkbox, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { isSectorCoordinator, type SectorContact } from './access';
import { VerifiedCell } from './VerifiedCell';

/** Every organisation's contacts, for the sector coordinator, optionally only the overdue ones. */
export function SectorContactsPage() {
  const { t } = useTranslation();
  const { memberships } = useOrg();
  const allowed = isSectorCoordinator(memberships);
  const [onlyOverdue, setOnlyOverdue] = useState(false);
  const list = useInfiniteQuery({
    queryKey: ['sector-contacts', onlyOverdue],
    queryFn: ({ pageParam }) =>
      api<Page<SectorContact>>(
        'GET',
        `/sector/contacts?limit=200${onlyOverdue ? '&overdue=true' : ''}${pageParam ? `&cursor=${pageParam}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: allowed,
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('contacts.sectorTitle')}</PageTitle>
        <Text data-testid="sector-contacts-no-access">{t('contacts.sectorNoAccess')}</Text>
      </Stack>
    );
  }
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack maw={1280}>
      <PageTitle>{t('contacts.sectorTitle')}</PageTitle>
      <Text>{t('contacts.sectorIntro')}</Text>
      <Checkbox
        label={t('contacts.onlyOverdue')}
        checked={onlyOverdue}
        onChange={(e) => setOnlyOverdue(e.currentTarget.checked)}
      />
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm">
        {list.isPending ? t('app.loading') : t('contacts.sectorShown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={900}>
        <Table striped data-testid="sector-contacts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('contacts.organisation')}</Table.Th>
              <Table.Th scope="col">{t('contacts.role')}</Table.Th>
              <Table.Th scope="col">{t('contacts.name')}</Table.Th>
              <Table.Th scope="col">{t('contacts.phone')}</Table.Th>
              <Table.Th scope="col">{t('contacts.email')}</Table.Th>
              <Table.Th scope="col">{t('contacts.verifiedOn')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={`${c.org.id}/${c.id}`} data-testid="sector-contact">
                <Table.Td>{c.org.name}</Table.Td>
                <Table.Td>
                  <Badge variant="light">{t(`contacts.roles.${c.role}`)}</Badge>
                </Table.Td>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>
                  {c.phone ? <a href={`tel:${c.phone.replace(/\s/g, '')}`}>{c.phone}</a> : '—'}
                </Table.Td>
                <Table.Td>{c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '—'}</Table.Td>
                <Table.Td>
                  <VerifiedCell contact={c} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && <Text>{t('contacts.sectorEmpty')}</Text>}
      <LoadMoreButton query={list} label={t('contacts.more')} />
    </Stack>
  );
}
