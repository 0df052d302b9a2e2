import { Code, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageTitle } from '../../components/PageTitle';
import { SystemLink } from '../../components/SystemLink';
import { AcceptanceRequestPanel } from './AcceptanceRequest';
import type { Finding } from './access';
import { FindingChanges } from './FindingChanges';
import { DueDate, SeverityBadge, StateBadge, useFindingFormats } from './format';
import { FindingsLink } from './links';
import { StateChange } from './StateChange';
import { TestFindingPanels } from './TestFindingPanels';
import { isTestFamily } from './test-findings';

/** A titled group of label/value rows (a table with row headers, read well by screen readers). */
function FieldGroup({
  title,
  rows,
  testId,
}: {
  title: string;
  rows: Array<[string, ReactNode]>;
  testId: string;
}) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Title order={2} size="h4" mb="xs">
        {title}
      </Title>
      <Table>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th scope="row" w="35%">
                {label}
              </Table.Th>
              <Table.Td>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

/** A scanner's text (description, solution, evidence) as it wrote it: lines kept, long lines wrapped. */
function TextBlock({
  title,
  text,
  testId,
  code,
}: {
  title: string;
  text: string | null;
  testId: string;
  code?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Title order={2} size="h4" mb="xs">
        {title}
      </Title>
      {text === null || text.trim() === '' ? (
        <Text size="sm">{t('findings.finding.none')}</Text>
      ) : code ? (
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {text}
        </Code>
      ) : (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {text.trim()}
        </Text>
      )}
    </Paper>
  );
}

function FindingFields({ org, finding }: { org: string; finding: Finding }) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  const label = (name: string) => t(`findings.fields.${name}`);
  return (
    <Stack gap="md">
      <FieldGroup
        testId="finding-overview"
        title={t('findings.finding.overview')}
        rows={[
          [label('severity'), <SeverityBadge key="s" severity={finding.severity} />],
          [label('cvss'), finding.cvss === null ? '—' : f.number(finding.cvss)],
          [label('cvss_vector'), f.text(finding.cvss_vector)],
          [label('cves'), finding.cves.length === 0 ? '—' : finding.cves.join(', ')],
          [label('in_kev'), t(finding.in_kev ? 'findings.kevYes' : 'findings.kevNo')],
          [
            label('epss'),
            finding.epss === null
              ? '—'
              : t('findings.epssValue', {
                  score: f.percent(finding.epss),
                  percentile: f.percent(finding.epss_percentile ?? 0),
                }),
          ],
          [
            label('system'),
            finding.system ? (
              <SystemLink key="sys" org={org} systemKey={finding.system.key}>
                {`${finding.system.key} · ${finding.system.name}`}
              </SystemLink>
            ) : (
              t('findings.unmapped')
            ),
          ],
          [label('where'), f.where(finding)],
          [label('host_ip'), f.text(finding.host_ip)],
          [label('host_fqdn'), f.text(finding.host_fqdn)],
          [label('host_name'), f.text(finding.host_name)],
          [
            label('location'),
            finding.location
              ? `${finding.location.file}${finding.location.line === null ? '' : `:${finding.location.line}`}`
              : '—',
          ],
          [label('family'), finding.family],
          [label('rule'), finding.rule],
        ]}
      />
      <FieldGroup
        testId="finding-follow-up"
        title={t('findings.finding.followUp')}
        rows={[
          [label('state'), <StateBadge key="st" state={finding.state} />],
          [label('state_reason'), f.text(finding.state_reason)],
          [label('due_on'), <DueDate key="due" finding={finding} />],
          [label('state_changed_at'), f.moment(finding.state_changed_at)],
          [label('accepted_until'), f.date(finding.accepted_until)],
        ]}
      />
      <FieldGroup
        testId="finding-history"
        title={t('findings.finding.history')}
        rows={[
          [label('first_seen_at'), f.moment(finding.first_seen_at)],
          [label('last_seen_at'), f.moment(finding.last_seen_at)],
          [label('closed_at'), f.moment(finding.closed_at)],
          [label('closed_by_import'), f.text(finding.closed_by_import)],
          [label('reopened_count'), String(finding.reopened_count)],
          [label('reopened_at'), f.moment(finding.reopened_at)],
        ]}
      />
      <TextBlock testId="finding-description" title={label('description')} text={finding.description} />
      <TextBlock testId="finding-solution" title={label('solution')} text={finding.solution} />
      <TextBlock testId="finding-evidence" title={label('evidence')} text={finding.evidence} code />
    </Stack>
  );
}

/** One finding: every field, its history, and the moves the person's roles allow. */
export function FindingPage() {
  const { t } = useTranslation();
  const { org, id } = useParams({ from: '/shell/orgs/$org/findings/$id' });
  const { memberships } = useOrg();
  const membership = memberships.find((m) => m.org === org);
  const detail = useQuery({
    queryKey: ['findings', org, 'finding', id],
    queryFn: () => api<Finding>('GET', `/orgs/${encodeURIComponent(org)}/findings/${encodeURIComponent(id)}`),
    retry: false,
  });
  const finding = detail.data;
  return (
    <Stack maw={1100}>
      <FindingsLink org={org}>{t('findings.backToList')}</FindingsLink>
      <PageTitle>{finding ? finding.title : t('findings.finding.title')}</PageTitle>
      <ErrorAlert title={t('app.error')} error={detail.error} />
      {detail.isPending && <Text role="status">{t('app.loading')}</Text>}
      {finding && (
        <>
          <StateChange org={org} finding={finding} membership={membership} />
          <AcceptanceRequestPanel org={org} finding={finding} membership={membership} />
          {isTestFamily(finding.family) && (
            <TestFindingPanels org={org} id={finding.id} membership={membership} />
          )}
          <FindingFields org={org} finding={finding} />
          <FindingChanges org={org} id={finding.id} />
        </>
      )}
    </Stack>
  );
}
