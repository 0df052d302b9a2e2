import { type Kysely, sql, type Transaction } from 'kysely';
import type { Actor } from '../lib/actor.js';
import type { DB } from './schema.js';

/** What one transaction may see: organisations, the person, platform and operator flags. */
export interface Scope {
  orgIds: readonly string[];
  userId?: string | undefined;
  platformAdmin?: boolean;
  operator?: boolean;
  /**
   * Organisations whose records are limited to a data period (an auditor's grant): org id →
   * [from, to] as YYYY-MM-DD or null. Row-level security reads it (vaern_in_data_period, 0012).
   */
  dataPeriods?: Readonly<Record<string, readonly [string | null, string | null]>>;
}

/** The operator's scope: jobs and the CLI acting for the whole instance (every organisation). */
export const OPERATOR_SCOPE: Scope = { orgIds: [], operator: true };

export interface Tx {
  q: Transaction<DB>;
  scope: Scope;
  /** Runs after a successful commit (audit anchors, job notifications). */
  onCommit(cb: () => void | Promise<void>): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface TenantOptions {
  /**
   * Commit without waiting for the write-ahead log to reach the disk (`synchronous_commit =
   * off`). Only for steps whose loss in a crash of the machine is harmless because a later,
   * durable commit depends on them or they are redone: an import's staging, progress and
   * clean-up (its switch commits durably, and flushes everything before it). The database stays
   * consistent either way.
   */
  asyncCommit?: boolean;
}

/**
 * The only way application code reaches the database: one transaction that sets the request's
 * organisations and switches to the NOLOGIN role vaern_app, so row-level security applies
 * whatever the login is. A query that forgets its org filter still sees only these rows.
 * Never nest one inside another: on the embedded database the session is held for the whole
 * transaction, so a nested call waits for itself.
 */
export async function withTenant<T>(
  kysely: Kysely<DB>,
  scope: Scope,
  fn: (tx: Tx) => Promise<T>,
  options: TenantOptions = {},
): Promise<T> {
  const [orgIds, userId, platformAdmin, operator, dataPeriods] = tenantSettings(scope);
  const commit = options.asyncCommit ? 'off' : 'on';
  const callbacks: Array<() => void | Promise<void>> = [];
  const result = await kysely.transaction().execute(async (q) => {
    // One round trip: the settings and the role (set_config('role', …, true) is SET LOCAL ROLE).
    await sql`select set_config('app.org_ids', ${orgIds}, true),
                     set_config('app.user_id', ${userId}, true),
                     set_config('app.platform_admin', ${platformAdmin}, true),
                     set_config('app.operator', ${operator}, true),
                     set_config('app.data_periods', ${dataPeriods}, true),
                     set_config('synchronous_commit', ${commit}, true),
                     set_config('role', 'vaern_app', true)`.execute(q);
    return fn({ q, scope, onCommit: (cb) => callbacks.push(cb) });
  });
  for (const cb of callbacks) await cb();
  return result;
}

/**
 * How long a request waits for a row another transaction holds before it answers busy (SQLSTATE
 * 55P03, `error.busy`). A scan import's switch holds the findings it changes until it commits,
 * which on a server can take as long as the file takes to read (decision 011): a person's change of
 * such a finding would otherwise wait all that time, holding a pooled connection.
 */
export const REQUEST_LOCK_WAIT_MS = 5_000;

/** Bounds this transaction's waits for locks (SET LOCAL lock_timeout). */
export async function waitForLocksAtMost(tx: Tx, ms: number): Promise<void> {
  await sql`select set_config('lock_timeout', ${`${ms}ms`}, true)`.execute(tx.q);
}

/**
 * The values of a scope's transaction settings, validated: app.org_ids, app.user_id,
 * app.platform_admin, app.operator, app.data_periods, in that order. withTenant sets them; so does
 * the one path that cannot go through Kysely (copyRows, COPY on a server), with TENANT_SETTINGS_SQL.
 */
export function tenantSettings(scope: Scope): [string, string, string, string, string] {
  for (const id of scope.orgIds)
    if (!UUID.test(id)) throw new Error(`invalid organisation id in scope: ${id}`);
  if (scope.userId && !UUID.test(scope.userId)) throw new Error('invalid user id in scope');
  const periods = scope.dataPeriods ?? {};
  for (const [id, period] of Object.entries(periods)) {
    if (!UUID.test(id)) throw new Error(`invalid organisation id in data periods: ${id}`);
    if (period.length !== 2 || !period.every((d) => d === null || ISO_DATE.test(d)))
      throw new Error(`invalid data period in scope for ${id}`);
  }
  return [
    `{${scope.orgIds.join(',')}}`,
    scope.userId ?? '',
    scope.platformAdmin ? 'true' : 'false',
    scope.operator ? 'true' : 'false',
    Object.keys(periods).length > 0 ? JSON.stringify(periods) : '',
  ];
}

/**
 * withTenant's settings and role as one parameterised statement ($1–$5: tenantSettings), for raw
 * sessions: the scope's settings, then `SET LOCAL ROLE vaern_app`.
 */
export const TENANT_SETTINGS_SQL = `select set_config('app.org_ids', $1, true), set_config('app.user_id', $2, true),
  set_config('app.platform_admin', $3, true), set_config('app.operator', $4, true),
  set_config('app.data_periods', $5, true), set_config('role', 'vaern_app', true)`;

/** The scope of an actor's request: its own organisations (or one of them), never more. */
export function scopeOf(actor: Actor, onlyOrgId?: string): Scope {
  switch (actor.kind) {
    case 'operator':
      return { orgIds: onlyOrgId ? [onlyOrgId] : [], operator: true };
    case 'token':
      return { orgIds: [actor.orgId] };
    case 'job':
      return { orgIds: [actor.orgId] };
    case 'user': {
      const kept = onlyOrgId ? actor.memberships.filter((m) => m.orgId === onlyOrgId) : actor.memberships;
      const scope: Scope = {
        orgIds: kept.map((m) => m.orgId),
        userId: actor.userId,
        platformAdmin: actor.platformAdmin,
      };
      const periods = kept.filter((m) => m.dataPeriod);
      if (periods.length > 0)
        scope.dataPeriods = Object.fromEntries(
          periods.map((m) => [m.orgId, [m.dataPeriod?.from ?? null, m.dataPeriod?.to ?? null] as const]),
        );
      return scope;
    }
  }
}
