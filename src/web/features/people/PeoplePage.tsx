import { Alert, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { useFullSession } from '../../app/session';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import {
  type CreatedInvitation,
  canManagePeople,
  type DeactivationResult,
  type Member,
  type OrgRole,
  type PasswordResetResult,
  rolesFor,
} from './access';
import { useDateTime } from './format';
import { InvitationsList } from './InvitationsList';
import { type InvitationInput, InviteDialog } from './InviteDialog';
import { RolesDialog } from './RolesDialog';

type Action =
  | { kind: 'invite' }
  | { kind: 'roles' | 'mfa' | 'password' | 'deactivate'; member: Member }
  | undefined;

/** What the last action did, shown above the list until the next one. */
type Outcome =
  | { kind: 'invited'; invitation: CreatedInvitation }
  | { kind: 'roles'; member: Member }
  | { kind: 'mfa'; member: Member }
  | { kind: 'password'; member: Member; result: PasswordResetResult }
  | { kind: 'deactivated'; member: Member; result: DeactivationResult }
  | undefined;

function OutcomeAlert({ outcome, onClose }: { outcome: Outcome; onClose(): void }) {
  const { t } = useTranslation();
  const date = useDateTime();
  if (!outcome) return null;
  const common = { color: 'green', withCloseButton: true, onClose, closeButtonLabel: t('common.close') };
  switch (outcome.kind) {
    case 'invited': {
      const { invitation } = outcome;
      if (invitation.link) {
        return (
          <Alert {...common} color="yellow" title={t('people.invitedNoMail', { email: invitation.email })}>
            <Stack gap="sm">
              <Text size="sm" role="status">
                {t('people.noMailHint', { date: date(invitation.expires_at) })}
              </Text>
              <CopyField
                label={t('people.invitationLink')}
                value={invitation.link}
                testId="invitation-link"
              />
            </Stack>
          </Alert>
        );
      }
      return (
        <Alert {...common} title={t('people.invitedTitle')}>
          <Text size="sm" role="status">
            {t('people.invited', { email: invitation.email, date: date(invitation.expires_at) })}
          </Text>
        </Alert>
      );
    }
    case 'roles':
      return (
        <Alert {...common} title={t('people.rolesSaved', { name: outcome.member.name })}>
          <Text size="sm" role="status">
            {t('people.rolesSavedHint')}
          </Text>
        </Alert>
      );
    case 'mfa':
      return (
        <Alert {...common} title={t('people.mfaResetDone', { name: outcome.member.name })}>
          <Text size="sm" role="status">
            {t('people.mfaResetDoneHint')}
          </Text>
        </Alert>
      );
    case 'password': {
      const { result, member } = outcome;
      if (result.link) {
        return (
          <Alert {...common} color="yellow" title={t('people.resetNoMail', { name: member.name })}>
            <Stack gap="sm">
              <Text size="sm" role="status">
                {t('people.resetNoMailHint', { date: date(result.expires_at) })}
              </Text>
              <CopyField label={t('people.resetLink')} value={result.link} testId="reset-link" />
            </Stack>
          </Alert>
        );
      }
      return (
        <Alert {...common} title={t('people.resetSentTitle')}>
          <Text size="sm" role="status">
            {t('people.resetSent', { email: member.email, date: date(result.expires_at) })}
          </Text>
        </Alert>
      );
    }
    case 'deactivated': {
      const { result, member } = outcome;
      return (
        <Alert {...common} title={t('people.deactivated', { name: member.name })}>
          <Text size="sm" role="status" data-testid="deactivation-result">
            {t('people.deactivatedHint', {
              sessions: result.sessions_revoked,
              tokens: result.tokens_revoked,
            })}{' '}
            {result.account_deactivated ? t('people.accountDeactivated') : t('people.accountKept')}
          </Text>
        </Alert>
      );
    }
  }
}

/** An organisation's people: members and their roles, invitations, and the admin's actions on them. */
export function PeoplePage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/people' });
  const { nameOf, memberships } = useOrg();
  const session = useFullSession();
  const membership = memberships.find((m) => m.org === org);
  const allowed = canManagePeople(membership);
  const queryClient = useQueryClient();
  const [action, setAction] = useState<Action>();
  const [outcome, setOutcome] = useState<Outcome>();
  const base = `/orgs/${encodeURIComponent(org)}`;
  const members = useInfiniteQuery({
    queryKey: ['people', org, 'members'],
    queryFn: ({ pageParam }) =>
      api<Page<Member>>(
        'GET',
        `${base}/members?limit=100${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: allowed,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['people', org] });
  const close = () => setAction(undefined);
  const memberPath = (m: Member) => `${base}/members/${encodeURIComponent(m.user_id)}`;

  const invite = useMutation({
    mutationFn: (input: InvitationInput) => api<CreatedInvitation>('POST', `${base}/invitations`, input),
    onSuccess: async (invitation) => {
      close();
      setOutcome({ kind: 'invited', invitation });
      await refresh();
    },
  });
  const saveRoles = useMutation({
    mutationFn: ({ member, roles }: { member: Member; roles: OrgRole[] }) =>
      api<unknown>('PUT', memberPath(member), { roles }),
    onSuccess: async (_r, { member }) => {
      close();
      setOutcome({ kind: 'roles', member });
      await refresh();
    },
  });
  const resetMfa = useMutation({
    mutationFn: (member: Member) => api<unknown>('POST', `${memberPath(member)}/mfa-reset`),
    onSuccess: async (_r, member) => {
      close();
      setOutcome({ kind: 'mfa', member });
      await refresh();
    },
  });
  const resetPassword = useMutation({
    mutationFn: (member: Member) => api<PasswordResetResult>('POST', `${memberPath(member)}/password-reset`),
    onSuccess: (result, member) => {
      close();
      setOutcome({ kind: 'password', member, result });
    },
  });
  const deactivate = useMutation({
    mutationFn: (member: Member) => api<DeactivationResult>('DELETE', memberPath(member)),
    onSuccess: async (result, member) => {
      close();
      setOutcome({ kind: 'deactivated', member, result });
      await refresh();
    },
  });
  const start = (next: Action) => {
    for (const m of [invite, saveRoles, resetMfa, resetPassword, deactivate]) m.reset();
    setAction(next);
  };

  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('people.title')}</PageTitle>
        <Text data-testid="people-no-access">{t('people.noAccess', { org: nameOf(org) })}</Text>
      </Stack>
    );
  }
  const roleChoices = rolesFor(membership?.kind);
  const items = members.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack maw={1280}>
      <PageTitle>{t('people.title')}</PageTitle>
      <Text>{t('people.intro', { org: nameOf(org) })}</Text>
      <Group>
        <Button onClick={() => start({ kind: 'invite' })}>{t('people.invite')}</Button>
      </Group>
      <OutcomeAlert outcome={outcome} onClose={() => setOutcome(undefined)} />

      <Title order={2} size="h3">
        {t('people.membersTitle')}
      </Title>
      <ErrorAlert title={t('app.error')} error={members.error} />
      <Text role="status" size="sm">
        {members.isPending ? t('app.loading') : t('people.shown', { count: items.length })}
      </Text>
      <Table.ScrollContainer minWidth={900}>
        <Table striped data-testid="members">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('people.name')}</Table.Th>
              <Table.Th scope="col">{t('people.email')}</Table.Th>
              <Table.Th scope="col">{t('people.roles')}</Table.Th>
              <Table.Th scope="col">{t('people.mfa')}</Table.Th>
              <Table.Th scope="col">{t('people.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((m) => {
              const self = m.user_id === session.user.id;
              return (
                <Table.Tr key={m.user_id} data-testid="member">
                  <Table.Td>
                    {m.name}
                    {self && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        ({t('people.you')})
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{m.email}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {m.roles.map((role) => (
                        <Badge key={role} variant="light" size="sm">
                          {t(`roles.${role}`)}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {m.mfa_enabled ? (
                      <Badge color="green" variant="light" size="sm">
                        {t('people.mfaOn')}
                      </Badge>
                    ) : (
                      <Badge color="gray" variant="outline" size="sm">
                        {t('people.mfaOff')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-label={t('people.changeRolesLabel', { name: m.name })}
                        onClick={() => start({ kind: 'roles', member: m })}
                      >
                        {t('people.changeRoles')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        disabled={!m.mfa_enabled}
                        aria-label={t('people.resetMfaLabel', { name: m.name })}
                        onClick={() => start({ kind: 'mfa', member: m })}
                      >
                        {t('people.resetMfa')}
                      </Button>
                      <Button
                        size="compact-sm"
                        variant="default"
                        aria-label={t('people.resetPasswordLabel', { name: m.name })}
                        onClick={() => start({ kind: 'password', member: m })}
                      >
                        {t('people.resetPassword')}
                      </Button>
                      {!self && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          aria-label={t('people.deactivateLabel', { name: m.name })}
                          onClick={() => start({ kind: 'deactivate', member: m })}
                        >
                          {t('people.deactivate')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {members.isSuccess && items.length === 0 && <Text>{t('people.empty')}</Text>}
      <LoadMoreButton query={members} label={t('people.more')} />

      <InvitationsList org={org} />

      {action?.kind === 'invite' && (
        <InviteDialog
          orgName={nameOf(org)}
          roles={roleChoices}
          pending={invite.isPending}
          error={invite.error}
          onInvite={(input) => invite.mutate(input)}
          onClose={close}
        />
      )}
      {action?.kind === 'roles' && (
        <RolesDialog
          member={action.member}
          roles={[...roleChoices, ...action.member.roles.filter((r) => !roleChoices.includes(r))]}
          pending={saveRoles.isPending}
          error={saveRoles.error}
          onSave={(roles) => saveRoles.mutate({ member: action.member, roles })}
          onClose={close}
        />
      )}
      {action?.kind === 'mfa' && (
        <ConfirmDialog
          opened
          title={t('people.resetMfaTitle', { name: action.member.name })}
          confirmLabel={t('people.resetMfa')}
          pending={resetMfa.isPending}
          error={resetMfa.error}
          onConfirm={() => resetMfa.mutate(action.member)}
          onClose={close}
        >
          {t('people.resetMfaConfirm', { name: action.member.name })}
        </ConfirmDialog>
      )}
      {action?.kind === 'password' && (
        <ConfirmDialog
          opened
          title={t('people.resetPasswordTitle', { name: action.member.name })}
          confirmLabel={t('people.resetPassword')}
          pending={resetPassword.isPending}
          error={resetPassword.error}
          onConfirm={() => resetPassword.mutate(action.member)}
          onClose={close}
        >
          {t('people.resetPasswordConfirm', { name: action.member.name, email: action.member.email })}
        </ConfirmDialog>
      )}
      {action?.kind === 'deactivate' && (
        <ConfirmDialog
          opened
          title={t('people.deactivateTitle', { name: action.member.name })}
          confirmLabel={t('people.deactivate')}
          pending={deactivate.isPending}
          error={deactivate.error}
          onConfirm={() => deactivate.mutate(action.member)}
          onClose={close}
        >
          {t('people.deactivateConfirm', { name: action.member.name, org: nameOf(org) })}
        </ConfirmDialog>
      )}
    </Stack>
  );
}
