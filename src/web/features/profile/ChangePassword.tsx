import { Button, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH } from '../../../server/modules/auth/constants';
import { ApiError, api } from '../../app/api';
import type { PasswordResult } from '../../app/api-types';
import { refreshSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';

type Field = 'current' | 'next' | 'repeat';
type Errors = Partial<Record<Field, string>>;

/** The server's refusals that belong to one field; others are shown above the form. */
const FIELD_OF_CODE: Record<string, Field> = {
  'auth.wrong_password': 'current',
  'auth.password_too_short': 'next',
  'auth.password_unchanged': 'next',
};

/** Changing one's own password: the other sessions end, this one gets a new cookie and CSRF token. */
export function ChangePassword() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [announcement, setAnnouncement] = useState('');
  const change = useMutation({
    mutationFn: () =>
      api<PasswordResult>('POST', '/auth/password', { current_password: current, new_password: next }),
    onSuccess: async (result) => {
      setCurrent('');
      setNext('');
      setRepeat('');
      setAnnouncement(t('password.changed', { count: result.revoked_sessions }));
      await refreshSession(queryClient);
      await queryClient.invalidateQueries({ queryKey: ['auth', 'sessions'] });
    },
    onError: (error) => {
      const field = error instanceof ApiError ? FIELD_OF_CODE[error.code] : undefined;
      if (field && error instanceof ApiError) setErrors({ [field]: error.title });
    },
  });

  const validate = (): Errors => {
    const found: Errors = {};
    if (!current) found.current = t('password.required');
    if (!next) found.next = t('password.required');
    else if ([...next].length < PASSWORD_MIN_LENGTH) {
      found.next = t('password.tooShort', { min: PASSWORD_MIN_LENGTH });
    } else if (next === current) found.next = t('password.unchanged');
    if (next && repeat !== next) found.repeat = t('password.mismatch');
    return found;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAnnouncement('');
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length === 0) change.mutate();
  };

  const fieldError = change.error instanceof ApiError && FIELD_OF_CODE[change.error.code];
  return (
    <form onSubmit={submit} noValidate aria-labelledby="change-password-title">
      <Stack maw={480}>
        <Title order={2} size="h3" id="change-password-title">
          {t('password.title')}
        </Title>
        <Text>{t('password.intro')}</Text>
        {!fieldError && <ErrorAlert title={t('password.failed')} error={change.error} />}
        <PasswordInput
          label={t('password.current')}
          name="current-password"
          autoComplete="current-password"
          required
          value={current}
          error={errors.current}
          onChange={(e) => setCurrent(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('password.new')}
          description={t('password.newHint', { min: PASSWORD_MIN_LENGTH })}
          name="new-password"
          autoComplete="new-password"
          required
          value={next}
          error={errors.next}
          onChange={(e) => setNext(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('password.repeat')}
          name="repeat-password"
          autoComplete="new-password"
          required
          value={repeat}
          error={errors.repeat}
          onChange={(e) => setRepeat(e.currentTarget.value)}
        />
        <Text role="status" size="sm" data-testid="password-status">
          {announcement}
        </Text>
        <div>
          <Button type="submit" loading={change.isPending}>
            {t('password.submit')}
          </Button>
        </div>
      </Stack>
    </form>
  );
}
