import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/server/db/tenant.js';
import { engines } from '../databases.js';
import { createOrg, createUser } from '../factories.js';
import { startTestApp, type TestApp } from '../server.js';

describe.each(engines())('users row guard on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets a person change their own name and language but not make themselves platform administrator', async () => {
    const org = await createOrg(t);
    const user = await createUser(t, { org: org.slug, role: 'member' });
    const self = { orgIds: [org.id], userId: user.id };
    const kysely = t.runtime.ctx.db.kysely;
    await withTenant(kysely, self, (tx) =>
      tx.q.updateTable('users').set({ name: 'New Name', locale: 'en' }).where('id', '=', user.id).execute(),
    );
    for (const change of [
      { platform_admin: true },
      { email: 'other@example.dk' },
      { deactivated_at: new Date() },
      { failed_logins: 7 },
      { locked_until: new Date(Date.now() + 60_000) },
    ]) {
      await expect(
        withTenant(kysely, self, (tx) =>
          tx.q.updateTable('users').set(change).where('id', '=', user.id).execute(),
        ),
      ).rejects.toThrow(/platform administrator/);
    }
    // The operator (and a platform administrator) may.
    await withTenant(kysely, { orgIds: [], operator: true }, (tx) =>
      tx.q.updateTable('users').set({ deactivated_at: new Date() }).where('id', '=', user.id).execute(),
    );
    const row = await withTenant(kysely, { orgIds: [], operator: true }, (tx) =>
      tx.q
        .selectFrom('users')
        .select(['name', 'platform_admin', 'deactivated_at'])
        .where('id', '=', user.id)
        .executeTakeFirst(),
    );
    expect(row).toMatchObject({ name: 'New Name', platform_admin: false });
    expect(row?.deactivated_at).not.toBeNull();
  });
});
