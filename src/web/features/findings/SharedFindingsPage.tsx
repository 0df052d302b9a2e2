import { Anchor, Code, Drawer, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrg } from '../../app/org';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { PageTitle } from '../../components/PageTitle';
import { canReadFindings, type FindingState } from './access';
import { FindingsNav } from './FindingsNav';
import { SeverityBadge, StateBadge, useFindingFormats } from './format';
import { type SharedFinding, useSharedFindings } from './test-findings';

/** A text as the tester wrote it, or "none". */
function Block(props: { title: string; text: string | null; code?: boolean; testId: string }) {
  const { t } = useTranslation();
  const style = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } as const;
  return (
    <Stack gap={4} data-testid={props.testId}>
      <Title order={3} size="h5">
        {props.title}
      </Title>
      {props.text === null || props.text.trim() === '' ? (
        <Text size="sm">{t('findings.finding.none')}</Text>
      ) : props.code ? (
        <Code block style={style}>
          {props.text}
        </Code>
      ) : (
        <Text size="sm" style={style}>
          {props.text.trim()}
        </Text>
      )}
    </Stack>
  );
}

/** One shared finding, read-only: the engagement and what was found. */
function SharedDetail({ item }: { item: SharedFinding }) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  const rows: Array<[string, ReactNode]> = [
    [t('findings.shared.owner'), item.owner.name],
    [t('findings.tests.kind'), t(`findings.tests.kinds.${item.engagement.kind}`)],
    [t('findings.tests.engagementName'), item.engagement.name],
    [t('findings.tests.tester'), f.text(item.engagement.tester)],
    [t('findings.tests.testedOn'), f.date(item.engagement.tested_on)],
    [t('findings.fields.severity'), <SeverityBadge key="s" severity={item.severity} />],
    [t('findings.fields.state'), <StateBadge key="st" state={item.state as FindingState} />],
    [t('findings.fields.cvss'), item.cvss === null ? '—' : f.number(item.cvss)],
    [t('findings.fields.cvss_vector'), f.text(item.cvss_vector)],
    [t('findings.fields.cves'), item.cves.length === 0 ? '—' : item.cves.join(', ')],
    [t('findings.fields.first_seen_at'), f.moment(item.first_seen_at)],
    [t('findings.shared.sharedAt'), f.moment(item.shared_at)],
  ];
  return (
    <Stack gap="md" data-testid="shared-detail">
      <Text size="sm">{t('findings.shared.readOnly', { owner: item.owner.name })}</Text>
      <Table>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th scope="row" w="40%">
                {label}
              </Table.Th>
              <Table.Td>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Block testId="shared-description" title={t('findings.fields.description')} text={item.description} />
      <Block testId="shared-solution" title={t('findings.fields.solution')} text={item.solution} />
      <Block testId="shared-evidence" title={t('findings.tests.evidence')} text={item.evidence} code />
    </Stack>
  );
}

/** Test findings other organisations shared with this one: read-only, worst first. */
export function SharedFindingsPage() {
  const { t } = useTranslation();
  const { org } = useParams({ from: '/shell/orgs/$org/findings/shared' });
  const { memberships, nameOf } = useOrg();
  const f = useFindingFormats();
  const allowed = canReadFindings(memberships.find((m) => m.org === org));
  const list = useSharedFindings(org, allowed);
  const [open, setOpen] = useState<SharedFinding>();
  if (!allowed) {
    return (
      <Stack maw={720}>
        <PageTitle>{t('findings.shared.title')}</PageTitle>
        <Text data-testid="findings-no-access">{t('findings.noAccess')}</Text>
      </Stack>
    );
  }
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack maw={1280}>
      <FindingsNav org={org} />
      <PageTitle>{t('findings.shared.title')}</PageTitle>
      <Text>{t('findings.shared.intro', { org: nameOf(org) })}</Text>
      <ErrorAlert title={t('app.error')} error={list.error} />
      {list.isPending && <Text role="status">{t('app.loading')}</Text>}
      {list.isSuccess && items.length === 0 && (
        <Text data-testid="shared-empty">{t('findings.shared.empty')}</Text>
      )}
      {items.length > 0 && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={900}>
            <Table striped>
              <Table.Caption>{t('findings.shared.caption')}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('findings.fields.title')}</Table.Th>
                  <Table.Th scope="col">{t('findings.fields.severity')}</Table.Th>
                  <Table.Th scope="col">{t('findings.fields.state')}</Table.Th>
                  <Table.Th scope="col">{t('findings.shared.owner')}</Table.Th>
                  <Table.Th scope="col">{t('findings.tests.engagement')}</Table.Th>
                  <Table.Th scope="col">{t('findings.shared.sharedAt')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => (
                  <Table.Tr key={item.id} data-testid="shared-row">
                    <Table.Td>
                      <Anchor component="button" type="button" size="sm" onClick={() => setOpen(item)}>
                        {item.title}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <SeverityBadge severity={item.severity} />
                    </Table.Td>
                    <Table.Td>
                      <StateBadge state={item.state as FindingState} />
                    </Table.Td>
                    <Table.Td>{item.owner.name}</Table.Td>
                    <Table.Td>
                      {`${t(`findings.tests.kinds.${item.engagement.kind}`)}: ${item.engagement.name}`}
                    </Table.Td>
                    <Table.Td>{f.moment(item.shared_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <LoadMoreButton query={list} label={t('findings.more')} maw={200} />
      {/* No scroll lock: it injects a <style> element, which the CSP refuses (see ConfirmDialog). */}
      <Drawer
        opened={open !== undefined}
        onClose={() => setOpen(undefined)}
        title={open?.title ?? ''}
        position="right"
        size="xl"
        lockScroll={false}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {open && <SharedDetail item={open} />}
      </Drawer>
    </Stack>
  );
}
