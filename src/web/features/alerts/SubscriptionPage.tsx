import { Alert, Button, Checkbox, Group, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { type AlertSeverity, canReadAlerts } from './access';
import {
  ALERT_KINDS,
  CHANNELS,
  orgPath,
  type Subscription,
  type SubscriptionInput,
  subscriptionKey,
} from './subscription';

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const satisfies readonly AlertSeverity[];

/**
 * The person's own subscription to the current organisation's alerts: channels (in the app,
 * e-mail) and filters (minimum severity, kinds, only when the organisation is affected).
 */
export function SubscriptionPage() {
  const { t } = useTranslation();
  const { current, nameOf } = useOrg();
  const org = current?.org ?? '';
  const may = canReadAlerts(current);
  return (
    <Stack maw={800}>
      <PageTitle>{t('alerts.subscription.title')}</PageTitle>
      {!may ? (
        <Text>{t('alerts.notAllowed')}</Text>
      ) : (
        <>
          <Text>{t('alerts.subscription.intro', { org: nameOf(org) })}</Text>
          <SubscriptionForm key={org} org={org} />
        </>
      )}
    </Stack>
  );
}

function SubscriptionForm({ org }: { org: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = subscriptionKey(org);
  const stored = useQuery({
    queryKey: key,
    queryFn: () => api<Subscription>('GET', orgPath(org, 'alert-subscription')),
    retry: false,
  });
  const [draft, setDraft] = useState<SubscriptionInput | null>(null);
  const [saved, setSaved] = useState(false);
  const onSaved = (s: Subscription) => {
    queryClient.setQueryData(key, s);
    setDraft(null);
    setSaved(true);
  };
  const save = useMutation({
    mutationFn: (input: SubscriptionInput) =>
      api<Subscription>('PUT', orgPath(org, 'alert-subscription'), input),
    onSuccess: onSaved,
  });
  const reset = useMutation({
    mutationFn: () => api<Subscription>('DELETE', orgPath(org, 'alert-subscription')),
    onSuccess: onSaved,
  });
  if (!stored.data) {
    return (
      <>
        <ErrorAlert title={t('app.error')} error={stored.error} />
        {stored.isPending && <Text role="status">{t('app.loading')}</Text>}
      </>
    );
  }
  const base = stored.data;
  const value: SubscriptionInput = draft ?? {
    channels: base.channels,
    min_severity: base.min_severity,
    kinds: base.kinds,
    only_affected: base.only_affected,
  };
  const change = (patch: Partial<SubscriptionInput>) => {
    setSaved(false);
    setDraft({ ...value, ...patch });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(value);
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text data-testid="subscription-state" size="sm">
          {base.default ? t('alerts.subscription.usingDefault') : t('alerts.subscription.usingOwn')}
        </Text>
        <Checkbox.Group
          label={t('alerts.subscription.channels')}
          description={t('alerts.subscription.channelsHint')}
          value={value.channels}
          onChange={(v) => change({ channels: CHANNELS.filter((c) => v.includes(c)) })}
        >
          <Group gap="md" mt={4}>
            {CHANNELS.map((c) => (
              <Checkbox key={c} value={c} label={t(`alerts.subscription.channel.${c}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <Select
          label={t('alerts.subscription.minSeverity')}
          allowDeselect={false}
          value={value.min_severity}
          onChange={(v) => v && change({ min_severity: v as AlertSeverity })}
          data={SEVERITIES.map((s) => ({ value: s, label: t(`alerts.severity.${s}`) }))}
          maw={320}
        />
        <Checkbox.Group
          label={t('alerts.subscription.kinds')}
          value={value.kinds}
          onChange={(v) => change({ kinds: ALERT_KINDS.filter((k) => v.includes(k)) })}
        >
          <Stack gap={6} mt={4}>
            {ALERT_KINDS.map((k) => (
              <Checkbox key={k} value={k} label={t(`alerts.subscription.kind.${k}`)} />
            ))}
          </Stack>
        </Checkbox.Group>
        <Checkbox
          label={t('alerts.subscription.onlyAffected')}
          description={t('alerts.subscription.onlyAffectedHint')}
          checked={value.only_affected}
          onChange={(e) => change({ only_affected: e.currentTarget.checked })}
        />
        <Alert color="gray" title={t('alerts.subscription.alwaysTitle')}>
          {t('alerts.subscription.always')}
        </Alert>
        <ErrorAlert title={t('alerts.subscription.saveFailed')} error={save.error ?? reset.error} />
        {saved && (
          <Text role="status" fw={600} data-testid="subscription-saved">
            {t('alerts.subscription.saved')}
          </Text>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('alerts.subscription.save')}
          </Button>
          {!base.default && (
            <Button variant="default" onClick={() => reset.mutate()} loading={reset.isPending}>
              {t('alerts.subscription.reset')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
