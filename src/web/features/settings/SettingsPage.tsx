import { Badge, Button, Group, NumberInput, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import { useFullSession } from '../../app/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';

/**
 * One platform setting (GET /api/v1/platform/settings). The answer does not name a setting's
 * kind; its default's type does: a whole number, or text (a URL, empty meaning off).
 */
export interface Setting {
  key: string;
  value: number | string;
  default: number | string;
  is_default: boolean;
  updated_at: string | null;
}

/** The bounds the server enforces on the whole-number settings (settings/registry.ts). */
const BOUNDS: Record<string, { min: number; max: number }> = {
  invitation_ttl_hours: { min: 1, max: 720 },
  password_reset_ttl_minutes: { min: 10, max: 10_080 },
  auditor_grant_max_days: { min: 1, max: 1_095 },
  scorecard_pass_percent: { min: 1, max: 100 },
  scorecard_confirmation_months: { min: 1, max: 36 },
  scorecard_patch_days: { min: 1, max: 365 },
  scorecard_test_months: { min: 1, max: 36 },
  risk_acceptance_max_days: { min: 1, max: 1_095 },
};

export const SETTINGS_KEY = ['platform', 'settings'] as const;

/** A text setting: a web address (http or https), or empty to turn what it feeds off. */
function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** One setting's form; `onSaved` lets a page refresh what the setting feeds (the sector view). */
export function SettingForm({ setting, onSaved }: { setting: Setting; onSaved?: () => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const textual = typeof setting.default === 'string';
  const [value, setValue] = useState<number | string>(setting.value);
  const [error, setError] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  const bounds = BOUNDS[setting.key];
  const label = t(`settings.keys.${setting.key}.label`, { defaultValue: setting.key });
  const unit = t(`settings.keys.${setting.key}.unit`, { defaultValue: setting.key });
  const save = useMutation({
    mutationFn: (next: number | string) =>
      api<Setting>('PUT', `/platform/settings/${encodeURIComponent(setting.key)}`, { value: next }),
    onMutate: () => setAnnouncement(''),
    onSuccess: async () => {
      setAnnouncement(t('settings.saved', { label }));
      await queryClient.invalidateQueries({ queryKey: SETTINGS_KEY });
      await onSaved?.();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (textual) {
      const next = String(value).trim();
      if (next !== '' && !isWebAddress(next)) return setError(t('settings.url'));
      setError(undefined);
      return save.mutate(next);
    }
    const next = typeof value === 'number' ? value : Number.parseInt(value, 10);
    if (!Number.isInteger(next)) return setError(t('settings.whole'));
    if (bounds && (next < bounds.min || next > bounds.max))
      return setError(t('settings.bounds', { min: bounds.min, max: bounds.max }));
    setError(undefined);
    save.mutate(next);
  };
  const number = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'da-DK');
  const serverField = save.error instanceof ApiError && save.error.fields.length > 0;
  const fieldError = error ?? (serverField && save.error instanceof ApiError ? save.error.title : undefined);
  const defaultText = textual
    ? setting.default === ''
      ? t('settings.defaultEmpty')
      : t('settings.default', { value: setting.default })
    : t('settings.default', { value: number.format(setting.default as number) });
  return (
    <Paper withBorder p="md" maw={720} data-testid={`setting-${setting.key}`}>
      <form onSubmit={submit} noValidate aria-label={label}>
        <Stack gap="xs">
          <Group gap="sm">
            <Title order={2} size="h4">
              {label}
            </Title>
            {setting.is_default && (
              <Badge variant="light" color="gray" size="sm">
                {t('settings.isDefault')}
              </Badge>
            )}
          </Group>
          <Text size="sm">{t(`settings.keys.${setting.key}.help`, { defaultValue: '' })}</Text>
          {!serverField && <ErrorAlert title={t('settings.failed')} error={save.error} />}
          <Group align="flex-end" gap="sm">
            {textual ? (
              <TextInput
                type="url"
                label={unit}
                description={defaultText}
                w={420}
                maxLength={2000}
                value={String(value)}
                error={fieldError}
                onChange={(e) => setValue(e.currentTarget.value)}
              />
            ) : (
              <NumberInput
                label={unit}
                description={defaultText}
                w={260}
                allowDecimal={false}
                allowNegative={false}
                // Out-of-range values are explained, not silently clamped.
                clampBehavior="none"
                {...(bounds ? { min: bounds.min, max: bounds.max } : {})}
                value={value}
                error={fieldError}
                onChange={setValue}
              />
            )}
            <Button type="submit" loading={save.isPending}>
              {t('settings.save')}
            </Button>
            {!setting.is_default && (
              <Button variant="default" onClick={() => setValue(setting.default)}>
                {t('settings.useDefault')}
              </Button>
            )}
          </Group>
          <Text role="status" size="sm">
            {announcement}
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}

/** The instance's settings, for platform administrators: each with its meaning and default. */
export function SettingsPage() {
  const { t } = useTranslation();
  const session = useFullSession();
  const allowed = session.user.platform_admin;
  const settings = useQuery({
    queryKey: SETTINGS_KEY,
    queryFn: () => api<{ items: Setting[] }>('GET', '/platform/settings'),
    enabled: allowed,
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('settings.title')}</PageTitle>
        <Text data-testid="settings-no-access">{t('settings.noAccess')}</Text>
      </Stack>
    );
  }
  return (
    <Stack maw={960}>
      <PageTitle>{t('settings.title')}</PageTitle>
      <Text>{t('settings.intro')}</Text>
      <ErrorAlert title={t('app.error')} error={settings.error} />
      {settings.isPending && <Text role="status">{t('app.loading')}</Text>}
      {settings.data?.items.map((s) => (
        <SettingForm key={s.key} setting={s} />
      ))}
    </Stack>
  );
}
