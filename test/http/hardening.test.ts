import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp, GLOBAL_RATE_LIMIT, JSON_BODY_LIMIT } from '../../src/server/http/app.js';
import { engines } from '../databases.js';
import { createOrg, createToken } from '../factories.js';
import { startTestApp, type TestApp } from '../server.js';

/** The HTTP surface every module inherits: contract, health, headers, limits and error shape. */
describe.each(engines())('HTTP hardening (%s)', (engine) => {
  let t: TestApp;
  let bearer: string;
  let org: string;
  beforeAll(async () => {
    t = await startTestApp(engine);
    org = (await createOrg(t, { kind: 'hospital' })).slug;
    bearer = await createToken(t, org, 'security_officer');
  });
  afterAll(async () => {
    await t?.close();
  });

  const expectProblem = (
    res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
    status: number,
    code: string,
  ) => {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ type: `urn:vaern:problem:${code}`, status, code });
    expect(typeof body.title).toBe('string');
    expect(body.title).not.toBe('');
    return body;
  };

  it('describes the API as OpenAPI 3.1 at /api/v1/openapi.json, with organisation paths', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; info: { title: string }; paths: Record<string, unknown> };
    expect(doc.openapi.startsWith('3.1')).toBe(true);
    expect(doc.info.title).toBe('Værn API');
    const paths = Object.keys(doc.paths);
    expect(paths.some((p) => p.startsWith('/api/v1/orgs/{org}'))).toBe(true);
    expect(paths).not.toContain('/api/v1/openapi.json');
  });

  it('serves the documentation page at /api/docs', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    expect(res.body).toContain('swagger-ui');
    // Its scripts and styles are public too, and served from our origin.
    for (const asset of ['swagger-ui-bundle.js', 'swagger-initializer.js', 'swagger-ui.css']) {
      const a = await t.inject({ method: 'GET', url: `/api/docs/static/${asset}` });
      expect(a.statusCode, asset).toBe(200);
    }
    const init = await t.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(init.body).toContain('validatorUrl: null');
  });

  it('answers /healthz, /readyz and /metrics without authentication', async () => {
    const health = await t.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });

    const ready = await t.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: engine });

    const metrics = await t.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(String(metrics.headers['content-type'])).toMatch(/^text\/plain/);
    expect(metrics.body).toContain('# TYPE vaern_http_request_duration_seconds histogram');
    expect(metrics.body).toMatch(
      /vaern_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/,
    );
  });

  it('sends strict security headers on every kind of response, and no HSTS over plain HTTP', async () => {
    const responses = await Promise.all([
      t.inject({ method: 'GET', url: '/healthz' }),
      t.inject({ method: 'GET', url: '/api/docs' }),
      t.inject({ method: 'GET', url: '/api/v1/openapi.json' }),
      t.inject({ method: 'GET', url: '/no/such/page' }),
      t.inject({ method: 'GET', url: '/api/v1/orgs' }),
    ]);
    for (const res of responses) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('sends HSTS when VAERN_PUBLIC_URL is https', async () => {
    const secure = await startTestApp(engine, { VAERN_PUBLIC_URL: 'https://vaern.example' });
    try {
      const res = await secure.inject({ method: 'GET', url: '/healthz' });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    } finally {
      await secure.close();
    }
  });

  it('refuses a JSON body over 1 MiB with 413 problem+json', async () => {
    const name = 'x'.repeat(JSON_BODY_LIMIT + 1);
    const res = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org}/tokens`,
      headers: { authorization: bearer, 'content-type': 'application/json' },
      payload: JSON.stringify({ name, role: 'member' }),
    });
    expectProblem(res, 413, 'error.too_large');
  });

  it('refuses unknown fields in a body or query with 400 and names them', async () => {
    const body = await t.asOperator('POST', '/api/v1/orgs', {
      slug: 'unknown-field',
      name: 'Unknown field',
      kind: 'region',
      colour: 'blue',
    });
    const problem = expectProblem(body, 400, 'error.validation');
    expect(JSON.stringify(problem.errors)).toContain('colour');
    const listed = await t.asOperator('GET', '/api/v1/orgs');
    expect((listed.json() as { items: Array<{ slug: string }> }).items.map((o) => o.slug)).not.toContain(
      'unknown-field',
    );

    const query = await t.inject({
      method: 'GET',
      url: '/api/v1/orgs?limit=5&colour=blue',
      headers: { authorization: bearer },
    });
    expectProblem(query, 400, 'error.validation');
  });

  it('names what is wrong with each field in the asked language', async () => {
    const post = (lang: string, payload: object) =>
      t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${org}/inventory/systems`,
        headers: { authorization: bearer, 'accept-language': lang },
        payload,
      });
    const bad = { name: 'x'.repeat(201), medical_device: 'yes', criticality: 'extreme', colour: 'blue' };
    const errors = async (lang: string) => {
      const problem = expectProblem(await post(lang, bad), 400, 'error.validation');
      return Object.fromEntries(
        (problem.errors as Array<{ path: string; message: string }>).map((e) => [e.path, e.message]),
      );
    };
    const da = await errors('da');
    const en = await errors('en');
    expect(da).toMatchObject({
      'body.key': 'Skal udfyldes.',
      'body.name': 'Værdien er længere end 200 tegn.',
      'body.medical_device': 'Skal være sand eller falsk.',
      'body.criticality': expect.stringMatching(/^Skal være en af: .*critical/),
      body: 'Ukendte felter: colour.',
    });
    expect(en).toMatchObject({
      'body.key': 'Required.',
      'body.name': expect.stringContaining('longer than 200 characters'),
      'body.medical_device': 'Must be true or false.',
      body: 'Unknown fields: colour.',
    });
  });

  it('answers errors as RFC 9457 problem details in the asked language', async () => {
    const auth = { authorization: bearer };
    const en = expectProblem(
      await t.inject({ method: 'GET', url: '/nowhere?x=1', headers: auth }),
      404,
      'error.not_found',
    );
    expect(en.title).toBe('Not found.');
    expect(en.instance).toBe('/nowhere');
    const da = await t.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { ...auth, 'accept-language': 'da' },
    });
    expect(expectProblem(da, 404, 'error.not_found').title).toBe('Ikke fundet.');
    expectProblem(await t.inject({ method: 'GET', url: '/api/v1/orgs' }), 401, 'error.unauthenticated');
    expectProblem(
      await t.inject({ method: 'GET', url: '/api/v1/orgs', headers: { authorization: 'Bearer vaern_nope' } }),
      401,
      'auth.token_invalid',
    );
  });

  it('refuses a NUL character anywhere in a request, naming where, before the database sees it', async () => {
    const auth = { authorization: bearer };
    const cases: Array<[string, Parameters<TestApp['inject']>[0], string]> = [
      ['query', { method: 'GET', url: `/api/v1/orgs/${org}/findings?q=a%00b`, headers: auth }, 'query.q'],
      [
        'path',
        { method: 'GET', url: `/api/v1/orgs/${org}/inventory/systems/A%00B`, headers: auth },
        'params.key',
      ],
      [
        'JSON body',
        {
          method: 'POST',
          url: `/api/v1/orgs/${org}/inventory/systems`,
          headers: auth,
          payload: { key: 'NUL-1', name: 'a\u0000b' },
        },
        'body.name',
      ],
      [
        'upload name',
        {
          method: 'POST',
          url: `/api/v1/orgs/${org}/imports/scan?format=nessus&name=a%00b`,
          headers: { ...auth, 'content-type': 'application/xml' },
          payload: '<NessusClientData_v2/>',
        },
        'query.name',
      ],
    ];
    for (const [what, request, field] of cases) {
      const res = await t.inject({ ...request, headers: { ...request.headers, 'accept-language': 'da' } });
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      const body = expectProblem(res, 400, 'error.nul_character');
      expect(body.title, what).toContain(`"${field}"`);
      expect(body.title, what).toMatch(/^Forespørgslen indeholder et NUL-tegn/);
    }
    // A cursor that decodes to a NUL is a bad cursor, not an internal error.
    const cursor = Buffer.from(JSON.stringify(['\u0000'])).toString('base64url');
    expectProblem(
      await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org}/findings/unmapped-hosts?cursor=${cursor}`,
        headers: auth,
      }),
      400,
      'error.bad_request',
    );
    // Nothing was written, and the same request without the NUL goes through.
    const list = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org}/inventory/systems?q=NUL-1`,
      headers: auth,
    });
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).not.toContain('NUL-1');
    expect(
      (await t.inject({ method: 'GET', url: `/api/v1/orgs/${org}/findings?q=ab`, headers: auth })).statusCode,
    ).toBe(200);
  });

  it('limits requests per client: the production default is 600 a minute', async () => {
    const res = await t.inject({ method: 'GET', url: '/healthz', remoteAddress: '127.0.0.77' });
    expect(res.headers['x-ratelimit-limit']).toBe(String(GLOBAL_RATE_LIMIT));
    expect(GLOBAL_RATE_LIMIT).toBe(600);
  });

  it('answers 429 problem+json with Retry-After once a client passes the limit', async () => {
    const limited = await buildHttpApp(t.runtime.ctx, { rateLimitMax: 3 });
    try {
      const from = (remoteAddress: string) =>
        limited.inject({ method: 'GET', url: '/healthz', remoteAddress });
      for (let i = 0; i < 3; i++) expect((await from('127.0.0.10')).statusCode).toBe(200);
      const over = await from('127.0.0.10');
      expectProblem(over, 429, 'error.rate_limited');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      // Another client is counted on its own.
      expect((await from('127.0.0.11')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
