import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import type { Counts } from './alert-queries.js';
import type { SectorAlertRow } from './board-queries.js';
import type { OrgAudience } from './org-alert-schemas.js';

/** SQL of an organisation's alerts to its own subscribers (migration 0033). Inside withTenant. */

const NO_COUNTS: Counts = { organisations: 0, people: 0, subscribers: 0, emails: 0, notifications: 0 };

/** Named people as stored in alerts.audience_people: each in the issuing organisation itself. */
const peopleJson = (issuerId: string, a: OrgAudience) =>
  JSON.stringify(a.people.map((userId) => ({ org_id: issuerId, user_id: userId })));

/** Whom the organisation's alert would reach (definer function; stores nothing). */
export async function preview(
  tx: Tx,
  issuerId: string,
  tlp: string,
  severity: string,
  a: OrgAudience,
): Promise<Counts> {
  const r = await sql<Counts>`
    select organisations, people, subscribers, emails, notifications
    from vaern_alert_org_preview(${issuerId}::uuid, ${tlp}, ${severity}, ${a.children},
                                 ${peopleJson(issuerId, a)}::jsonb)`.execute(tx.q);
  return r.rows[0] ?? NO_COUNTS;
}

export interface NewOrgAlert {
  issuerId: string;
  title: string;
  body: string;
  severity: string;
  recommendedAction: string | null;
  tlp: string;
  audience: OrgAudience;
  createdBy: string;
}

export async function insertAlert(tx: Tx, n: NewOrgAlert): Promise<{ id: string; created_at: Date }> {
  const r = await sql<{ id: string; created_at: Date }>`
    insert into alerts (issuer_org_id, title, body, severity, recommended_action, tlp, audience_children,
                        audience_people, created_by)
    values (${n.issuerId}, ${n.title}, ${n.body}, ${n.severity}, ${n.recommendedAction}, ${n.tlp},
            ${n.audience.children}, ${peopleJson(n.issuerId, n.audience)}::jsonb, ${n.createdBy})
    returning id, created_at`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('alert not stored');
  return row;
}

/** The organisation's own alerts, newest first, with their counts (vaern_alert_summaries). */
export async function listIssued(
  tx: Tx,
  issuerId: string,
  after: [string, string] | undefined,
  limit: number,
): Promise<SectorAlertRow[]> {
  const cond = after ? sql`and (a.created_at, a.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``;
  const r = await sql<SectorAlertRow>`
    with page as (
      select a.id, a.title, a.severity, a.tlp, a.created_at from alerts a
      where a.issuer_org_id = ${issuerId} ${cond}
      order by a.created_at desc, a.id desc limit ${limit + 1})
    select p.*, s.recipients, s.answered, s.median_ack_seconds
    from page p
    left join vaern_alert_summaries(${issuerId}::uuid, array(select id from page)) s on s.alert_id = p.id
    order by p.created_at desc, p.id desc`.execute(tx.q);
  return r.rows;
}

export async function findIssued(tx: Tx, issuerId: string, id: string) {
  const r = await sql<{ id: string; title: string; severity: string; tlp: string; created_at: Date }>`
    select id, title, severity, tlp, created_at from alerts
    where id = ${id}::uuid and issuer_org_id = ${issuerId}`.execute(tx.q);
  return r.rows[0];
}
