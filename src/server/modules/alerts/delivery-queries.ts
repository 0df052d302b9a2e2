import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/**
 * Claiming and settling e-mail and webhook deliveries (alert_deliveries, migrations 0023, 0026;
 * the due rows are found through the partial indexes alert_deliveries_webhook_due and
 * alert_deliveries_email_due, 0032).
 * Operator scope: the delivery jobs. A claim leases its rows: `next_attempt_at` moves to the end of
 * the lease, so no other worker claims them until it has passed. A worker that dies with rows
 * claimed (killed mid-dispatch) thus gives them back when the lease runs out, and the next run
 * sends them again under the same id; a live worker renews its leases while it sends.
 */

/** The key of a delivery row. */
export interface DeliveryKey {
  org_id: string;
  id: string;
}

export interface EmailDelivery extends DeliveryKey {
  alert_id: string;
  attempts: number;
  recipient: string;
  address: string;
  locale: 'da' | 'en' | null;
  org_name: string;
  org_slug: string;
  /** The organisation that issued the alert to its own people; null: the sector coordination unit. */
  issuer_name: string | null;
  title: string;
  body: string;
  recommended_action: string | null;
  severity: string;
  tlp: string;
}

export interface WebhookDelivery extends DeliveryKey {
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

const leaseEnd = (now: Date, leaseSeconds: number) =>
  sql`${now}::timestamptz + make_interval(secs => ${leaseSeconds})`;

/**
 * Claims up to `limit` e-mail deliveries due at `now` (never claimed, or their lease or backoff
 * has passed), of one alert when `alertId` is given. `retryFailed` (with `alertId`) also takes the
 * alert's failed ones still waiting for their backoff (last_error set: a claim clears it, so a row
 * another run holds is not among them). `skip`: ids this run already tried.
 */
export async function claimEmails(
  tx: Tx,
  o: {
    now: Date;
    leaseSeconds: number;
    limit: number;
    alertId?: string;
    retryFailed?: boolean;
    skip: string[];
  },
): Promise<EmailDelivery[]> {
  const r = await sql<EmailDelivery>`
    with due as (
      select org_id, id from alert_deliveries
      where channel = 'email' and sent_at is null and dead_at is null
        and (next_attempt_at is null or next_attempt_at <= ${o.now}
             ${o.retryFailed ? sql`or last_error is not null` : sql``})
        ${o.alertId ? sql`and alert_id = ${o.alertId}` : sql``}
        ${o.skip.length > 0 ? sql`and id <> all (${o.skip}::uuid[])` : sql``}
      -- In the order of alert_deliveries_email_due: never claimed first, then the longest due;
      -- rows leased into the future come last, so a claim stops before reaching them.
      order by next_attempt_at nulls first
      limit ${o.limit}
      for update skip locked
    ), claimed as (
      -- The error is cleared while an attempt is under way: a row with last_error is waiting for
      -- its backoff, never leased, so retryFailed does not take a row another run holds.
      update alert_deliveries d set next_attempt_at = ${leaseEnd(o.now, o.leaseSeconds)}, last_error = null
      from due where d.org_id = due.org_id and d.id = due.id
      returning d.org_id, d.id, d.alert_id, d.attempts, d.recipient, d.address, d.user_id
    )
    select c.org_id, c.id, c.alert_id, c.attempts, c.recipient, c.address, u.locale, o.name as org_name,
           o.slug as org_slug, io.name as issuer_name, a.title, a.body, a.recommended_action, a.severity, a.tlp
    from claimed c
    join alerts a on a.id = c.alert_id
    join organisations o on o.id = c.org_id
    left join organisations io on io.id = a.issuer_org_id
    left join users u on u.id = c.user_id
    order by c.org_id, c.id`.execute(tx.q);
  return r.rows;
}

/** Claims up to `limit` webhook deliveries due at `now` (next_attempt_at passed, not dead). */
export async function claimWebhooks(
  tx: Tx,
  o: { now: Date; leaseSeconds: number; limit: number; skip: string[] },
): Promise<WebhookDelivery[]> {
  const r = await sql<WebhookDelivery>`
    with due as (
      select org_id, id from alert_deliveries
      where channel = 'webhook' and sent_at is null and dead_at is null and next_attempt_at <= ${o.now}
        ${o.skip.length > 0 ? sql`and id <> all (${o.skip}::uuid[])` : sql``}
      order by next_attempt_at
      limit ${o.limit}
      for update skip locked
    ), claimed as (
      update alert_deliveries d set next_attempt_at = ${leaseEnd(o.now, o.leaseSeconds)}
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

/**
 * The rows as a table, locked in one order (organisation, id) before any is updated: the lease
 * renewal and the marking of sent rows of one run touch overlapping rows at the same time, and
 * two updates that lock the same rows in different orders deadlock (PostgreSQL then aborts one:
 * a lost "sent" mark would send those e-mails again once their lease ran out).
 */
const keys = (rows: DeliveryKey[]) =>
  sql`(select d.org_id, d.id from alert_deliveries d
       join unnest(${rows.map((r) => r.org_id)}::uuid[], ${rows.map((r) => r.id)}::uuid[]) k(org_id, id)
         on d.org_id = k.org_id and d.id = k.id
       order by d.org_id, d.id for update of d)`;

/** Extends the leases of rows a live worker still holds, to at least `until`. */
export async function renewLeases(tx: Tx, rows: DeliveryKey[], until: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update alert_deliveries d set next_attempt_at = greatest(d.next_attempt_at, ${until}::timestamptz)
    from ${keys(rows)} k
    where d.org_id = k.org_id and d.id = k.id and d.sent_at is null and d.dead_at is null`.execute(tx.q);
}

/** Marks deliveries sent (accepted by SMTP, or a 2xx from the endpoint), in one statement. */
export async function markSent(tx: Tx, rows: DeliveryKey[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update alert_deliveries d
    set sent_at = ${at}, attempts = d.attempts + 1, last_error = null, next_attempt_at = null
    from ${keys(rows)} k
    where d.org_id = k.org_id and d.id = k.id and d.sent_at is null`.execute(tx.q);
}

/** Records a failed attempt: due again at `retryAt`, or dead (given up) at `at` when null. */
export async function markFailed(
  tx: Tx,
  row: DeliveryKey,
  error: string,
  at: Date,
  retryAt: Date | null,
): Promise<void> {
  await sql`
    update alert_deliveries
    set attempts = attempts + 1, last_error = ${error.slice(0, 1000)}, next_attempt_at = ${retryAt},
        dead_at = ${retryAt === null ? at : null}
    where org_id = ${row.org_id} and id = ${row.id} and sent_at is null`.execute(tx.q);
}
