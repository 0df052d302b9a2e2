import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { withTenant } from '../../db/tenant.js';
import type { JobDefinition } from '../../jobs/queue.js';
import { recordAudit } from '../audit/record.js';
import * as q from './findings-queries.js';

const BATCH = 200;
const payload = z.strictObject({});

/**
 * Opens again every finding whose risk acceptance has expired, in every organisation, each change
 * one entry in that organisation's audit trail (acted by this job). Daily; idempotent (a finding
 * reopened once is no longer accepted).
 */
export async function expireAcceptances(ctx: AppContext): Promise<number> {
  const db = ctx.db.kysely;
  const orgIds = await withTenant(db, { orgIds: [] }, (tx) => q.allOrgIds(tx));
  let reopened = 0;
  for (let i = 0; i < orgIds.length; i += BATCH) {
    const batch = orgIds.slice(i, i + BATCH);
    reopened += await withTenant(db, { orgIds: batch }, async (tx) => {
      const rows = await q.reopenExpiredAcceptances(tx);
      for (const row of rows) {
        await recordAudit(tx, ctx.anchors, {
          chain: row.org_id,
          actor: {
            kind: 'job',
            job: 'findings.expire_acceptances',
            orgId: row.org_id,
            onBehalfOf: { type: 'job', name: 'findings.expire_acceptances' },
          },
          action: 'finding.acceptance_expired',
          targetType: 'finding',
          targetId: row.id,
          before: {
            state: 'risk_accepted',
            state_reason: row.state_reason,
            accepted_by: row.accepted_by,
            accepted_until: row.accepted_until,
          },
          after: { state: 'open', state_reason: null, accepted_by: null, accepted_until: null },
        });
      }
      // Their figures of today follow.
      for (const orgId of new Set(rows.map((row) => row.org_id))) await q.countDay(tx, orgId);
      return rows.length;
    });
  }
  return reopened;
}

export const expireAcceptancesJob = (ctx: AppContext): JobDefinition<typeof payload> => ({
  name: 'findings.expire_acceptances',
  payload,
  retryLimit: 3,
  expireInSeconds: 3600,
  // Ten past midnight UTC, every day.
  schedule: '10 0 * * *',
  handle: async () => {
    const reopened = await expireAcceptances(ctx);
    ctx.log.info({ reopened }, 'expired risk acceptances reopened');
  },
});

/**
 * Recomputes the due dates of every organisation's unfinished findings (vaern_findings_recompute_due),
 * in batches of organisations: after new KEV or EPSS data, and daily (a system's criticality may
 * have changed). Idempotent.
 */
export async function recomputeAllDue(ctx: AppContext): Promise<number> {
  const db = ctx.db.kysely;
  const orgIds = await withTenant(db, { orgIds: [] }, (tx) => q.allOrgIds(tx));
  let changed = 0;
  for (let i = 0; i < orgIds.length; i += BATCH) {
    const batch = orgIds.slice(i, i + BATCH);
    changed += await withTenant(db, { orgIds: batch }, async (tx) => {
      let n = 0;
      for (const orgId of batch) n += await q.recomputeDue(tx, orgId);
      return n;
    });
  }
  return changed;
}

export const recomputeDueJob = (ctx: AppContext): JobDefinition<typeof payload> => ({
  name: 'findings.recompute_due',
  payload,
  retryLimit: 3,
  expireInSeconds: 3600,
  // Twenty past midnight UTC, every day; also queued after each KEV or EPSS import.
  schedule: '20 0 * * *',
  handle: async () => {
    const changed = await recomputeAllDue(ctx);
    ctx.log.info({ changed }, 'finding due dates recomputed');
  },
});

/** Queues the recomputation; a failure to queue it is logged (the daily run catches up). */
export function requestDueRecompute(ctx: AppContext): Promise<void> {
  return ctx.jobs
    .send(recomputeDueJob(ctx), {})
    .then(() => undefined)
    .catch((error: unknown) => ctx.log.warn({ err: error }, 'due date recomputation not queued'));
}

const remapPayload = z.strictObject({ org_id: z.uuid() });

/**
 * After an organisation's inventory changed (systems created, edited, deleted, imported): its
 * findings follow their hosts to the systems that now carry them, and their due dates follow the
 * systems' criticality. Idempotent; a burst of changes may queue it several times.
 */
export const remapJob = (ctx: AppContext): JobDefinition<typeof remapPayload> => ({
  name: 'findings.remap',
  payload: remapPayload,
  retryLimit: 3,
  expireInSeconds: 600,
  handle: async ({ org_id }) => {
    const moved = await withTenant(ctx.db.kysely, { orgIds: [org_id] }, async (tx) => {
      const n = await q.remap(tx, org_id);
      await q.recomputeDue(tx, org_id);
      return n;
    });
    if (moved > 0) ctx.log.info({ org: org_id, moved }, 'findings mapped to systems again');
  },
});

/** Queues the re-mapping of one organisation's findings; a failure to queue it is logged. */
export function requestRemap(ctx: AppContext, orgId: string): Promise<void> {
  return ctx.jobs
    .send(remapJob(ctx), { org_id: orgId })
    .then(() => undefined)
    .catch((error: unknown) => ctx.log.warn({ err: error }, 'finding re-mapping not queued'));
}

/**
 * Fresh planner statistics for the findings after a scan import that wrote many of them. Without
 * them PostgreSQL takes an organisation's findings for as many as it last counted (none, before
 * its first large scan), and the next re-scan's closing step probes the scan's items once per
 * finding instead of hashing them. The embedded database has no autovacuum; a server's counts a
 * tenth of the table before it analyses. ANALYZE needs the table's owner, the login, so this
 * maintenance statement runs outside withTenant (as inventory.analyze does); it reads no rows for
 * anyone.
 */
export const analyzeFindingsJob = (ctx: AppContext): JobDefinition<typeof payload> => ({
  name: 'findings.analyze',
  payload,
  retryLimit: 1,
  expireInSeconds: 600,
  handle: async () => {
    await sql`analyze findings, scan_scopes`.execute(ctx.db.kysely);
  },
});

/** Findings a scan must write (new, back or closed) before its import queues findings.analyze. */
export const ANALYZE_AFTER_WRITTEN = 5_000;

/** Queues the statistics refresh; a failure to queue it only costs speed, so it is logged. */
export function requestFindingsAnalyze(ctx: AppContext): Promise<void> {
  return ctx.jobs
    .send(analyzeFindingsJob(ctx), {})
    .then(() => undefined)
    .catch((error: unknown) => ctx.log.warn({ err: error }, 'findings statistics refresh not queued'));
}

export const findingsJobs = (ctx: AppContext): JobDefinition[] => [
  expireAcceptancesJob(ctx),
  recomputeDueJob(ctx),
  remapJob(ctx),
  analyzeFindingsJob(ctx),
];
