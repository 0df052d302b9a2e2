import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** All SQL of alert webhooks (migration 0026). Every function runs inside withTenant. */

export interface EndpointRow {
  id: string;
  org_id: string;
  url: string;
  description: string | null;
  min_severity: string;
  created_at: Date;
}

const endpointColumns = sql`id, org_id, url, description, min_severity, created_at`;

export async function insertEndpoint(
  tx: Tx,
  e: {
    orgId: string;
    url: string;
    description: string | null;
    minSeverity: string;
    sealed: string;
    by: string | null;
  },
): Promise<EndpointRow> {
  const r = await sql<EndpointRow>`
    insert into alert_webhooks (org_id, url, description, min_severity, secret_sealed, created_by)
    values (${e.orgId}, ${e.url}, ${e.description}, ${e.minSeverity}, ${e.sealed}, ${e.by})
    returning ${endpointColumns}`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('webhook endpoint not stored');
  return row;
}

export async function endpoints(tx: Tx, orgId: string): Promise<EndpointRow[]> {
  const r = await sql<EndpointRow>`
    select ${endpointColumns} from alert_webhooks where org_id = ${orgId} order by created_at, id`.execute(
    tx.q,
  );
  return r.rows;
}

export async function deleteEndpoint(tx: Tx, orgId: string, id: string): Promise<EndpointRow | undefined> {
  const r = await sql<EndpointRow>`
    delete from alert_webhooks where org_id = ${orgId} and id = ${id} returning ${endpointColumns}`.execute(
    tx.q,
  );
  return r.rows[0];
}

/** Adds the webhook deliveries of a just-published alert (definer function; never TLP:RED). */
export async function enqueue(tx: Tx, alertId: string): Promise<number> {
  const r = await sql<{ n: number }>`select vaern_alert_webhooks_enqueue(${alertId}::uuid) as n`.execute(
    tx.q,
  );
  return r.rows[0]?.n ?? 0;
}

export interface DueDelivery {
  id: string;
  org_id: string;
  alert_id: string;
  attempts: number;
  endpoint_id: string;
  url: string | null;
  secret_sealed: string | null;
  title: string;
  body: string;
  recommended_action: string | null;
  severity: string;
  tlp: string;
  created_at: Date;
}

/**
 * Claims the webhook deliveries due at `now` (operator scope): each is leased for `leaseSeconds`
 * (its next_attempt_at moved on) so that a second worker does not post it at the same time.
 */
export async function claimDue(
  tx: Tx,
  now: Date,
  leaseSeconds: number,
  limit: number,
): Promise<DueDelivery[]> {
  const r = await sql<DueDelivery>`
    with due as (
      select org_id, id from alert_deliveries
      where channel = 'webhook' and sent_at is null and dead_at is null and next_attempt_at <= ${now}
      order by next_attempt_at, id
      limit ${limit}
      for update skip locked
    ), claimed as (
      update alert_deliveries d
      set next_attempt_at = ${now}::timestamptz + make_interval(secs => ${leaseSeconds})
      from due where d.org_id = due.org_id and d.id = due.id
      returning d.id, d.org_id, d.alert_id, d.attempts, substr(d.recipient, 9) as endpoint_id
    )
    select c.id, c.org_id, c.alert_id, c.attempts, c.endpoint_id, w.url, w.secret_sealed,
           a.title, a.body, a.recommended_action, a.severity, a.tlp, a.created_at
    from claimed c
    join alerts a on a.id = c.alert_id
    left join alert_webhooks w on w.org_id = c.org_id and w.id::text = c.endpoint_id
    order by c.id`.execute(tx.q);
  return r.rows;
}

export async function markSent(tx: Tx, orgId: string, id: string, now: Date): Promise<void> {
  await sql`
    update alert_deliveries set sent_at = ${now}, attempts = attempts + 1, last_error = null, next_attempt_at = null
    where org_id = ${orgId} and id = ${id}`.execute(tx.q);
}

/** Records a failed attempt: due again at `retryAt`, or dead (the dead-letter list) when null. */
export async function markFailed(
  tx: Tx,
  orgId: string,
  id: string,
  error: string,
  now: Date,
  retryAt: Date | null,
): Promise<void> {
  await sql`
    update alert_deliveries
    set attempts = attempts + 1, last_error = ${error.slice(0, 1000)}, next_attempt_at = ${retryAt},
        dead_at = ${retryAt === null ? now : null}
    where org_id = ${orgId} and id = ${id}`.execute(tx.q);
}

export interface DeadLetter {
  id: string;
  alert_id: string;
  title: string;
  endpoint_id: string;
  address: string;
  attempts: number;
  last_error: string | null;
  dead_at: Date;
}

/** The organisation's dead webhook deliveries, newest first (its own rows under the 0026 policy). */
export async function deadLetters(tx: Tx, orgId: string): Promise<DeadLetter[]> {
  const r = await sql<DeadLetter>`
    select d.id, d.alert_id, a.title, substr(d.recipient, 9) as endpoint_id, d.address, d.attempts,
           d.last_error, d.dead_at
    from alert_deliveries d join alerts a on a.id = d.alert_id
    where d.org_id = ${orgId} and d.channel = 'webhook' and d.dead_at is not null
    order by d.dead_at desc, d.id`.execute(tx.q);
  return r.rows;
}

/** Requeues a dead delivery (same id, attempts from zero); false when there is none. */
export async function requeue(tx: Tx, orgId: string, id: string): Promise<boolean> {
  const r = await sql`
    update alert_deliveries set dead_at = null, attempts = 0, next_attempt_at = now()
    where org_id = ${orgId} and id = ${id} and channel = 'webhook' and dead_at is not null
    returning id`.execute(tx.q);
  return r.rows.length > 0;
}
