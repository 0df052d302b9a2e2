import { SegmentedControl } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api';
import type { CurrentSession } from '../app/api-types';
import { changeLanguage, currentLanguage, LANGUAGES, type Language } from '../app/i18n';
import { sessionQuery } from '../app/session';

/**
 * Dansk / English. The choice is kept in this browser; for a signed-in person it is also stored
 * on the server, so that it follows them to every sign-in.
 */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { data: session } = useQuery(sessionQuery);
  const store = useMutation({
    mutationFn: (locale: Language) => api<CurrentSession['user']>('PATCH', '/auth/me', { locale }),
    onSuccess: (user) =>
      queryClient.setQueryData<CurrentSession | null>(sessionQuery.queryKey, (s) => (s ? { ...s, user } : s)),
  });
  const choose = async (language: Language) => {
    await changeLanguage(language);
    if (session?.stage === 'full') store.mutate(language);
  };
  return (
    <SegmentedControl
      aria-label={t('language.label')}
      size="xs"
      value={currentLanguage()}
      onChange={(value) => void choose(value as Language)}
      data={LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
    />
  );
}
