import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser, login, type SignedIn } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const STATUS_KEYS = ['kind', 'phase', 'processed', 'progress', 'file_name', 'created_at', 'finished_at'];

type Headers = Record<string, string>;

/** The summary alone: what `vaern import --json` prints. */
const summaryOf = (status: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(status).filter(([k]) => !STATUS_KEYS.includes(k)));

async function upload(
  t: TestApp,
  org: string,
  body: string | Buffer | Readable,
  opts: { kind?: string; headers?: Headers; type?: string; query?: string } = {},
) {
  const headers = { 'content-type': opts.type ?? 'text/csv', ...(opts.headers ?? {}) };
  const url = `/api/v1/orgs/${org}/imports/${opts.kind ?? 'users'}?name=people.csv${opts.query ?? ''}`;
  if (!opts.headers) return t.operator.inject({ method: 'POST', url, headers, payload: body });
  return t.inject({ method: 'POST', url, headers, payload: body });
}

/** Polls an import until it ends; returns every state seen on the way, the last one final. */
async function follow(t: TestApp, org: string, id: string, headers?: Headers) {
  const seen: Array<Record<string, unknown>> = [];
  for (;;) {
    const url = `/api/v1/orgs/${org}/imports/${id}`;
    const r = headers
      ? await t.inject({ method: 'GET', url, headers: { ...headers, 'accept-language': 'en' } })
      : await t.operator.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(200);
    const state = r.json();
    seen.push(state);
    if (FINAL.has(state.status)) return seen;
    await sleep(50);
  }
}

async function importFile(t: TestApp, org: string, body: string | Buffer, headers?: Headers) {
  const r = await upload(t, org, body, headers ? { headers } : {});
  expect(r.statusCode, r.body).toBe(202);
  const seen = await follow(t, org, r.json().import_id, headers);
  return seen.at(-1) as Record<string, unknown> & { error_list: Array<Record<string, unknown>> };
}

