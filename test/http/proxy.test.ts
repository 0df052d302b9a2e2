import { afterEach, describe, expect, it } from 'vitest';
import { createUser } from '../factories.js';
import { startTestApp, type TestApp } from '../server.js';

/** The client's address as the sessions list records it, after signing in through a "proxy". */
async function recordedAddress(t: TestApp): Promise<string | null> {
  const user = await createUser(t);
  const signIn = await t.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: '127.0.0.1',
    headers: { 'x-forwarded-for': '203.0.113.7' },
    payload: { email: user.email, password: user.password },
  });
  expect(signIn.statusCode).toBe(200);
  const cookie = signIn.cookies.find((c) => c.name === 'vaern_session');
  const list = await t.inject({
    method: 'GET',
    url: '/api/v1/auth/sessions',
    headers: { cookie: `vaern_session=${cookie?.value}` },
  });
  return list.json().items[0]?.ip ?? null;
}

describe('trusted reverse proxies (VAERN_TRUST_PROXY)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    t = await startTestApp('pglite');
    expect(await recordedAddress(t)).toBe('127.0.0.1');
  });

  it("records the client's address from a trusted proxy", async () => {
    t = await startTestApp('pglite', { VAERN_TRUST_PROXY: '127.0.0.1' });
    expect(await recordedAddress(t)).toBe('203.0.113.7');
  });

  it('refuses a malformed proxy list at start-up', async () => {
    await expect(startTestApp('pglite', { VAERN_TRUST_PROXY: 'everyone; drop table' })).rejects.toThrow(
      /VAERN_TRUST_PROXY/,
    );
  });
});
