import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** All SQL of risk acceptance requests (migration 0064). Every function runs inside withTenant. */

export interface RequestRow {
  id: string;
  finding_id: string;
  finding_title: string;
  finding_severity: string;
  finding_state: string;
  system_key: string | null;
  system_name: string | null;
  reason: string;
  accepted_until: string;
  requested_by: string;
  requester_name: string | null;
  requested_at: Date;
  decision: 'approved' | 'declined' | null;
  decision_note: string | null;
  decided_by: string | null;
  decider_name: string | null;
  decided_at: Date | null;
  /** Exact text of the times, for paging. */
  requested_key: string;
  decided_key: string | null;
}

const select = sql`
  select r.id, r.finding_id, f.title as finding_title, f.severity as finding_severity,
         f.state as finding_state, s.key as system_key, s.name as system_name, r.reason,
         to_char(r.accepted_until, 'YYYY-MM-DD') as accepted_until, r.requested_by,
         ru.name as requester_name, r.requested_at, r.decision, r.decision_note, r.decided_by,
         du.name as decider_name, r.decided_at, r.requested_at::text as requested_key,
         r.decided_at::text as decided_key
  from finding_acceptance_requests r
  join findings f on f.org_id = r.org_id and f.id = r.finding_id
  left join inventory_systems s on s.org_id = f.org_id and s.id = f.system_id
  left join users ru on ru.id = r.requested_by
  left join users du on du.id = r.decided_by`;

export async function insertRequest(
  tx: Tx,
  orgId: string,
  v: { findingId: string; reason: string; acceptedUntil: string; requestedBy: string },
): Promise<string> {
  const r = await sql<{ id: string }>`
    insert into finding_acceptance_requests (org_id, finding_id, reason, accepted_until, requested_by)
    values (${orgId}, ${v.findingId}, ${v.reason}, ${v.acceptedUntil}::date, ${v.requestedBy})
    returning id`.execute(tx.q);
  const id = r.rows[0]?.id;
  if (!id) throw new Error('acceptance request not stored');
  return id;
}

/** The open request of a finding, if it has one. */
export async function openRequestOf(tx: Tx, orgId: string, findingId: string) {
  const r = await sql<RequestRow>`${select}
    where r.org_id = ${orgId} and r.finding_id = ${findingId} and r.decision is null`.execute(tx.q);
  return r.rows[0];
}

/** One request; `lock` holds its row until the transaction ends (a decision). */
export async function findRequest(tx: Tx, orgId: string, id: string, lock = false) {
  const r = await sql<RequestRow>`${select} where r.org_id = ${orgId} and r.id = ${id}
    ${lock ? sql`for update of r` : sql``}`.execute(tx.q);
  return r.rows[0];
}

/**
 * The organisation's requests: open ones oldest first (management's queue), or decided ones newest
 * first; keyset paging on (requested_at or decided_at, id).
 */
export async function listRequests(
  tx: Tx,
  orgId: string,
  o: { open: boolean; limit: number; after: [string, string] | undefined; findingId: string | undefined },
) {
  const finding = o.findingId === undefined ? sql`` : sql`and r.finding_id = ${o.findingId}`;
  if (o.open) {
    const after = o.after
      ? sql`and (r.requested_at, r.id) > (${o.after[0]}::timestamptz, ${o.after[1]}::uuid)`
      : sql``;
    // A request waits while its finding is unfinished (a finding fixed or dismissed meanwhile
    // leaves it aside; should the finding come back, so does the request).
    const r = await sql<RequestRow>`${select}
      where r.org_id = ${orgId} and r.decision is null and f.state in ('open', 'in_progress')
        ${finding} ${after}
      order by r.requested_at, r.id limit ${o.limit}`.execute(tx.q);
    return r.rows;
  }
  const after = o.after
    ? sql`and (r.decided_at, r.id) < (${o.after[0]}::timestamptz, ${o.after[1]}::uuid)`
    : sql``;
  const r = await sql<RequestRow>`${select}
    where r.org_id = ${orgId} and r.decision is not null ${finding} ${after}
    order by r.decided_at desc, r.id desc limit ${o.limit}`.execute(tx.q);
  return r.rows;
}

/**
 * Management accepted the finding's risk directly: its open request, if any, is approved by the
 * same person (one decision, not a request left waiting).
 */
export async function approveOpenOf(tx: Tx, orgId: string, findingId: string, decidedBy: string) {
  await sql`update finding_acceptance_requests
    set decision = 'approved', decided_by = ${decidedBy}, decided_at = now()
    where org_id = ${orgId} and finding_id = ${findingId} and decision is null`.execute(tx.q);
}

export async function decide(
  tx: Tx,
  orgId: string,
  id: string,
  v: { decision: 'approved' | 'declined'; note: string | null; decidedBy: string },
): Promise<boolean> {
  const r = await sql`update finding_acceptance_requests
    set decision = ${v.decision}, decision_note = ${v.note}, decided_by = ${v.decidedBy}, decided_at = now()
    where org_id = ${orgId} and id = ${id} and decision is null`.execute(tx.q);
  return Number(r.numAffectedRows ?? 0) === 1;
}
