import type { AppContext } from '../../context.js';
import { REQUEST_LOCK_WAIT_MS, scopeOf, type Tx, waitForLocksAtMost, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import { readSetting } from '../settings/registry.js';
import { approveOpenOf } from './acceptance-queries.js';
import { findingsPolicy } from './findings-policy.js';
import { presentFinding } from './findings-present.js';
import * as q from './findings-queries.js';
import './scan-messages.js';

interface Opts {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
}

const authorise = (allowed: boolean) => {
  if (!allowed) throw forbidden();
};

export async function listFindings(
  opts: Opts & { filters: q.FindingFilters; after: [number, string] | undefined; limit: number },
) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.listFindings(tx, org.id, opts.filters, opts.after, opts.limit + 1),
  );
}

export async function getFinding(opts: Opts & { id: string }) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.findFinding(tx, org.id, opts.id);
    if (!row) throw notFound('findings.not_found');
    return presentFinding(row);
  });
}

/** How many of a finding's changes its page lists (the audit trail keeps every one). */
export const HISTORY_LIMIT = 100;

/** The finding's changes from the audit trail, newest first; the finding must be the organisation's. */
export async function getFindingHistory(opts: Opts & { id: string }) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    if (!(await q.findFinding(tx, org.id, opts.id))) throw notFound('findings.not_found');
    const rows = await q.findingHistory(tx, org.id, opts.id, HISTORY_LIMIT + 1);
    return {
      items: rows.slice(0, HISTORY_LIMIT).map((r) => ({
        at: r.at.toISOString(),
        action: r.action,
        actor: { type: r.actor_type, name: r.actor_name },
        from_state: r.from_state,
        to_state: r.to_state,
        reason: r.reason,
        accepted_until: r.accepted_until,
      })),
      truncated: rows.length > HISTORY_LIMIT,
    };
  });
}

export async function listUnmappedHosts(opts: Opts & { after: string | undefined; limit: number }) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.unmappedHosts(tx, org.id, opts.after, opts.limit + 1),
  );
}

/** What a person may set by hand; `fixed` and `suppressed` come from scans. */
export type ManualState = 'open' | 'in_progress' | 'risk_accepted' | 'false_positive';

/**
 * The states a person may move a finding out of, by hand. An accepted risk may be accepted again:
 * management renews it (a new reason, expiry and approver) without opening it first.
 */
const FROM: Record<ManualState, readonly string[]> = {
  open: ['in_progress', 'risk_accepted', 'false_positive'],
  in_progress: ['open', 'risk_accepted', 'false_positive'],
  risk_accepted: ['open', 'in_progress', 'false_positive', 'risk_accepted'],
  false_positive: ['open', 'in_progress', 'risk_accepted'],
};

/**
 * Moves a finding along its follow-up, audited with before and after. A false positive needs a
 * reason; a risk acceptance needs the management role, a reason and an expiry date within the
 * platform's `risk_acceptance_max_days` (when it passes, the daily job opens the finding again).
 */
export async function changeFindingState(
  opts: Opts & {
    id: string;
    state: ManualState;
    reason: string | undefined;
    acceptedUntil: string | undefined;
  },
) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.triage(actor, org.id) || findingsPolicy.acceptRisk(actor, org.id));
  if (opts.state === 'risk_accepted' && !findingsPolicy.acceptRisk(actor, org.id))
    throw forbidden('findings.accept_needs_management');
  if (opts.state !== 'risk_accepted' && !findingsPolicy.triage(actor, org.id)) throw forbidden();
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) =>
    presentFinding(await applyStateChange(tx, opts)),
  );
}

/**
 * The state change itself, inside the caller's transaction, for a caller already authorised:
 * the finding locked, the move and its reason and expiry checked, the finding written, today's
 * figures and the audit trail updated. Returns the finding after.
 */
export async function applyStateChange(
  tx: Tx,
  opts: Opts & {
    id: string;
    state: ManualState;
    reason: string | undefined;
    acceptedUntil: string | undefined;
  },
): Promise<q.FindingRow> {
  const { ctx, actor, org } = opts;
  const reason = opts.reason?.trim() || null;
  if ((opts.state === 'false_positive' || opts.state === 'risk_accepted') && !reason)
    throw badRequest('findings.reason_required');
  // Locked first, so the change starts from the finding as it is; a scan import that holds it
  // (decision 011) makes the request answer busy after a few seconds instead of waiting.
  await waitForLocksAtMost(tx, REQUEST_LOCK_WAIT_MS);
  if (!(await q.lockFinding(tx, org.id, opts.id))) throw notFound('findings.not_found');
  const before = await q.findFinding(tx, org.id, opts.id);
  if (!before) throw notFound('findings.not_found');
  if (!FROM[opts.state].includes(before.state))
    throw badRequest('findings.state_not_allowed', { from: before.state, to: opts.state });
  let acceptedUntil: string | null = null;
  if (opts.state === 'risk_accepted') acceptedUntil = await checkAcceptedUntil(tx, opts.acceptedUntil);
  await q.setState(tx, org.id, opts.id, {
    state: opts.state,
    reason,
    acceptedBy: opts.state === 'risk_accepted' && actor.kind === 'user' ? actor.userId : null,
    acceptedUntil,
  });
  await q.countChange(tx, org.id, opts.id, before.state);
  if (opts.state === 'risk_accepted' && actor.kind === 'user')
    await approveOpenOf(tx, org.id, opts.id, actor.userId);
  const after = await q.findFinding(tx, org.id, opts.id);
  if (!after) throw notFound('findings.not_found');
  const snapshot = (r: q.FindingRow) => ({
    state: r.state,
    state_reason: r.state_reason,
    accepted_by: r.accepted_by,
    accepted_until: r.accepted_until,
  });
  await recordAudit(tx, ctx.anchors, {
    chain: org.id,
    actor,
    action: `finding.${opts.state}`,
    targetType: 'finding',
    targetId: opts.id,
    before: snapshot(before),
    after: snapshot(after),
  });
  return after;
}

/** A risk acceptance's expiry: after today, within the platform's `risk_acceptance_max_days`. */
export async function checkAcceptedUntil(tx: Tx, until: string | undefined): Promise<string> {
  const maxDays = await readSetting(tx, 'risk_acceptance_max_days');
  const today = new Date().toISOString().slice(0, 10);
  const last = new Date(Date.now() + maxDays * 86_400_000).toISOString().slice(0, 10);
  if (!until || until <= today || until > last)
    throw badRequest('findings.accepted_until_required', { max_days: maxDays });
  return until;
}

export async function getSla(opts: Opts) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) => q.readSla(tx, org.id));
}

/**
 * Sets the organisation's SLA (audited, before and after) and recomputes the due dates of its
 * unfinished findings in the same transaction.
 */
export async function setSla(opts: Opts & { policy: q.SlaPolicy }) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.setSla(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.readSla(tx, org.id);
    await q.writeSla(tx, org.id, opts.policy);
    const recomputed = await q.recomputeDue(tx, org.id);
    const after = await q.readSla(tx, org.id);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'findings.sla.update',
      targetType: 'vulnerability_sla',
      targetId: org.id,
      before: before.policy,
      after: { ...after.policy, recomputed },
    });
    return { ...after, recomputed };
  });
}

export async function findingsSummary(opts: Opts) {
  const { ctx, actor, org } = opts;
  authorise(findingsPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) => q.summary(tx, org.id));
}
