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
  beforeLoad: ({ context }) => requireStage(context.queryClient, '/sign-in'),
  component: SignInPage,
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

const routeTree = rootRoute.addChildren([
  signInRoute,
  mfaRoute,
  enrolRoute,
  shellRoute.addChildren([
    overviewRoute,
    profileRoute,
    auditRoute,
    organisationsRoute,
    contactsRoute,
    sectorContactsRoute,
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
