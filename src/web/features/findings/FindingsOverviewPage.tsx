import { Anchor, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { canReadFindings, type FindingsSummary, SEVERITIES } from './access';
import { FindingsNav } from './FindingsNav';
import { useFindingFormats } from './format';
import { ListLink, type ListSearch } from './links';

/** The chart is drawn by a module of its own, loaded once the figures are there. */
const TrendChart = lazy(() => import('./TrendChart').then((m) => ({ default: m.TrendChart })));

const SCAN_FIGURES = ['new', 'still_open', 'reopened', 'closed'] as const;

/** One figure: its count, a link to the findings behind it, and what it is. */
function Figure(props: { org: string; search: ListSearch; value: number; label: string; testId: string }) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  return (
    <Paper withBorder p="sm" miw={140} component="li" data-testid={props.testId}>
      <Text fw={700} size="xl">
        <ListLink
          org={props.org}
          search={props.search}
          aria-label={t('findings.overview.showFindings', { label: props.label, count: props.value })}
        >
          {f.number(props.value)}
        </ListLink>
      </Text>
      <Text size="sm">{props.label}</Text>
    </Paper>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Stack gap="sm">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

/** The landing page of the vulnerabilities: where the organisation stands, at a glance. */
export function FindingsOverviewPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/findings' });
  const { nameOf, memberships } = useOrg();
  const f = useFindingFormats();
  const allowed = canReadFindings(memberships.find((m) => m.org === org));
  const summary = useQuery({
    queryKey: ['findings', org, 'summary'],
    queryFn: () => api<FindingsSummary>('GET', `/orgs/${encodeURIComponent(org)}/findings/summary`),
    enabled: allowed,
  });
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('findings.overview.title')}</PageTitle>
        <Text data-testid="findings-no-access">{t('findings.noAccess')}</Text>
      </Stack>
    );
  }
  const data = summary.data;
  const scan = data?.last_scan;
  return (
    <Stack maw={1280}>
      <FindingsNav org={org} />
      <PageTitle>{t('findings.overview.title')}</PageTitle>
      <Text>{t('findings.overview.intro', { org: nameOf(org) })}</Text>
      <ErrorAlert title={t('app.error')} error={summary.error} />
      {summary.isPending && <Text role="status">{t('app.loading')}</Text>}
      {data && (
        <>
          <Section id="open-heading" title={t('findings.overview.open')}>
            <Group component="ul" gap="sm" p={0} m={0} wrap="wrap" style={{ listStyle: 'none' }}>
              {SEVERITIES.map((s) => (
                <Figure
                  key={s}
                  org={org}
                  search={{ severity: s, unfinished: true }}
                  value={data.open_by_severity[s]}
                  label={t(`findings.severity.${s}`)}
                  testId={`open-${s}`}
                />
              ))}
              <Figure
                org={org}
                search={{ overdue: true }}
                value={data.overdue}
                label={t('findings.overview.overdue')}
                testId="overdue"
              />
              <Figure
                org={org}
                search={{ kev: true }}
                value={data.kev_open}
                label={t('findings.overview.kev')}
                testId="kev-open"
              />
            </Group>
            <Text size="sm">{t('findings.overview.openHint')}</Text>
          </Section>
          <Section id="trend-heading" title={t('findings.overview.trend')}>
            <Text size="sm">{t('findings.overview.trendHint')}</Text>
            <Suspense fallback={<Text size="sm">{t('app.loading')}</Text>}>
              <TrendChart trend={data.trend} />
            </Suspense>
          </Section>
          <Section id="scan-heading" title={t('findings.overview.lastScan')}>
            {scan ? (
              <Table maw={460} data-testid="last-scan" captionSide="top">
                <Table.Caption ta="left">
                  {t('findings.overview.lastScanAt', { date: f.moment(scan.finished_at) })}
                </Table.Caption>
                <Table.Tbody>
                  {SCAN_FIGURES.map((k) => (
                    <Table.Tr key={k}>
                      <Table.Th scope="row">{t(`findings.import.figures.${k}`)}</Table.Th>
                      <Table.Td data-testid={`last-scan-${k}`}>
                        {k === 'new' && scan.new > 0 ? (
                          <ListLink
                            org={org}
                            search={{ new_in: scan.import_id, unfinished: true }}
                            aria-label={t('findings.overview.showNew', { count: scan.new })}
                          >
                            {f.number(scan.new)}
                          </ListLink>
                        ) : (
                          f.number(scan[k])
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : (
              <Text data-testid="no-scan">{t('findings.overview.noScan')}</Text>
            )}
          </Section>
          <Section id="systems-heading" title={t('findings.overview.topSystems')}>
            {data.top_systems.length === 0 ? (
              <Stack gap={4}>
                <Text>{t('findings.overview.noSystems')}</Text>
                {data.open_by_severity.critical + data.open_by_severity.high > 0 && (
                  <Text size="sm" data-testid="top-systems-unmapped">
                    {t('findings.overview.noSystemsUnmapped')}{' '}
                    <Anchor
                      inherit
                      renderRoot={(props) => (
                        <Link {...props} to="/orgs/$org/findings/unmapped-hosts" params={{ org }} />
                      )}
                    >
                      {t('findings.overview.unmappedLink')}
                    </Anchor>
                  </Text>
                )}
              </Stack>
            ) : (
              <Table.ScrollContainer minWidth={480}>
                <Table striped data-testid="top-systems" captionSide="top">
                  <Table.Caption ta="left">{t('findings.overview.topSystemsCaption')}</Table.Caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('findings.fields.system')}</Table.Th>
                      <Table.Th scope="col">{t('findings.overview.systemName')}</Table.Th>
                      <Table.Th scope="col">{t('findings.severity.critical')}</Table.Th>
                      <Table.Th scope="col">{t('findings.severity.high')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.top_systems.map((s) => (
                      <Table.Tr key={s.id} data-testid="top-system">
                        <Table.Th scope="row">
                          <ListLink
                            org={org}
                            search={{ system: s.key }}
                            aria-label={t('findings.overview.systemFindings', { key: s.key })}
                          >
                            {s.key}
                          </ListLink>
                        </Table.Th>
                        <Table.Td>{s.name}</Table.Td>
                        <Table.Td>{f.number(s.critical)}</Table.Td>
                        <Table.Td>{f.number(s.high)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Section>
        </>
      )}
    </Stack>
  );
}
