import { Alert, Anchor, Group, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { AnswerForm, type AnswerInput } from './AnswerForm';
import type { AlertDetail } from './access';
import { AlertSeverityBadge, AnswerBadge, TlpBadge, useAlertFormats } from './format';
import { notificationsKey, orgPath } from './subscription';

const TEXT_STYLE = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } as const;

function Section({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" data-testid={testId} component="section" aria-label={title}>
      <Title order={2} size="h4" mb="xs">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/**
 * One alert the current organisation received: its text, the recommended action, every answer
 * the organisation gave, and the answer form when the server says the person may answer
 * (`may_answer`). Opening it marks the person's notification of it read; an e-mail's view link
 * (`?org=`) opens it in the recipient organisation.
 */
export function AlertPage() {
  const { t } = useTranslation();
  const f = useAlertFormats();
  const { id } = useParams({ from: '/shell/alerts/$id' });
  const { org: linked } = useSearch({ from: '/shell/alerts/$id' });
  const navigate = useNavigate();
  const { current, memberships, select } = useOrg();
  // An e-mail's view link names the recipient organisation (`?org=`): the page opens in it and
  // selects it in the header, then drops it from the address so the header's switch rules again.
  const linkedOrg = memberships.find((m) => m.org === linked);
  const org = (linkedOrg ?? current)?.org ?? '';
  useEffect(() => {
    if (linked === undefined) return;
    if (linkedOrg && linkedOrg.org !== current?.org) select(linkedOrg.org);
    void navigate({ to: '/alerts/$id', params: { id }, search: {}, replace: true });
  }, [linked, linkedOrg, current?.org, select, navigate, id]);
  const queryClient = useQueryClient();
  const key = ['alerts', org, 'alert', id];
  const detail = useQuery({
    queryKey: key,
    queryFn: () =>
      api<AlertDetail>('GET', `/orgs/${encodeURIComponent(org)}/alerts/${encodeURIComponent(id)}`),
    enabled: org !== '',
    retry: false,
  });
  const answer = useMutation({
    mutationFn: (input: AnswerInput) =>
      api<AlertDetail>(
        'POST',
        `/orgs/${encodeURIComponent(org)}/alerts/${encodeURIComponent(id)}/answer`,
        input,
      ),
    onSuccess: async (updated) => {
      queryClient.setQueryData(key, updated);
      await queryClient.invalidateQueries({ queryKey: ['alerts', org, 'list'] });
    },
  });
  // Opening the alert marks the person's notification of it read, from whichever list it was
  // opened (the bell, the inbox, a link); the bell's count follows.
  const { mutate: markRead } = useMutation({
    mutationFn: (alertId: string) =>
      api<{ marked: number }>(
        'POST',
        orgPath(org, `alerts/${encodeURIComponent(alertId)}/notification/read`),
      ),
    onSuccess: async ({ marked }) => {
      if (marked > 0) await queryClient.invalidateQueries({ queryKey: notificationsKey(org) });
    },
  });
  const openedId = detail.data?.id;
  useEffect(() => {
    if (openedId) markRead(openedId);
  }, [openedId, markRead]);
  const alert = detail.data;
  return (
    <Stack maw={1000}>
      <Anchor size="sm" renderRoot={(props) => <Link {...props} to="/alerts" />}>
        {t('alerts.backToList')}
      </Anchor>
      <PageTitle>{alert ? alert.title : t('alerts.alert.title')}</PageTitle>
      <ErrorAlert title={t('app.error')} error={detail.error} />
      {detail.isPending && org !== '' && <Text role="status">{t('app.loading')}</Text>}
      {alert && (
        <>
          <Group gap="sm">
            <AlertSeverityBadge severity={alert.severity} />
            <TlpBadge tlp={alert.tlp} />
            <Text size="sm">{t('alerts.publishedAt', { at: f.moment(alert.created_at) })}</Text>
          </Group>
          <Section title={t('alerts.alert.body')} testId="alert-body">
            <Text style={TEXT_STYLE}>{alert.body}</Text>
          </Section>
          {alert.recommended_action && (
            <Section title={t('alerts.alert.action')} testId="alert-action">
              <Text style={TEXT_STYLE}>{alert.recommended_action}</Text>
            </Section>
          )}
          <Section title={t('alerts.alert.history')} testId="alert-history">
            {alert.answers.length === 0 ? (
              <Text>{t('alerts.alert.noAnswers')}</Text>
            ) : (
              <Table.ScrollContainer minWidth={640}>
                <Table striped>
                  <VisuallyHidden component="caption">{t('alerts.alert.history')}</VisuallyHidden>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('alerts.fields.answeredAt')}</Table.Th>
                      <Table.Th scope="col">{t('alerts.fields.answer')}</Table.Th>
                      <Table.Th scope="col">{t('alerts.fields.note')}</Table.Th>
                      <Table.Th scope="col">{t('alerts.fields.answeredBy')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {alert.answers.map((a) => (
                      <Table.Tr key={`${a.answered_at}-${a.status}`} data-testid="answer-row">
                        <Table.Td>{f.moment(a.answered_at)}</Table.Td>
                        <Table.Td>
                          <AnswerBadge answer={a} />
                        </Table.Td>
                        <Table.Td style={TEXT_STYLE}>{a.note ?? '—'}</Table.Td>
                        <Table.Td>{`${a.answered_by} (${t(`alerts.via.${a.via}`)})`}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Section>
          {/* The server decides who answers (vaern_alert_may_answer): roles and people named on the alert. */}
          {alert.may_answer ? (
            <Section title={t('alerts.answer.formTitle')} testId="alert-answer-form">
              {answer.isSuccess && (
                <Alert color="green" role="status" mb="sm" title={t('alerts.answer.doneTitle')}>
                  {t('alerts.answer.saved', {
                    status: t(`alerts.status.${answer.variables.status}`),
                  })}
                </Alert>
              )}
              <AnswerForm
                pending={answer.isPending}
                error={answer.error}
                onAnswer={(input) => answer.mutate(input)}
              />
            </Section>
          ) : (
            <Text size="sm" data-testid="alert-not-answerer">
              {t('alerts.answer.notAnswererApp')}
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}
