import { Anchor, Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { useCursorList } from '../../components/useCursorList';
import { isSectorCoordinator } from '../advisories/access';
import { AlertSeverityBadge, TlpBadge, useAlertFormats } from './format';
import { type SectorAlert, sectorAlertsKey } from './sector';
import { useMedianAck } from './sector-format';

/** The sector unit's issued alerts, newest first, with how many recipients answered and how fast. */
export function SectorAlertsPage() {
  const { t } = useTranslation();
  const f = useAlertFormats();
  const medianAck = useMedianAck();
  const { memberships } = useOrg();
  const may = isSectorCoordinator(memberships);
  const list = useCursorList<SectorAlert>({
    queryKey: [...sectorAlertsKey, 'list'],
    path: '/sector/alerts',
    limit: 50,
    enabled: may,
    retry: false,
  });
  const items = list.items;
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
          <ErrorAlert title={t('app.error')} error={list.error} />
          {list.isPending && <Text role="status">{t('app.loading')}</Text>}
          {items.length > 0 && (
            <Table.ScrollContainer minWidth={900}>
              <Table striped data-testid="sector-alerts" aria-busy={list.isFetching}>
                <VisuallyHidden component="caption">{t('alerts.sector.caption')}</VisuallyHidden>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('alerts.fields.published')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.fields.title')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.fields.severity')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.fields.tlp')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.sector.fields.answered')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.sector.fields.medianAck')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((a) => (
                    <Table.Tr key={a.id} data-testid="sector-alert-row">
                      <Table.Td>{f.moment(a.issued_at)}</Table.Td>
                      <Table.Td>
                        <Anchor
                          inherit
                          renderRoot={(props) => (
                            <Link {...props} to="/sector/alerts/$id" params={{ id: a.id }} />
                          )}
                        >
                          {a.title}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <AlertSeverityBadge severity={a.severity} />
                      </Table.Td>
                      <Table.Td>
                        <TlpBadge tlp={a.tlp} />
                      </Table.Td>
                      <Table.Td data-testid="sector-alert-answered">
                        {t('alerts.sector.answeredOf', { answered: a.answered, recipients: a.recipients })}
                      </Table.Td>
                      <Table.Td data-testid="sector-alert-median">{medianAck(a.median_ack_seconds)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {list.isSuccess && items.length === 0 && <Text>{t('alerts.sector.empty')}</Text>}
          <LoadMoreButton query={list} label={t('alerts.more')} maw={240} />
        </>
      )}
    </Stack>
  );
}
