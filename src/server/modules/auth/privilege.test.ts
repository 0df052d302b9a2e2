import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createUser, login } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';

describe.each(engines())('privilege change during a session on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends a session back to MFA enrolment when its person is given a role that needs MFA', async () => {
    const org = await createOrg(t);
    const user = await createUser(t, { org: org.slug, role: 'member' });
    const me = await login(t, user);
    const before = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/tokens`,
      headers: me.headers(),
      payload: { name: 'probe', role: 'member' },
    });
    expect(before.statusCode).toBe(403);
    const granted = await t.asOperator('POST', `/api/v1/orgs/${org.slug}/members`, {
      email: user.email,
      role: 'admin',
    });
    expect(granted.statusCode).toBe(200);
    const after = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/tokens`,
      headers: me.headers(),
      payload: { name: 'probe', role: 'member' },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('auth.mfa_enrolment_required');
    const session = await t.inject({ method: 'GET', url: '/api/v1/auth/session', headers: me.headers() });
    expect(session.json().stage).toBe('enrol');
  });
});
