import { Anchor, Box, Button, Group, Select, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate, Outlet, useLocation, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { canReadAlerts } from '../features/alerts/access';
import { NotificationBell } from '../features/alerts/NotificationBell';
import { canReadAudit } from '../features/audit/access';
import { canManageGrants } from '../features/auditors/access';
import { useSignOut } from '../features/auth/useSignOut';
import { isSectorCoordinator } from '../features/contacts/access';
import { canReadFindings } from '../features/findings/access';
import { canReadInventory } from '../features/inventory/access';
import { canManagePeople } from '../features/people/access';
import { canReadScorecard, isSectorCoordinator as seesSectorScorecards } from '../features/scorecard/access';
import { canManageTokens } from '../features/tokens/access';
import type { Membership } from './api-types';
import { OrgProvider, useOrg } from './org';
import { sessionQuery } from './session';

/** The organisation pages, each with who may use it (the menu shows a page only to them). */
const ORG_PAGES: Record<string, (m: Membership | undefined) => boolean> = {
  audit: canReadAudit,
  contacts: (m) => m !== undefined,
  people: canManagePeople,
  tokens: canManageTokens,
  auditors: canManageGrants,
  inventory: canReadInventory,
  findings: canReadFindings,
  scorecard: canReadScorecard,
};

function OrgSwitcher() {
  const { t } = useTranslation();
  const { memberships, current, nameOf, select } = useOrg();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  if (memberships.length < 2) return null;
  // On an organisation's page, the page follows the switch: the same page of the new organisation
  // when the person may use it there, else the overview.
  const follow = (slug: string) => {
    const page = /^\/orgs\/[^/]+\/([^/]+)/.exec(pathname)?.[1];
    if (!page) return;
    const allowed = ORG_PAGES[page]?.(memberships.find((m) => m.org === slug)) ?? false;
    void navigate({ to: allowed ? `/orgs/${encodeURIComponent(slug)}/${page}` : '/' });
  };
  return (
    <Select
      label={<VisuallyHidden>{t('shell.organisation')}</VisuallyHidden>}
      aria-label={t('shell.organisation')}
      size="xs"
      allowDeselect={false}
      value={current?.org ?? null}
      onChange={(slug) => {
        if (!slug) return;
        select(slug);
        follow(slug);
      }}
      data={memberships.map((m) => ({ value: m.org, label: nameOf(m.org) }))}
    />
  );
}

function NavLink({
  to,
  children,
}: {
  to: '/' | '/profile' | '/admin/organisations' | '/admin/settings';
  children: string;
}) {
  return (
    <Anchor
      component={Link}
      to={to}
      activeOptions={{ exact: true }}
      activeProps={{ 'aria-current': 'page', className: 'vaern-nav-active' }}
      c="inherit"
    >
      {children}
    </Anchor>
  );
}

/** The current organisation's audit log, for the roles that may read it. */
function AuditNavLink() {
  const { t } = useTranslation();
  const { current } = useOrg();
  if (!current || !canReadAudit(current)) return null;
  return (
    <Anchor
      component={Link}
      to={`/orgs/${encodeURIComponent(current.org)}/audit`}
      activeProps={{ 'aria-current': 'page', className: 'vaern-nav-active' }}
      c="inherit"
    >
      {t('nav.audit')}
    </Anchor>
  );
}

/** The current organisation's administration pages, each for the roles that may use it. */
function OrgAdminNavLinks() {
  const { t } = useTranslation();
  const { current } = useOrg();
  if (!current) return null;
  const active = { 'aria-current': 'page', className: 'vaern-nav-active' } as const;
  const base = `/orgs/${encodeURIComponent(current.org)}`;
  return (
    <>
      {canManagePeople(current) && (
        <Anchor component={Link} to={`${base}/people`} activeProps={active} c="inherit">
          {t('people.nav')}
        </Anchor>
      )}
      {canManageTokens(current) && (
        <Anchor component={Link} to={`${base}/tokens`} activeProps={active} c="inherit">
          {t('tokens.nav')}
        </Anchor>
      )}
      {canManageGrants(current) && (
        <Anchor component={Link} to={`${base}/auditors`} activeProps={active} c="inherit">
          {t('auditors.nav')}
        </Anchor>
      )}
    </>
  );
}

/** The current organisation's contacts (every member), and the sector's for coordinators. */
function ContactsNavLinks() {
  const { t } = useTranslation();
  const { current, memberships } = useOrg();
  const active = { 'aria-current': 'page', className: 'vaern-nav-active' } as const;
  return (
    <>
      {current && (
        <Anchor
          component={Link}
          to={`/orgs/${encodeURIComponent(current.org)}/contacts`}
          activeProps={active}
          c="inherit"
        >
          {t('nav.contacts')}
        </Anchor>
      )}
      {isSectorCoordinator(memberships) && (
        <Anchor component={Link} to="/sector/contacts" activeProps={active} c="inherit">
          {t('nav.sectorContacts')}
        </Anchor>
      )}
    </>
  );
}

/** The current organisation's inventory, findings and scorecard, and the sector's scorecards for coordinators. */
function InventoryNavLinks() {
  const { t } = useTranslation();
  const { current, memberships } = useOrg();
  const active = { 'aria-current': 'page', className: 'vaern-nav-active' } as const;
  const base = current ? `/orgs/${encodeURIComponent(current.org)}` : undefined;
  return (
    <>
      {base && canReadInventory(current) && (
        <Anchor component={Link} to={`${base}/inventory`} activeProps={active} c="inherit">
          {t('inventory.nav')}
        </Anchor>
      )}
      {base && canReadFindings(current) && (
        <Anchor component={Link} to={`${base}/findings`} activeProps={active} c="inherit">
          {t('findings.nav')}
        </Anchor>
      )}
      {base && canReadScorecard(current) && (
        <Anchor component={Link} to={`${base}/scorecard`} activeProps={active} c="inherit">
          {t('scorecard.nav')}
        </Anchor>
      )}
      {seesSectorScorecards(memberships) && (
        <Anchor component={Link} to="/sector/scorecards" activeProps={active} c="inherit">
          {t('scorecard.sector.nav')}
        </Anchor>
      )}
    </>
  );
}

/** The sector's advisories (every signed-in person), with the organisation's review queue and KEV. */
function AdvisoriesNavLink() {
  const { t } = useTranslation();
  return (
    <Anchor
      component={Link}
      to="/advisories"
      activeProps={{ 'aria-current': 'page', className: 'vaern-nav-active' }}
      c="inherit"
    >
      {t('advisories.nav')}
    </Anchor>
  );
}

/** The current organisation's alerts from the sector (every member), and the sector's for coordinators. */
function AlertsNavLink() {
  const { t } = useTranslation();
  const { current, memberships } = useOrg();
  const active = { 'aria-current': 'page', className: 'vaern-nav-active' } as const;
  return (
    <>
      {current && canReadAlerts(current) && (
        <Anchor component={Link} to="/alerts" activeProps={active} c="inherit">
          {t('alerts.nav')}
        </Anchor>
      )}
      {isSectorCoordinator(memberships) && (
        <Anchor component={Link} to="/sector/alerts" activeProps={active} c="inherit">
          {t('alerts.sector.nav')}
        </Anchor>
      )}
    </>
  );
}

/** The signed-in frame: name, organisation switcher, navigation, language and sign-out. */
export function Shell() {
  const { t } = useTranslation();
  const { data: session } = useQuery(sessionQuery);
  const signOut = useSignOut();
  if (session?.stage !== 'full') return <Navigate to="/sign-in" />;
  return (
    <OrgProvider memberships={session.memberships}>
      <Anchor href="#main" className="vaern-skip-link">
        {t('app.skipToContent')}
      </Anchor>
      {/* A plain header rather than Mantine's AppShell: AppShell injects a <style> element that
          the CSP (style-src 'self') refuses. */}
      <Box component="header" className="vaern-header" px="md" py="xs">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Group wrap="nowrap" gap="lg">
            <Text fw={700} size="lg">
              {t('app.name')}
            </Text>
            <Group component="nav" aria-label={t('nav.label')} gap="md" wrap="wrap">
              <NavLink to="/">{t('nav.overview')}</NavLink>
              <NavLink to="/profile">{t('nav.profile')}</NavLink>
              <AuditNavLink />
              <ContactsNavLinks />
              <InventoryNavLinks />
              <AdvisoriesNavLink />
              <AlertsNavLink />
              <OrgAdminNavLinks />
              {session.user.platform_admin && (
                <NavLink to="/admin/organisations">{t('nav.organisations')}</NavLink>
              )}
              {session.user.platform_admin && <NavLink to="/admin/settings">{t('settings.nav')}</NavLink>}
            </Group>
          </Group>
          <Group wrap="wrap" gap="sm">
            <OrgSwitcher />
            <NotificationBell />
            <LanguageSwitch />
            <Text size="sm" data-testid="user-name">
              <VisuallyHidden>{`${t('shell.signedIn')} `}</VisuallyHidden>
              {session.user.name}
            </Text>
            <Button variant="default" size="xs" onClick={() => signOut.mutate()} loading={signOut.isPending}>
              {t('shell.signOut')}
            </Button>
          </Group>
        </Group>
      </Box>
      <Box component="main" id="main" p="md">
        <Outlet />
      </Box>
    </OrgProvider>
  );
}
