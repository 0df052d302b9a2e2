import { Anchor, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { useCursorList } from '../../components/useCursorList';
import { canIssueAlerts, canReadAlerts, type InboxItem } from './access';
import { AlertSeverityBadge, AnswerBadge, TlpBadge, useAlertFormats } from './format';
import { AlertLink } from './links';
import { canManageAlertSettings } from './settings';

/** The current organisation's received alerts, newest first, each with its latest answer. */
export function AlertsPage() {
  const { t } = useTranslation();
  const f = useAlertFormats();
  const { current, nameOf } = useOrg();
  const org = current?.org ?? '';
  const may = canReadAlerts(current);
  const list = useCursorList<InboxItem>({
    queryKey: ['alerts', org, 'list'],
    path: `/orgs/${encodeURIComponent(org)}/alerts`,
    limit: 50,
    enabled: may,
    retry: false,
  });
  const items = list.items;
  return (
    <Stack maw={1200}>
      <PageTitle>{t('alerts.title')}</PageTitle>
      {canManageAlertSettings(current) && (
        <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/alerts/settings" />}>
          {t('alerts.settings.link')}
        </Anchor>
      )}
      {canIssueAlerts(current) && (
        <>
          <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/alerts/new" />}>
            {t('alerts.org.write')}
          </Anchor>
          <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/alerts/issued" />}>
            {t('alerts.org.issuedLink')}
          </Anchor>
        </>
      )}
      {!may ? (
        <Text>{t('alerts.notAllowed')}</Text>
      ) : (
        <>
          <Text>{t('alerts.intro', { org: nameOf(org) })}</Text>
          <ErrorAlert title={t('app.error')} error={list.error} />
          {list.isPending && <Text role="status">{t('app.loading')}</Text>}
          {items.length > 0 && (
            <Table.ScrollContainer minWidth={800}>
              <Table striped data-testid="alerts" aria-busy={list.isFetching}>
                <VisuallyHidden component="caption">
                  {t('alerts.caption', { org: nameOf(org) })}
                </VisuallyHidden>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('alerts.fields.published')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.fields.title')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.fields.severity')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.fields.tlp')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.fields.ourAnswer')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((a) => (
                    <Table.Tr key={a.id} data-testid="alert-row">
                      <Table.Td>{f.moment(a.created_at)}</Table.Td>
                      <Table.Td>
                        <AlertLink id={a.id}>{a.title}</AlertLink>
                      </Table.Td>
                      <Table.Td>
                        <AlertSeverityBadge severity={a.severity} />
                      </Table.Td>
                      <Table.Td>
                        <TlpBadge tlp={a.tlp} />
                      </Table.Td>
                      <Table.Td data-testid="alert-answer">
                        <AnswerBadge answer={a.answer} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {list.isSuccess && items.length === 0 && <Text>{t('alerts.empty')}</Text>}
          <LoadMoreButton query={list} label={t('alerts.more')} maw={240} />
        </>
      )}
    </Stack>
  );
}
