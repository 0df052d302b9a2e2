import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** All SQL of alert webhooks (migration 0026). Every function runs inside withTenant. */

export interface EndpointRow {
  id: string;
  org_id: string;
  url: string;
  description: string | null;
  min_severity: string;
  kinds: string[];
  only_affected: boolean;
  created_at: Date;
}

const endpointColumns = sql`id, org_id, url, description, min_severity, kinds, only_affected, created_at`;

export async function insertEndpoint(
  tx: Tx,
  e: {
    orgId: string;
    url: string;
    description: string | null;
    minSeverity: string;
    kinds: string[];
    onlyAffected: boolean;
    sealed: string;
    by: string | null;
  },
): Promise<EndpointRow> {
  const r = await sql<EndpointRow>`
    insert into alert_webhooks (org_id, url, description, min_severity, kinds, only_affected, secret_sealed,
                                created_by)
    values (${e.orgId}, ${e.url}, ${e.description}, ${e.minSeverity}, ${e.kinds}::text[], ${e.onlyAffected},
            ${e.sealed}, ${e.by})
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
