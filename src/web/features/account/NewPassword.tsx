import { PasswordInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH } from '../../../server/modules/auth/constants';

export { PASSWORD_MIN_LENGTH };

/** Checks a new password and its repetition; returns the errors by field. */
export function checkNewPassword(
  password: string,
  repeat: string,
  t: (key: string, options?: Record<string, unknown>) => string,
): { password?: string; repeat?: string } {
  if (!password) return { password: t('account.required') };
  if ([...password].length < PASSWORD_MIN_LENGTH)
    return { password: t('account.tooShort', { min: PASSWORD_MIN_LENGTH }) };
  if (repeat !== password) return { repeat: t('account.mismatch') };
  return {};
}

/** A new password, entered twice. */
export function NewPassword(props: {
  password: string;
  repeat: string;
  onPassword(value: string): void;
  onRepeat(value: string): void;
  errors: { password?: string | undefined; repeat?: string | undefined };
}) {
  const { t } = useTranslation();
  return (
    <>
      <PasswordInput
        label={t('account.newPassword')}
        description={t('account.passwordHint', { min: PASSWORD_MIN_LENGTH })}
        name="new-password"
        autoComplete="new-password"
        required
        value={props.password}
        error={props.errors.password}
        onChange={(e) => props.onPassword(e.currentTarget.value)}
      />
      <PasswordInput
        label={t('account.repeatPassword')}
        name="repeat-password"
        autoComplete="new-password"
        required
        value={props.repeat}
        error={props.errors.repeat}
        onChange={(e) => props.onRepeat(e.currentTarget.value)}
      />
    </>
  );
}
