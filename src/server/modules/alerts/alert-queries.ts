import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import type { Audience } from './alert-schemas.js';

/** All SQL of alerts (migration 0023). Every function runs inside withTenant. */

/** Whom an alert reaches (migration 0028): recipient organisations, named people, people reached
 * only by their subscription, e-mail deliveries and in-app notifications. */
export interface Counts {
  organisations: number;
  people: number;
  subscribers: number;
  emails: number;
  notifications: number;
}

const NO_COUNTS: Counts = { organisations: 0, people: 0, subscribers: 0, emails: 0, notifications: 0 };

const audienceArgs = (a: Audience) => sql`${a.kinds}::text[], ${a.regions}::uuid[]`;

/** Whom the rules would reach at a severity (definer function; stores nothing). */
export async function preview(
  tx: Tx,
  sectorUnitId: string,
  tlp: string,
  severity: string,
  advisoryId: string | null,
  a: Audience,
): Promise<Counts> {
  const r = await sql<Counts>`
    select organisations, people, subscribers, emails, notifications
    from vaern_alert_preview(${sectorUnitId}::uuid, ${tlp}, ${severity}, ${audienceArgs(a)},
      ${advisoryId}::uuid, ${a.affected}, ${a.organisations}::uuid[], ${JSON.stringify(a.people)}::jsonb)`.execute(
    tx.q,
  );
  return r.rows[0] ?? NO_COUNTS;
}

/** Whether the request may read the advisory (the advisories policy decides). */
export async function advisoryVisible(tx: Tx, id: string): Promise<boolean> {
  const r = await sql`select 1 from advisories where id = ${id}`.execute(tx.q);
  return r.rows.length > 0;
}

export interface NewAlert {
  sectorUnitId: string;
  advisoryId: string | null;
  title: string;
  body: string;
  severity: string;
  recommendedAction: string | null;
  tlp: string;
  audience: Audience;
  createdBy: string;
}

export async function insertAlert(tx: Tx, n: NewAlert): Promise<{ id: string; created_at: Date }> {
  const a = n.audience;
  const r = await sql<{ id: string; created_at: Date }>`
    insert into alerts (sector_unit_id, advisory_id, title, body, severity, recommended_action, tlp,
                        audience_kinds, audience_regions, audience_affected, audience_orgs, audience_people,
                        created_by)
    values (${n.sectorUnitId}, ${n.advisoryId}, ${n.title}, ${n.body}, ${n.severity}, ${n.recommendedAction},
            ${n.tlp}, ${audienceArgs(a)}, ${a.affected}, ${a.organisations}::uuid[],
            ${JSON.stringify(a.people)}::jsonb, ${n.createdBy})
    returning id, created_at`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('alert not stored');
  return row;
}

/** Resolves and stores the audience of a stored alert (definer function); returns the counts. */
export async function publish(tx: Tx, alertId: string): Promise<Counts> {
  const r = await sql<Counts>`
    select organisations, people, subscribers, emails, notifications
    from vaern_alert_publish(${alertId}::uuid)`.execute(tx.q);
  return r.rows[0] ?? NO_COUNTS;
}

export interface AnswerRow {
  status: 'received' | 'assessing' | 'affected' | 'not_affected' | 'mitigated';
  note: string | null;
  answered_by: string;
  via: 'app' | 'link';
  answered_at: Date;
}

export interface InboxRow {
  id: string;
  title: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  tlp: 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';
  advisory_id: string | null;
  created_at: Date;
  answer: AnswerRow | null;
}

const lastAnswer = sql`
  (select jsonb_build_object('status', x.status, 'note', x.note, 'answered_by', x.answered_by, 'via', x.via,
                             'answered_at', x.answered_at)
   from alert_answers x where x.org_id = r.org_id and x.alert_id = r.alert_id
   order by x.answered_at desc, x.id desc limit 1)`;

