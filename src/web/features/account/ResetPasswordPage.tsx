import { Alert, Anchor, Button, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { checkNewPassword, NewPassword } from './NewPassword';
import { PublicCard, tokenFromHash } from './PublicCard';

/** Sets a new password from a reset link (single use, expiring); then the person signs in. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [token] = useState(tokenFromHash);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<{ password?: string; repeat?: string }>({});
  const complete = useMutation({
    mutationFn: () => api<{ email: string }>('POST', '/auth/password-reset/complete', { token, password }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = checkNewPassword(password, repeat, t);
    setErrors(found);
    if (Object.keys(found).length === 0) complete.mutate();
  };
  const invalid =
    !token || (complete.error instanceof ApiError && complete.error.code === 'people.reset_invalid');
  return (
    <PublicCard>
      <Stack>
        <PageTitle>{t('account.resetTitle')}</PageTitle>
        {complete.isSuccess ? (
          <>
            <Alert color="green" role="status" title={t('account.resetDoneTitle')}>
              {t('account.resetDone', { email: complete.data.email })}
            </Alert>
            <Button
              renderRoot={(props) => (
                <Link to="/sign-in" search={{ email: complete.data.email }} {...props} />
              )}
            >
              {t('account.signIn')}
            </Button>
          </>
        ) : invalid ? (
          <>
            <Alert color="red" role="alert" title={t('account.resetInvalidTitle')}>
              {complete.error instanceof ApiError ? complete.error.title : t('account.linkIncomplete')}
            </Alert>
            <Text>{t('account.resetInvalidHint')}</Text>
            <Anchor component={Link} to="/forgot-password">
              {t('account.requestNewLink')}
            </Anchor>
          </>
        ) : (
          <form onSubmit={submit} noValidate>
            <Stack>
              <Text>{t('account.resetIntro')}</Text>
              <ErrorAlert title={t('account.resetFailed')} error={complete.error} />
              <NewPassword
                password={password}
                repeat={repeat}
                onPassword={setPassword}
                onRepeat={setRepeat}
                errors={errors}
              />
              <Button type="submit" loading={complete.isPending}>
                {t('account.resetSubmit')}
              </Button>
            </Stack>
          </form>
        )}
      </Stack>
    </PublicCard>
  );
}
