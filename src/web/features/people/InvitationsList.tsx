import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import type { Invitation } from './access';
import { useDateTime } from './format';

/** The invitations not yet accepted, each of which the admin may withdraw. */
export function InvitationsList({ org }: { org: string }) {
  const { t } = useTranslation();
  const date = useDateTime();
  const queryClient = useQueryClient();
  const [withdrawing, setWithdrawing] = useState<Invitation>();
  const [announcement, setAnnouncement] = useState('');
  const base = `/orgs/${encodeURIComponent(org)}/invitations`;
  const list = useInfiniteQuery({
    queryKey: ['people', org, 'invitations'],
    queryFn: ({ pageParam }) =>
      api<Page<Invitation>>(
        'GET',
        `${base}?status=pending&limit=100${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const withdraw = useMutation({
    mutationFn: (invitation: Invitation) =>
      api<void>('DELETE', `${base}/${encodeURIComponent(invitation.id)}`),
    onSuccess: async (_r, invitation) => {
      setWithdrawing(undefined);
      setAnnouncement(t('people.withdrawn', { email: invitation.email }));
      await queryClient.invalidateQueries({ queryKey: ['people', org, 'invitations'] });
    },
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('people.invitationsTitle')}
      </Title>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm">
        {announcement ||
          (list.isPending ? t('app.loading') : t('people.invitationsShown', { count: items.length }))}
      </Text>
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table striped data-testid="invitations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('people.email')}</Table.Th>
                <Table.Th scope="col">{t('people.name')}</Table.Th>
                <Table.Th scope="col">{t('people.roles')}</Table.Th>
                <Table.Th scope="col">{t('people.invitedBy')}</Table.Th>
                <Table.Th scope="col">{t('people.invitedAt')}</Table.Th>
                <Table.Th scope="col">{t('people.expiresAt')}</Table.Th>
                <Table.Th scope="col">{t('people.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((i) => (
                <Table.Tr key={i.id} data-testid="invitation">
                  <Table.Td>{i.email}</Table.Td>
                  <Table.Td>{i.name ?? '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {i.roles.map((role) => (
                        <Badge key={role} variant="light" size="sm">
                          {t(`roles.${role}`)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>{i.invited_by}</Table.Td>
                  <Table.Td>
                    <time dateTime={i.created_at}>{date(i.created_at)}</time>
                  </Table.Td>
                  <Table.Td>
                    <time dateTime={i.expires_at}>{date(i.expires_at)}</time>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      aria-label={t('people.withdrawLabel', { email: i.email })}
                      onClick={() => {
                        withdraw.reset();
                        setWithdrawing(i);
                      }}
                    >
                      {t('people.withdraw')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton query={list} label={t('people.more')} />
      {withdrawing && (
        <ConfirmDialog
          opened
          title={t('people.withdrawTitle')}
          confirmLabel={t('people.withdraw')}
          pending={withdraw.isPending}
          error={withdraw.error}
          onConfirm={() => withdraw.mutate(withdrawing)}
          onClose={() => setWithdrawing(undefined)}
        >
          {t('people.withdrawConfirm', { email: withdrawing.email })}
        </ConfirmDialog>
      )}
    </Stack>
  );
}
