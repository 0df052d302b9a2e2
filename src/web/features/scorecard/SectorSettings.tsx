import { Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { SETTINGS_KEY, type Setting, SettingForm } from '../settings/SettingsPage';

/** The sector's settings: the scorecard's thresholds and periods (settings/registry.ts). */
const SECTOR_KEYS: readonly string[] = [
  'scorecard_pass_percent',
  'scorecard_confirmation_months',
  'scorecard_patch_days',
  'scorecard_test_months',
];

/**
 * The scorecard's thresholds and periods, which the sector coordinator sets (PUT
 * /api/v1/platform/settings/{key}; docs/scorecard.md, "Settings"). A change is audited and the
 * sector's scorecards are measured again with it.
 */
export function SectorSettings() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: SETTINGS_KEY,
    queryFn: () => api<{ items: Setting[] }>('GET', '/platform/settings'),
  });
  const items = settings.data?.items.filter((s) => SECTOR_KEYS.includes(s.key)) ?? [];
  return (
    <Paper withBorder p="md" data-testid="sector-settings">
      <Stack gap="sm">
        <Title order={2} size="h3">
          {t('scorecard.sector.settingsTitle')}
        </Title>
        <Text size="sm">{t('scorecard.sector.settingsIntro')}</Text>
        <ErrorAlert title={t('app.error')} error={settings.error} />
        {settings.isPending && <Text role="status">{t('app.loading')}</Text>}
        {items.map((s) => (
          <SettingForm
            key={s.key}
            setting={s}
            onSaved={() => queryClient.invalidateQueries({ queryKey: ['sector-scorecards'] })}
          />
        ))}
      </Stack>
    </Paper>
  );
}
