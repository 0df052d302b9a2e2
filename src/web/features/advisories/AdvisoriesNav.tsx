import { Anchor, Group } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Membership } from '../../app/api-types';
import { useOrg } from '../../app/org';
import { canReadMatches } from './access';

type Page = 'list' | 'review' | 'kev';

const PATHS = { list: '/advisories', review: '/advisories/review', kev: '/advisories/kev' } as const;

/** Each page of the advisories, with who may use it (the server's policies). */
const PAGES: Array<{ page: Page; label: string; may: (m: Membership | undefined) => boolean }> = [
  { page: 'list', label: 'advisories.subnav.list', may: () => true },
  { page: 'review', label: 'advisories.subnav.review', may: canReadMatches },
  { page: 'kev', label: 'advisories.subnav.kev', may: canReadMatches },
];

/** The advisories' own navigation: the pages this person may use, the current one marked. */
export function AdvisoriesNav() {
  const { t } = useTranslation();
  const { current } = useOrg();
  const pages = PAGES.filter((p) => p.may(current));
  return (
    <Group
      component="nav"
      aria-label={t('advisories.subnav.label')}
      gap="md"
      wrap="wrap"
      data-testid="advisories-nav"
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
