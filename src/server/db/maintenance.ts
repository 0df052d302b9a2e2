import { sql } from 'kysely';
import type { Database } from './client.js';
import { definerWindow } from './migrate.js';
import { OPERATOR_SCOPE, type Tx } from './tenant.js';

export interface MaintenanceOptions {
  /**
   * A read-only snapshot: on PostgreSQL the transaction is REPEATABLE READ READ ONLY, so every
   * table is read as of one moment while the server keeps working. On the embedded database the
   * transaction holds the one session, so nothing else runs until it ends.
   */
  readOnly: boolean;
}

export interface MaintenanceTx extends Tx {
  /**
   * Runs `fn` as the login itself (the schema's owner) instead of vaern_definer, for the few
   * statements that need ownership: catalog work (constraints, triggers, sequences) and the
   * migrations table. Row data is never read or written this way: FORCE RLS hides it from the owner.
   */
  asOwner<T>(fn: () => Promise<T>): Promise<T>;
}

/** Ends a read-only maintenance transaction with ROLLBACK, carrying its result out. */
class ReadOnlyResult extends Error {
  constructor(readonly value: unknown) {
    super('read-only maintenance transaction ended');
  }
}

/**
 * The only door to the database besides withTenant, and only for backup and restore: one
 * transaction as the NOLOGIN role vaern_definer, whose policies see every row of every table
 * (0001 and every later migration grant it), with the session settings that make row_to_json
 * and json_populate_recordset exact and identical on both engines.
 *
 * The login is a member of vaern_definer only inside this transaction (definerWindow): a write
 * transaction revokes the membership before it commits; a read-only one ends with ROLLBACK, which
 * takes the grant back with it. On PostgreSQL a second transaction that opens the window waits
 * until the first ends, so maintenance transactions run one at a time.
 */
export async function withMaintenance<T>(
  db: Database,
  options: MaintenanceOptions,
  fn: (tx: MaintenanceTx) => Promise<T>,
): Promise<T> {
  const callbacks: Array<() => void | Promise<void>> = [];
  let result: T;
  try {
    result = await db.kysely.transaction().execute(async (q) => {
      if (options.readOnly) await sql`set transaction isolation level repeatable read`.execute(q);
      await sql.raw(definerWindow.open).execute(q);
      if (options.readOnly) await sql`set transaction read only`.execute(q);
      await sql`select set_config('TimeZone', 'UTC', true),
                       set_config('bytea_output', 'hex', true),
                       set_config('extra_float_digits', '1', true),
                       set_config('IntervalStyle', 'postgres', true),
                       set_config('idle_in_transaction_session_timeout', '0', true),
                       set_config('statement_timeout', '0', true)`.execute(q);
      await sql`set local role vaern_definer`.execute(q);
      const tx: MaintenanceTx = {
        q,
        scope: OPERATOR_SCOPE,
        onCommit: (cb) => callbacks.push(cb),
        async asOwner(inner) {
          await sql`set local role none`.execute(q);
          // On failure the transaction is aborted and rolls back: switching back would only hide the error.
          const value = await inner();
          await sql`set local role vaern_definer`.execute(q);
          return value;
        },
      };
      const value = await fn(tx);
      if (options.readOnly) throw new ReadOnlyResult(value);
      await sql`set local role none`.execute(q);
      await sql.raw(definerWindow.close).execute(q);
      return value;
    });
  } catch (error) {
    if (!(error instanceof ReadOnlyResult)) throw error;
    result = error.value as T;
  }
  for (const cb of callbacks) await cb();
  return result;
}
