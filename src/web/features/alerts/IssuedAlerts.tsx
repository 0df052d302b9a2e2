import { Table, Text, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import type { useCursorList } from '../../components/useCursorList';
import { AlertSeverityBadge, TlpBadge, useAlertFormats } from './format';
import type { SectorAlert } from './sector';
import { useMedianAck } from './sector-format';

/**
 * Issued alerts (the sector unit's or an organisation's own), newest first, as the list pages
 * them: when, title (a link to the alert's board), severity, label, how many recipients answered
 * and how fast; "more" while there are more. `testId` names the table (`<testId>s`), its rows
 * (`<testId>-row`) and the answered and median cells.
 */
export function IssuedAlerts({
  list,
  caption,
  empty,
  testId,
  boardLink,
}: {
  list: ReturnType<typeof useCursorList<SectorAlert>>;
  caption: string;
  empty: string;
  testId: string;
  boardLink: (alert: SectorAlert) => ReactNode;
}) {
  const { t } = useTranslation();
  const items = list.items;
  return (
    <>
      <ErrorAlert title={t('app.error')} error={list.error} />
      {list.isPending && <Text role="status">{t('app.loading')}</Text>}
      {items.length > 0 && (
        <IssuedAlertsTable
          items={items}
          busy={list.isFetching}
          caption={caption}
          testId={testId}
          boardLink={boardLink}
        />
      )}
      {list.isSuccess && items.length === 0 && <Text>{empty}</Text>}
      <LoadMoreButton query={list} label={t('alerts.more')} maw={240} />
    </>
  );
}

function IssuedAlertsTable({
  items,
  busy,
  caption,
  testId,
  boardLink,
}: {
  items: readonly SectorAlert[];
  busy: boolean;
  caption: string;
  testId: string;
  boardLink: (alert: SectorAlert) => ReactNode;
}) {
  const { t } = useTranslation();
  const f = useAlertFormats();
  const medianAck = useMedianAck();
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped data-testid={`${testId}s`} aria-busy={busy}>
        <VisuallyHidden component="caption">{caption}</VisuallyHidden>
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
            <Table.Tr key={a.id} data-testid={`${testId}-row`}>
              <Table.Td>{f.moment(a.issued_at)}</Table.Td>
              <Table.Td>{boardLink(a)}</Table.Td>
              <Table.Td>
                <AlertSeverityBadge severity={a.severity} />
              </Table.Td>
              <Table.Td>
                <TlpBadge tlp={a.tlp} />
              </Table.Td>
              <Table.Td data-testid={`${testId}-answered`}>
                {t('alerts.sector.answeredOf', { answered: a.answered, recipients: a.recipients })}
              </Table.Td>
              <Table.Td data-testid={`${testId}-median`}>{medianAck(a.median_ack_seconds)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
