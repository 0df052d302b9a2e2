import type { AppContext } from '../../context.js';
import { OPERATOR_SCOPE, withTenant } from '../../db/tenant.js';
import * as dq from './delivery-queries.js';

/** A claimed delivery is held by its worker this long unless the worker renews the lease. */
export const LEASE_SECONDS = 30;
/** A live worker renews the leases of what it still holds this often. */
const RENEW_MS = 10_000;
/** Sent deliveries are marked in one statement once this many have gathered, or every FLUSH_MS. */
const FLUSH_ROWS = 50;
const FLUSH_MS = 200;
/** Marking sent is tried this many times in a row before the run gives up (and stops claiming). */
const MARK_TRIES = 5;

/**
 * The most deliveries one run holds at once (claimed and not yet settled): a claim of `batch` is
 * made only while it holds at most `batch`. After a crash only these may arrive twice.
 */
export const maxHeld = (batch: number): number => 2 * batch;

export interface PumpOptions<T extends dq.DeliveryKey> {
  ctx: AppContext;
  /** Claims (leases) up to `limit` due deliveries; `skip` holds the ids this run already tried. */
  claim(limit: number, skip: string[]): Promise<T[]>;
  /** One attempt: undefined when the receiver accepted it, else why not. */
  send(d: T): Promise<string | undefined>;
  /** Records a failure (backoff or dead); returns whether it will be tried again. */
  fail(d: T, error: string): Promise<boolean>;
  /** When the accepted ones are marked sent. */
  sentAt(): Date;
  /** Attempts at once. */
  concurrency: number;
  /**
   * Rows per claim; the next claim is made when fewer than half a batch is left to start and the
   * run holds at most one batch (maxHeld).
   */
  batch: number;
}

export interface PumpRun {
  sent: number;
  retried: number;
  dead: number;
}

/**
 * Sends every due delivery, `concurrency` at a time, until a claim finds none: claims in batches
 * (leased, FOR UPDATE SKIP LOCKED, so workers share the work), marks accepted ones sent in batches,
 * and renews the leases of what it holds while it works. At least once: a row is marked sent only
 * after its receiver accepted it, so a crash in between sends it again, with the same id. What may
 * repeat after a crash is what the run held at that moment, at most maxHeld(batch): claimed and
 * not yet started, being sent, or accepted and not yet marked.
 */
export async function pump<T extends dq.DeliveryKey>(o: PumpOptions<T>): Promise<PumpRun> {
  const run: PumpRun = { sent: 0, retried: 0, dead: 0 };
  const queue: T[] = [];
  /** Claimed and not yet settled: the leases to renew. */
  const held = new Map<string, T>();
  const tried: string[] = [];
  let accepted: T[] = [];
  let exhausted = false;
  let claiming: Promise<void> | undefined;
  let failure: unknown;

  const refill = () => {
    claiming ??= (async () => {
      const rows = await o.claim(o.batch, tried);
      if (rows.length === 0) exhausted = true;
      for (const row of rows) {
        queue.push(row);
        held.set(row.id, row);
      }
    })().finally(() => {
      claiming = undefined;
    });
    return claiming;
  };

  /** Failed attempts in a row to mark accepted deliveries sent; the run stops after MARK_TRIES. */
  let markFailures = 0;
  const flush = async () => {
    if (accepted.length === 0) return;
    const rows = accepted;
    accepted = [];
    try {
      await withTenant(o.ctx.db.kysely, OPERATOR_SCOPE, (tx) => dq.markSent(tx, rows, o.sentAt()));
      markFailures = 0;
    } catch (error) {
      // Still held (and their leases renewed): marked with the next flush. Dropping them would
      // send them again once their lease ran out.
      accepted = rows.concat(accepted);
      markFailures++;
      o.ctx.log.warn({ err: error, rows: rows.length }, 'alert deliveries not yet marked sent');
      if (markFailures >= MARK_TRIES) throw error;
      return;
    }
    for (const row of rows) held.delete(row.id);
    run.sent += rows.length;
  };

  const mayClaim = () => !exhausted && held.size <= maxHeld(o.batch) - o.batch;

  const next = async (): Promise<T | undefined> => {
    for (;;) {
      if (failure !== undefined) return undefined;
      const row = queue.shift();
      if (row) {
        if (queue.length < o.batch / 2 && mayClaim()) void refill().catch(stop);
        return row;
      }
      if (exhausted) return undefined;
      if (mayClaim() || claiming) await refill();
      else if (accepted.length > 0) await flush();
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  const stop = (error: unknown) => {
    failure ??= error;
  };

  const lane = async () => {
    for (let d = await next(); d; d = await next()) {
      const error = await o.send(d);
      if (error === undefined) {
        accepted.push(d);
        if (accepted.length >= FLUSH_ROWS) await flush();
        continue;
      }
      tried.push(d.id);
      if (await o.fail(d, error)) run.retried++;
      else run.dead++;
      held.delete(d.id);
    }
  };

  const flusher = setInterval(() => void flush().catch(stop), FLUSH_MS);
  const renewer = setInterval(() => {
    const rows = [...held.values()];
    const until = new Date(Date.now() + LEASE_SECONDS * 1000);
    void withTenant(o.ctx.db.kysely, OPERATOR_SCOPE, (tx) => dq.renewLeases(tx, rows, until)).catch(
      (error: unknown) => o.ctx.log.warn({ err: error }, 'alert delivery leases not renewed'),
    );
  }, RENEW_MS);
  flusher.unref();
  renewer.unref();
  try {
    await Promise.all(Array.from({ length: o.concurrency }, () => lane().catch(stop)));
    await claiming?.catch(stop);
    // Every accepted delivery marked before the run ends (flush throws after MARK_TRIES).
    while (accepted.length > 0) {
      await flush();
      if (accepted.length > 0) await new Promise((resolve) => setTimeout(resolve, FLUSH_MS));
    }
  } finally {
    clearInterval(flusher);
    clearInterval(renewer);
  }
  if (failure !== undefined) throw failure;
  return run;
}
