import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api';

/** A failed request, announced to screen readers; the server's message is already translated. */
export function ErrorAlert({ title, error }: { title: string; error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const message = error instanceof ApiError ? error.title : t('app.error');
  return (
    <Alert color="red" title={title} role="alert">
      {message}
    </Alert>
  );
}
