import { fromPglite, PgBoss } from 'pg-boss';
import type { z } from 'zod';
import type { Database } from '../db/client.js';

/** A typed background job: a queue name, a payload schema, retries, and its handler. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  retryLimit?: number;
  /** Seconds a job may run before it is retried or failed. */
  expireInSeconds?: number;
  /**
   * Seconds without a heartbeat after which a running job counts as cut off (its process died)
   * and is retried or failed; the worker sends one every half of it while the handler runs.
   * Without it, only expireInSeconds ends a job whose process died.
   */
  heartbeatSeconds?: number;
  /** A cron expression (UTC): pg-boss sends the job on this schedule, once across all workers. */
  schedule?: string;
  /** Also sent once (with an empty payload) whenever a process starts handling the queues. */
  atStart?: boolean;
  /**
   * The queue (another job's name, with the same payload) that gets the job once its last try
   * failed: pg-boss's dead letter queue. Without one, such a job is only marked failed.
   */
  deadLetter?: string;
  handle(payload: z.infer<S>): Promise<void>;
}

/**
 * pg-boss on either engine: the pool's database on PostgreSQL, PGlite's own adapter when embedded.
 * `send` validates the payload against the job's schema before it is queued.
 */
export class Jobs {
  readonly #boss: PgBoss;
  readonly #defs = new Map<string, JobDefinition>();
  /** The worker of each queue this process handles, woken when this process sends to it. */
  readonly #workers = new Map<string, string>();
  #started = false;
  #working = false;

  /**
   * `superviseSeconds`: how often pg-boss's supervisor runs and fails the jobs whose heartbeat or
   * time ran out, its pass and its per-queue monitor alike (pg-boss's defaults, 60 s each, when not
   * given: the monitor, which does the failing, runs no more often than its own interval).
   */
  constructor(db: Database, databaseUrl: string | undefined, options: { superviseSeconds?: number } = {}) {
    const s = options.superviseSeconds;
    const supervise = s ? { superviseIntervalSeconds: s, monitorIntervalSeconds: s } : {};
    this.#boss =
      db.kind === 'pglite' && db.pglite
        ? new PgBoss({
            db: fromPglite(db.pglite),
            backend: 'pglite',
            supervise: true,
            schedule: true,
            ...supervise,
          })
        : new PgBoss({ connectionString: databaseUrl ?? '', max: 4, schedule: true, ...supervise });
    this.#boss.on('error', () => {
      /* pg-boss logs through its own retries; a failed poll is retried on the next interval */
    });
  }

  define(def: JobDefinition): void {
    if (this.#defs.has(def.name)) throw new Error(`job ${def.name} defined twice`);
    this.#defs.set(def.name, def);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    await this.#boss.start();
    // Every queue first (a dead letter queue must exist before a queue names it), then each
    // queue's options as defined now: createQueue leaves a queue of an earlier version as it was.
    for (const def of this.#defs.values()) await this.#boss.createQueue(def.name);
    for (const def of this.#defs.values()) {
      if (def.deadLetter && !this.#defs.has(def.deadLetter))
        throw new Error(`job ${def.name}: its dead letter queue ${def.deadLetter} is not defined`);
      await this.#boss.updateQueue(def.name, {
        retryLimit: def.retryLimit ?? 3,
        retryBackoff: true,
        expireInSeconds: def.expireInSeconds ?? 3600,
        deadLetter: def.deadLetter ?? null,
        ...(def.heartbeatSeconds ? { heartbeatSeconds: def.heartbeatSeconds } : {}),
      });
      if (def.schedule) await this.#boss.schedule(def.name, def.schedule, {}, { tz: 'UTC' });
      else await this.#boss.unschedule(def.name);
    }
    this.#started = true;
  }

  async send<S extends z.ZodType>(def: JobDefinition<S>, payload: z.infer<S>): Promise<string> {
    const data = def.payload.parse(payload) as object;
    const id = await this.#boss.send(def.name, data);
    if (!id) throw new Error(`job ${def.name} was not queued`);
    // A worker in this process starts on it now rather than at its next poll (up to 0.5 s later).
    const worker = this.#workers.get(def.name);
    if (worker) this.#boss.notifyWorker(worker);
    return id;
  }

  /** A queue's retry settings and dead letter queue as pg-boss keeps them, for checks and operators. */
  async queue(name: string): Promise<{
    retryLimit: number;
    expireInSeconds: number;
    heartbeatSeconds: number | null;
    deadLetter: string | null;
  } | null> {
    const q = await this.#boss.getQueue(name);
    if (!q) return null;
    return {
      retryLimit: q.retryLimit ?? 0,
      expireInSeconds: q.expireInSeconds ?? 0,
      heartbeatSeconds: q.heartbeatSeconds ?? null,
      deadLetter: q.deadLetter ?? null,
    };
  }

  /** The schedules pg-boss keeps (name and cron), for checks and operators. */
  async schedules(): Promise<Array<{ name: string; cron: string }>> {
    const all = await this.#boss.getSchedules();
    return all.map((s) => ({ name: s.name, cron: s.cron }));
  }

  /** Starts handling every defined queue in this process. */
  async work(): Promise<void> {
    if (this.#working) return;
    for (const def of this.#defs.values()) {
      const worker = await this.#boss.work(
        def.name,
        { batchSize: 10, pollingIntervalSeconds: 0.5 },
        async (jobs) => {
          for (const job of jobs) await def.handle(def.payload.parse(job.data));
        },
      );
      this.#workers.set(def.name, worker);
    }
    this.#working = true;
    for (const def of this.#defs.values()) if (def.atStart) await this.send(def, {});
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    await this.#boss.stop({ graceful: true, timeout: 10_000, close: true });
    this.#started = false;
    this.#working = false;
    this.#workers.clear();
  }
}
