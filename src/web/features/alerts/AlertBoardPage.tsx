import { Anchor } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { isSectorCoordinator } from '../advisories/access';
import { AlertBoardScreen } from './AlertBoardScreen';
import { type AlertBoard, BOARD_REFRESH_MS, sectorAlertsKey } from './sector';

/** One alert's live board for the sector coordinator: who received it, who answered what and when. */
export function AlertBoardPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/shell/sector/alerts/$id' });
  const { memberships } = useOrg();
  const may = isSectorCoordinator(memberships);
  const board = useQuery({
    queryKey: [...sectorAlertsKey, 'board', id],
    queryFn: () => api<AlertBoard>('GET', `/sector/alerts/${encodeURIComponent(id)}/board`),
    enabled: may,
    retry: false,
    refetchInterval: BOARD_REFRESH_MS,
  });
  return (
    <AlertBoardScreen
      back={
        <Anchor renderRoot={(props) => <Link {...props} to="/sector/alerts" />} size="sm">
          {t('alerts.sector.backToList')}
        </Anchor>
      }
      may={may}
      notAllowed={t('alerts.sector.notAllowed')}
      board={board}
    />
  );
}
