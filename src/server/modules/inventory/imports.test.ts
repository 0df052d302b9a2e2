import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser, type OrgFixture } from '../../../../test/factories.js';
import { type FinishedImport, uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { TEMPLATES, templateCsv } from './templates.js';

type Json = Record<string, unknown>;
interface Summary extends FinishedImport {
  import_id: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
}

const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SYSTEM_HEADER =
  'key;name;owner_email;health_data;health_data_categories;criticality;assessed_by;assessed_on;mtd_hours;rto_hours;rpo_hours;legacy;medical_device;vendor;product;model_number;version;cpe;purl;hosting;hostnames;ip_addresses;fqdns;mfa;segmented;patch_status;patch_confirmed_on;endpoint_protection;backup;contingency_plan;contingency_tested_on;restore_procedure;restore_procedure_on;restore_tested_on;restore_result;shared_system';

describe('inventory templates', () => {
  it('documents every column of every register in docs/inventory.md, in the order of its template', () => {
    const doc = readFileSync(new URL('../../../../docs/inventory.md', import.meta.url), 'utf8');
    for (const [register, columns] of Object.entries(TEMPLATES)) {
      const section = doc.split(`\n### ${register}\n`)[1]?.split('\n### ')[0] ?? '';
      const documented = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
      expect({ register, documented }).toEqual({ register, documented: columns.map((c) => c.column.name) });
      const [header, example] = templateCsv(register as keyof typeof TEMPLATES).split('\r\n');
      expect(header?.split(';')).toEqual(columns.map((c) => c.column.name));
      expect(example?.split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/)).toHaveLength(columns.length);
    }
  });
});

