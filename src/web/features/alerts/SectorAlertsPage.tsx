import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { PageTitle } from '../../components/PageTitle';
import { useCursorList } from '../../components/useCursorList';
import { isSectorCoordinator } from '../advisories/access';
import { IssuedAlerts } from './IssuedAlerts';
import { type SectorAlert, sectorAlertsKey } from './sector';

/** The sector unit's issued alerts, newest first, with how many recipients answered and how fast. */
export function SectorAlertsPage() {
  const { t } = useTranslation();
  const { memberships } = useOrg();
  const may = isSectorCoordinator(memberships);
  const list = useCursorList<SectorAlert>({
    queryKey: [...sectorAlertsKey, 'list'],
    path: '/sector/alerts',
    limit: 50,
    enabled: may,
    retry: false,
  });
  return (
    <Stack maw={1200}>
      <PageTitle>{t('alerts.sector.title')}</PageTitle>
      {!may ? (
        <Text>{t('alerts.sector.notAllowed')}</Text>
      ) : (
        <>
          <Group justify="space-between" wrap="wrap">
            <Text>{t('alerts.sector.intro')}</Text>
            <Button renderRoot={(props) => <Link {...props} to="/sector/alerts/new" />}>
              {t('alerts.sector.write')}
            </Button>
          </Group>
          <IssuedAlerts
            list={list}
            caption={t('alerts.sector.caption')}
            empty={t('alerts.sector.empty')}
            testId="sector-alert"
            boardLink={(a) => (
              <Anchor
                inherit
                renderRoot={(props) => <Link {...props} to="/sector/alerts/$id" params={{ id: a.id }} />}
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
