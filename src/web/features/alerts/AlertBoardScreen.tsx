import { Group, Paper, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { ANSWER_STATUSES } from './access';
import { AlertSeverityBadge, AnswerBadge, TlpBadge, useAlertFormats } from './format';
import { type AlertBoard, BOARD_REFRESH_MS, type BoardOrganisation } from './sector';
import { useMedianAck } from './sector-format';

/** Unanswered organisations first, then by name. */
const byUnansweredThenName = (a: BoardOrganisation, b: BoardOrganisation) =>
  Number(a.answer !== null) - Number(b.answer !== null) || a.org.name.localeCompare(b.org.name);

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg">
        {value}
      </Text>
    </Paper>
  );
}

/**
 * One issued alert's live board (the sector coordinator's or an organisation's own): who received
 * it, who answered what and when, escalations. The page reads `board` (refreshed every
 * BOARD_REFRESH_MS) and says who may see it.
 */
export function AlertBoardScreen({
  back,
  may,
  notAllowed,
  board,
}: {
  back: ReactNode;
  may: boolean;
  notAllowed: string;
  board: UseQueryResult<AlertBoard>;
}) {
  const { t } = useTranslation();
  const f = useAlertFormats();
  const medianAck = useMedianAck();
  const data = board.data;
  const alert = data?.alert;
  const organisations = [...(data?.organisations ?? [])].sort(byUnansweredThenName);
  return (
    <Stack maw={1200}>
      {back}
      <PageTitle>{alert?.title ?? t('alerts.sector.boardTitle')}</PageTitle>
      {!may && <Text>{notAllowed}</Text>}
      <ErrorAlert title={t('app.error')} error={board.error} />
      {board.isPending && may && <Text role="status">{t('app.loading')}</Text>}
      {alert && data && (
        <>
          <Group gap="sm" data-testid="board-head">
            <AlertSeverityBadge severity={alert.severity} />
            <TlpBadge tlp={alert.tlp} />
            <Text size="sm">{t('alerts.publishedAt', { at: f.moment(alert.issued_at) })}</Text>
            <Text size="sm" c="dimmed">
              {t('alerts.sector.liveHint', { seconds: BOARD_REFRESH_MS / 1000 })}
            </Text>
          </Group>
          {/* A Group, not a responsive SimpleGrid: that injects a <style> element the CSP refuses. */}
          <Group grow wrap="wrap" align="stretch">
            <Figure
              testId="board-recipients"
              label={t('alerts.sector.fields.recipients')}
              value={String(alert.recipients)}
            />
            <Figure
              testId="board-answered"
              label={t('alerts.sector.fields.answered')}
              value={t('alerts.sector.answeredOf', {
                answered: alert.answered,
                recipients: alert.recipients,
              })}
            />
            <Figure
              testId="board-median"
              label={t('alerts.sector.fields.medianAck')}
              value={medianAck(alert.median_ack_seconds)}
            />
          </Group>
          <Group
            gap="lg"
            data-testid="board-by-status"
            component="section"
            aria-label={t('alerts.sector.byStatus')}
          >
            <Text size="sm" fw={600}>
              {t('alerts.sector.byStatus')}
            </Text>
            <Text size="sm" data-status="none">
              {t('alerts.status.none')}: {alert.recipients - alert.answered}
            </Text>
            {ANSWER_STATUSES.map((s) => (
              <Text size="sm" key={s} data-status={s}>
                {t(`alerts.status.${s}`)}: {data.by_status[s] ?? 0}
              </Text>
            ))}
          </Group>
          <Table.ScrollContainer minWidth={1000}>
            <Table striped data-testid="board-organisations" aria-busy={board.isFetching}>
              <VisuallyHidden component="caption">{t('alerts.sector.boardCaption')}</VisuallyHidden>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('alerts.fields.organisation')}</Table.Th>
                  <Table.Th scope="col">{t('alerts.sector.fields.mails')}</Table.Th>
                  <Table.Th scope="col">{t('alerts.sector.fields.firstAnswer')}</Table.Th>
                  <Table.Th scope="col">{t('alerts.fields.currentAnswer')}</Table.Th>
                  <Table.Th scope="col">{t('alerts.sector.fields.escalation')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {organisations.map((o) => (
                  <Table.Tr key={o.org.id} data-testid="board-row" data-org={o.org.slug}>
                    <Table.Th scope="row" fw={400}>
                      {o.org.name}
                    </Table.Th>
                    <Table.Td>
                      {o.mails === 0
                        ? t('alerts.sector.noMails')
                        : t('alerts.sector.mailsSent', {
                            sent: o.mails_sent,
                            queued: o.mails - o.mails_sent,
                          })}
                    </Table.Td>
                    <Table.Td>{o.first_answer_at ? f.moment(o.first_answer_at) : '–'}</Table.Td>
                    <Table.Td data-testid="board-answer">
                      <Stack gap={2}>
                        <Group gap="xs">
                          <AnswerBadge answer={o.answer} />
                          {o.answer && <Text size="sm">{f.moment(o.answer.answered_at)}</Text>}
                        </Group>
                        {o.answer?.note && (
                          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                            {o.answer.note}
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>{o.escalation ? t(`alerts.sector.escalation.${o.escalation}`) : '–'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {organisations.length === 0 && <Text>{t('alerts.sector.noRecipients')}</Text>}
        </>
      )}
    </Stack>
  );
}
