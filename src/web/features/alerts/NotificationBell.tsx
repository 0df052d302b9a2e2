import { Anchor, Badge, Button, Group, Popover, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { useCursorList } from '../../components/useCursorList';
import { canReadAlerts } from './access';
import { AlertSeverityBadge, useAlertFormats } from './format';
import { type AlertNotification, notificationsKey, orgPath, UNREAD_REFRESH_MS } from './subscription';

function BellIcon() {
  return (
    <svg
      aria-hidden="true"
      focusable="false"
      width="18"
      height="18"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/**
 * The person's in-app notifications of alerts in the current organisation: a bell in the header
 * with the unread count, opening the newest notifications; opening one shows the alert, whose page
 * marks it read.
 */
export function NotificationBell() {
  const { current } = useOrg();
  if (!current || !canReadAlerts(current)) return null;
  return <Bell key={current.org} org={current.org} />;
}

function Bell({ org }: { org: string }) {
  const { t } = useTranslation();
  const f = useAlertFormats();
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const key = notificationsKey(org);
  const unread = useQuery({
    queryKey: [...key, 'unread'],
    queryFn: () => api<{ unread: number }>('GET', orgPath(org, 'notifications/unread')),
    refetchInterval: UNREAD_REFRESH_MS,
    retry: false,
  });
  const list = useCursorList<AlertNotification>({
    queryKey: [...key, 'list'],
    path: orgPath(org, 'notifications'),
    limit: 10,
    enabled: opened,
    retry: false,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const markAll = useMutation({
    mutationFn: () => api('POST', orgPath(org, 'notifications/read-all')),
    onSettled: refresh,
  });
  const count = unread.data?.unread ?? 0;
  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="bottom-end"
      width={380}
      shadow="md"
      trapFocus
      returnFocus
    >
      <Popover.Target>
        <Button
          variant="default"
          size="xs"
          data-testid="notification-bell"
          aria-label={t('alerts.notifications.bell', { count })}
          onClick={() => {
            if (!opened) void refresh();
            setOpened((o) => !o);
          }}
          leftSection={<BellIcon />}
        >
          <span aria-hidden="true" data-testid="notification-unread">
            {count}
          </span>
        </Button>
      </Popover.Target>
      <Popover.Dropdown data-testid="notifications">
        <Stack gap="xs">
          <Title order={2} size="h5">
            {t('alerts.notifications.title')}
          </Title>
          <ErrorAlert title={t('app.error')} error={list.error} />
          {list.isPending && <Text role="status">{t('app.loading')}</Text>}
          {list.isSuccess && list.items.length === 0 && (
            <Text size="sm">{t('alerts.notifications.empty')}</Text>
          )}
          {list.items.length > 0 && (
            <Stack component="ul" gap={6} m={0} p={0} style={{ listStyle: 'none' }}>
              {list.items.map((n) => (
                <li key={n.id} data-testid="notification" data-read={n.read_at !== null}>
                  <Group gap={6} wrap="nowrap" align="flex-start">
                    <Stack gap={2}>
                      <Anchor
                        size="sm"
                        fw={n.read_at ? 400 : 700}
                        renderRoot={(props) => (
                          <Link {...props} to="/alerts/$id" params={{ id: n.alert_id }} />
                        )}
                        // The alert's page marks its notification read when it opens.
                        onClick={() => setOpened(false)}
                      >
                        {n.title}
                        {!n.read_at && (
                          <VisuallyHidden>{` (${t('alerts.notifications.unread')})`}</VisuallyHidden>
                        )}
                      </Anchor>
                      <Group gap={6}>
                        <AlertSeverityBadge severity={n.severity} />
                        <Text size="xs" c="dimmed">
                          {f.moment(n.created_at)}
                        </Text>
                        {!n.read_at && (
                          <Badge size="xs" variant="filled" color="blue" aria-hidden="true">
                            {t('alerts.notifications.new')}
                          </Badge>
                        )}
                      </Group>
                    </Stack>
                  </Group>
                </li>
              ))}
            </Stack>
          )}
          <LoadMoreButton query={list} label={t('alerts.notifications.more')} />
          <Group justify="space-between">
            {count > 0 ? (
              <Button
                size="xs"
                variant="default"
                onClick={() => markAll.mutate()}
                loading={markAll.isPending}
              >
                {t('alerts.notifications.markAll')}
              </Button>
            ) : (
              <span />
            )}
            <Anchor
              size="sm"
              renderRoot={(props) => <Link {...props} to="/alerts/subscription" />}
              onClick={() => setOpened(false)}
            >
              {t('alerts.notifications.settings')}
            </Anchor>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
