import { Anchor, Container, Stack, Text } from '@mantine/core';
import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  Link,
  lazyRouteComponent,
  Outlet,
  redirect,
} from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../components/PageTitle';
import { SignInPage } from '../features/auth/SignInPage';
import type { ListSearch } from '../features/findings/links';
import { Shell } from './layout';
import { pathForStage, sessionQuery } from './session';

interface RouterContext {
  queryClient: QueryClient;
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <Container py="xl" component="main" id="main">
      <Stack>
        <PageTitle>{t('app.notFound')}</PageTitle>
        <Anchor component={Link} to="/">
          {t('app.backHome')}
        </Anchor>
      </Stack>
    </Container>
  );
}

function Pending() {
  const { t } = useTranslation();
  return (
    <Text role="status" p="md">
      {t('app.loading')}
    </Text>
  );
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

type Step = ReturnType<typeof pathForStage>;

/** Sends a person whose session is at another stage to the step that belongs to it. */
async function requireStage(queryClient: QueryClient, allowed: Step) {
  const target = pathForStage(await queryClient.ensureQueryData(sessionQuery));
  if (target !== allowed) throw redirect({ to: target, replace: true });
}

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  // `?email=` fills in the address (after accepting an invitation or resetting a password).
  validateSearch: (search: Record<string, unknown>): { email?: string } =>
    typeof search.email === 'string' && search.email.length <= 254 ? { email: search.email } : {},
  beforeLoad: ({ context }) => requireStage(context.queryClient, '/sign-in'),
  component: SignInPage,
});

/**
 * The pages a mailed link opens (invitation, password reset) and the reset request: reachable
 * with or without a session, at any stage. The session is read first all the same: when there is
 * one, its CSRF token must go with the page's POSTs.
 */
async function loadAnySession(queryClient: QueryClient) {
  try {
    await queryClient.ensureQueryData(sessionQuery);
  } catch {
    // The page works without it; a failed write shows the server's answer.
  }
}

const invitationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invitation',
  beforeLoad: ({ context }) => loadAnySession(context.queryClient),
  component: lazyRouteComponent(() => import('../features/account/InvitationPage'), 'InvitationPage'),
});

const forgotPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/forgot-password',
  beforeLoad: ({ context }) => loadAnySession(context.queryClient),
  component: lazyRouteComponent(() => import('../features/account/ForgotPasswordPage'), 'ForgotPasswordPage'),
});

const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  beforeLoad: ({ context }) => loadAnySession(context.queryClient),
  component: lazyRouteComponent(() => import('../features/account/ResetPasswordPage'), 'ResetPasswordPage'),
});

const alertAnswerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/alert-answer',
  beforeLoad: ({ context }) => loadAnySession(context.queryClient),
  component: lazyRouteComponent(() => import('../features/alerts/AlertAnswerPage'), 'AlertAnswerPage'),
});

const mfaRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in/mfa',
  beforeLoad: ({ context }) => requireStage(context.queryClient, '/sign-in/mfa'),
  component: lazyRouteComponent(() => import('../features/auth/MfaChallengePage'), 'MfaChallengePage'),
});

const enrolRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in/enrol',
  beforeLoad: ({ context }) => requireStage(context.queryClient, '/sign-in/enrol'),
  component: lazyRouteComponent(() => import('../features/auth/EnrolPage'), 'EnrolPage'),
});

/** Everything behind sign-in: a full session, inside the shell. */
const shellRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'shell',
  beforeLoad: ({ context }) => requireStage(context.queryClient, '/'),
  component: Shell,
});

const overviewRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/',
  component: lazyRouteComponent(() => import('../features/overview/OverviewPage'), 'OverviewPage'),
});

const profileRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/profile',
  component: lazyRouteComponent(() => import('../features/profile/ProfilePage'), 'ProfilePage'),
});

const auditRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/audit',
  component: lazyRouteComponent(() => import('../features/audit/AuditLogPage'), 'AuditLogPage'),
});

const contactsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/contacts',
  component: lazyRouteComponent(() => import('../features/contacts/ContactsPage'), 'ContactsPage'),
});

const sectorContactsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/sector/contacts',
  component: lazyRouteComponent(
    () => import('../features/contacts/SectorContactsPage'),
    'SectorContactsPage',
  ),
});

const organisationsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/admin/organisations',
  component: lazyRouteComponent(
    () => import('../features/organisations/OrganisationsPage'),
    'OrganisationsPage',
  ),
});

const peopleRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/people',
  component: lazyRouteComponent(() => import('../features/people/PeoplePage'), 'PeoplePage'),
});

const tokensRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/tokens',
  component: lazyRouteComponent(() => import('../features/tokens/TokensPage'), 'TokensPage'),
});

const auditorsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/auditors',
  component: lazyRouteComponent(() => import('../features/auditors/AuditorsPage'), 'AuditorsPage'),
});

const settingsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/admin/settings',
  component: lazyRouteComponent(() => import('../features/settings/SettingsPage'), 'SettingsPage'),
});

const inventoryRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/inventory',
  // `?tab=` the register shown (systems when absent).
  validateSearch: (
    search: Record<string, unknown>,
  ): { tab?: 'processes' | 'suppliers' | 'components' | 'dependencies' } =>
    search.tab === 'processes' ||
    search.tab === 'suppliers' ||
    search.tab === 'components' ||
    search.tab === 'dependencies'
      ? { tab: search.tab }
      : {},
  component: lazyRouteComponent(() => import('../features/inventory/InventoryPage'), 'InventoryPage'),
});

const inventoryImportRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/inventory/import',
  component: lazyRouteComponent(() => import('../features/inventory/ImportPage'), 'ImportPage'),
});

const systemRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/inventory/systems/$key',
  component: lazyRouteComponent(() => import('../features/inventory/SystemPage'), 'SystemPage'),
});

const findingsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/findings',
  component: lazyRouteComponent(
    () => import('../features/findings/FindingsOverviewPage'),
    'FindingsOverviewPage',
  ),
});

const FINDING_SEVERITIES = new Set(['critical', 'high', 'medium', 'low', 'info']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const findingsListRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/findings/list',
  // `?host=` / `?system=` / `?severity=` / `?overdue=true` / `?kev=true` / `?unfinished=true` open
  // the list filtered (from the unmapped hosts and the overview's figures).
  validateSearch: (search: Record<string, unknown>): ListSearch => ({
    ...(typeof search.host === 'string' && search.host.length <= 300 ? { host: search.host } : {}),
    ...(typeof search.system === 'string' && search.system.length <= 100 ? { system: search.system } : {}),
    ...(typeof search.severity === 'string' && FINDING_SEVERITIES.has(search.severity)
      ? { severity: search.severity }
      : {}),
    ...(search.overdue === true || search.overdue === 'true' ? { overdue: true } : {}),
    ...(search.kev === true || search.kev === 'true' ? { kev: true } : {}),
    ...(search.unfinished === true || search.unfinished === 'true' ? { unfinished: true } : {}),
    ...(typeof search.new_in === 'string' && UUID.test(search.new_in) ? { new_in: search.new_in } : {}),
  }),
  component: lazyRouteComponent(() => import('../features/findings/FindingsPage'), 'FindingsPage'),
});

const findingsSlaRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/findings/sla',
  component: lazyRouteComponent(() => import('../features/findings/SlaPage'), 'SlaPage'),
});

const findingsReportsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/findings/reports',
  component: lazyRouteComponent(() => import('../features/findings/ReportsPage'), 'ReportsPage'),
});

const scanImportRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/findings/import',
  component: lazyRouteComponent(() => import('../features/findings/ScanImportPage'), 'ScanImportPage'),
});

const unmappedHostsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/findings/unmapped-hosts',
  component: lazyRouteComponent(() => import('../features/findings/UnmappedHostsPage'), 'UnmappedHostsPage'),
});

const testFindingRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/findings/tests/new',
  component: lazyRouteComponent(() => import('../features/findings/TestFindingPage'), 'TestFindingPage'),
});

const sharedFindingsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/findings/shared',
  component: lazyRouteComponent(
    () => import('../features/findings/SharedFindingsPage'),
    'SharedFindingsPage',
  ),
});

const findingRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/findings/$id',
  component: lazyRouteComponent(() => import('../features/findings/FindingPage'), 'FindingPage'),
});

const scorecardRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/orgs/$org/scorecard',
  component: lazyRouteComponent(() => import('../features/scorecard/ScorecardPage'), 'ScorecardPage'),
});

const sectorScorecardsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/sector/scorecards',
  component: lazyRouteComponent(
    () => import('../features/scorecard/SectorScorecardsPage'),
    'SectorScorecardsPage',
  ),
});

const advisoriesRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/advisories',
  component: lazyRouteComponent(() => import('../features/advisories/AdvisoriesPage'), 'AdvisoriesPage'),
});

const advisoryReviewRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/advisories/review',
  component: lazyRouteComponent(() => import('../features/advisories/ReviewQueuePage'), 'ReviewQueuePage'),
});

const advisoryKevRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/advisories/kev',
  component: lazyRouteComponent(() => import('../features/advisories/KevPage'), 'KevPage'),
});

const advisoryRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/advisories/$id',
  component: lazyRouteComponent(() => import('../features/advisories/AdvisoryPage'), 'AdvisoryPage'),
});

const newAdvisoryRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/advisories/new',
  component: lazyRouteComponent(() => import('../features/advisories/ManualAdvisoryPage'), 'NewAdvisoryPage'),
});

const editAdvisoryRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/advisories/$id/edit',
  component: lazyRouteComponent(
    () => import('../features/advisories/ManualAdvisoryPage'),
    'EditAdvisoryPage',
  ),
});

const alertSettingsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/settings',
  component: lazyRouteComponent(() => import('../features/alerts/AlertSettingsPage'), 'AlertSettingsPage'),
});

const alertSubscriptionRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/subscription',
  component: lazyRouteComponent(() => import('../features/alerts/SubscriptionPage'), 'SubscriptionPage'),
});

const orgComposeAlertRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/new',
  component: lazyRouteComponent(
    () => import('../features/alerts/OrgComposeAlertPage'),
    'OrgComposeAlertPage',
  ),
});

const orgIssuedAlertsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/issued',
  component: lazyRouteComponent(
    () => import('../features/alerts/OrgIssuedAlertsPage'),
    'OrgIssuedAlertsPage',
  ),
});

const orgAlertBoardRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/issued/$id',
  component: lazyRouteComponent(() => import('../features/alerts/OrgAlertBoardPage'), 'OrgAlertBoardPage'),
});

const alertsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts',
  component: lazyRouteComponent(() => import('../features/alerts/AlertsPage'), 'AlertsPage'),
});

const alertRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts/$id',
  // `?org=` the recipient organisation to open it in (an e-mail's view link); the page selects it.
  validateSearch: (search: Record<string, unknown>): { org?: string } =>
    typeof search.org === 'string' && search.org.length <= 100 ? { org: search.org } : {},
  component: lazyRouteComponent(() => import('../features/alerts/AlertPage'), 'AlertPage'),
});

const sectorAlertsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/sector/alerts',
  component: lazyRouteComponent(() => import('../features/alerts/SectorAlertsPage'), 'SectorAlertsPage'),
});

const composeAlertRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/sector/alerts/new',
  component: lazyRouteComponent(() => import('../features/alerts/ComposeAlertPage'), 'ComposeAlertPage'),
});

const alertBoardRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/sector/alerts/$id',
  component: lazyRouteComponent(() => import('../features/alerts/AlertBoardPage'), 'AlertBoardPage'),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  mfaRoute,
  enrolRoute,
  invitationRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  alertAnswerRoute,
  shellRoute.addChildren([
    overviewRoute,
    profileRoute,
    auditRoute,
    organisationsRoute,
    contactsRoute,
    sectorContactsRoute,
    peopleRoute,
    tokensRoute,
    auditorsRoute,
    settingsRoute,
    inventoryRoute,
    inventoryImportRoute,
    systemRoute,
    findingsRoute,
    findingsListRoute,
    findingsSlaRoute,
    findingsReportsRoute,
    scanImportRoute,
    unmappedHostsRoute,
    testFindingRoute,
    sharedFindingsRoute,
    findingRoute,
    scorecardRoute,
    sectorScorecardsRoute,
    advisoriesRoute,
    advisoryReviewRoute,
    advisoryKevRoute,
    advisoryRoute,
    newAdvisoryRoute,
    editAdvisoryRoute,
    alertSubscriptionRoute,
    alertsRoute,
    alertSettingsRoute,
    orgComposeAlertRoute,
    orgIssuedAlertsRoute,
    orgAlertBoardRoute,
    alertRoute,
    sectorAlertsRoute,
    composeAlertRoute,
    alertBoardRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPendingComponent: Pending,
    defaultPreload: 'intent',
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
