import {
  Alert,
  Anchor,
  Button,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/CopyField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { AlertSeverityBadge, useAlertFormats } from './format';
import {
  canManageAlertSettings,
  type DeadLetter,
  type DutyAddress,
  type WebhookCreated,
  type WebhookEndpoint,
} from './settings';
import { ALERT_KINDS, orgPath } from './subscription';
import { EditWebhookFilters, WebhookFilterFields, type WebhookFilterValue } from './WebhookFilters';

/**
 * The organisation's alert settings (admins and security officers): the duty address that
 * receives every alert addressed to the organisation, and the webhook endpoints with the
 * deliveries that failed for good.
 */
export function AlertSettingsPage() {
  const { t } = useTranslation();
  const { current, nameOf } = useOrg();
  const org = current?.org ?? '';
  const may = canManageAlertSettings(current);
  return (
    <Stack maw={1100}>
      <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/alerts" />}>
        {t('alerts.backToList')}
      </Anchor>
      <PageTitle>{t('alerts.settings.title')}</PageTitle>
      {!may ? (
        <Text>{t('alerts.settings.notAllowed')}</Text>
      ) : (
        <>
          <Text>{t('alerts.settings.intro', { org: nameOf(org) })}</Text>
          <DutyAddressForm key={`duty-${org}`} org={org} />
          <Webhooks key={`hooks-${org}`} org={org} />
        </>
      )}
    </Stack>
  );
}

function DutyAddressForm({ org }: { org: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = ['alerts', org, 'settings'];
  const settings = useQuery({
    queryKey: key,
    queryFn: () => api<DutyAddress>('GET', orgPath(org, 'alert-settings')),
    retry: false,
  });
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? settings.data?.duty_address ?? '';
  const save = useMutation({
    mutationFn: (duty: string | null) =>
      api<DutyAddress>('PUT', orgPath(org, 'alert-settings'), { duty_address: duty }),
    onSuccess: (saved) => {
      queryClient.setQueryData(key, saved);
      setDraft(null);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(value.trim() ? value.trim() : null);
  };
  const fieldError =
    save.error instanceof ApiError && save.error.fields.length > 0
      ? t('alerts.settings.dutyInvalid')
      : undefined;
  return (
    <section aria-labelledby="duty-heading">
      <Stack>
        <Title order={2} size="h3" id="duty-heading">
          {t('alerts.settings.dutyTitle')}
        </Title>
        <Text size="sm">{t('alerts.settings.dutyIntro')}</Text>
        <ErrorAlert title={t('app.error')} error={settings.error} />
        <form onSubmit={submit} noValidate aria-labelledby="duty-heading">
          <Group align="flex-end">
            <TextInput
              type="email"
              label={t('alerts.settings.dutyAddress')}
              description={t('alerts.settings.dutyHint')}
              w={380}
              maxLength={254}
              value={value}
              disabled={settings.isPending}
              onChange={(e) => setDraft(e.currentTarget.value)}
              error={fieldError}
              data-testid="duty-address"
            />
            <Button type="submit" loading={save.isPending}>
              {t('alerts.settings.dutySave')}
            </Button>
          </Group>
        </form>
        {!fieldError && <ErrorAlert title={t('alerts.settings.saveFailed')} error={save.error} />}
        {save.isSuccess && (
          <Text role="status" size="sm" data-testid="duty-saved">
            {save.data.duty_address
              ? t('alerts.settings.dutySaved', { address: save.data.duty_address })
              : t('alerts.settings.dutyRemoved')}
          </Text>
        )}
      </Stack>
    </section>
  );
}

function Webhooks({ org }: { org: string }) {
  const { t } = useTranslation();
  const f = useAlertFormats();
  const queryClient = useQueryClient();
  const endpointsKey = ['alerts', org, 'webhooks'];
  const deadKey = ['alerts', org, 'dead-letters'];
  const endpoints = useQuery({
    queryKey: endpointsKey,
    queryFn: () => api<{ items: WebhookEndpoint[] }>('GET', orgPath(org, 'alert-webhooks')),
    retry: false,
  });
  const dead = useQuery({
    queryKey: deadKey,
    queryFn: () => api<{ items: DeadLetter[] }>('GET', orgPath(org, 'alert-webhooks/dead-letters')),
    retry: false,
  });
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [filters, setFilters] = useState<WebhookFilterValue>({
    minSeverity: 'low',
    kinds: [...ALERT_KINDS],
    onlyAffected: false,
  });
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const [removing, setRemoving] = useState<WebhookEndpoint | null>(null);
  const [editing, setEditing] = useState<WebhookEndpoint | null>(null);
  const register = useMutation({
    mutationFn: () =>
      api<WebhookCreated>('POST', orgPath(org, 'alert-webhooks'), {
        url: url.trim(),
        min_severity: filters.minSeverity,
        kinds: filters.kinds,
        only_affected: filters.onlyAffected,
        ...(description.trim() ? { description: description.trim() } : {}),
      }),
    onSuccess: async (done) => {
      setCreated(done);
      setUrl('');
      setDescription('');
      await queryClient.invalidateQueries({ queryKey: endpointsKey });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api<void>('DELETE', orgPath(org, `alert-webhooks/${encodeURIComponent(id)}`)),
    onSuccess: async () => {
      setRemoving(null);
      setCreated(null);
      await queryClient.invalidateQueries({ queryKey: endpointsKey });
      await queryClient.invalidateQueries({ queryKey: deadKey });
    },
  });
  const retry = useMutation({
    mutationFn: (id: string) =>
      api<{ id: string }>(
        'POST',
        orgPath(org, `alert-webhooks/dead-letters/${encodeURIComponent(id)}/retry`),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deadKey }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate();
  };
  const items = endpoints.data?.items ?? [];
  const letters = dead.data?.items ?? [];
  return (
    <>
      <section aria-labelledby="webhooks-heading">
        <Stack>
          <Title order={2} size="h3" id="webhooks-heading">
            {t('alerts.settings.webhooksTitle')}
          </Title>
          <Text size="sm">{t('alerts.settings.webhooksIntro')}</Text>
          <ErrorAlert title={t('app.error')} error={endpoints.error} />
          {created && (
            <Alert color="green" title={t('alerts.settings.secretTitle')} data-testid="webhook-secret">
              <Stack gap="xs">
                <Text size="sm">{t('alerts.settings.secretOnce', { url: created.url })}</Text>
                <CopyField
                  label={t('alerts.settings.secret')}
                  value={created.secret}
                  testId="webhook-secret-value"
                />
              </Stack>
            </Alert>
          )}
          {items.length > 0 ? (
            <Table.ScrollContainer minWidth={700}>
              <Table striped data-testid="webhooks">
                <VisuallyHidden component="caption">{t('alerts.settings.webhooksCaption')}</VisuallyHidden>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('alerts.settings.url')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.settings.description')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.settings.minSeverity')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.subscription.kinds')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.settings.created')}</Table.Th>
                    <Table.Th scope="col">
                      <VisuallyHidden>{t('alerts.settings.actions')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((w) => (
                    <Table.Tr key={w.id} data-testid="webhook-row">
                      <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                        {w.url}
                      </Table.Td>
                      <Table.Td>{w.description ?? ''}</Table.Td>
                      <Table.Td>
                        <AlertSeverityBadge severity={w.min_severity} />
                      </Table.Td>
                      <Table.Td>
                        {w.kinds.map((k) => t(`alerts.subscription.kind.${k}`)).join(', ')}
                        {w.only_affected && (
                          <Text size="xs" c="dimmed">
                            {t('alerts.subscription.onlyAffected')}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{f.moment(w.created_at)}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => setEditing(w)}
                            aria-label={t('alerts.settings.filtersLabel', { url: w.url })}
                          >
                            {t('alerts.settings.filters')}
                          </Button>
                          <Button
                            size="xs"
                            variant="default"
                            color="red"
                            onClick={() => setRemoving(w)}
                            aria-label={t('alerts.settings.removeLabel', { url: w.url })}
                          >
                            {t('alerts.settings.remove')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          ) : (
            endpoints.isSuccess && <Text>{t('alerts.settings.noWebhooks')}</Text>
          )}
          <form onSubmit={submit} noValidate aria-label={t('alerts.settings.registerTitle')}>
            <Stack gap="xs">
              <Title order={3} size="h4">
                {t('alerts.settings.registerTitle')}
              </Title>
              <Group align="flex-start" wrap="wrap">
                <TextInput
                  label={t('alerts.settings.url')}
                  description={t('alerts.settings.urlHint')}
                  required
                  w={380}
                  maxLength={300}
                  value={url}
                  onChange={(e) => setUrl(e.currentTarget.value)}
                  data-testid="webhook-url"
                />
                <TextInput
                  label={t('alerts.settings.description')}
                  description={t('alerts.settings.optional')}
                  w={260}
                  maxLength={500}
                  value={description}
                  onChange={(e) => setDescription(e.currentTarget.value)}
                />
              </Group>
              <WebhookFilterFields value={filters} onChange={setFilters} />
              <ErrorAlert title={t('alerts.settings.registerFailed')} error={register.error} />
              <Button
                type="submit"
                loading={register.isPending}
                maw={260}
                disabled={!url.trim() || filters.kinds.length === 0}
              >
                {t('alerts.settings.register')}
              </Button>
            </Stack>
          </form>
        </Stack>
      </section>
      <section aria-labelledby="dead-heading">
        <Stack>
          <Title order={2} size="h3" id="dead-heading">
            {t('alerts.settings.deadTitle')}
          </Title>
          <Text size="sm">{t('alerts.settings.deadIntro')}</Text>
          <ErrorAlert title={t('app.error')} error={dead.error} />
          <ErrorAlert title={t('alerts.settings.retryFailed')} error={retry.error} />
          {retry.isSuccess && (
            <Text role="status" size="sm">
              {t('alerts.settings.retried')}
            </Text>
          )}
          {letters.length > 0 ? (
            <Table.ScrollContainer minWidth={800}>
              <Table striped data-testid="dead-letters">
                <VisuallyHidden component="caption">{t('alerts.settings.deadCaption')}</VisuallyHidden>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('alerts.settings.alert')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.settings.url')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.settings.attempts')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.settings.lastError')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.settings.deadAt')}</Table.Th>
                    <Table.Th scope="col">
                      <VisuallyHidden>{t('alerts.settings.actions')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {letters.map((d) => (
                    <Table.Tr key={d.id} data-testid="dead-letter-row">
                      <Table.Td>{d.title}</Table.Td>
                      <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                        {d.address}
                      </Table.Td>
                      <Table.Td>{d.attempts}</Table.Td>
                      <Table.Td>{d.last_error ?? ''}</Table.Td>
                      <Table.Td>{f.moment(d.dead_at)}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="default"
                          loading={retry.isPending && retry.variables === d.id}
                          onClick={() => retry.mutate(d.id)}
                          aria-label={t('alerts.settings.retryLabel', { title: d.title })}
                        >
                          {t('alerts.settings.retry')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          ) : (
            dead.isSuccess && <Text>{t('alerts.settings.noDead')}</Text>
          )}
        </Stack>
      </section>
      <EditWebhookFilters org={org} endpoint={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        opened={removing !== null}
        title={t('alerts.settings.removeTitle')}
        confirmLabel={t('alerts.settings.remove')}
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing.id)}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
      >
        {t('alerts.settings.removeText', { url: removing?.url ?? '' })}
      </ConfirmDialog>
    </>
  );
}
