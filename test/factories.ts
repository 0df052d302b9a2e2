import { randomBytes } from 'node:crypto';
import type { OrgKind, OrgRole, TokenRole } from '../src/server/lib/actor.js';
import type { TestApp } from './server.js';

const unique = () => randomBytes(4).toString('hex');

function ok<T>(r: { statusCode: number; body: string }, what: string): T {
  if (r.statusCode >= 300) throw new Error(`${what} failed: ${r.statusCode} ${r.body}`);
  return JSON.parse(r.body) as T;
}

export interface OrgFixture {
  id: string;
  slug: string;
  kind: string;
}

export async function createOrg(
  t: TestApp,
  input: { slug?: string; name?: string; kind?: OrgKind; parent?: string; region?: string } = {},
): Promise<OrgFixture> {
  const slug = input.slug ?? `org-${unique()}`;
  return ok(
    await t.asOperator('POST', '/api/v1/orgs', {
      slug,
      name: input.name ?? `Organisation ${slug}`,
      kind: input.kind ?? 'hospital',
      ...(input.parent ? { parent: input.parent } : {}),
      ...(input.region ? { region: input.region } : {}),
    }),
    'create organisation',
  );
}

export const TEST_PASSWORD = 'correct horse battery staple';

export interface UserFixture {
  id: string;
  email: string;
  password: string;
}

export async function createUser(
  t: TestApp,
  input: {
    email?: string;
    name?: string;
    org?: string;
    role?: OrgRole;
    platformAdmin?: boolean;
    password?: string;
  } = {},
): Promise<UserFixture> {
  const email = input.email ?? `user-${unique()}@example.dk`;
  const password = input.password ?? TEST_PASSWORD;
  const user = ok<{ id: string; email: string }>(
    await t.asOperator('POST', '/api/v1/users', {
      email,
      name: input.name ?? `User ${email}`,
      password,
      platform_admin: input.platformAdmin ?? false,
      ...(input.org ? { org: input.org, role: input.role ?? 'member' } : {}),
    }),
    'create user',
  );
  return { id: user.id, email: user.email, password };
}

/** An API token of the organisation with the role; returns the bearer header value. */
export async function createToken(
  t: TestApp,
  org: string,
  role: TokenRole,
  name = `token-${unique()}`,
): Promise<string> {
  const created = ok<{ token: string }>(
    await t.asOperator('POST', `/api/v1/orgs/${org}/tokens`, { name, role }),
    'create token',
  );
  return `Bearer ${created.token}`;
}
