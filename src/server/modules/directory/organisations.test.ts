import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createUser, createUserWithMfa, login } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';

describe.each(engines())('organisations for platform administrators on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  const patch = (slug: string, body: unknown, headers?: Record<string, string>) =>
    t.inject({
      method: 'PATCH',
      url: `/api/v1/platform/organisations/${slug}`,
      payload: body as object,
      ...(headers ? { headers } : {}),
    });

  it('searches by part of the slug or name, case-insensitively, and by kind', async () => {
    await createOrg(t, { slug: 'searchable-north', name: 'Nordlige Sygehus', kind: 'hospital' });
    await createOrg(t, { slug: 'searchable-south', name: 'Sydlige Apotek', kind: 'pharmacy' });
    await createOrg(t, { slug: 'other-100', name: 'Literal 100% _under', kind: 'other' });
    const byName = (await t.asOperator('GET', '/api/v1/orgs?q=NORDLIGE')).json();
    expect(byName.items.map((o: { slug: string }) => o.slug)).toEqual(['searchable-north']);
    const bySlug = (await t.asOperator('GET', '/api/v1/orgs?q=searchable')).json();
    expect(bySlug.items).toHaveLength(2);
    const byKind = (await t.asOperator('GET', '/api/v1/orgs?q=searchable&kind=pharmacy')).json();
    expect(byKind.items.map((o: { slug: string }) => o.slug)).toEqual(['searchable-south']);
    // % and _ are literal characters in a search, not wildcards.
    const literal = (await t.asOperator('GET', '/api/v1/orgs?q=0%25%20_')).json();
    expect(literal.items.map((o: { slug: string }) => o.slug)).toEqual(['other-100']);
    const wildcard = (await t.asOperator('GET', '/api/v1/orgs?q=%25')).json();
    expect(wildcard.items.map((o: { slug: string }) => o.slug)).toEqual(['other-100']);
    const paged = (await t.asOperator('GET', '/api/v1/orgs?q=searchable&limit=1')).json();
    const rest = (
      await t.asOperator('GET', `/api/v1/orgs?q=searchable&limit=1&cursor=${paged.next_cursor}`)
    ).json();
    expect([...paged.items, ...rest.items].map((o: { slug: string }) => o.slug)).toEqual([
      'searchable-north',
      'searchable-south',
    ]);
  });

  it('lets a platform administrator change name, kind, parent and region, recorded before and after', async () => {
    const region = await createOrg(t, { slug: 'edit-region', kind: 'region' });
    const org = await createOrg(t, { slug: 'edit-me', name: 'Old name', kind: 'other' });
    const admin = await createUserWithMfa(t, { platformAdmin: true });
    const me = await login(t, admin);
    const r = await patch(
      org.slug,
      { name: 'New name', kind: 'hospital', parent: region.slug, region: region.slug },
      me.headers(),
    );
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      slug: 'edit-me',
      name: 'New name',
      kind: 'hospital',
      parent: 'edit-region',
      region: 'edit-region',
    });
    const cleared = await patch(org.slug, { parent: null }, me.headers());
    expect(cleared.json()).toMatchObject({ parent: null, region: 'edit-region' });

    const trail = (
      await t.inject({ method: 'GET', url: '/api/v1/audit/platform', headers: me.headers() })
    ).json();
    const entry = trail.items.find(
      (e: { action: string; after: { parent: string | null } }) =>
        e.action === 'organisation.update' && e.after.parent === 'edit-region',
    );
    expect(entry).toMatchObject({
      before: { name: 'Old name', kind: 'other', parent: null },
      after: { name: 'New name', kind: 'hospital' },
    });
  });

  it('refuses a parent below the organisation itself, an unknown region and an empty change', async () => {
    const top = await createOrg(t, { slug: 'cycle-top' });
    const child = await createOrg(t, { slug: 'cycle-child', parent: top.slug });
    const grandchild = await createOrg(t, { slug: 'cycle-grandchild', parent: child.slug });
    const op = (slug: string, body: unknown) =>
      t.asOperator('PATCH', `/api/v1/platform/organisations/${slug}`, body);
    for (const parent of [top.slug, grandchild.slug]) {
      const r = await op(top.slug, { parent });
      expect(r.statusCode).toBe(400);
      expect(r.json().code).toBe('directory.parent_cycle');
    }
    expect((await op(top.slug, { region: child.slug })).json().code).toBe('directory.region_not_found');
    expect((await op(top.slug, {})).statusCode).toBe(400);
    expect((await op('no-such-org', { name: 'x' })).statusCode).toBe(404);
    expect((await op(top.slug, { slug: 'renamed' })).statusCode).toBe(400);
  });

  it('refuses everyone else, including an admin of the organisation itself', async () => {
    const org = await createOrg(t, { slug: 'not-yours' });
    const admin = await createUserWithMfa(t, { org: org.slug, role: 'admin' });
    const me = await login(t, admin);
    const r = await patch(org.slug, { name: 'Taken over' }, me.headers());
    expect(r.statusCode).toBe(403);
    const member = await login(t, await createUser(t, { org: org.slug, role: 'member' }));
    expect((await patch(org.slug, { name: 'Taken over' }, member.headers())).statusCode).toBe(403);
    expect((await patch(org.slug, { name: 'Taken over' })).statusCode).toBe(401);
    const unchanged = (await t.asOperator('GET', `/api/v1/orgs/${org.slug}`)).json();
    expect(unchanged.name).toBe('Organisation not-yours');
  });
});
