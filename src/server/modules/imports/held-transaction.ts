import { sql } from 'kysely';
import type { Database } from '../../db/client.js';
import { type Scope, type Tx, withTenant } from '../../db/tenant.js';

type Task = { fn: (tx: Tx) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** The end of a held transaction: commit or roll back. */
type End = 'commit' | 'rollback';

/** Thrown inside a held transaction to roll it back (never reaches a caller). */
class RolledBack extends Error {}

/**
 * One withTenant transaction on a server, kept open across steps that arrive over time (an
 * import's early switches while its file is read, then the rest of its switch): each `run`
 * executes in it, in order, one at a time; `commit` ends it (durably, with withTenant's commit
 * callbacks), `rollback` undoes all of it. A step that fails aborts the transaction: that step
 * rejects, later ones reject at once, and `commit` throws the failure. Only on a server, where
 * other sessions go on meanwhile; on the embedded database a transaction holds the one session,
 * and everybody would wait.
 */
export class HeldTransaction {
  #queue: Array<Task | End> = [];
  #wake: (() => void) | null = null;
  #failure: unknown = null;
  #ended = false;
  readonly #done: Promise<void>;

  constructor(db: Database, scope: Scope) {
    if (db.kind !== 'postgres') throw new Error('a held transaction needs a PostgreSQL server');
    this.#done = withTenant(db.kysely, scope, async (tx) => {
      // Idle between steps while the file is read and checked: a server's limit on idle
      // transactions (if one is set) must not end it.
      await sql`select set_config('idle_in_transaction_session_timeout', '0', true)`.execute(tx.q);
      for (;;) {
        const next = await this.#next();
        if (next === 'commit') return;
        if (next === 'rollback') throw new RolledBack();
        try {
          next.resolve(await next.fn(tx));
        } catch (error) {
          next.reject(error);
          throw error;
        }
      }
    }).catch((error) => {
      this.#failure ??= error;
      // Steps queued behind the one that failed never ran.
      for (const t of this.#queue.splice(0)) if (typeof t !== 'string') t.reject(this.#failure);
      if (!(error instanceof RolledBack)) throw error;
    });
    // Observed here; commit and rollback await it again.
    this.#done.catch(() => {});
  }

  async #next(): Promise<Task | End> {
    while (this.#queue.length === 0) await new Promise<void>((resolve) => (this.#wake = resolve));
    return this.#queue.shift() as Task | End;
  }

  #push(item: Task | End): void {
    this.#queue.push(item);
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Runs `fn` in the held transaction, after the steps queued before it. */
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.#ended) return Promise.reject(new Error('the held transaction has ended'));
    if (this.#failure !== null) return Promise.reject(this.#failure);
    return new Promise<T>((resolve, reject) =>
      this.#push({ fn, resolve: resolve as (v: unknown) => void, reject }),
    );
  }

  /** Commits what the steps did; throws when a step failed (everything was rolled back). */
  async commit(): Promise<void> {
    this.#end('commit');
    await this.#done;
    if (this.#failure !== null) throw this.#failure;
  }

  /** Rolls back what the steps did (nothing happens when it already ended). */
  async rollback(): Promise<void> {
    this.#end('rollback');
    await this.#done.catch(() => {});
  }

  #end(how: End): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#push(how);
  }
}
