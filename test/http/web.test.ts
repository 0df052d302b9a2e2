import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIR } from '../../src/server/http/web.js';
import { startTestApp, type TestApp } from '../server.js';

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('serving the web app', () => {
  let t: TestApp;
  beforeAll(async () => {
    if (!existsSync(path.join(WEB_DIR, 'index.html'))) {
      throw new Error(`the web app is not built (${WEB_DIR}): run npm run build first`);
    }
    t = await startTestApp('pglite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the app at / and at its paths, under the strict CSP, never cached', async () => {
    for (const url of ['/', '/sign-in', '/profile?tab=x']) {
      const res = await t.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.body).toContain('<div id="root"></div>');
    }
  });

  it('serves the hashed assets for a year without a session', async () => {
    const asset = readdirSync(path.join(WEB_DIR, 'assets')).find((f) => f.endsWith('.js'));
    if (!asset) throw new Error('no built script');
    const res = await t.inject({ method: 'GET', url: `/assets/${asset}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers the API 404 for unknown API paths, missing files, writes and non-browser clients', async () => {
    const cases = [
      { method: 'GET', url: '/api/v1/nowhere', headers: html },
      { method: 'GET', url: '/assets/missing.js', headers: html },
      { method: 'POST', url: '/profile', headers: html },
      { method: 'GET', url: '/profile', headers: { accept: 'application/json' } },
    ] as const;
    for (const c of cases) {
      const res = await t.inject({ method: c.method, url: c.url, headers: c.headers });
      expect(res.statusCode, `${c.method} ${c.url}`).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });
});
