import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import {
  createOrg,
  createToken,
  createUser,
  login,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';

/**
 * The alert's GET says whether the caller may answer it for the organisation (`may_answer`,
 * vaern_alert_may_answer of migration 0037, docs/alerts.md "Who answers"): the web page shows the
 * answer form exactly when it is true.
 *
 *   R  region: admin, security officer, management, auditor, plain member, named member (named on
 *      the alert), a security officer token
 */
describe.each(engines())('may_answer on an alert on %s', (engine) => {
  let t: TestApp;
  let R: OrgFixture;
  let admin: SignedIn;
  let officer: SignedIn;
  let mgmt: SignedIn;
  let auditor: SignedIn;
  let plain: SignedIn;
  let named: SignedIn;
  let token: string;
  let alertId: string;

  const call = (auth: string | SignedIn, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.inject({
      method,
      url,
      headers: typeof auth === 'string' ? { authorization: auth } : auth.headers(),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const detail = (who: string | SignedIn) => call(who, 'GET', `/api/v1/orgs/${R.slug}/alerts/${alertId}`);

  beforeAll(async () => {
    t = await startTestApp(engine);
    R = await createOrg(t, { kind: 'region' });
    admin = await login(t, await createUser(t, { org: R.slug, role: 'admin' }));
    officer = await login(t, await createUser(t, { org: R.slug, role: 'security_officer' }));
    mgmt = await login(t, await createUser(t, { org: R.slug, role: 'management' }));
    auditor = await login(t, await createUser(t, { org: R.slug, role: 'auditor' }));
    plain = await login(t, await createUser(t, { org: R.slug, role: 'member' }));
    named = await login(t, await createUser(t, { org: R.slug, role: 'member' }));
    token = await createToken(t, R.slug, 'security_officer');
    const r = await call(admin, 'POST', `/api/v1/orgs/${R.slug}/issued-alerts`, {
      title: 'May answer',
      body: 'Who may answer this alert.',
      severity: 'high',
      tlp: 'GREEN',
      audience: { people: [named.userId] },
    });
    expect(r.statusCode, r.body).toBe(201);
    alertId = r.json().id as string;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('is true for the admin, security officer, management, a named member and a token', async () => {
    for (const who of [admin, officer, mgmt, named, token]) {
      const r = await detail(who);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().may_answer).toBe(true);
    }
  });

  it('is false for a plain member and an auditor not named, who read the alert but are refused an answer', async () => {
    for (const who of [plain, auditor]) {
      const r = await detail(who);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().title).toBe('May answer');
      expect(r.json().may_answer).toBe(false);
      const refused = await call(who, 'POST', `/api/v1/orgs/${R.slug}/alerts/${alertId}/answer`, {
        status: 'received',
      });
      expect(refused.statusCode).toBe(403);
    }
  });

  it("follows the server's rule: the named member's answer is accepted and its response says so", async () => {
    const r = await call(named, 'POST', `/api/v1/orgs/${R.slug}/alerts/${alertId}/answer`, {
      status: 'assessing',
      note: 'named answers',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().may_answer).toBe(true);
    expect(r.json().answer.status).toBe('assessing');
    expect((await detail(plain)).json().may_answer).toBe(false);
  });
});
