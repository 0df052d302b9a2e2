import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engines } from '../../../test/databases.js';
import { startTestApp, type TestApp } from '../../../test/server.js';
import { type JobDefinition, Jobs } from './queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines())('scheduled jobs on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers each job that declares a schedule with pg-boss, once, in UTC', async () => {
    const schedules = await t.runtime.ctx.jobs.schedules();
    expect(schedules).toContainEqual({ name: 'scorecard.snapshot', cron: '5 0 * * *' });
    expect(schedules.filter((s) => s.name === 'scorecard.snapshot')).toHaveLength(1);
    expect(schedules).toContainEqual({ name: 'imports.recover_inline', cron: '*/5 * * * *' });
    // Jobs without a schedule are not scheduled.
    expect(schedules.some((s) => s.name === 'imports.run')).toBe(false);
  });

  // A second pg-boss beside the runtime's, with jobs of its own.
  it.skipIf(engine !== 'postgres' /* reason: on PGlite its stop would close the one database */)(
    'hands a job whose last try failed to its dead letter queue, with its payload',
    async () => {
      const payload = z.strictObject({ n: z.number().int() });
      const dead: number[] = [];
      let tries = 0;
      const jobs = new Jobs(t.runtime.ctx.db, t.config.databaseUrl);
      jobs.define({
        name: 'test.fails',
        payload,
        retryLimit: 1,
        deadLetter: 'test.fails.dead',
        handle: async () => {
          tries++;
          throw new Error('always fails');
        },
      });
      const deadJob: JobDefinition<typeof payload> = {
        name: 'test.fails.dead',
        payload,
        handle: async (p) => void dead.push(p.n),
      };
      jobs.define(deadJob);
      try {
        await jobs.start();
        await jobs.work();
        await jobs.send({ name: 'test.fails', payload, handle: async () => {} }, { n: 7 });
        for (const deadline = Date.now() + 30_000; Date.now() < deadline && dead.length === 0; )
          await sleep(100);
        expect(dead).toEqual([7]);
        expect(tries).toBe(2);
      } finally {
        await jobs.stop();
      }
    },
    60_000,
  );
});