/** The organisation's received alerts, newest first, each with its latest answer. */
export async function inbox(
  tx: Tx,
  orgId: string,
  after: [string, string] | undefined,
  limit: number,
): Promise<InboxRow[]> {
  const r = await sql<InboxRow>`
    select a.id, a.title, a.severity, a.tlp, a.advisory_id, a.created_at, ${lastAnswer} as answer
    from alert_recipients r join alerts a on a.id = r.alert_id
    where r.org_id = ${orgId}
      ${after ? sql`and (a.created_at, a.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by a.created_at desc, a.id desc
    limit ${limit + 1}`.execute(tx.q);
  return r.rows;
}

export interface AlertRow extends InboxRow {
  body: string;
  recommended_action: string | null;
}

/** One alert the organisation received (row-level security decides whether it did). */
export async function findAlert(tx: Tx, orgId: string, alertId: string): Promise<AlertRow | undefined> {
  const r = await sql<AlertRow>`
    select a.id, a.title, a.severity, a.tlp, a.advisory_id, a.created_at, a.body, a.recommended_action,
           ${lastAnswer} as answer
    from alert_recipients r join alerts a on a.id = r.alert_id
    where r.org_id = ${orgId} and r.alert_id = ${alertId}`.execute(tx.q);
  return r.rows[0];
}

/** Every answer of the organisation to an alert, newest first. */
export async function answers(tx: Tx, orgId: string, alertId: string): Promise<AnswerRow[]> {
  const r = await sql<AnswerRow>`
    select status, note, answered_by, via, answered_at from alert_answers
    where org_id = ${orgId} and alert_id = ${alertId}
    order by answered_at desc, id desc`.execute(tx.q);
  return r.rows;
}

export async function insertAnswer(
  tx: Tx,
  a: {
    orgId: string;
    alertId: string;
    status: string;
    note: string | null;
    userId: string | null;
    answeredBy: string;
    via: 'app' | 'link';
  },
): Promise<{ id: string }> {
  const r = await sql<{ id: string }>`
    insert into alert_answers (org_id, alert_id, status, note, answered_by_user, answered_by, via)
    values (${a.orgId}, ${a.alertId}, ${a.status}, ${a.note}, ${a.userId}, ${a.answeredBy}, ${a.via})
    returning id`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('answer not stored');
  return row;
}

export async function dutyAddress(tx: Tx, orgId: string): Promise<string | null> {
  const r = await sql<{
    email: string;
  }>`select email from alert_duty_addresses where org_id = ${orgId}`.execute(tx.q);
  return r.rows[0]?.email ?? null;
}

export async function setDutyAddress(tx: Tx, orgId: string, email: string | null, by: string | null) {
  if (email === null) {
    await sql`delete from alert_duty_addresses where org_id = ${orgId}`.execute(tx.q);
    return;
  }
  await sql`
    insert into alert_duty_addresses (org_id, email, updated_by) values (${orgId}, ${email}, ${by})
    on conflict (org_id) do update set email = excluded.email, updated_by = excluded.updated_by,
                                       updated_at = now()`.execute(tx.q);
}

export interface LinkTarget {
  org_id: string;
  alert_id: string;
  recipient: string;
  user_id: string | null;
  address: string;
}

/** What an answer link's delivery answers for (definer function; the signature is checked first). */
export async function linkTarget(tx: Tx, deliveryId: string): Promise<LinkTarget | undefined> {
  const r = await sql<LinkTarget>`
    select org_id, alert_id, recipient, user_id, address from vaern_alert_link(${deliveryId}::uuid)`.execute(
    tx.q,
  );
  return r.rows[0];
}

/**
 * Whether a person may answer an alert for an organisation (vaern_alert_may_answer, 0037): active,
 * and its admin, security officer or management, or named on the alert there. Under the request's
 * row-level security: in the person's own request it sees their memberships and naming.
 */
export async function mayAnswer(tx: Tx, orgId: string, alertId: string, userId: string): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`
    select vaern_alert_may_answer(${orgId}::uuid, ${alertId}::uuid, ${userId}::uuid) as ok`.execute(tx.q);
  return r.rows[0]?.ok === true;
}

/**
 * Of the given deliveries, those addressed to a person who may not answer the alert for the
 * organisation (operator scope: the e-mail job). Their e-mails carry a link to the alert's page.
 */
export async function viewOnlyDeliveries(
  tx: Tx,
  keys: ReadonlyArray<{ org_id: string; id: string }>,
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const r = await sql<{ id: string }>`
    select d.id from alert_deliveries d
    join unnest(${keys.map((k) => k.org_id)}::uuid[], ${keys.map((k) => k.id)}::uuid[]) k(org_id, id)
      on d.org_id = k.org_id and d.id = k.id
    where d.user_id is not null and not vaern_alert_may_answer(d.org_id, d.alert_id, d.user_id)`.execute(
    tx.q,
  );
  return new Set(r.rows.map((x) => x.id));
}

export async function orgBrief(tx: Tx, orgId: string): Promise<{ slug: string; name: string } | undefined> {
  const r = await sql<{ slug: string; name: string }>`
    select slug, name from organisations where id = ${orgId}`.execute(tx.q);
  return r.rows[0];
}
