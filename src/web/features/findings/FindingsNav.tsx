import { Anchor, Group } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Membership } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { canEnterTests, canImportScans, canReadFindings, canReadReports } from './access';

type Page = 'overview' | 'list' | 'import' | 'test' | 'shared' | 'unmapped' | 'sla' | 'reports';

const PATHS = {
  overview: '/orgs/$org/findings',
  list: '/orgs/$org/findings/list',
  import: '/orgs/$org/findings/import',
  test: '/orgs/$org/findings/tests/new',
  shared: '/orgs/$org/findings/shared',
  unmapped: '/orgs/$org/findings/unmapped-hosts',
  sla: '/orgs/$org/findings/sla',
  reports: '/orgs/$org/findings/reports',
} as const;

/** Each page of the vulnerabilities, with who may use it (the server's policies). */
const PAGES: Array<{ page: Page; label: string; may: (m: Membership | undefined) => boolean }> = [
  { page: 'overview', label: 'findings.subnav.overview', may: canReadFindings },
  { page: 'list', label: 'findings.subnav.list', may: canReadFindings },
  { page: 'import', label: 'findings.import.open', may: canImportScans },
  { page: 'test', label: 'findings.tests.open', may: canEnterTests },
  { page: 'shared', label: 'findings.subnav.shared', may: canReadFindings },
  { page: 'unmapped', label: 'findings.hosts.open', may: canReadFindings },
  { page: 'sla', label: 'findings.subnav.sla', may: canReadFindings },
  { page: 'reports', label: 'findings.subnav.reports', may: canReadReports },
];

/** The vulnerabilities' own navigation: the pages this person may use, the current one marked. */
export function FindingsNav({ org }: { org: string }) {
  const { t } = useTranslation();
  const { memberships } = useOrg();
  const membership = memberships.find((m) => m.org === org);
  const pages = PAGES.filter((p) => p.may(membership));
  if (pages.length === 0) return null;
  return (
    <Group
      component="nav"
      aria-label={t('findings.subnav.label')}
      gap="md"
      wrap="wrap"
      data-testid="findings-nav"
    >
      {pages.map((p) => (
        <Anchor
          key={p.page}
          size="sm"
          fw={600}
          renderRoot={(props) => (
            <Link
              {...props}
              to={PATHS[p.page]}
              params={{ org }}
              activeOptions={{ exact: true, includeSearch: false }}
              activeProps={{ 'aria-current': 'page', className: 'vaern-nav-active' }}
            />
          )}
        >
          {t(p.label)}
        </Anchor>
      ))}
    </Group>
  );
}
