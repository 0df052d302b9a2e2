import { Anchor, List, Paper, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import type { Membership } from '../../app/api-types';
import { ErrorAlert } from '../../components/ErrorAlert';
import {
  type AcceptanceRequest,
  canAcceptRisk,
  canReadReports,
  canSignReports,
  type FindingsSummary,
  type SignedReport,
} from '../findings/access';
import { ListLink } from '../findings/links';
import { lastEndedQuarter } from './quarter';

/** Open risk acceptance requests counted (at most) and named (the oldest) on the overview. */
const REQUESTS_COUNTED = 100;
const REQUESTS_SHOWN = 5;
/**
 * What needs the person in their current organisation: management a report to sign for the
 * quarter that ended; everyone the findings past their deadline and those with a known exploited
 * vulnerability. Each item links to where it is done.
 */
export function ToDo({ membership }: { membership: Membership }) {
  const { t } = useTranslation();
  const org = membership.org;
  const quarter = lastEndedQuarter(new Date());
  const signs = canSignReports(membership);
  const decides = canAcceptRisk(membership);
  const summary = useQuery({
    queryKey: ['findings', org, 'summary'],
    queryFn: () => api<FindingsSummary>('GET', `/orgs/${encodeURIComponent(org)}/findings/summary`),
  });
  const signed = useQuery({
    queryKey: ['findings', org, 'reports', 'quarter', quarter],
    queryFn: () =>
      api<{ items: SignedReport[] }>(
        'GET',
        `/orgs/${encodeURIComponent(org)}/findings/reports?quarter=${quarter}&limit=1`,
      ),
    enabled: canReadReports(membership),
  });
  const requests = useQuery({
    queryKey: ['findings', org, 'acceptance-requests', 'queue'],
    queryFn: () =>
      api<{ items: AcceptanceRequest[] }>(
        'GET',
        `/orgs/${encodeURIComponent(org)}/findings/acceptance-requests?limit=${REQUESTS_COUNTED}`,
      ),
    enabled: decides,
  });
  const unsigned = signed.data !== undefined && signed.data.items.length === 0;
  const waiting = requests.data?.items ?? [];
  const overdue = summary.data?.overdue ?? 0;
  const kev = summary.data?.kev_open ?? 0;
  const loaded =
    summary.data !== undefined &&
    (signed.data !== undefined || !signed.isEnabled) &&
    (requests.data !== undefined || !requests.isEnabled);
  const nothing = loaded && !unsigned && overdue === 0 && kev === 0 && waiting.length === 0;
  return (
    <Paper withBorder p="md" data-testid="to-do">
      <Title order={2} size="h4" mb="xs">
        {t('overview.todo.title')}
      </Title>
      <ErrorAlert title={t('app.error')} error={summary.error ?? signed.error ?? requests.error} />
      {!loaded && !summary.error && <Text role="status">{t('app.loading')}</Text>}
      {nothing && <Text>{t('overview.todo.nothing')}</Text>}
      <List spacing="xs">
        {waiting.length > 0 && (
          <List.Item data-testid="to-do-requests">
            {t('overview.todo.requests', { count: waiting.length })}
            <List withPadding size="sm">
              {waiting.slice(0, REQUESTS_SHOWN).map((r) => (
                <List.Item key={r.id}>
                  <Anchor
                    renderRoot={(props) => (
                      <Link {...props} to="/orgs/$org/findings/$id" params={{ org, id: r.finding.id }} />
                    )}
                  >
                    {t('overview.todo.request', { title: r.finding.title, name: r.requested_by.name ?? '—' })}
                  </Anchor>
                </List.Item>
              ))}
            </List>
          </List.Item>
        )}
        {unsigned && (
          <List.Item data-testid="to-do-report">
            {t(signs ? 'overview.todo.reportToSign' : 'overview.todo.reportUnsigned', { quarter })}{' '}
            <Anchor
              renderRoot={(props) => <Link {...props} to="/orgs/$org/findings/reports" params={{ org }} />}
            >
              {t(signs ? 'overview.todo.reportOpen' : 'overview.todo.reportSee')}
            </Anchor>
          </List.Item>
        )}
        {overdue > 0 && (
          <List.Item data-testid="to-do-overdue">
            <ListLink org={org} search={{ overdue: true }}>
              {t('overview.todo.overdue', { count: overdue })}
            </ListLink>
          </List.Item>
        )}
        {kev > 0 && (
          <List.Item data-testid="to-do-kev">
            <ListLink org={org} search={{ kev: true }}>
              {t('overview.todo.kev', { count: kev })}
            </ListLink>
          </List.Item>
        )}
      </List>
    </Paper>
  );
}
