import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Tomorrow as YYYY-MM-DD (a risk acceptance ends in the future). */
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/** The last day a risk acceptance holds: a date from tomorrow on (the server checks the limit). */
export function ExpiryInput(props: {
  label: string;
  value: string;
  error: string | undefined;
  onChange(value: string): void;
}) {
  const { t } = useTranslation();
  return (
    <TextInput
      type="date"
      label={props.label}
      description={t('findings.change.untilHint')}
      required
      min={tomorrow()}
      w={220}
      value={props.value}
      error={props.error}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    />
  );
}
