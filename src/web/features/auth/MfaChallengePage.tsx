import { Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { VerifyResult } from '../../app/api-types';
import { pathForStage, refreshSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { AuthCard } from './AuthCard';
import { useSignOut } from './useSignOut';

/** The second step: a TOTP code, or one of the recovery codes. */
export function MfaChallengePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signOut = useSignOut();
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState('');
  const switched = useRef(false);
  // Switching between code and recovery code moves the focus to the new field.
  const input = (element: HTMLInputElement | null) => {
    if (element && switched.current) {
      switched.current = false;
      element.focus();
    }
  };
  const verify = useMutation({
    mutationFn: () =>
      api<VerifyResult>(
        'POST',
        '/auth/mfa/verify',
        recovery ? { recovery_code: value.trim() } : { code: value.replace(/\s/g, '') },
      ),
    onSuccess: async () => {
      await navigate({ to: pathForStage(await refreshSession(queryClient)) });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate();
  };
  const toggle = () => {
    switched.current = true;
    verify.reset();
    setValue('');
    setRecovery((r) => !r);
  };
  return (
    <AuthCard>
      <form onSubmit={submit}>
        <Stack>
          <PageTitle>{t('mfa.title')}</PageTitle>
          <Text>{recovery ? t('mfa.recoveryIntro') : t('mfa.intro')}</Text>
          <ErrorAlert title={t('mfa.failed')} error={verify.error} />
          {recovery ? (
            <TextInput
              key="recovery"
              ref={input}
              label={t('mfa.recoveryCode')}
              name="recovery_code"
              autoComplete="off"
              spellCheck={false}
              required
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
            />
          ) : (
            <TextInput
              key="code"
              ref={input}
              label={t('mfa.code')}
              description={t('mfa.codeHint')}
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]{6,7}"
              maxLength={7}
              required
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
            />
          )}
          <Button type="submit" loading={verify.isPending}>
            {t('mfa.submit')}
          </Button>
          <Group justify="space-between">
            <Anchor component="button" type="button" onClick={toggle}>
              {recovery ? t('mfa.useCode') : t('mfa.useRecovery')}
            </Anchor>
            <Anchor component="button" type="button" onClick={() => signOut.mutate()}>
              {t('mfa.cancel')}
            </Anchor>
          </Group>
        </Stack>
      </form>
    </AuthCard>
  );
}
