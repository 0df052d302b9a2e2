import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  List,
  Paper,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Page } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { canReadReports, canSignReports, type SignedReport } from './access';
import { FindingsNav } from './FindingsNav';
import { useFindingFormats } from './format';

type Lang = 'da' | 'en';

/** `YYYY-Qn` of a date, in UTC. */
const quarterOf = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;

/** The current quarter and the one before it: the ones a report is made for (both have begun). */
export function offeredQuarters(now = new Date()): [string, string] {
  const previous = new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3 - 1, 15));
  return [quarterOf(now), quarterOf(previous)];
}

/** The quarterly management report: drafts, signing with a TOTP code, the signed versions. */
export function ReportsPage() {
  const { t, i18n } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/findings/reports' });
  const { memberships, nameOf } = useOrg();
  const f = useFindingFormats();
  const queryClient = useQueryClient();
  const membership = memberships.find((m) => m.org === org);
  const allowed = canReadReports(membership);
  const maySign = canSignReports(membership);
  const quarters = offeredQuarters();
  const [quarter, setQuarter] = useState(quarters[0]);
  const [lang, setLang] = useState<Lang>(i18n.language === 'en' ? 'en' : 'da');
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string>();
  const [signed, setSigned] = useState<SignedReport>();
  const base = `/orgs/${encodeURIComponent(org)}/findings/reports`;
  const list = useInfiniteQuery({
    queryKey: ['findings', org, 'reports'],
    queryFn: ({ pageParam }) =>
      api<Page<SignedReport>>(
        'GET',
        `${base}?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: allowed,
  });
  const sign = useMutation({
    mutationFn: () => api<SignedReport>('POST', base, { quarter, lang, code: code.trim() }),
    onMutate: () => setSigned(undefined),
    onSuccess: async (r) => {
      setCode('');
      setSigned(r);
      await queryClient.invalidateQueries({ queryKey: ['findings', org, 'reports'] });
    },
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <FindingsNav org={org} />
        <PageTitle>{t('findings.reports.title')}</PageTitle>
        <Text data-testid="reports-no-access">{t('findings.reports.noAccess')}</Text>
      </Stack>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const error = /^\d{6}$/.test(code.trim()) ? undefined : t('findings.reports.codeFormat');
    setCodeError(error);
    if (!error) sign.mutate();
  };
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const draftHref = (q: string, l: Lang) => `/api/v1${base}/${q}.pdf?lang=${l}`;
  return (
    <Stack maw={1100}>
      <FindingsNav org={org} />
      <PageTitle>{t('findings.reports.title')}</PageTitle>
      <Text>{t('findings.reports.intro', { org: nameOf(org) })}</Text>

      <Paper withBorder p="md" component="section" aria-labelledby="drafts-heading">
        <Stack gap="sm">
          <Title order={2} size="h4" id="drafts-heading">
            {t('findings.reports.drafts')}
          </Title>
          <Text size="sm">{t('findings.reports.draftsHint')}</Text>
          <List data-testid="drafts">
            {quarters.map((q) => (
              <List.Item key={q}>
                <Group gap="sm">
                  <Text span fw={600}>
                    {q}
                  </Text>
                  {(['da', 'en'] as const).map((l) => (
                    <Anchor
                      key={l}
                      href={draftHref(q, l)}
                      download
                      data-testid={`draft-${q}-${l}`}
                      aria-label={t('findings.reports.draftLink', {
                        quarter: q,
                        language: t(`findings.reports.lang.${l}`),
                      })}
                    >
                      {t(`findings.reports.lang.${l}`)}
                    </Anchor>
                  ))}
                </Group>
              </List.Item>
            ))}
          </List>
        </Stack>
      </Paper>

      {maySign && (
        <Paper withBorder p="md" component="section" aria-labelledby="sign-heading">
          <form onSubmit={submit} aria-label={t('findings.reports.sign')} noValidate>
            <Stack gap="sm" maw={560}>
              <Title order={2} size="h4" id="sign-heading">
                {t('findings.reports.sign')}
              </Title>
              <Text size="sm">{t('findings.reports.signIntro')}</Text>
              <Select
                label={t('findings.reports.quarter')}
                allowDeselect={false}
                w={280}
                value={quarter}
                onChange={(v) => v && setQuarter(v)}
                data={quarters.map((q, i) => ({
                  value: q,
                  label: t(i === 0 ? 'findings.reports.current' : 'findings.reports.previous', {
                    quarter: q,
                  }),
                }))}
              />
              <Radio.Group
                label={t('findings.reports.language')}
                value={lang}
                onChange={(v) => setLang(v as Lang)}
              >
                <Group gap="md" mt={4}>
                  <Radio value="da" label={t('findings.reports.lang.da')} />
                  <Radio value="en" label={t('findings.reports.lang.en')} />
                </Group>
              </Radio.Group>
              <TextInput
                label={t('findings.reports.code')}
                description={t('findings.reports.codeHint')}
                required
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                w={280}
                value={code}
                error={codeError}
                onChange={(e) => setCode(e.currentTarget.value)}
              />
              <ErrorAlert title={t('findings.reports.signFailed')} error={sign.error} />
              <Group>
                <Button type="submit" loading={sign.isPending}>
                  {t('findings.reports.signSubmit')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      )}
      {signed && (
        <Alert color="green" variant="light" maw={720}>
          <Text size="sm" role="status" fw={600} data-testid="report-signed">
            {t('findings.reports.signed', { quarter: signed.quarter })}
          </Text>
        </Alert>
      )}

      <Paper withBorder p="md" component="section" aria-labelledby="signed-heading">
        <Stack gap="sm">
          <Title order={2} size="h4" id="signed-heading">
            {t('findings.reports.signedReports')}
          </Title>
          <ErrorAlert title={t('app.error')} error={list.error} />
          {list.isPending && <Text role="status">{t('app.loading')}</Text>}
          {list.isSuccess && items.length === 0 && (
            <Text data-testid="reports-none">{t('findings.reports.none')}</Text>
          )}
          {items.length > 0 && (
            <Table.ScrollContainer minWidth={900}>
              <Table striped data-testid="reports" captionSide="top">
                <Table.Caption ta="left">{t('findings.reports.signedReports')}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('findings.reports.quarter')}</Table.Th>
                    <Table.Th scope="col">{t('findings.reports.language')}</Table.Th>
                    <Table.Th scope="col">{t('findings.reports.signer')}</Table.Th>
                    <Table.Th scope="col">{t('findings.reports.signedAt')}</Table.Th>
                    <Table.Th scope="col">SHA-256</Table.Th>
                    <Table.Th scope="col">{t('findings.reports.pdf')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((r) => (
                    <Table.Tr key={r.id} data-testid="report-row">
                      <Table.Th scope="row">{r.quarter}</Table.Th>
                      <Table.Td>{t(`findings.reports.lang.${r.lang}`)}</Table.Td>
                      <Table.Td>{`${r.signer.name} (${r.signer.email})`}</Table.Td>
                      <Table.Td>
                        <time dateTime={r.signed_at}>{f.moment(r.signed_at)}</time>
                      </Table.Td>
                      <Table.Td>
                        <Code className="vaern-secret" data-testid="report-sha">
                          {r.sha256}
                        </Code>
                      </Table.Td>
                      <Table.Td>
                        <Anchor
                          href={`/api/v1${base}/${r.id}/pdf`}
                          download
                          data-testid="report-pdf"
                          aria-label={t('findings.reports.download', {
                            quarter: r.quarter,
                            date: f.moment(r.signed_at),
                          })}
                        >
                          {t('findings.reports.pdf')}
                        </Anchor>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <LoadMoreButton query={list} label={t('findings.reports.more')} maw={240} />
        </Stack>
      </Paper>
    </Stack>
  );
}