/** Counts rows as the operator (row-level security shows every organisation to it). */
async function count(t: TestApp, table: string, where = sql`true`): Promise<number> {
  return withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
    const r = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(tx.q);
    return r.rows[0]?.n ?? 0;
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

describe.each(engines())('imports on %s', (engine) => {
  let t: TestApp;
  let admin: SignedIn;
  let org: { id: string; slug: string };
  let outsider: { email: string };
  let member: { email: string };

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: 'import-hospital', kind: 'hospital' });
    const other = await createOrg(t, { slug: 'import-other', kind: 'municipality' });
    const adminUser = await createUser(t, { org: org.slug, role: 'admin' });
    admin = await login(t, adminUser);
    // Someone who so far belongs only to another organisation: the admin cannot see them.
    outsider = await createUser(t, { email: 'outsider@example.dk', name: 'Outside Person', org: other.slug });
    member = await createUser(t, { email: 'member@example.dk', org: org.slug, role: 'member' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("applies a clean file as the organisation's admin, with the exact summary", async () => {
    const usersBefore = await count(t, 'users');
    const file = csv(
      'Email;Name;Role;Locale',
      'ny.person@example.dk;Ny Person;member;en',
      'ANDEN@Example.DK;"Anden; Person";security_officer;',
      '',
      `${outsider.email.toUpperCase()};Someone Else;system_owner;`,
      `${member.email};Member Again;member;`,
    );
    const end = await importFile(t, org.slug, file, admin.headers());
    expect(summaryOf(end)).toEqual({
      import_id: expect.any(String),
      status: 'succeeded',
      rows: 4,
      created: 2,
      updated: 1,
      unchanged: 1,
      errors: 0,
      error_list: [],
    });
    expect(end).toMatchObject({
      kind: 'users',
      phase: 'finished',
      processed: 4,
      progress: 1,
      file_name: 'people.csv',
    });
    expect(await count(t, 'users')).toBe(usersBefore + 2);
    const members = (await t.asOperator('GET', `/api/v1/orgs/${org.slug}/members?limit=100`)).json();
    const roles = Object.fromEntries(
      members.items.map((m: { email: string; roles: string[] }) => [m.email, m.roles]),
    );
    expect(roles).toMatchObject({
      'ny.person@example.dk': ['member'],
      'anden@example.dk': ['security_officer'],
      'outsider@example.dk': ['system_owner'],
      'member@example.dk': ['member'],
    });
    // New people have no password (they are invited later); existing people keep their name.
    const people = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, (tx) =>
      tx.q
        .selectFrom('users')
        .select(['email', 'name', 'locale', 'password_hash'])
        .where('email', 'in', ['ny.person@example.dk', 'anden@example.dk', 'outsider@example.dk'])
        .orderBy('email')
        .execute(),
    );
    expect(people).toEqual([
      { email: 'anden@example.dk', name: 'Anden; Person', locale: 'da', password_hash: null },
      { email: 'ny.person@example.dk', name: 'Ny Person', locale: 'en', password_hash: null },
      {
        email: 'outsider@example.dk',
        name: 'Outside Person',
        locale: 'da',
        password_hash: expect.any(String),
      },
    ]);
    // One audit entry for the whole import, with the summary but not the error list.
    const entries = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      tx.q
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('org_id', '=', org.id)
        .where('action', '=', 'import.users')
        .execute(),
    );
    expect(entries).toEqual([
      {
        action: 'import.users',
        after: {
          import_id: end.import_id,
          status: 'succeeded',
          rows: 4,
          created: 2,
          updated: 1,
          unchanged: 1,
          errors: 0,
        },
      },
    ]);
    // The staged rows go right after the switch.
    for (let i = 0; i < 100 && (await count(t, 'import_rows')) > 0; i++) await sleep(50);
    expect(await count(t, 'import_rows')).toBe(0);
  });

  it('reports every row unchanged when the same file comes again', async () => {
    const file = csv('email,name,role', 'ny.person@example.dk,Ny Person,member', `${member.email},M,member`);
    const end = await importFile(t, org.slug, file);
    expect(summaryOf(end)).toEqual({
      import_id: expect.any(String),
      status: 'succeeded',
      rows: 2,
      created: 0,
      updated: 0,
      unchanged: 2,
      errors: 0,
      error_list: [],
    });
  });

  it('refuses a file with errors in several rows and columns whole, listing each, writing nothing', async () => {
    const before = {
      users: await count(t, 'users'),
      memberships: await count(t, 'memberships'),
      files: await count(t, 'files'),
    };
    const file = csv(
      'email,name,role,locale',
      'good@example.dk,Good Person,member,da', // 2: fine on its own
      'not-an-address,Bad Mail,member,', // 3
      'noname@example.dk,,boss,fr', // 4: three errors
      'coord@example.dk,Coordinator,sector_coordinator,', // 5: not in a hospital
      'GOOD@example.dk,Good Again,auditor,', // 6: duplicate of row 2
      'short@example.dk,Too Few', // 7
      `x@example.dk,${'n'.repeat(201)},member,`, // 8
    );
    const end = await importFile(t, org.slug, file);
    expect(summaryOf(end)).toEqual({
      import_id: expect.any(String),
      status: 'refused',
      rows: 7,
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: 8,
      error_list: [
        { row: 3, column: 'email', message: '"not-an-address" is not an e-mail address.' },
        { row: 4, column: 'locale', message: '"fr" is not one of: da, en.' },
        { row: 4, column: 'name', message: 'A value is required.' },
        {
          row: 4,
          column: 'role',
          message:
            '"boss" is not one of: admin, security_officer, system_owner, management, auditor, member, sector_coordinator.',
        },
        { row: 5, column: 'role', message: 'The role "sector_coordinator" exists only in the sector unit.' },
        { row: 6, column: 'email', message: '"good@example.dk" also appears in row 2.' },
        { row: 7, column: null, message: 'The row has 2 fields; the header has 4.' },
        { row: 8, column: 'name', message: 'The value is longer than 200 characters.' },
      ],
    });
    expect(end).toMatchObject({ phase: 'finished', processed: 7, file_name: 'people.csv' });
    expect(await count(t, 'users')).toBe(before.users);
    expect(await count(t, 'memberships')).toBe(before.memberships);
    // The refused upload is not kept, and nothing stays staged.
    expect(await count(t, 'files')).toBe(before.files);
    expect(await count(t, 'import_rows')).toBe(0);
  });

  it('runs a small file in the request with ?wait=true and answers with the finished import', async () => {
    const clean = await upload(
      t,
      org.slug,
      csv('email;name;role', 'venter@example.dk;Venter Straks;member'),
      {
        headers: admin.headers(),
        query: '&wait=true',
      },
    );
    expect(clean.statusCode, clean.body).toBe(200);
    expect(summaryOf(clean.json())).toEqual({
      import_id: expect.any(String),
      status: 'succeeded',
      rows: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      errors: 0,
      error_list: [],
    });
    // The answer is what GET shows, and the record is there when the request returns.
    const again = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/imports/${clean.json().import_id}`,
      headers: admin.headers(),
    });
    expect(again.json()).toEqual(clean.json());
    expect(await count(t, 'users', sql`email = 'venter@example.dk'`)).toBe(1);

    // A refused file answers 200 too, with its error list; nothing is written or kept.
    const files = await count(t, 'files');
    const refused = await upload(t, org.slug, csv('email;name;role', 'ikke-en-adresse;X;member'), {
      headers: admin.headers(),
      query: '&wait=true',
    });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({ status: 'refused', errors: 1 });
    expect(await count(t, 'files')).toBe(files);
    expect(await count(t, 'import_rows')).toBe(0);

    // Larger than the request may carry (4 MiB): 413, and nothing stored.
    const imports = await count(t, 'imports');
    const big = await upload(t, org.slug, Buffer.alloc(4 * 1024 * 1024 + 1, 'a'), {
      headers: admin.headers(),
      query: '&wait=true',
    });
    expect(big.statusCode, big.body).toBe(413);
    expect(big.json()).toMatchObject({ code: 'files.too_large', title: expect.stringContaining('4 MiB') });
    expect(await count(t, 'files')).toBe(files);
    expect(await count(t, 'imports')).toBe(imports);
  });

  it('shows the errors in Danish to a Danish reader', async () => {
    const r = await upload(t, org.slug, csv('email,name,role', 'a@example.dk,A,chef'));
    const id = r.json().import_id;
    await follow(t, org.slug, id);
    const da = await t.operator.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/imports/${id}`,
      headers: { 'accept-language': 'da' },
    });
    expect(da.json().error_list[0].message).toMatch(/^"chef" er ikke en af:/);
  });

  it('refuses files that are not UTF-8 text, naming the line', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('email,name,role\nok@example.dk,Ok,member\n'),
      Buffer.from('soren@example.dk,S\xf8ren,member\n', 'latin1'),
    ]);
    const bad = await importFile(t, org.slug, latin1);
    expect(summaryOf(bad)).toMatchObject({ status: 'refused', errors: 1, created: 0 });
    expect(bad.error_list).toEqual([
      {
        row: 3,
        column: null,
        message: 'The file is not UTF-8 text (line 3). Save it as "CSV UTF-8" and import it again.',
      },
    ]);
    const nul = await importFile(t, org.slug, Buffer.from('email,name,role\na@example.dk,A\u0000,member\n'));
    expect(nul.error_list).toEqual([
      { row: 2, column: null, message: expect.stringMatching(/NUL bytes \(line 2\)/) },
    ]);
    const utf16 = await importFile(t, org.slug, Buffer.from('\ufeffemail,name,role\n', 'utf16le'));
    expect(utf16.error_list).toEqual([{ row: 1, column: null, message: expect.stringMatching(/UTF-16/) }]);
  });

  it('refuses unknown and missing columns, an empty file and a header without rows', async () => {
    const columns = await importFile(t, org.slug, csv('email,name,rolle', 'a@example.dk,A,member'));
    expect(summaryOf(columns)).toMatchObject({ status: 'refused', rows: 0, errors: 2 });
    expect(columns.error_list).toEqual([
      { row: 1, column: 'role', message: 'The required column "role" is missing.' },
      {
        row: 1,
        column: 'rolle',
        message: 'Unknown column "rolle". Known columns: email, name, role, locale.',
      },
    ]);
    const empty = await importFile(t, org.slug, '');
    expect(empty.error_list).toEqual([{ row: 1, column: null, message: 'The file is empty.' }]);
    const headerOnly = await importFile(t, org.slug, csv('email,name,role'));
    expect(headerOnly.error_list).toEqual([
      { row: 1, column: null, message: 'The file has a header line but no data rows.' },
    ]);
    const broken = await importFile(t, org.slug, csv('email,name,role', 'a@example.dk,"A,member'));
    expect(broken).toMatchObject({ status: 'refused' });
    expect(broken.error_list[0]).toMatchObject({
      row: 2,
      message: expect.stringMatching(/^A cell in quotes that begins on line 2 is never closed/),
    });
  });

  it('shows progress while it runs and ends with every row processed', async () => {
    const n = 30_000;
    const lines = ['email,name,role'];
    for (let i = 0; i < n; i++) lines.push(`bulk${i}@example.dk,Bulk Person ${i},member`);
    const r = await upload(t, org.slug, csv(...lines));
    expect(r.statusCode).toBe(202);
    const seen = await follow(t, org.slug, r.json().import_id);
    const processed = seen.map((s) => s.processed as number);
    const progress = seen.map((s) => s.progress as number);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({
      status: 'succeeded',
      rows: n,
      processed: n,
      created: n,
      progress: 1,
    });
    // The list shows it first, newest first, a page at a time.
    const first = (await t.asOperator('GET', `/api/v1/orgs/${org.slug}/imports?limit=1`)).json();
    expect(first.items).toEqual([expect.objectContaining({ import_id: r.json().import_id, rows: n })]);
    expect(first.items[0].error_list).toBeUndefined();
    const rest = (
      await t.asOperator('GET', `/api/v1/orgs/${org.slug}/imports?limit=100&cursor=${first.next_cursor}`)
    ).json();
    expect(rest.items.length).toBeGreaterThan(3);
    expect(rest.items.map((i: { import_id: string }) => i.import_id)).not.toContain(r.json().import_id);
  });

  it("refuses another organisation's actors, non-admins, unknown kinds and unread media types", async () => {
    const id = (await upload(t, org.slug, csv('email,name,role', 'x1@example.dk,X,member'))).json().import_id;
    await follow(t, org.slug, id);
    const otherOrg = await createOrg(t);
    const otherAdmin = await login(t, await createUser(t, { org: otherOrg.slug, role: 'admin' }));
    const memberSession = await login(t, await createUser(t, { org: org.slug, role: 'member' }));
    const otherToken = await createToken(t, otherOrg.slug, 'security_officer');
    const officerToken = await createToken(t, org.slug, 'security_officer');
    const file = csv('email,name,role', 'y@example.dk,Y,member');
    const base = `/api/v1/orgs/${org.slug}/imports`;
    for (const headers of [otherAdmin.headers(), { authorization: otherToken }]) {
      expect((await upload(t, org.slug, file, { headers })).statusCode).toBe(403);
      expect((await t.inject({ method: 'GET', url: base, headers })).statusCode).toBe(403);
      expect((await t.inject({ method: 'GET', url: `${base}/${id}`, headers })).statusCode).toBe(403);
    }
    // In the organisation: a member may neither start nor read; a security officer's token reads.
    expect((await upload(t, org.slug, file, { headers: memberSession.headers() })).statusCode).toBe(403);
    expect(
      (await t.inject({ method: 'GET', url: `${base}/${id}`, headers: memberSession.headers() })).statusCode,
    ).toBe(403);
    expect((await upload(t, org.slug, file, { headers: { authorization: officerToken } })).statusCode).toBe(
      403,
    );
    expect(
      (await t.inject({ method: 'GET', url: `${base}/${id}`, headers: { authorization: officerToken } }))
        .statusCode,
    ).toBe(200);
    const unknown = await upload(t, org.slug, file, { kind: 'castles' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('imports.kind_unknown');
    const pdf = await upload(t, org.slug, file, { type: 'application/pdf' });
    expect(pdf.statusCode).toBe(415);
    expect(pdf.json().code).toBe('imports.type_not_accepted');
    const option = await t.operator.inject({
      method: 'POST',
      url: `${base}/users?colour=red`,
      headers: { 'content-type': 'text/csv' },
      payload: file,
    });
    expect(option.statusCode).toBe(400);
    // A file name that would show otherwise than it reads: a right-to-left override, a line
    // break, a terminal escape.
    for (const name of ['%E2%80%AEvsc.exe', 'a%0Ab.csv', 'a%1B%5B31m.csv']) {
      const r = await t.operator.inject({
        method: 'POST',
        url: `${base}/users?name=${name}`,
        headers: { 'content-type': 'text/csv' },
        payload: file,
      });
      expect(r.statusCode, name).toBe(400);
      expect(r.json().errors?.[0]?.path, name).toBe('querystring.name');
    }
    expect(
      await count(t, 'memberships', sql`user_id in (select id from users where email = 'y@example.dk')`),
    ).toBe(0);
  });
});

describe.each(engines())('upload limit on %s', (engine) => {
  let t: TestApp;
  let org: { slug: string };
  beforeAll(async () => {
    t = await startTestApp(engine, { VAERN_MAX_UPLOAD_MB: '1' });
    org = await createOrg(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const big = () => Buffer.alloc(1024 * 1024 + 10, 'a');

  it('answers 413 and stores nothing, whether or not the length is announced', async () => {
    const announced = await upload(t, org.slug, big());
    expect(announced.statusCode).toBe(413);
    expect(announced.json()).toMatchObject({
      code: 'files.too_large',
      title: expect.stringContaining('1 MiB'),
    });
    // A stream of unknown length: stored chunk by chunk until the limit, then all of it removed.
    const parts = [Buffer.alloc(1024 * 1024, 'a'), Buffer.alloc(10, 'b')];
    const streamed = await upload(t, org.slug, Readable.from(parts));
    expect(streamed.statusCode).toBe(413);
    expect(await count(t, 'files')).toBe(0);
    expect(await count(t, 'file_chunks')).toBe(0);
    expect(await count(t, 'imports')).toBe(0);
  });
});
