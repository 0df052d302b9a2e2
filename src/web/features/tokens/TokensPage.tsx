import {
  Alert,
  Badge,
  Button,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { type ApiToken, canManageTokens, ROLES, statusOf, type TokenRole } from './access';

interface Created {
  id: string;
  token: string;
  name: string;
}

function useDateTime() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (iso: string | null) => (iso ? format.format(new Date(iso)) : '—');
}

type Field = 'name' | 'role' | 'expires_at';

/** Issues a token: a name that says what uses it, a role, and optionally an expiry date. */
function CreateTokenForm({ org, onCreated }: { org: string; onCreated(created: Created | null): void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<TokenRole>('member');
  const [expires, setExpires] = useState('');
  const [nameError, setNameError] = useState<string>();
  const create = useMutation({
    mutationFn: () =>
      api<{ id: string; token: string }>('POST', `/orgs/${encodeURIComponent(org)}/tokens`, {
        name: name.trim(),
        role,
        ...(expires ? { expires_at: expires } : {}),
      }),
    onMutate: () => onCreated(null),
    onSuccess: async (created) => {
      onCreated({ ...created, name: name.trim() });
      setName('');
      setExpires('');
      await queryClient.invalidateQueries({ queryKey: ['tokens', org] });
    },
  });
  const fields = create.error instanceof ApiError ? create.error.fields : [];
  const fieldError = (field: Field) =>
    fields.some((f) => f.path === `body.${field}`) ? t(`tokens.invalid.${field}`) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setNameError(t('tokens.required'));
    setNameError(undefined);
    create.mutate();
  };
  const today = new Date().toISOString().slice(0, 10);
  return (
    <Paper withBorder p="md" maw={720}>
      <form onSubmit={submit} noValidate aria-labelledby="create-token-title">
        <Stack gap="sm">
          <Title order={2} size="h3" id="create-token-title">
            {t('tokens.create')}
          </Title>
          {fields.length === 0 && <ErrorAlert title={t('tokens.createFailed')} error={create.error} />}
          <TextInput
            label={t('tokens.name')}
            description={t('tokens.nameHint')}
            required
            maxLength={100}
            autoComplete="off"
            value={name}
            error={nameError ?? fieldError('name')}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <NativeSelect
            label={t('tokens.role')}
            description={t('tokens.roleHint')}
            required
            value={role}
            error={fieldError('role')}
            onChange={(e) => setRole(e.currentTarget.value as TokenRole)}
            data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
          <TextInput
            type="date"
            label={t('tokens.expiresAt')}
            description={t('tokens.expiresHint')}
            min={today}
            value={expires}
            error={fieldError('expires_at')}
            onChange={(e) => setExpires(e.currentTarget.value)}
            w={260}
          />
          <Group>
            <Button type="submit" loading={create.isPending}>
              {t('tokens.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** An organisation's API tokens for machines: issue one (shown once), see their use, revoke them. */
export function TokensPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/tokens' });
  const { nameOf, memberships } = useOrg();
  const allowed = canManageTokens(memberships.find((m) => m.org === org));
  const date = useDateTime();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<Created | null>(null);
  const [revoking, setRevoking] = useState<ApiToken>();
  const [announcement, setAnnouncement] = useState('');
  const base = `/orgs/${encodeURIComponent(org)}/tokens`;
  const list = useInfiniteQuery({
    queryKey: ['tokens', org],
    queryFn: ({ pageParam }) =>
      api<Page<ApiToken>>(
        'GET',
        `${base}?limit=100${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: allowed,
  });
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => api<unknown>('DELETE', `${base}/${encodeURIComponent(token.id)}`),
    onSuccess: async (_r, token) => {
      setRevoking(undefined);
      setAnnouncement(t('tokens.revoked', { name: token.name }));
      await queryClient.invalidateQueries({ queryKey: ['tokens', org] });
    },
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('tokens.title')}</PageTitle>
        <Text data-testid="tokens-no-access">{t('tokens.noAccess', { org: nameOf(org) })}</Text>
      </Stack>
    );
  }
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const statusColor = { active: 'green', revoked: 'gray', expired: 'orange' } as const;
  return (
    <Stack maw={1280}>
      <PageTitle>{t('tokens.title')}</PageTitle>
      <Text>{t('tokens.intro', { org: nameOf(org) })}</Text>
      {created && (
        <Alert
          color="yellow"
          title={t('tokens.createdTitle', { name: created.name })}
          withCloseButton
          closeButtonLabel={t('common.close')}
          onClose={() => setCreated(null)}
        >
          <Stack gap="sm">
            <Text size="sm" role="status" fw={700}>
              {t('tokens.createdWarning')}
            </Text>
            <CopyField label={t('tokens.token')} value={created.token} testId="new-token" />
            <Text size="sm">{t('tokens.createdUse')}</Text>
          </Stack>
        </Alert>
      )}
      <CreateTokenForm org={org} onCreated={setCreated} />
      <Title order={2} size="h3">
        {t('tokens.listTitle')}
      </Title>
      <ErrorAlert title={t('app.error')} error={list.error} />
      <Text role="status" size="sm">
        {announcement || (list.isPending ? t('app.loading') : t('tokens.shown', { count: items.length }))}
      </Text>
      <Table.ScrollContainer minWidth={900}>
        <Table striped data-testid="tokens">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('tokens.name')}</Table.Th>
              <Table.Th scope="col">{t('tokens.role')}</Table.Th>
              <Table.Th scope="col">{t('tokens.status')}</Table.Th>
              <Table.Th scope="col">{t('tokens.createdAt')}</Table.Th>
              <Table.Th scope="col">{t('tokens.expiresAt')}</Table.Th>
              <Table.Th scope="col">{t('tokens.lastUsed')}</Table.Th>
              <Table.Th scope="col">{t('tokens.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((token) => {
              const status = statusOf(token);
              return (
                <Table.Tr key={token.id} data-testid="token">
                  <Table.Td>{token.name}</Table.Td>
                  <Table.Td>{t(`roles.${token.role}`)}</Table.Td>
                  <Table.Td>
                    <Badge color={statusColor[status]} variant="light" size="sm">
                      {t(`tokens.statuses.${status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{date(token.created_at)}</Table.Td>
                  <Table.Td>{token.expires_at ? date(token.expires_at) : t('tokens.never')}</Table.Td>
                  <Table.Td>{token.last_used_at ? date(token.last_used_at) : t('tokens.notUsed')}</Table.Td>
                  <Table.Td>
                    {status === 'active' ? (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        aria-label={t('tokens.revokeLabel', { name: token.name })}
                        onClick={() => {
                          revoke.reset();
                          setRevoking(token);
                        }}
                      >
                        {t('tokens.revoke')}
                      </Button>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.isSuccess && items.length === 0 && <Text>{t('tokens.empty')}</Text>}
      <LoadMoreButton query={list} label={t('tokens.more')} />
      {revoking && (
        <ConfirmDialog
          opened
          title={t('tokens.revokeTitle', { name: revoking.name })}
          confirmLabel={t('tokens.revoke')}
          pending={revoke.isPending}
          error={revoke.error}
          onConfirm={() => revoke.mutate(revoking)}
          onClose={() => setRevoking(undefined)}
        >
          {t('tokens.revokeConfirm', { name: revoking.name })}
        </ConfirmDialog>
      )}
    </Stack>
  );
}
