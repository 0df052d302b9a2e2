import type { AppContext } from '../../context.js';
import { REQUEST_LOCK_WAIT_MS, scopeOf, waitForLocksAtMost, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import { presentRequest } from './acceptance-present.js';
import * as q from './acceptance-queries.js';
import { findingsPolicy } from './findings-policy.js';
import * as fq from './findings-queries.js';
import { applyStateChange, checkAcceptedUntil } from './findings-service.js';
import './acceptance-messages.js';

/**
 * Risk acceptance requests (migration 0064): those who follow findings up put a finding's risk to
 * management with a reason and a proposed expiry; a person with the management role approves it
 * (the finding becomes risk accepted, approved by them, through the same state change as by hand)
 * or declines it with a note. Each step is audited on the finding.
 */

interface Opts {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
}

/** A person's user id: requests and decisions are people's, never a token's. */
function personOf(actor: Actor): string {
  if (actor.kind !== 'user') throw forbidden('findings.acceptance_request_people_only');
  return actor.userId;
}

export async function requestAcceptance(
  opts: Opts & { findingId: string; reason: string; acceptedUntil: string },
) {
  const { ctx, actor, org } = opts;
  if (!findingsPolicy.triage(actor, org.id)) throw forbidden();
  const requestedBy = personOf(actor);
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    await waitForLocksAtMost(tx, REQUEST_LOCK_WAIT_MS);
    if (!(await fq.lockFinding(tx, org.id, opts.findingId))) throw notFound('findings.not_found');
    const finding = await fq.findFinding(tx, org.id, opts.findingId);
    if (!finding) throw notFound('findings.not_found');
    if (finding.state !== 'open' && finding.state !== 'in_progress')
      throw badRequest('findings.acceptance_request_state', { state: finding.state });
    const acceptedUntil = await checkAcceptedUntil(tx, opts.acceptedUntil);
    if (await q.openRequestOf(tx, org.id, opts.findingId)) throw conflict('findings.acceptance_request_open');
    const id = await q.insertRequest(tx, org.id, {
      findingId: opts.findingId,
      reason: opts.reason,
      acceptedUntil,
      requestedBy,
    });
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'finding.acceptance_requested',
      targetType: 'finding',
      targetId: opts.findingId,
      after: { request_id: id, reason: opts.reason, accepted_until: acceptedUntil },
    });
    const row = await q.findRequest(tx, org.id, id);
    if (!row) throw notFound('findings.acceptance_request_not_found');
    return presentRequest(row);
  });
}

export async function listRequests(
  opts: Opts & {
    open: boolean;
    findingId: string | undefined;
    limit: number;
    after: [string, string] | undefined;
  },
) {
  const { ctx, actor, org } = opts;
  if (!findingsPolicy.read(actor, org.id)) throw forbidden();
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) =>
    (
      await q.listRequests(tx, org.id, {
        open: opts.open,
        limit: opts.limit + 1,
        after: opts.after,
        findingId: opts.findingId,
      })
    ).map((r) => ({
      cursor: [opts.open ? r.requested_key : (r.decided_key ?? ''), r.id],
      item: presentRequest(r),
    })),
  );
}

export async function decideRequest(
  opts: Opts & { id: string; decision: 'approved' | 'declined'; note: string | undefined },
) {
  const { ctx, actor, org } = opts;
  if (!findingsPolicy.acceptRisk(actor, org.id)) throw forbidden('findings.accept_needs_management');
  const decidedBy = personOf(actor);
  const note = opts.note?.trim() || null;
  if (opts.decision === 'declined' && !note) throw badRequest('findings.acceptance_decline_note');
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    await waitForLocksAtMost(tx, REQUEST_LOCK_WAIT_MS);
    const request = await q.findRequest(tx, org.id, opts.id, true);
    if (!request) throw notFound('findings.acceptance_request_not_found');
    if (request.decision !== null) throw conflict('findings.acceptance_request_decided');
    // Decided first: the state change below closes any request of the finding still open.
    if (!(await q.decide(tx, org.id, opts.id, { decision: opts.decision, note, decidedBy })))
      throw conflict('findings.acceptance_request_decided');
    if (opts.decision === 'approved') {
      // The same move as by hand: the finding must still allow it, the expiry must still be valid.
      await applyStateChange(tx, {
        ctx,
        actor,
        org,
        id: request.finding_id,
        state: 'risk_accepted',
        reason: request.reason,
        acceptedUntil: request.accepted_until,
      });
    }
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: `finding.acceptance_${opts.decision}`,
      targetType: 'finding',
      targetId: request.finding_id,
      after: { request_id: opts.id, note },
    });
    const row = await q.findRequest(tx, org.id, opts.id);
    if (!row) throw notFound('findings.acceptance_request_not_found');
    return presentRequest(row);
  });
}
