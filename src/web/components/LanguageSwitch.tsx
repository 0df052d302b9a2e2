import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, LANGUAGES, type Language } from '../app/i18n';

/** Dansk / English; the choice is kept in this browser. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  return (
    <SegmentedControl
      aria-label={t('language.label')}
      size="xs"
      value={currentLanguage()}
      onChange={(value) => void changeLanguage(value as Language)}
      data={LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
    />
  );
}
