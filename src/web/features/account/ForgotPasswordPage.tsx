import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { PublicCard } from './PublicCard';

/**
 * Asks for a reset link by e-mail. The answer is the same whether or not the address has an
 * account, so that the page does not tell who is a user.
 */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const request = useMutation({
    mutationFn: () => api<unknown>('POST', '/auth/password-reset', { email: email.trim() }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) return setError(t('account.invalidEmail'));
    setError(undefined);
    request.mutate();
  };
  return (
    <PublicCard>
      <Stack>
        <PageTitle>{t('account.forgotTitle')}</PageTitle>
        {request.isSuccess ? (
          <>
            <Alert color="green" role="status" title={t('account.forgotSentTitle')}>
              {t('account.forgotSent', { email: email.trim() })}
            </Alert>
            <Anchor component={Link} to="/sign-in">
              {t('account.backToSignIn')}
            </Anchor>
          </>
        ) : (
          <form onSubmit={submit} noValidate>
            <Stack>
              <Text>{t('account.forgotIntro')}</Text>
              <ErrorAlert title={t('account.forgotFailed')} error={request.error} />
              <TextInput
                label={t('account.email')}
                type="email"
                name="email"
                autoComplete="username"
                required
                value={email}
                error={error}
                onChange={(e) => setEmail(e.currentTarget.value)}
              />
              <Button type="submit" loading={request.isPending}>
                {t('account.forgotSubmit')}
              </Button>
              <Anchor component={Link} to="/sign-in" size="sm">
                {t('account.backToSignIn')}
              </Anchor>
            </Stack>
          </form>
        )}
      </Stack>
    </PublicCard>
  );
}
