import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/databases.js';
import { startTestApp, type TestApp } from '../../../test/server.js';

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
});
