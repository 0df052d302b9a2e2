import { Alert, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { PublicCard, tokenFromHash } from '../account/PublicCard';
import { AnswerForm, type AnswerInput } from './AnswerForm';
import type { AlertAnswer, LinkView } from './access';
import { AlertSeverityBadge, AnswerBadge, TlpBadge, useAlertFormats } from './format';

/**
 * The page an alert e-mail's answer link opens, with or without a session. The token stays in the
 * fragment and goes only in the API's path. Opening the page only reads (mail scanners follow
 * links); the answer is recorded when the button is pressed. A link of a person who may not answer
 * for the organisation (the GET's `may_answer`) shows the alert, who may answer, and no form.
 */
export function AlertAnswerPage() {
  const { t } = useTranslation();
  const [token] = useState(tokenFromHash);
  const queryClient = useQueryClient();
  const key = ['alert-link', token];
  const view = useQuery({
    queryKey: key,
    queryFn: () => api<LinkView>('GET', `/alert-links/${encodeURIComponent(token ?? '')}`),
    enabled: token !== null,
    retry: false,
  });
  const answer = useMutation({
    mutationFn: (input: AnswerInput) =>
      api<AlertAnswer>('POST', `/alert-links/${encodeURIComponent(token ?? '')}`, input),
    onSuccess: (recorded) =>
      queryClient.setQueryData<LinkView>(key, (v) => (v ? { ...v, answer: recorded } : v)),
  });
  const failed = view.error ?? answer.error;
  const invalid =
    token === null ||
    (failed instanceof ApiError && (failed.code === 'alerts.link_invalid' || failed.status === 400));
  const data = view.data;
  return (
    <PublicCard>
      <Stack>
        <PageTitle>{t('alerts.answer.title')}</PageTitle>
        {invalid ? (
          <>
            <Alert color="red" role="alert" title={t('alerts.answer.invalidTitle')}>
              {failed instanceof ApiError ? failed.title : t('alerts.answer.linkIncomplete')}
            </Alert>
            <Text>{t('alerts.answer.invalidHint')}</Text>
          </>
        ) : (
          <>
            <ErrorAlert title={t('app.error')} error={view.error} />
            {view.isPending && <Text role="status">{t('app.loading')}</Text>}
            {data && (
              <>
                <LinkSummary view={data} />
                {answer.isSuccess && (
                  <Alert color="green" role="status" title={t('alerts.answer.doneTitle')}>
                    {t('alerts.answer.done', {
                      status: t(`alerts.status.${answer.data.status}`),
                      org: data.organisation.name,
                    })}
                  </Alert>
                )}
                {data.may_answer ? (
                  <>
                    <Title order={2} size="h4">
                      {t('alerts.answer.formTitle')}
                    </Title>
                    <Text size="sm">{t('alerts.answer.formIntro', { as: data.answering_as })}</Text>
                    <AnswerForm
                      statuses={data.statuses}
                      pending={answer.isPending}
                      error={answer.error}
                      onAnswer={(input) => answer.mutate(input)}
                    />
                  </>
                ) : (
                  <Alert
                    color="yellow"
                    title={t('alerts.answer.notAnswererTitle')}
                    data-testid="alert-not-answerer"
                  >
                    {t('alerts.answer.notAnswerer', { as: data.answering_as, org: data.organisation.name })}
                  </Alert>
                )}
              </>
            )}
          </>
        )}
      </Stack>
    </PublicCard>
  );
}

/** What the link answers: the alert, the organisation, and its current answer. */
function LinkSummary({ view }: { view: LinkView }) {
  const { t } = useTranslation();
  const f = useAlertFormats();
  const rows: Array<[string, ReactNode]> = [
    [t('alerts.fields.title'), view.alert.title],
    [t('alerts.fields.severity'), <AlertSeverityBadge key="s" severity={view.alert.severity} />],
    [t('alerts.fields.tlp'), <TlpBadge key="tlp" tlp={view.alert.tlp} />],
    [t('alerts.fields.organisation'), view.organisation.name],
    [
      t('alerts.fields.currentAnswer'),
      <Group key="a" gap="xs">
        <AnswerBadge answer={view.answer} />
        {view.answer && (
          <Text size="sm">
            {t('alerts.answeredBy', { by: view.answer.answered_by, at: f.moment(view.answer.answered_at) })}
          </Text>
        )}
      </Group>,
    ],
  ];
  return (
    <Stack gap="sm">
      <Table data-testid="alert-link-summary" withRowBorders={false}>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th scope="row" w={180}>
                {label}
              </Table.Th>
              <Table.Td>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {view.answer?.note && (
        <Text size="sm" data-testid="alert-link-note">
          {`${t('alerts.fields.note')}: ${view.answer.note}`}
        </Text>
      )}
      {view.alert.body === null ? (
        <Text size="sm">{t('alerts.answer.restricted', { tlp: view.alert.tlp })}</Text>
      ) : (
        <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="alert-body">
          {view.alert.body}
        </Text>
      )}
    </Stack>
  );
}
