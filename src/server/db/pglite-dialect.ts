import type { PGlite } from '@electric-sql/pglite';
import {
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PGliteDialect,
  type TransactionSettings,
} from 'kysely';

/**
 * PGlite is one session. Kysely's own PGlite driver hands the same connection to every caller and
 * routes a concurrent caller's query into whatever transaction is open, with that transaction's
 * row-level-security context. This dialect serialises access: a caller holds the session from
 * acquire to release, so a transaction is never shared.
 */
class SerialisedDriver implements Driver {
  #queue: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue;
    let release!: () => void;
    this.#queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    // PGlite runs each query synchronously: yield one turn of the event loop first, so that a
    // long chain of queries (an import, a backup) lets incoming requests be read and queued.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#release = release;
    return this.inner.acquireConnection();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(connection);
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

export function serialisedPGliteDialect(pglite: PGlite): Dialect {
  const base = new PGliteDialect({ pglite });
  return {
    createAdapter: () => base.createAdapter(),
    createDriver: () => new SerialisedDriver(base.createDriver()),
    createIntrospector: (db) => base.createIntrospector(db),
    createQueryCompiler: () => base.createQueryCompiler(),
  };
}
