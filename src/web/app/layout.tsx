import { Anchor, Box, Button, Group, Select, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate, Outlet } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { canReadAudit } from '../features/audit/access';
import { useSignOut } from '../features/auth/useSignOut';
import { isSectorCoordinator } from '../features/contacts/access';
import { OrgProvider, useOrg } from './org';
import { sessionQuery } from './session';

function OrgSwitcher() {
  const { t } = useTranslation();
  const { memberships, current, nameOf, select } = useOrg();
  if (memberships.length < 2) return null;
  return (
    <Select
      label={<VisuallyHidden>{t('shell.organisation')}</VisuallyHidden>}
      aria-label={t('shell.organisation')}
      size="xs"
      allowDeselect={false}
      value={current?.org ?? null}
      onChange={(slug) => slug && select(slug)}
      data={memberships.map((m) => ({ value: m.org, label: nameOf(m.org) }))}
    />
  );
}

function NavLink({ to, children }: { to: '/' | '/profile' | '/admin/organisations'; children: string }) {
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
            <Group component="nav" aria-label={t('nav.label')} gap="md" wrap="nowrap">
              <NavLink to="/">{t('nav.overview')}</NavLink>
              <NavLink to="/profile">{t('nav.profile')}</NavLink>
              <AuditNavLink />
              <ContactsNavLinks />
              {session.user.platform_admin && (
                <NavLink to="/admin/organisations">{t('nav.organisations')}</NavLink>
              )}
            </Group>
          </Group>
          <Group wrap="wrap" gap="sm">
            <OrgSwitcher />
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
