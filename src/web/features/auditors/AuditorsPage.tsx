import { Alert, Badge, Button, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { type AuditorGrant, type CreatedGrant, canManageGrants, type GrantInput } from './access';
import { GrantForm } from './GrantForm';

function useDate() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'da-DK';
  const local = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  // A plain date (2026-01-31) is that day wherever the reader is.
  const plain = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const instant = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (iso: string | null, withTime = false) => {
    if (!iso) return '—';
    if (withTime) return instant.format(new Date(iso));
    return /^\d{4}-\d{2}-\d{2}$/.test(iso)
      ? plain.format(new Date(`${iso}T00:00:00Z`))
      : local.format(new Date(iso));
  };
}

const STATUS_COLOR = { scheduled: 'blue', active: 'green', expired: 'gray', revoked: 'red' } as const;

function CreatedAlert({ grant, onClose }: { grant: CreatedGrant; onClose(): void }) {
  const { t } = useTranslation();
  const date = useDate();
  return (
    <Alert
      color={grant.setup_link ? 'yellow' : 'green'}
      title={t('auditors.granted', { name: grant.user.name, email: grant.user.email })}
      withCloseButton
      closeButtonLabel={t('common.close')}
      onClose={onClose}
    >
      <Stack gap="sm">
        <Text size="sm" role="status">
          {t('auditors.grantedWindow', { from: date(grant.starts_at, true), to: date(grant.ends_at, true) })}
        </Text>
        {grant.account_created && !grant.setup_link && (
          <Text size="sm">
            {grant.setup_sent
              ? t('auditors.setupSent', { email: grant.user.email })
              : t('auditors.accountCreated')}
          </Text>
        )}
        {grant.setup_link && (
          <>
            <Text size="sm">{t('auditors.setupNoMail', { email: grant.user.email })}</Text>
            <CopyField label={t('auditors.setupLink')} value={grant.setup_link} testId="setup-link" />
          </>
        )}
      </Stack>
    </Alert>
  );
}

/** The auditors an organisation lets read its records: who, for how long, over which period. */
export function AuditorsPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/auditors' });
  const { nameOf, memberships } = useOrg();
  const allowed = canManageGrants(memberships.find((m) => m.org === org));
  const date = useDate();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<CreatedGrant>();
  const [generation, setGeneration] = useState(0);
  const [revoking, setRevoking] = useState<AuditorGrant>();
  const [announcement, setAnnouncement] = useState('');
  const base = `/orgs/${encodeURIComponent(org)}/auditor-grants`;
  const list = useInfiniteQuery({
    queryKey: ['auditor-grants', org],
    queryFn: ({ pageParam }) =>
      api<Page<AuditorGrant>>(
        'GET',
        `${base}?limit=100${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: allowed,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['auditor-grants', org] });
  const grant = useMutation({
    mutationFn: (input: GrantInput) => api<CreatedGrant>('POST', base, input),
    onMutate: () => setCreated(undefined),
    onSuccess: async (result) => {
      setCreated(result);
      setGeneration((g) => g + 1);
      await refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (g: AuditorGrant) => api<unknown>('DELETE', `${base}/${encodeURIComponent(g.id)}`),
    onSuccess: async (_r, g) => {
      setRevoking(undefined);
      setAnnouncement(t('auditors.revoked', { name: g.user.name }));
      await refresh();
    },
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('auditors.title')}</PageTitle>
        <Text data-testid="auditors-no-access">{t('auditors.noAccess', { org: nameOf(org) })}</Text>
      </Stack>
    );
  }
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack maw={1280}>
      <PageTitle>{t('auditors.title')}</PageTitle>
      <Text>{t('auditors.intro', { org: nameOf(org) })}</Text>
      <Text>{t('auditors.explain')}</Text>
      {created && <CreatedAlert grant={created} onClose={() => setCreated(undefined)} />}
      <GrantForm
        pending={grant.isPending}
        error={grant.error}
        generation={generation}
        onGrant={(input) => grant.mutate(input)}
      />
      <Title order={2} size="h3">
        {t('auditors.listTitle')}
      </Title>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm">
        {announcement || (list.isPending ? t('app.loading') : t('auditors.shown', { count: items.length }))}
      </Text>
      <Table.ScrollContainer minWidth={1000}>
        <Table striped data-testid="auditor-grants">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('auditors.auditor')}</Table.Th>
              <Table.Th scope="col">{t('auditors.status')}</Table.Th>
              <Table.Th scope="col">{t('auditors.window')}</Table.Th>
              <Table.Th scope="col">{t('auditors.dataPeriod')}</Table.Th>
              <Table.Th scope="col">{t('auditors.note')}</Table.Th>
              <Table.Th scope="col">{t('auditors.grantedBy')}</Table.Th>
              <Table.Th scope="col">{t('auditors.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((g) => (
              <Table.Tr key={g.id} data-testid="auditor-grant">
                <Table.Td>
                  {g.user.name}
                  <Text size="xs" c="dimmed">
                    {g.user.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[g.status] ?? 'gray'} variant="light" size="sm">
                    {t(`auditors.statuses.${g.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {t('auditors.range', { from: date(g.starts_at, true), to: date(g.ends_at, true) })}
                </Table.Td>
                <Table.Td>
                  {g.data_from || g.data_to
                    ? t('auditors.range', { from: date(g.data_from), to: date(g.data_to) })
                    : t('auditors.allData')}
                </Table.Td>
                <Table.Td>{g.note ?? '—'}</Table.Td>
                <Table.Td>{g.granted_by}</Table.Td>
                <Table.Td>
                  {g.status === 'active' || g.status === 'scheduled' ? (
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      aria-label={t('auditors.revokeLabel', { name: g.user.name })}
                      onClick={() => {
                        revoke.reset();
                        setRevoking(g);
                      }}
                    >
                      {t('auditors.revoke')}
                    </Button>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && <Text>{t('auditors.empty')}</Text>}
      <LoadMoreButton query={list} label={t('auditors.more')} />
      {revoking && (
        <ConfirmDialog
          opened
          title={t('auditors.revokeTitle', { name: revoking.user.name })}
          confirmLabel={t('auditors.revoke')}
          pending={revoke.isPending}
          error={revoke.error}
          onConfirm={() => revoke.mutate(revoking)}
          onClose={() => setRevoking(undefined)}
        >
          {t('auditors.revokeConfirm', { name: revoking.user.name })}
        </ConfirmDialog>
      )}
    </Stack>
  );
}
