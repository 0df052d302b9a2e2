import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { LoginResult } from '../../app/api-types';
import { pathForStage, refreshSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { AuthCard } from './AuthCard';

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const prefill = useSearch({ from: '/sign-in' }).email;
  const [email, setEmail] = useState(prefill ?? '');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api<LoginResult>('POST', '/auth/login', { email, password }),
    onSuccess: async () => {
      await navigate({ to: pathForStage(await refreshSession(queryClient)) });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <AuthCard>
      <form onSubmit={submit} noValidate={false}>
        <Stack>
          <PageTitle>{t('signIn.title')}</PageTitle>
          <Text c="dimmed">{t('signIn.intro')}</Text>
          <ErrorAlert title={t('signIn.failed')} error={login.error} />
          <TextInput
            label={t('signIn.email')}
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <PasswordInput
            label={t('signIn.password')}
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button type="submit" loading={login.isPending}>
            {t('signIn.submit')}
          </Button>
          <Anchor component={Link} to="/forgot-password" size="sm">
            {t('account.forgotLink')}
          </Anchor>
        </Stack>
      </form>
    </AuthCard>
  );
}
