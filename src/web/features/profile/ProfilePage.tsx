import { Badge, Button, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page, SessionItem } from '../../app/api-types';
import { useFullSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { ChangePassword } from './ChangePassword';

const SESSIONS = ['auth', 'sessions'] as const;

function useDateFormat() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (iso: string) => format.format(new Date(iso));
}

function Sessions() {
  const { t } = useTranslation();
  const date = useDateFormat();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [announcement, setAnnouncement] = useState('');
  const sessions = useInfiniteQuery({
    queryKey: SESSIONS,
    queryFn: ({ pageParam }) =>
      api<Page<SessionItem>>(
        'GET',
        `/auth/sessions?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const revoke = useMutation({
    mutationFn: (session: SessionItem) => api<void>('DELETE', `/auth/sessions/${session.id}`),
    onSuccess: async (_done, session) => {
      if (session.current) {
        queryClient.setQueryData(['auth', 'session'], null);
        await navigate({ to: '/sign-in' });
        return;
      }
      setAnnouncement(t('profile.revoked'));
      await queryClient.invalidateQueries({ queryKey: SESSIONS });
    },
  });
  const items = sessions.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('profile.sessionsTitle')}
      </Title>
      <Text>{t('profile.sessionsIntro')}</Text>
      <ErrorAlert title={t('app.error')} error={sessions.error ?? revoke.error} />
      <Text role="status" size="sm">
        {announcement}
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <Table striped data-testid="sessions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('profile.created')}</Table.Th>
              <Table.Th scope="col">{t('profile.lastSeen')}</Table.Th>
              <Table.Th scope="col">{t('profile.address')}</Table.Th>
              <Table.Th scope="col">{t('profile.client')}</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>{t('profile.revoke')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  {date(s.created_at)}{' '}
                  {s.current && (
                    <Badge size="sm" variant="light">
                      {t('profile.current')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{date(s.last_seen_at)}</Table.Td>
                <Table.Td>{s.ip ?? t('profile.unknown')}</Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2} title={s.user_agent ?? undefined}>
                    {s.user_agent ?? t('profile.unknown')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={t('profile.revokeLabel', { created: date(s.created_at) })}
                    loading={revoke.isPending && revoke.variables?.id === s.id}
                    onClick={() => revoke.mutate(s)}
                  >
                    {t('profile.revoke')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMoreButton query={sessions} label={t('profile.more')} />
    </Stack>
  );
}

/** The person's own profile: who they are, whether MFA is on, their password and their sessions. */
export function ProfilePage() {
  const { t } = useTranslation();
  const session = useFullSession();
  return (
    <Stack maw={960}>
      <PageTitle>{t('profile.title')}</PageTitle>
      <Table variant="vertical" withTableBorder maw={600}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={200}>{t('profile.name')}</Table.Th>
            <Table.Td>{session.user.name}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('profile.email')}</Table.Th>
            <Table.Td>{session.user.email}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('profile.mfa')}</Table.Th>
            <Table.Td>{session.user.mfa_enabled ? t('profile.mfaOn') : t('profile.mfaOff')}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <ChangePassword />
      <Sessions />
    </Stack>
  );
}
