import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { PageTitle } from '../../components/PageTitle';
import { useCursorList } from '../../components/useCursorList';
import { canIssueAlerts } from './access';
import { IssuedAlerts } from './IssuedAlerts';
import { issuedAlertsKey, type SectorAlert } from './sector';

/**
 * The alerts the current organisation issued to its own subscribers (and child organisations),
 * newest first, with how many recipients answered and how fast: its admin and security officer.
 */
export function OrgIssuedAlertsPage() {
  const { t } = useTranslation();
  const { current, nameOf } = useOrg();
  const org = current?.org ?? '';
  const may = canIssueAlerts(current);
  const list = useCursorList<SectorAlert>({
    queryKey: [...issuedAlertsKey(org), 'list'],
    path: `/orgs/${encodeURIComponent(org)}/issued-alerts`,
    limit: 50,
    enabled: may,
    retry: false,
  });
  return (
    <Stack maw={1200}>
      <Anchor renderRoot={(props) => <Link {...props} to="/alerts" />} size="sm">
        {t('alerts.org.backToAlerts')}
      </Anchor>
      <PageTitle>{t('alerts.org.issuedTitle')}</PageTitle>
      {!may ? (
        <Text>{t('alerts.org.issuedNotAllowed')}</Text>
      ) : (
        <>
          <Group justify="space-between" wrap="wrap">
            <Text>{t('alerts.org.issuedIntro', { organisation: nameOf(org) })}</Text>
            <Button renderRoot={(props) => <Link {...props} to="/alerts/new" />}>
              {t('alerts.org.write')}
            </Button>
          </Group>
          <IssuedAlerts
            list={list}
            caption={t('alerts.org.issuedCaption', { organisation: nameOf(org) })}
            empty={t('alerts.org.issuedEmpty')}
            testId="issued-alert"
            boardLink={(a) => (
              <Anchor
                inherit
                renderRoot={(props) => <Link {...props} to="/alerts/issued/$id" params={{ id: a.id }} />}
              >
                {a.title}
              </Anchor>
            )}
          />
        </>
      )}
    </Stack>
  );
}
