import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';

describe.each(engines())('directory on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates organisations with parent and region, and lists them with a cursor', async () => {
    const region = await createOrg(t, { slug: 'region-test', kind: 'region' });
    const hospital = await createOrg(t, { slug: 'hospital-test', kind: 'hospital', parent: region.slug });
    const practice = await createOrg(t, { slug: 'practice-test', kind: 'practice', region: region.slug });
    expect(hospital).toMatchObject({ parent: 'region-test', region: null });
    expect(practice).toMatchObject({ parent: null, region: 'region-test' });
    const first = await t.asOperator('GET', '/api/v1/orgs?limit=2');
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items).toHaveLength(2);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const second = (await t.asOperator('GET', `/api/v1/orgs?limit=2&cursor=${page1.next_cursor}`)).json();
    expect(second.items.map((o: { slug: string }) => o.slug)).toEqual(['region-test']);
    expect(second.next_cursor).toBeNull();
  });

  it('refuses a duplicate slug, an unknown kind and unknown fields with problem+json', async () => {
    await createOrg(t, { slug: 'dup-org' });
    const dup = await t.asOperator('POST', '/api/v1/orgs', { slug: 'dup-org', name: 'x', kind: 'hospital' });
    expect(dup.statusCode).toBe(409);
    expect(dup.headers['content-type']).toContain('application/problem+json');
    expect(dup.json()).toMatchObject({ status: 409, code: 'directory.slug_taken' });
    const kind = await t.asOperator('POST', '/api/v1/orgs', { slug: 'bad-kind', name: 'x', kind: 'castle' });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().errors[0].path).toContain('kind');
    const extra = await t.asOperator('POST', '/api/v1/orgs', {
      slug: 'extra',
      name: 'x',
      kind: 'other',
      colour: 'red',
    });
    expect(extra.statusCode).toBe(400);
  });

  it('answers in Danish when asked', async () => {
    const r = await t.inject({
      method: 'GET',
      url: '/api/v1/orgs',
      headers: { 'accept-language': 'da-DK,da;q=0.9' },
    });
    expect(r.statusCode).toBe(401);
    expect(r.json().title).toBe('Log venligst ind.');
  });

  it('issues tokens that act for one organisation and role, and revokes them', async () => {
    const a = await createOrg(t);
    const b = await createOrg(t);
    const bearer = await createToken(t, a.slug, 'security_officer', 'scanner');
    const own = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${a.slug}`,
      headers: { authorization: bearer },
    });
    expect(own.statusCode).toBe(200);
    const other = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${b.slug}`,
      headers: { authorization: bearer },
    });
    expect(other.statusCode).toBe(403);
    // A token cannot mint tokens, whatever its role.
    const mint = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${a.slug}/tokens`,
      headers: { authorization: bearer },
      payload: { name: 'x', role: 'member' },
    });
    expect(mint.statusCode).toBe(403);
    const list = (await t.asOperator('GET', `/api/v1/orgs/${a.slug}/tokens`)).json();
    const scanner = list.items.find((x: { name: string }) => x.name === 'scanner');
    expect(scanner.last_used_at).not.toBeNull();
    const revoked = await t.asOperator('DELETE', `/api/v1/orgs/${a.slug}/tokens/${scanner.id}`);
    expect(revoked.statusCode).toBe(200);
    const after = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${a.slug}`,
      headers: { authorization: bearer },
    });
    expect(after.statusCode).toBe(401);
  });

  it('refuses an expired token and a token role that may sign', async () => {
    const a = await createOrg(t);
    const admin = await t.asOperator('POST', `/api/v1/orgs/${a.slug}/tokens`, { name: 'x', role: 'admin' });
    expect(admin.statusCode).toBe(400);
    const past = await t.asOperator('POST', `/api/v1/orgs/${a.slug}/tokens`, {
      name: 'y',
      role: 'member',
      expires_at: '2020-01-01',
    });
    expect(past.statusCode).toBe(400);
  });

  it('creates users with a membership, and refuses a duplicate e-mail', async () => {
    const org = await createOrg(t);
    const u = await createUser(t, { email: 'Anne@Example.DK', org: org.slug, role: 'security_officer' });
    expect(u.email).toBe('anne@example.dk');
    const dup = await t.asOperator('POST', '/api/v1/users', {
      email: 'anne@example.dk',
      name: 'A',
      password: 'x'.repeat(12),
    });
    expect(dup.statusCode).toBe(409);
    const members = (await t.asOperator('GET', `/api/v1/orgs/${org.slug}/members`)).json();
    expect(members.items).toEqual([
      expect.objectContaining({ email: 'anne@example.dk', roles: ['security_officer'] }),
    ]);
    const weak = await t.asOperator('POST', '/api/v1/users', {
      email: 'b@example.dk',
      name: 'B',
      password: 'short',
    });
    expect(weak.statusCode).toBe(400);
  });
});
