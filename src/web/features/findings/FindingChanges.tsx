import { Group, Paper, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { type FindingChange as Change, type FindingState, STATES } from './access';
import { StateBadge, useFindingFormats } from './format';

/** The query key of a finding's changes; a state change or a share refreshes it. */
export const findingChangesKey = (org: string, id: string) => ['findings', org, 'finding', id, 'changes'];

const ACTIONS = new Set([
  'finding.open',
  'finding.in_progress',
  'finding.risk_accepted',
  'finding.false_positive',
  'finding.acceptance_requested',
  'finding.acceptance_approved',
  'finding.acceptance_declined',
  'finding.acceptance_expired',
  'finding.test_created',
  'finding.shared',
  'finding.unshared',
]);

const isState = (s: string | null): s is FindingState =>
  s !== null && (STATES as readonly string[]).includes(s);

/**
 * Who changed the finding, when, from what to what and why: its entries in the organisation's
 * audit trail, newest first. Scans' openings and closings are in its history fields above.
 */
export function FindingChanges({ org, id }: { org: string; id: string }) {
  const { t } = useTranslation();
  const f = useFindingFormats();
  const changes = useQuery({
    queryKey: findingChangesKey(org, id),
    queryFn: () =>
      api<{ items: Change[]; truncated: boolean }>(
        'GET',
        `/orgs/${encodeURIComponent(org)}/findings/${encodeURIComponent(id)}/history`,
      ),
    retry: false,
  });
  const who = (c: Change) =>
    c.actor.type === 'job'
      ? t('findings.changes.job')
      : c.actor.type === 'token'
        ? t('findings.changes.token', { name: c.actor.name ?? '' })
        : (c.actor.name ?? '—');
  return (
    <Paper withBorder p="md" data-testid="finding-changes">
      <Title order={2} size="h4" mb="xs">
        {t('findings.changes.title')}
      </Title>
      <ErrorAlert title={t('app.error')} error={changes.error} />
      {changes.data?.items.length === 0 && <Text size="sm">{t('findings.changes.none')}</Text>}
      {changes.data && changes.data.items.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('findings.changes.when')}</Table.Th>
              <Table.Th>{t('findings.changes.who')}</Table.Th>
              <Table.Th>{t('findings.changes.what')}</Table.Th>
              <Table.Th>{t('findings.changes.why')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {changes.data.items.map((c) => (
              <Table.Tr key={`${c.at}-${c.action}`}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{f.moment(c.at)}</Table.Td>
                <Table.Td>{who(c)}</Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {ACTIONS.has(c.action) ? t(`findings.changes.action.${c.action.slice(8)}`) : c.action}
                  </Text>
                  {isState(c.from_state) && isState(c.to_state) && c.from_state !== c.to_state && (
                    <Group gap={4} wrap="nowrap" aria-label={t('findings.changes.fromTo')}>
                      <StateBadge state={c.from_state} />
                      <Text size="sm" aria-hidden>
                        →
                      </Text>
                      <StateBadge state={c.to_state} />
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{c.reason ?? '—'}</Text>
                  {c.accepted_until && (
                    <Text size="sm" c="dimmed">
                      {t('findings.changes.until', { date: f.date(c.accepted_until) })}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {changes.data?.truncated && (
        <Text size="sm" c="dimmed" mt="xs">
          {t('findings.changes.truncated')}
        </Text>
      )}
    </Paper>
  );
}
