import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/server/http/app.js';
import { engines } from '../databases.js';
import { createOrg, createToken, createUser, login, type OrgFixture } from '../factories.js';
import { startTestApp, type TestApp } from '../server.js';

/** Fills a route's path parameters: the victim's slug for :org, fresh ids for the rest. */
function urlFor(route: RouteInfo, org: string): string {
  return route.url.replace(/:(\w+)/g, (_, name: string) => (name === 'org' ? org : randomUUID()));
}

/**
 * Table-driven over the whole route table, so every organisation route any module adds is
 * covered: an actor of organisation B is refused on A's resources whatever the method and body.
 */
describe.each(engines())('organisation routes on %s', (engine) => {
  let t: TestApp;
  let victim: OrgFixture;
  let intruder: OrgFixture;
  let routes: RouteInfo[];
  beforeAll(async () => {
    t = await startTestApp(engine);
    victim = await createOrg(t);
    intruder = await createOrg(t);
    routes = t.app.vaernRoutes.filter((r) => r.url.startsWith('/api/v1/orgs/:org'));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds the organisation routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(5);
  });

  for (const role of ['security_officer', 'system_owner', 'auditor', 'member'] as const) {
    it(`refuses a ${role} token of another organisation on every route`, async () => {
      const bearer = await createToken(t, intruder.slug, role);
      const refused: string[] = [];
      for (const route of routes) {
        const r = await t.inject({
          method: route.method as 'GET',
          url: urlFor(route, victim.slug),
          headers: { authorization: bearer },
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        if (r.statusCode === 403 && r.json().code === 'error.org_forbidden')
          refused.push(`${route.method} ${route.url}`);
        else refused.push(`${route.method} ${route.url} answered ${r.statusCode}`);
      }
      expect(refused).toEqual(routes.map((route) => `${route.method} ${route.url}`));
    });
  }

  for (const role of ['admin', 'security_officer', 'management', 'auditor', 'member'] as const) {
    it(`refuses a signed-in ${role} of another organisation on every route`, async () => {
      const person = await login(t, await createUser(t, { org: intruder.slug, role }));
      const answers: string[] = [];
      for (const route of routes) {
        const r = await t.inject({
          method: route.method as 'GET',
          url: urlFor(route, victim.slug),
          headers: person.headers(),
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        const ok = r.statusCode === 403 && r.json().code === 'error.org_forbidden';
        answers.push(`${route.method} ${route.url}${ok ? '' : ` answered ${r.statusCode}`}`);
      }
      expect(answers).toEqual(routes.map((route) => `${route.method} ${route.url}`));
    });
  }

  it('refuses anonymous callers on every organisation route', async () => {
    for (const route of routes) {
      const r = await t.inject({ method: route.method as 'GET', url: urlFor(route, victim.slug) });
      expect({ route: route.url, status: r.statusCode }).toEqual({ route: route.url, status: 401 });
    }
  });

  it('lets the same token act on its own organisation (so the refusals above are not blanket)', async () => {
    const bearer = await createToken(t, intruder.slug, 'security_officer');
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${intruder.slug}`,
      headers: { authorization: bearer },
    });
    expect(r.statusCode).toBe(200);
  });
});
