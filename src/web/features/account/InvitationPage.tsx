import { Alert, Anchor, Badge, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { acceptResult, invitationLookup } from '../../../server/modules/people/schemas';
import { ApiError, api } from '../../app/api';
import { refreshSession, sessionQuery } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { checkNewPassword, NewPassword } from './NewPassword';
import { PublicCard, tokenFromHash } from './PublicCard';

/** What an invitation link stands for (POST /api/v1/invitations/lookup), and its acceptance. */
type InvitationLookup = z.infer<typeof invitationLookup>;
type Accepted = z.infer<typeof acceptResult>;

function useDateTime() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (iso: string) => format.format(new Date(iso));
}

function Summary({ invitation }: { invitation: InvitationLookup }) {
  const { t } = useTranslation();
  const date = useDateTime();
  return (
    <Table variant="vertical" withTableBorder data-testid="invitation-summary">
      <Table.Tbody>
        <Table.Tr>
          <Table.Th w={160}>{t('account.organisation')}</Table.Th>
          <Table.Td>{invitation.org.name}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>{t('account.email')}</Table.Th>
          <Table.Td>{invitation.email}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>{t('account.roles')}</Table.Th>
          <Table.Td>
            <Group gap={4}>
              {invitation.roles.map((role) => (
                <Badge key={role} variant="light" size="sm">
                  {t(`roles.${role}`)}
                </Badge>
              ))}
            </Group>
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>{t('account.expires')}</Table.Th>
          <Table.Td>{date(invitation.expires_at)}</Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

/** A new person: their name and a password make the account. */
function CreateAccount({ token, invitation }: { token: string; invitation: InvitationLookup }) {
  const { t } = useTranslation();
  const [name, setName] = useState(invitation.name ?? '');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<{ name?: string; password?: string; repeat?: string }>({});
  const accept = useMutation({
    mutationFn: () => api<Accepted>('POST', '/invitations/accept', { token, name: name.trim(), password }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = {
      ...checkNewPassword(password, repeat, t),
      ...(name.trim() ? {} : { name: t('account.required') }),
    };
    setErrors(found);
    if (Object.keys(found).length === 0) accept.mutate();
  };
  if (accept.isSuccess) {
    return (
      <Stack>
        <Alert color="green" role="status" title={t('account.createdTitle')}>
          {t('account.created', { org: invitation.org.name, email: accept.data.email })}
        </Alert>
        <Button
          renderRoot={(props) => <Link to="/sign-in" search={{ email: accept.data.email }} {...props} />}
        >
          {t('account.signIn')}
        </Button>
      </Stack>
    );
  }
  return (
    <form onSubmit={submit} noValidate aria-labelledby="create-account-title">
      <Stack>
        <Title order={2} size="h4" id="create-account-title">
          {t('account.createTitle')}
        </Title>
        <Text size="sm">{t('account.createIntro')}</Text>
        <ErrorAlert title={t('account.acceptFailed')} error={accept.error} />
        <TextInput
          label={t('account.name')}
          name="name"
          autoComplete="name"
          required
          maxLength={200}
          value={name}
          error={errors.name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <NewPassword
          password={password}
          repeat={repeat}
          onPassword={setPassword}
          onRepeat={setRepeat}
          errors={errors}
        />
        <Button type="submit" loading={accept.isPending}>
          {t('account.createSubmit')}
        </Button>
      </Stack>
    </form>
  );
}

/** Someone who already has an account accepts while signed in as the invited person. */
function JoinWithAccount({ token, invitation }: { token: string; invitation: InvitationLookup }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { data: session } = useQuery(sessionQuery);
  const accept = useMutation({
    mutationFn: () => api<Accepted>('POST', '/invitations/accept', { token }),
    onSuccess: () => refreshSession(queryClient),
  });
  const signedInAs = session?.stage === 'full' ? session.user.email : null;
  if (accept.isSuccess) {
    return (
      <Stack>
        <Alert color="green" role="status" title={t('account.joinedTitle')}>
          {t('account.joined', { org: invitation.org.name })}
        </Alert>
        <Button onClick={() => void navigate({ to: '/' })}>{t('account.openVaern')}</Button>
      </Stack>
    );
  }
  if (signedInAs && signedInAs.toLowerCase() === invitation.email.toLowerCase()) {
    return (
      <Stack>
        <Text>{t('account.joinIntro', { org: invitation.org.name })}</Text>
        <ErrorAlert title={t('account.acceptFailed')} error={accept.error} />
        <Group>
          <Button onClick={() => accept.mutate()} loading={accept.isPending}>
            {t('account.accept')}
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack>
      <Text data-testid="sign-in-first">
        {signedInAs
          ? t('account.signedInAsOther', { current: signedInAs, email: invitation.email })
          : t('account.signInFirst', { email: invitation.email })}
      </Text>
      {!signedInAs && (
        <Button
          renderRoot={(props) => <Link to="/sign-in" search={{ email: invitation.email }} {...props} />}
        >
          {t('account.signIn')}
        </Button>
      )}
    </Stack>
  );
}

/** The page an invitation mail links to: whom it invites where, and how to accept it. */
export function InvitationPage() {
  const { t } = useTranslation();
  const [token] = useState(tokenFromHash);
  const lookup = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api<InvitationLookup>('POST', '/invitations/lookup', { token }),
    enabled: token !== null,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const invalid = lookup.error instanceof ApiError && lookup.error.status === 410;
  return (
    <PublicCard>
      <Stack>
        <PageTitle>{t('account.invitationTitle')}</PageTitle>
        {!token || invalid ? (
          <>
            <Alert color="red" role="alert" title={t('account.invitationInvalidTitle')}>
              {lookup.error instanceof ApiError ? lookup.error.title : t('account.linkIncomplete')}
            </Alert>
            <Text>{t('account.invitationInvalidHint')}</Text>
            <Anchor component={Link} to="/sign-in">
              {t('account.backToSignIn')}
            </Anchor>
          </>
        ) : lookup.isPending ? (
          <Text role="status">{t('app.loading')}</Text>
        ) : lookup.isError ? (
          <ErrorAlert title={t('app.error')} error={lookup.error} />
        ) : (
          <>
            <Text>
              {t('account.invitationIntro', { org: lookup.data.org.name, email: lookup.data.email })}
            </Text>
            <Summary invitation={lookup.data} />
            {lookup.data.account_exists ? (
              <JoinWithAccount token={token} invitation={lookup.data} />
            ) : (
              <CreateAccount token={token} invitation={lookup.data} />
            )}
          </>
        )}
      </Stack>
    </PublicCard>
  );
}
