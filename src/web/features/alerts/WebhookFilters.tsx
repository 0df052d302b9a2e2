import { Button, Checkbox, Group, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { AppModal } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { AlertSeverity } from './access';
import type { WebhookEndpoint } from './settings';
import { ALERT_KINDS, type AlertKind, orgPath } from './subscription';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const satisfies readonly AlertSeverity[];

/** What a webhook endpoint lets through: the lowest severity, the kinds, only when affected. */
export interface WebhookFilterValue {
  minSeverity: AlertSeverity;
  kinds: AlertKind[];
  onlyAffected: boolean;
}

export const filtersOf = (e: WebhookEndpoint): WebhookFilterValue => ({
  minSeverity: e.min_severity,
  kinds: [...e.kinds],
  onlyAffected: e.only_affected,
});

/** The filter fields of an endpoint, for registering one and for changing its filters. */
export function WebhookFilterFields(props: {
  value: WebhookFilterValue;
  onChange(v: WebhookFilterValue): void;
}) {
  const { t } = useTranslation();
  const { value, onChange } = props;
  return (
    <Stack gap="xs">
      <Select
        label={t('alerts.settings.minSeverity')}
        description={t('alerts.settings.minSeverityHint')}
        allowDeselect={false}
        w={220}
        value={value.minSeverity}
        onChange={(v) => v && onChange({ ...value, minSeverity: v as AlertSeverity })}
        data={SEVERITIES.map((s) => ({ value: s, label: t(`alerts.severity.${s}`) }))}
      />
      <Checkbox.Group
        label={t('alerts.subscription.kinds')}
        value={value.kinds}
        onChange={(v) => onChange({ ...value, kinds: ALERT_KINDS.filter((k) => v.includes(k)) })}
      >
        <Group gap="md" mt={4}>
          {ALERT_KINDS.map((k) => (
            <Checkbox key={k} value={k} label={t(`alerts.subscription.kind.${k}`)} />
          ))}
        </Group>
      </Checkbox.Group>
      <Checkbox
        label={t('alerts.subscription.onlyAffected')}
        description={t('alerts.subscription.onlyAffectedHint')}
        checked={value.onlyAffected}
        onChange={(e) => onChange({ ...value, onlyAffected: e.currentTarget.checked })}
      />
    </Stack>
  );
}

/**
 * Changes a registered endpoint's filters (PUT …/alert-webhooks/{id}/filters). The URL and the
 * signing secret stay: a receiver keeps working while what it receives changes.
 */
export function EditWebhookFilters(props: {
  org: string;
  endpoint: WebhookEndpoint | null;
  onClose(): void;
}) {
  const { endpoint } = props;
  return (
    <FiltersDialog
      // A new dialog for each endpoint: its fields start from that endpoint's filters.
      key={endpoint?.id ?? 'none'}
      org={props.org}
      endpoint={endpoint}
      onClose={props.onClose}
    />
  );
}

function FiltersDialog(props: { org: string; endpoint: WebhookEndpoint | null; onClose(): void }) {
  const { t } = useTranslation();
  const { org, endpoint, onClose } = props;
  const queryClient = useQueryClient();
  const [value, setValue] = useState<WebhookFilterValue | null>(endpoint ? filtersOf(endpoint) : null);
  const save = useMutation({
    mutationFn: (v: WebhookFilterValue) =>
      api<WebhookEndpoint>(
        'PUT',
        orgPath(org, `alert-webhooks/${encodeURIComponent(endpoint?.id ?? '')}/filters`),
        {
          min_severity: v.minSeverity,
          kinds: v.kinds,
          only_affected: v.onlyAffected,
        },
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['alerts', org, 'webhooks'] });
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value) save.mutate(value);
  };
  return (
    <AppModal opened={endpoint !== null} onClose={onClose} title={t('alerts.settings.filtersTitle')}>
      {endpoint && value && (
        <form onSubmit={submit} noValidate aria-label={t('alerts.settings.filtersTitle')}>
          <Stack>
            <Text size="sm" style={{ wordBreak: 'break-all' }}>
              {t('alerts.settings.filtersIntro', { url: endpoint.url })}
            </Text>
            <WebhookFilterFields value={value} onChange={setValue} />
            <ErrorAlert title={t('alerts.settings.saveFailed')} error={save.error} />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={save.isPending} disabled={value.kinds.length === 0}>
                {t('alerts.settings.saveFilters')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </AppModal>
  );
}