describe.each(engines())('inventory imports on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let sharer: OrgFixture;
  let officer: string;
  let ownerEmail: string;

  const runImport = (kind: string, body: string, auth = officer, slug = org.slug) =>
    uploadImport<Summary>(t, { slug }, auth, {
      kind,
      query: `name=${kind}.csv`,
      contentType: 'text/csv',
      body,
    });

  /** Rows of every inventory table of the organisation, pending ones included (as the operator). */
  /**
   * Rows per table of the organisation, and its staged rows. The framework deletes an applied
   * import's staged rows just after the switch, so this waits up to two seconds for them to go.
   */
  async function counts(o: OrgFixture = org) {
    for (let i = 0; ; i++) {
      const found = await countsNow(o);
      if (found.staged === 0 || i >= 80) return found;
      await sleep(25);
    }
  }

  async function countsNow(o: OrgFixture) {
    return withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) => {
      const out: Record<string, number> = {};
      for (const table of ['systems', 'components', 'processes', 'suppliers', 'dependencies']) {
        const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`inventory_${table}`)}
          where org_id = ${o.id}`.execute(tx.q);
        out[table] = r.rows[0]?.n ?? 0;
      }
      const staged = await sql<{
        n: number;
      }>`select count(*)::int as n from import_rows where org_id = ${o.id}`.execute(tx.q);
      out.staged = staged.rows[0]?.n ?? 0;
      return out;
    });
  }

  const get = async (path: string) =>
    (
      await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}/inventory/${path}`,
        headers: { authorization: officer },
      })
    ).json();

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: `imp-${engine}`, kind: 'region' });
    sharer = await createOrg(t, { slug: `nat-${engine}`, kind: 'sector_unit' });
    officer = await createToken(t, org.slug, 'security_officer');
    ownerEmail = (await createUser(t, { org: org.slug, role: 'system_owner' })).email;
    const sharerToken = await createToken(t, sharer.slug, 'security_officer');
    const shared = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${sharer.slug}/inventory/systems`,
      headers: { authorization: sharerToken },
      payload: { key: 'NAT-PLATFORM', name: 'National platform', shared: true },
    });
    expect(shared.statusCode, shared.body).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** One line of a systems file: the named cells, the rest empty; a cell with ";" quoted. */
  const line = (cells: Record<string, string>) =>
    SYSTEM_HEADER.split(';')
      .map((c) => {
        const v = cells[c] ?? '';
        return v.includes(';') ? `"${v}"` : v;
      })
      .join(';');

  const systemsFile = (nameOfSecond = 'Laboratoriesystem') =>
    csv(
      SYSTEM_HEADER,
      line({
        key: 'EPJ-01',
        name: 'Elektronisk patientjournal',
        owner_email: ownerEmail.toUpperCase(),
        health_data: 'true',
        health_data_categories: 'journal;medicin',
        criticality: 'critical',
        assessed_by: 'Anne Holm',
        assessed_on: '2026-03-01',
        mtd_hours: '4',
        rto_hours: '2',
        rpo_hours: '0.25',
        legacy: 'false',
        medical_device: 'false',
        vendor: 'Journal A/S',
        product: 'EPJ',
        version: '5.1',
        cpe: 'cpe:2.3:a:journal:epj:5.1:*:*:*:*:*:*:*',
        hosting: 'Regional data centre',
        hostnames: 'epj-app01;EPJ-APP02',
        ip_addresses: '10.20.0.0/24;10.30.1.15',
        fqdns: 'epj.region.example.dk',
        mfa: 'true',
        segmented: 'true',
        patch_status: 'current',
        patch_confirmed_on: '2026-03-10',
        endpoint_protection: 'true',
        backup: 'true',
        contingency_plan: 'true',
        contingency_tested_on: '2025-11-20',
        restore_procedure: 'true',
        restore_procedure_on: '2026-02-05',
        restore_tested_on: '2026-01-15',
        restore_result: 'success',
      }),
      line({
        key: 'LAB-01',
        name: nameOfSecond,
        health_data: 'TRUE',
        criticality: 'high',
        mfa: 'false',
        patch_status: 'behind',
      }),
      line({
        key: 'INF-01',
        name: 'Infusionspumpe',
        health_data: 'false',
        criticality: 'medium',
        legacy: 'true',
        medical_device: 'true',
        vendor: 'Acme',
        product: 'Pump',
        model_number: 'P-100',
        version: '2.0',
        purl: 'pkg:generic/acme-pump@2.0',
        ip_addresses: '2001:db8::/48',
      }),
      line({
        key: 'EPJ-LOCAL',
        name: 'Lokal brug af platformen',
        health_data: 'true',
        criticality: 'critical',
        shared_system: `nat-${engine}/NAT-PLATFORM`,
      }),
    );

  it('applies a clean systems file in one step, then finds the same file unchanged', async () => {
    const before = await counts();
    const first = await runImport('systems', systemsFile());
    expect(first.error_list).toEqual([]);
    expect(first).toMatchObject({
      status: 'succeeded',
      rows: 4,
      created: 4,
      updated: 0,
      unchanged: 0,
      errors: 0,
    });
    expect(await counts()).toEqual({ ...before, systems: (before.systems ?? 0) + 4, staged: 0 });
    const epj = await get('systems/EPJ-01');
    expect(epj).toMatchObject({
      name: 'Elektronisk patientjournal',
      owner: { email: ownerEmail },
      health_data: true,
      health_data_categories: ['journal', 'medicin'],
      criticality: 'critical',
      assessed_on: '2026-03-01',
      mtd_hours: 4,
      rpo_hours: 0.25,
      hostnames: ['epj-app01', 'epj-app02'],
      ip_addresses: ['10.20.0.0/24', '10.30.1.15/32'],
      fqdns: ['epj.region.example.dk'],
      patch_status: 'current',
      restore_result: 'success',
      contingency_tested_on: '2025-11-20',
      restore_procedure: true,
      restore_procedure_on: '2026-02-05',
    });
    expect(await get('systems/INF-01')).toMatchObject({
      legacy: true,
      medical_device: true,
      ip_addresses: ['2001:db8::/48'],
    });
    expect(await get('systems/EPJ-LOCAL')).toMatchObject({
      shared_system: { key: 'NAT-PLATFORM', owner: { slug: `nat-${engine}` } },
    });

    // The import asks for fresh planner statistics (jobs.ts): the job analyses the tables.
    const reltuples = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select reltuples::float8 as n from pg_class where relname = 'inventory_systems'`.execute(
            t.runtime.ctx.db.kysely,
          )
        ).rows[0]?.n,
      );
    for (let i = 0; i < 200 && (await reltuples()) < 4; i++) await sleep(50);
    expect(await reltuples()).toBeGreaterThanOrEqual(4);

    const again = await runImport('systems', systemsFile());
    expect(again).toMatchObject({ status: 'succeeded', rows: 4, created: 0, updated: 0, unchanged: 4 });
    expect(await counts()).toEqual({ ...before, systems: (before.systems ?? 0) + 4, staged: 0 });

    const changed = await runImport('systems', systemsFile('Laboratoriesystem (ny)'));
    expect(changed).toMatchObject({ status: 'succeeded', created: 0, updated: 1, unchanged: 3 });
    expect(await get('systems/LAB-01')).toMatchObject({
      name: 'Laboratoriesystem (ny)',
      mfa: false,
      patch_status: 'behind',
    });
    // Systems the file does not name stay; one import is one audit entry with its summary.
    const entries = await withTenant(
      t.runtime.ctx.db.kysely,
      { orgIds: [org.id] },
      async (tx) =>
        (
          await sql<{
            after: Json;
          }>`select after from audit_log where org_id = ${org.id} and action = 'import.systems'
          order by seq`.execute(tx.q)
        ).rows,
    );
    expect(entries.map((e) => [e.after.created, e.after.updated, e.after.unchanged])).toEqual([
      [4, 0, 0],
      [0, 0, 4],
      [0, 1, 3],
    ]);
  });

  it('imports components, processes, suppliers and dependencies, and re-imports them unchanged', async () => {
    const files = {
      processes: csv(
        'key;name;importance;description',
        'P-AKUT;Akut modtagelse;critical;',
        'P-MED;Medicinering;high;Ordination og administration',
      ),
      suppliers: csv(
        'key;name;contact_name;contact_email;contact_phone;notes',
        'S-JOUR;Journal A/S;Bo Lund;Bo@Journal.example.dk;+45 70 20 30 40;',
      ),
      components: csv(
        'key;system;vendor;product;version;model_number;cpe;purl',
        'EPJ-DB;EPJ-01;PostgreSQL Global Development Group;PostgreSQL;15.6;;cpe:2.3:a:postgresql:postgresql:15.6:*:*:*:*:*:*:*;pkg:generic/postgresql@15.6',
        'EPJ-WEB;EPJ-01;Apache;Tomcat;9.0.80;;;pkg:maven/org.apache.tomcat/tomcat@9.0.80',
      ),
      dependencies: csv(
        'from_type;from_key;to_type;to_key',
        'process;P-AKUT;system;EPJ-01',
        'process;P-MED;system;EPJ-01',
        'system;EPJ-01;system;LAB-01',
        'system;EPJ-01;supplier;S-JOUR',
      ),
    };
    const created = { processes: 2, suppliers: 1, components: 2, dependencies: 4 };
    for (const [kind, file] of Object.entries(files)) {
      const first = await runImport(kind, file);
      expect({ kind, ...first }).toMatchObject({
        kind,
        status: 'succeeded',
        created: created[kind as keyof typeof created],
      });
    }
    const after = await counts();
    for (const [kind, file] of Object.entries(files)) {
      const again = await runImport(kind, file);
      expect({ kind, ...again }).toMatchObject({
        kind,
        status: 'succeeded',
        created: 0,
        updated: 0,
        unchanged: created[kind as keyof typeof created],
      });
    }
    expect(await counts()).toEqual(after);
    const epj = await get('systems/EPJ-01');
    expect(epj.components.map((c: Json) => c.key)).toEqual(['EPJ-DB', 'EPJ-WEB']);
    expect(epj.dependencies).toHaveLength(4);
    expect(await get('suppliers/S-JOUR')).toMatchObject({ contact_email: 'bo@journal.example.dk' });
    // A component moved to another system in the file is an update.
    const moved = await runImport(
      'components',
      csv('key;system;vendor;product;version', 'EPJ-WEB;LAB-01;Apache;Tomcat;9.0.80'),
    );
    expect(moved).toMatchObject({ status: 'succeeded', created: 0, updated: 1, unchanged: 0 });
    expect(await get('components/EPJ-WEB')).toMatchObject({ system: 'LAB-01', purl: null });
  });

  /** Imports a file that must be refused; checks that nothing was written and returns its errors. */
  async function refused(kind: string, file: string) {
    const before = await counts();
    const summary = await runImport(kind, file);
    expect(summary.status, JSON.stringify(summary.error_list)).toBe('refused');
    expect({ created: summary.created, updated: summary.updated }).toEqual({ created: 0, updated: 0 });
    expect(await counts()).toEqual(before);
    // Not even hidden rows: were any marked with this import, they would show once it succeeded.
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      sql`update imports set status = 'succeeded' where org_id = ${org.id} and id = ${summary.import_id}`.execute(
        tx.q,
      ),
    );
    expect(await counts()).toEqual(before);
    return summary.error_list.map((e) => ({ row: e.row, column: e.column, message: e.message }));
  }

  it('refuses a systems file with any error, lists each with row and column, and writes nothing', async () => {
    const errors = await refused(
      'systems',
      csv(
        'key;name;owner_email;health_data;criticality;assessed_on;mtd_hours;ip_addresses;legacy;patch_status;restore_result;shared;shared_system;cpe;purl;hostnames;restore_procedure_on',
        'NEW-1;Good row;;true;low;;;;;;;;;;;;',
        'NEW-2;Bad boolean;;yes;low;;;;;;;;;;;;',
        'NEW-3;Bad date;;;high;2026-02-30;;;;;;;;;;;',
        'NEW-4;Bad enum;;;urgent;;;;;;;;;;;;',
        'NEW-5;Bad CIDR;;;;;;"10.0.0.1/8;10.1.1.1";;;;;;;;;',
        'NEW-6;Not an address;;;;;;300.1.1.1;;;;;;;;;',
        'NEW-7;Bad hours;;;;;four;;;;;;;;;;',
        'NEW-1;Duplicate key;;;;;;;;;;;;;;;',
        'NEW-8;Unknown owner;nobody@example.dk;;;;;;;;;;;;;;',
        `NEW-9;Unknown shared;;;;;;;;;;;nat-${engine}/NOPE;;;;`,
        `NEW-10;Shared and linked;;;;;;;;;;true;nat-${engine}/NAT-PLATFORM;;;;`,
        'NEW-11;Bad identifiers;;;;;;;maybe;later;win;;;cpe:2.3:a:x;npm:left-pad;bad host;2026-13-01',
        ';;;true;;;;;;;;;;;;;',
      ),
    );
    expect(errors).toEqual([
      { row: 3, column: 'health_data', message: '"yes" is not true or false.' },
      { row: 4, column: 'assessed_on', message: '"2026-02-30" is not a date in the form YYYY-MM-DD.' },
      { row: 5, column: 'criticality', message: '"urgent" is not one of: critical, high, medium, low.' },
      {
        row: 6,
        column: 'ip_addresses',
        message: expect.stringMatching(/^"10\.0\.0\.1\/8" has bits set to the right of its prefix/),
      },
      { row: 7, column: 'ip_addresses', message: '"300.1.1.1" is not an IP address or a CIDR range.' },
      { row: 8, column: 'mtd_hours', message: '"four" is not a number of hours (for example 4 or 0.25).' },
      { row: 9, column: 'key', message: '"NEW-1" also appears in row 2.' },
      { row: 10, column: 'owner_email', message: '"nobody@example.dk" is not a member of the organisation.' },
      {
        row: 11,
        column: 'shared_system',
        message: expect.stringMatching(/^There is no shared system "nat-.*\/NOPE"/),
      },
      { row: 12, column: 'shared_system', message: expect.stringMatching(/^A system cannot be shared and/) },
      { row: 13, column: 'cpe', message: expect.stringMatching(/^"cpe:2.3:a:x" is not a CPE 2.3 name/) },
      { row: 13, column: 'hostnames', message: '"bad host" is not a host name.' },
      { row: 13, column: 'legacy', message: '"maybe" is not true or false.' },
      { row: 13, column: 'patch_status', message: '"later" is not one of: current, behind.' },
      { row: 13, column: 'purl', message: expect.stringMatching(/^"npm:left-pad" is not a package URL/) },
      {
        row: 13,
        column: 'restore_procedure_on',
        message: '"2026-13-01" is not a date in the form YYYY-MM-DD.',
      },
      { row: 13, column: 'restore_result', message: '"win" is not one of: success, partial, failed.' },
      { row: 14, column: 'key', message: 'A value is required.' },
      { row: 14, column: 'name', message: 'A value is required.' },
    ]);
  });

  it('refuses files with a missing or unknown column, an empty file and a file without rows', async () => {
    expect(await refused('systems', csv('key;colour', 'A;red'))).toEqual([
      { row: 1, column: 'colour', message: expect.stringMatching(/^Unknown column "colour"/) },
      { row: 1, column: 'name', message: 'The required column "name" is missing.' },
    ]);
    expect(await refused('components', csv('key;vendor', 'C;Acme'))).toEqual([
      { row: 1, column: 'system', message: 'The required column "system" is missing.' },
    ]);
    expect(await refused('processes', '')).toEqual([{ row: 1, column: null, message: 'The file is empty.' }]);
    expect(await refused('suppliers', csv('key;name'))).toEqual([
      { row: 1, column: null, message: 'The file has a header line but no data rows.' },
    ]);
  });

  it('refuses the other kinds of error in a register file, each with its row and column', async () => {
    expect(await refused('systems', csv('key;name;key', 'A;B;C'))).toEqual([
      { row: 1, column: 'key', message: 'The column "key" appears more than once.' },
    ]);
    expect(await refused('systems', csv('key;;name', 'A;x;B'))).toEqual([
      { row: 1, column: null, message: 'Column 2 has no name.' },
    ]);
    const hosts = Array.from({ length: 201 }, (_, i) => `h${i}.example.dk`).join(';');
    expect(
      await refused(
        'systems',
        csv(
          'key;name;fqdns;shared_system',
          'S-1;Good row;epj.example.dk;',
          'S-2\u0001;Control character;;',
          'S-3;Bad domain name;bad host;',
          `S-4;${'x'.repeat(201)};;`,
          'S-5;Too many fields;a.example.dk;;extra',
          `S-6;Too many names;"${hosts}";`,
          'S-7;Bad reference;;no-slash',
        ),
      ),
    ).toEqual([
      { row: 3, column: 'key', message: 'The key "S-2\u0001" contains "/" or a control character.' },
      { row: 4, column: 'fqdns', message: '"bad host" is not a host name.' },
      { row: 5, column: 'name', message: 'The value is longer than 200 characters.' },
      { row: 6, column: null, message: 'The row has 5 fields; the header has 4.' },
      { row: 7, column: 'fqdns', message: 'The list has more than 200 values.' },
      {
        row: 8,
        column: 'shared_system',
        message: expect.stringMatching(/^"no-slash" is not a shared-system reference/),
      },
    ]);
    expect(await refused('suppliers', csv('key;name;contact_email', 'SUP-1;Acme;not-an-email'))).toEqual([
      { row: 2, column: 'contact_email', message: '"not-an-email" is not an e-mail address.' },
    ]);
  });

  it('refuses components of unknown systems and dependencies that cannot be', async () => {
    expect(
      await refused(
        'components',
        csv('key;system;product', 'C-OK;EPJ-01;Ok', 'C-BAD;NO-SUCH;Bad', 'C/X;EPJ-01;Slash'),
      ),
    ).toEqual([
      { row: 3, column: 'system', message: 'There is no system "NO-SUCH" in the register.' },
      { row: 4, column: 'key', message: 'The key "C/X" contains "/" or a control character.' },
    ]);
    expect(
      await refused(
        'dependencies',
        csv(
          'from_type;from_key;to_type;to_key',
          'process;P-AKUT;system;LAB-01',
          'process;P-NONE;system;EPJ-01',
          'system;EPJ-01;supplier;S-NONE',
          'process;P-AKUT;supplier;S-JOUR',
          'system;LAB-01;system;LAB-01',
          'process;P-AKUT;system;LAB-01',
          'component;EPJ-DB;system;EPJ-01',
        ),
      ),
    ).toEqual([
      { row: 3, column: 'from_key', message: 'There is no process P-NONE in the register.' },
      { row: 4, column: 'to_key', message: 'There is no supplier S-NONE in the register.' },
      {
        row: 5,
        column: 'to_type',
        message: expect.stringMatching(/^The register holds no dependency process → supplier/),
      },
      { row: 6, column: 'to_key', message: 'The system "LAB-01" cannot depend on itself.' },
      { row: 7, column: 'to_key', message: 'The same dependency also appears in row 2.' },
      { row: 8, column: 'from_type', message: '"component" is not one of: process, system.' },
    ]);
  });

  it("imports each template's example row as it is downloaded", async () => {
    const fresh = await createOrg(t);
    await createUser(t, { org: fresh.slug, role: 'system_owner', email: `anne.holm@example.dk` });
    const token = await createToken(t, fresh.slug, 'security_officer');
    for (const register of ['systems', 'components', 'processes', 'suppliers', 'dependencies']) {
      const template = await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${fresh.slug}/inventory/templates/${register}.csv`,
        headers: { authorization: token },
      });
      const summary = await runImport(register, template.body, token, fresh.slug);
      expect({ register, ...summary }).toMatchObject({
        register,
        status: 'succeeded',
        created: 1,
        errors: 0,
      });
    }
    expect(await counts(fresh)).toEqual({
      systems: 1,
      components: 1,
      processes: 1,
      suppliers: 1,
      dependencies: 1,
      staged: 0,
    });
  });

  it('merges a register of several slices (at once on a server) and, when a later slice fails, leaves nothing', async () => {
    // 12,001 rows: three merge slices of at most 5,000 (runner.ts STAGE_ROWS).
    const rows = (prefix: string) =>
      Array.from({ length: 12_001 }, (_, i) => `${prefix}-${String(i + 1).padStart(5, '0')};System ${i + 1}`);
    const before = await counts();
    const ok = await runImport('systems', csv('key;name', ...rows('BULK')));
    expect(ok).toMatchObject({ status: 'succeeded', rows: 12_001, created: 12_001, updated: 0, errors: 0 });
    const after = await counts();
    expect((after.systems ?? 0) - (before.systems ?? 0)).toBe(12_001);
    expect(after.staged).toBe(0);

    // A database rule the file's checks do not know, broken by a row of the last slice: the
    // import fails whole, and what the earlier slices inserted (hidden) is discarded.
    const k = t.runtime.ctx.db.kysely;
    await sql`alter table inventory_systems add constraint test_no_bulk_11000
      check (key <> 'FAIL-11000')`.execute(k);
    try {
      const failed = await runImport('systems', csv('key;name', ...rows('FAIL')));
      expect(failed).toMatchObject({ status: 'failed', created: 0, errors: 1 });
    } finally {
      await sql`alter table inventory_systems drop constraint test_no_bulk_11000`.execute(k);
    }
    const left = await withTenant(k, { orgIds: [], operator: true }, async (tx) =>
      Number(
        (
          await sql<{ n: number }>`select count(*)::int as n from inventory_systems
            where org_id = ${org.id} and key like 'FAIL-%'`.execute(tx.q)
        ).rows[0]?.n,
      ),
    );
    expect(left).toBe(0);
    expect(await counts()).toEqual(after);
  });

  it('refuses a large file whose error comes after records were already inserted hidden, and leaves none of them', async () => {
    // On a server the new records of each staged chunk of 5,000 rows are inserted (hidden) while
    // the rest of the file is still read (mergeEarly); a refusal found later discards them.
    const rows = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(5, '0')};System ${i + 1}`);
    const leftOf = (prefix: string) =>
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [], operator: true }, async (tx) =>
        Number(
          (
            await sql<{ n: number }>`select count(*)::int as n from inventory_systems
              where org_id = ${org.id} and key like ${`${prefix}-%`}`.execute(tx.q)
          ).rows[0]?.n,
        ),
      );
    const before = await counts();
    // A key twice, the second time in the file's last row: found by the checks after reading.
    const twice = await runImport('systems', csv('key;name', ...rows('TWICE', 11_000), 'TWICE-00001;Again'));
    expect(twice).toMatchObject({ status: 'refused', created: 0, errors: 1 });
    expect(twice.error_list[0]).toMatchObject({ row: 11_002, column: 'key' });
    expect(await leftOf('TWICE')).toBe(0);
    // A file that stops being CSV after 11,000 rows: refused while it is read.
    const broken = await runImport(
      'systems',
      csv('key;name', ...rows('BROKEN', 11_000), '"BROKEN-x;never closed'),
    );
    expect(broken).toMatchObject({ status: 'refused', created: 0, errors: 1 });
    expect(await leftOf('BROKEN')).toBe(0);
    expect(await counts()).toEqual(before);
  });

  it("hides an import's rows until it succeeds; only an unsuccessful import's rows can be discarded", async () => {
    const k = t.runtime.ctx.db.kysely;
    const other = await createOrg(t);
    const newImport = () =>
      withTenant(k, { orgIds: [org.id] }, async (tx) => {
        const r = await sql<{ id: string }>`insert into imports (org_id, kind, status, created_by)
          values (${org.id}, 'processes', 'running', '{}') returning id`.execute(tx.q);
        const id = r.rows[0]?.id as string;
        await sql`insert into inventory_processes (org_id, key, name, imported_by)
          values (${org.id}, ${`HIDDEN-${id.slice(0, 8)}`}, 'Hidden', ${id})`.execute(tx.q);
        return id;
      });
    const visible = (id: string) =>
      withTenant(k, { orgIds: [org.id] }, async (tx) => {
        const r = await sql<{ n: number }>`select count(*)::int as n from inventory_processes
          where org_id = ${org.id} and key = ${`HIDDEN-${id.slice(0, 8)}`}`.execute(tx.q);
        return r.rows[0]?.n;
      });
    const discard = (id: string, scope: string) =>
      withTenant(k, { orgIds: [scope] }, (tx) =>
        sql`select vaern_inventory_discard(${org.id}::uuid, ${id}::uuid)`.execute(tx.q),
      );
    const setStatus = (id: string, status: string) =>
      withTenant(k, { orgIds: [org.id] }, (tx) =>
        sql`update imports set status = ${status} where org_id = ${org.id} and id = ${id}`.execute(tx.q),
      );

    const running = await newImport();
    expect(await visible(running)).toBe(0);
    // Not even an update or delete reaches it.
    const touched = await withTenant(k, { orgIds: [org.id] }, async (tx) =>
      Number(
        (
          await sql`update inventory_processes set name = 'Seen' where org_id = ${org.id} and imported_by = ${running}`.execute(
            tx.q,
          )
        ).numAffectedRows,
      ),
    );
    expect(touched).toBe(0);
    await setStatus(running, 'succeeded');
    expect(await visible(running)).toBe(1);
    await discard(running, org.id);
    expect(await visible(running)).toBe(1);

    // A failed import's row: another organisation's scope cannot discard it, its own can.
    const failed = await newImport();
    await setStatus(failed, 'failed');
    await discard(failed, other.id);
    await setStatus(failed, 'succeeded');
    expect(await visible(failed)).toBe(1);
    await setStatus(failed, 'failed');
    await discard(failed, org.id);
    await setStatus(failed, 'succeeded');
    expect(await visible(failed)).toBe(0);
  });

  it('lets only the inventory keepers start an import', async () => {
    const member = await createToken(t, org.slug, 'member');
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/imports/systems?name=s.csv`,
      headers: { authorization: member, 'content-type': 'text/csv' },
      payload: csv('key;name', 'X;X'),
    });
    expect(r.statusCode).toBe(403);
    const owner = await createToken(t, org.slug, 'system_owner');
    expect(await runImport('processes', csv('key;name', 'P-BY-OWNER;Owner process'), owner)).toMatchObject({
      status: 'succeeded',
      created: 1,
    });
  });
});
