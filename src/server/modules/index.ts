import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { JobDefinition } from '../jobs/queue.js';
import { advisoryRoutes } from './advisories/advisory-routes.js';
import { manualRoutes } from './advisories/manual-routes.js';
import { matchJobs } from './advisories/match-jobs.js';
import { matchRoutes } from './advisories/match-routes.js';
import { alertRoutes } from './alerts/alert-routes.js';
import { boardRoutes } from './alerts/board-routes.js';
import { alertJobs } from './alerts/jobs.js';
import { orgAlertRoutes } from './alerts/org-alert-routes.js';
import { personLookupRoutes } from './alerts/person-routes.js';
import { subscriptionRoutes } from './alerts/subscription-routes.js';
import { webhookRoutes } from './alerts/webhook-routes.js';
import { auditRoutes } from './audit/routes.js';
import { authRoutes } from './auth/routes.js';
import { backupRoutes } from './backup/routes.js';
import { contactsRoutes } from './contacts/routes.js';
import { directoryRoutes } from './directory/routes.js';
import { grantsRoutes } from './grants/routes.js';
import { importJobs } from './imports/jobs.js';
import { importRoutes } from './imports/routes.js';
import { inventoryJobs } from './inventory/jobs.js';
import { inventoryRoutes } from './inventory/routes.js';
import { peopleRoutes } from './people/routes.js';
import { scorecardJobs } from './scorecard/jobs.js';
import { scorecardRoutes } from './scorecard/routes.js';
import { settingsRoutes } from './settings/routes.js';
import { acceptanceRoutes } from './vulnerabilities/acceptance-routes.js';
import { findingsJobs } from './vulnerabilities/findings-jobs.js';
import { findingsRoutes } from './vulnerabilities/findings-routes.js';
import { referenceJobs } from './vulnerabilities/reference-refresh.js';
import { referenceRoutes } from './vulnerabilities/reference-routes.js';
import { reportRoutes } from './vulnerabilities/report-routes.js';
import { testFindingsRoutes } from './vulnerabilities/test-findings-routes.js';

/** A module: its routes and its background jobs. main.ts composes them; nothing else wires. */
export interface ModuleDef {
  name: string;
  routes(app: FastifyInstance, ctx: AppContext): void | Promise<void>;
  jobs?(ctx: AppContext): JobDefinition[];
}

export const modules: ModuleDef[] = [
  { name: 'directory', routes: directoryRoutes },
  { name: 'auth', routes: authRoutes },
  { name: 'audit', routes: auditRoutes },
  { name: 'backup', routes: backupRoutes },
  { name: 'imports', routes: importRoutes, jobs: importJobs },
  { name: 'contacts', routes: contactsRoutes },
  { name: 'inventory', routes: inventoryRoutes, jobs: inventoryJobs },
  { name: 'people', routes: peopleRoutes },
  { name: 'settings', routes: settingsRoutes },
  { name: 'grants', routes: grantsRoutes },
  { name: 'scorecard', routes: scorecardRoutes, jobs: scorecardJobs },
  { name: 'vulnerability-reference', routes: referenceRoutes, jobs: referenceJobs },
  { name: 'findings', routes: findingsRoutes, jobs: findingsJobs },
  { name: 'vulnerability-reports', routes: reportRoutes },
  { name: 'test-findings', routes: testFindingsRoutes },
  { name: 'acceptance-requests', routes: acceptanceRoutes },
  { name: 'advisories', routes: advisoryRoutes },
  { name: 'advisory-matching', routes: matchRoutes, jobs: matchJobs },
  { name: 'manual-advisories', routes: manualRoutes },
  { name: 'alerts', routes: alertRoutes, jobs: alertJobs },
  { name: 'alert-webhooks', routes: webhookRoutes },
  { name: 'alert-board', routes: boardRoutes },
  { name: 'alert-person-lookup', routes: personLookupRoutes },
  { name: 'alert-subscriptions', routes: subscriptionRoutes },
  { name: 'alert-org-issued', routes: orgAlertRoutes },
];
