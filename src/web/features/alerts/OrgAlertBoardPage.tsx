import { Anchor } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { AlertBoardScreen } from './AlertBoardScreen';
import { canIssueAlerts } from './access';
import { type AlertBoard, BOARD_REFRESH_MS, issuedAlertsKey } from './sector';

/** The live board of one alert the current organisation issued: who received it, who answered what. */
export function OrgAlertBoardPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/shell/alerts/issued/$id' });
  const { current } = useOrg();
  const org = current?.org ?? '';
  const may = canIssueAlerts(current);
  const board = useQuery({
    queryKey: [...issuedAlertsKey(org), 'board', id],
    queryFn: () =>
      api<AlertBoard>(
        'GET',
        `/orgs/${encodeURIComponent(org)}/issued-alerts/${encodeURIComponent(id)}/board`,
      ),
    enabled: may,
    retry: false,
    refetchInterval: BOARD_REFRESH_MS,
  });
  return (
    <AlertBoardScreen
      back={
        <Anchor renderRoot={(props) => <Link {...props} to="/alerts/issued" />} size="sm">
          {t('alerts.org.backToIssued')}
        </Anchor>
      }
      may={may}
      notAllowed={t('alerts.org.issuedNotAllowed')}
      board={board}
    />
  );
}
