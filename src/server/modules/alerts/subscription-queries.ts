import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** SQL of alert subscriptions and in-app notifications (migration 0028). Runs inside withTenant. */

export interface SubscriptionRow {
  channels: string[];
  min_severity: string;
  kinds: string[];
  only_affected: boolean;
  updated_at: Date;
}

/** The person's own subscription in the organisation (row-level security: only their own). */
export async function subscription(
  tx: Tx,
  orgId: string,
  userId: string,
): Promise<SubscriptionRow | undefined> {
  const r = await sql<SubscriptionRow>`
    select channels, min_severity, kinds, only_affected, updated_at from alert_subscriptions
    where org_id = ${orgId} and user_id = ${userId}`.execute(tx.q);
  return r.rows[0];
}

export async function upsertSubscription(
  tx: Tx,
  orgId: string,
  userId: string,
  s: { channels: string[]; min_severity: string; kinds: string[]; only_affected: boolean },
): Promise<SubscriptionRow> {
  const r = await sql<SubscriptionRow>`
    insert into alert_subscriptions (org_id, user_id, channels, min_severity, kinds, only_affected)
    values (${orgId}, ${userId}, ${s.channels}::text[], ${s.min_severity}, ${s.kinds}::text[], ${s.only_affected})
    on conflict (org_id, user_id) do update
      set channels = excluded.channels, min_severity = excluded.min_severity, kinds = excluded.kinds,
          only_affected = excluded.only_affected, updated_at = now()
    returning channels, min_severity, kinds, only_affected, updated_at`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('subscription not stored');
  return row;
}

export async function deleteSubscription(tx: Tx, orgId: string, userId: string): Promise<boolean> {
  const r = await sql`delete from alert_subscriptions where org_id = ${orgId} and user_id = ${userId}
                      returning 1`.execute(tx.q);
  return r.rows.length > 0;
}

export interface EndpointFiltersRow {
  id: string;
  url: string;
  description: string | null;
  min_severity: string;
  kinds: string[];
  only_affected: boolean;
  created_at: Date;
}

export async function setEndpointFilters(
  tx: Tx,
  orgId: string,
  id: string,
  f: { min_severity: string; kinds: string[]; only_affected: boolean },
): Promise<{ before: EndpointFiltersRow; after: EndpointFiltersRow } | undefined> {
  const r = await sql<EndpointFiltersRow & { b_min: string; b_kinds: string[]; b_only: boolean }>`
    with old as (
      select id, min_severity, kinds, only_affected from alert_webhooks where org_id = ${orgId} and id = ${id}
    )
    update alert_webhooks w
    set min_severity = ${f.min_severity}, kinds = ${f.kinds}::text[], only_affected = ${f.only_affected}
    from old
    where w.org_id = ${orgId} and w.id = old.id
    returning w.id, w.url, w.description, w.min_severity, w.kinds, w.only_affected, w.created_at,
              old.min_severity as b_min, old.kinds as b_kinds, old.only_affected as b_only`.execute(tx.q);
  const row = r.rows[0];
  if (!row) return undefined;
  const { b_min, b_kinds, b_only, ...after } = row;
  return { before: { ...after, min_severity: b_min, kinds: b_kinds, only_affected: b_only }, after };
}

export interface NotificationRow {
  id: string;
  alert_id: string;
  title: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  tlp: 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';
  created_at: Date;
  read_at: Date | null;
}

/** The person's in-app notifications in the organisation, newest first (keyset paged). */
export async function notifications(
  tx: Tx,
  orgId: string,
  userId: string,
  after: [string, string] | undefined,
  limit: number,
): Promise<NotificationRow[]> {
  const r = await sql<NotificationRow>`
    select d.id, d.alert_id, a.title, a.severity, a.tlp, d.created_at, d.read_at
    from alert_deliveries d join alerts a on a.id = d.alert_id
    where d.channel = 'app' and d.org_id = ${orgId} and d.user_id = ${userId}
      ${after ? sql`and (d.created_at, d.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by d.created_at desc, d.id desc
    limit ${limit + 1}`.execute(tx.q);
  return r.rows;
}

export async function unread(tx: Tx, orgId: string, userId: string): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from alert_deliveries
    where channel = 'app' and org_id = ${orgId} and user_id = ${userId} and read_at is null`.execute(tx.q);
  return r.rows[0]?.n ?? 0;
}

/** Marks one notification read (a second time keeps the first moment); undefined when not the person's. */
export async function markRead(
  tx: Tx,
  orgId: string,
  userId: string,
  id: string,
): Promise<NotificationRow | undefined> {
  const r = await sql<NotificationRow>`
    with m as (
      update alert_deliveries set read_at = coalesce(read_at, now())
      where channel = 'app' and org_id = ${orgId} and user_id = ${userId} and id = ${id}
      returning id, alert_id, created_at, read_at
    )
    select m.id, m.alert_id, a.title, a.severity, a.tlp, m.created_at, m.read_at
    from m join alerts a on a.id = m.alert_id`.execute(tx.q);
  return r.rows[0];
}

/** Marks the person's notification of one alert read (at most one row: one per alert, person, channel). */
export async function markAlertRead(tx: Tx, orgId: string, userId: string, alertId: string): Promise<number> {
  const r = await sql`
    update alert_deliveries set read_at = now()
    where channel = 'app' and org_id = ${orgId} and alert_id = ${alertId} and recipient = ${userId}
      and user_id = ${userId} and read_at is null
    returning 1`.execute(tx.q);
  return r.rows.length;
}

export async function markAllRead(tx: Tx, orgId: string, userId: string): Promise<number> {
  const r = await sql`
    update alert_deliveries set read_at = now()
    where channel = 'app' and org_id = ${orgId} and user_id = ${userId} and read_at is null
    returning 1`.execute(tx.q);
  return r.rows.length;
}
