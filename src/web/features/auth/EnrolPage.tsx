import { Alert, Button, Code, CopyButton, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { ConfirmResult, EnrolResult } from '../../app/api-types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { QrCode } from '../../components/QrCode';
import { AuthCard } from './AuthCard';
import { RecoveryCodes } from './RecoveryCodes';

/** MFA enrolment demanded by the person's role: QR code and key, a confirming code, then recovery codes. */
export function EnrolPage() {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  // A query rather than a mutation: one seed per visit, not one per render or remount.
  const seed = useQuery({
    queryKey: ['auth', 'enrolment'],
    queryFn: () => api<EnrolResult>('POST', '/auth/mfa/enrol'),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });
  const confirm = useMutation({
    mutationFn: () =>
      api<ConfirmResult>('POST', '/auth/mfa/enrol/confirm', { code: code.replace(/\s/g, '') }),
  });
  if (confirm.data) return <RecoveryCodes codes={confirm.data.recovery_codes} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate();
  };
  return (
    <AuthCard>
      <Stack>
        <PageTitle>{t('enrol.title')}</PageTitle>
        <Text>{t('enrol.intro')}</Text>
        {seed.isPending && <Loader aria-label={t('app.loading')} />}
        <ErrorAlert title={t('enrol.startFailed')} error={seed.error} />
        {seed.data && (
          <>
            <Title order={2} size="h4">
              {t('enrol.scan')}
            </Title>
            <QrCode value={seed.data.otpauth_uri} label={t('enrol.qrLabel')} />
            <Text id="secret-label">{t('enrol.manual')}</Text>
            <Group gap="xs" wrap="wrap">
              <Code aria-labelledby="secret-label" data-testid="totp-secret" fz="md" className="vaern-secret">
                {seed.data.secret}
              </Code>
              <CopyButton value={seed.data.secret}>
                {({ copied, copy }) => (
                  <Button variant="default" size="xs" onClick={copy}>
                    {copied ? t('enrol.copied') : t('enrol.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <form onSubmit={submit}>
              <Stack>
                <Title order={2} size="h4">
                  {t('enrol.confirm')}
                </Title>
                <ErrorAlert title={t('enrol.failed')} error={confirm.error} />
                <TextInput
                  label={t('mfa.code')}
                  description={t('mfa.codeHint')}
                  name="code"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  pattern="[0-9 ]{6,7}"
                  maxLength={7}
                  required
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value)}
                />
                <Button type="submit" loading={confirm.isPending}>
                  {t('enrol.submit')}
                </Button>
              </Stack>
            </form>
          </>
        )}
        {seed.isError && (
          <Alert color="gray" variant="light">
            <Button variant="default" onClick={() => void seed.refetch()}>
              {t('app.retry')}
            </Button>
          </Alert>
        )}
      </Stack>
    </AuthCard>
  );
}
