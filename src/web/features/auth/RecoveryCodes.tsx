import { Button, Checkbox, CopyButton, List, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pathForStage, refreshSession } from '../../app/session';
import { PageTitle } from '../../components/PageTitle';
import { AuthCard } from './AuthCard';

/** The ten recovery codes, shown once; the person confirms having saved them before going on. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const proceed = async () => {
    setLeaving(true);
    try {
      await navigate({ to: pathForStage(await refreshSession(queryClient)) });
    } finally {
      setLeaving(false);
    }
  };
  return (
    <AuthCard>
      <Stack>
        <PageTitle>{t('enrol.codesTitle')}</PageTitle>
        <Text>{t('enrol.codesIntro')}</Text>
        <List
          aria-label={t('enrol.codesLabel')}
          data-testid="recovery-codes"
          ff="monospace"
          listStyleType="none"
        >
          {codes.map((code) => (
            <List.Item key={code}>{code}</List.Item>
          ))}
        </List>
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? t('enrol.copied') : t('enrol.copyCodes')}
            </Button>
          )}
        </CopyButton>
        <Checkbox
          label={t('enrol.saved')}
          checked={saved}
          onChange={(e) => setSaved(e.currentTarget.checked)}
        />
        <Button disabled={!saved} loading={leaving} onClick={() => void proceed()}>
          {t('enrol.continue')}
        </Button>
      </Stack>
    </AuthCard>
  );
}
