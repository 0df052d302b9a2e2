import { get as httpGet } from 'node:http';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createToken, createUser, type OrgFixture } from '../../../../test/factories.js';
import { type FinishedImport, uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { XLSX_TYPE, xlsxRecords } from '../imports/xlsx.js';
import { EXPORT_BATCH } from './export.js';
import { TEMPLATES } from './templates.js';

interface Summary extends FinishedImport {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
}

const REGISTERS = ['systems', 'components', 'processes', 'suppliers', 'dependencies'] as const;
type Register = (typeof REGISTERS)[number];
const FORMATS = ['csv', 'xlsx'] as const;
const MEDIA = { csv: 'text/csv', xlsx: XLSX_TYPE } as const;
const columnsOf = (register: Register) => TEMPLATES[register].map((c) => c.column.name);

/** A semicolon-separated file of the register's template columns; a cell with ; " or a line break quoted. */
function file(register: Register, rows: Array<Record<string, string>>): string {
  const columns = columnsOf(register);
  const cell = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [columns.join(';'), ...rows.map((r) => columns.map((c) => cell(r[c] ?? '')).join(';'))]
    .map((l) => `${l}\r\n`)
    .join('');
}

const csvRows = (body: string): string[][] => parse(body, { bom: true, relax_column_count: false });

async function xlsxRows(bytes: Buffer): Promise<string[][]> {
  const out: string[][] = [];
  for await (const record of xlsxRecords(
    (async function* () {
      yield bytes;
    })(),
  )) {
    expect(record.issues ?? []).toEqual([]);
    out.push(record.cells);
  }
  return out;
}

describe.each(engines())('inventory export on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let sharer: OrgFixture;
  let other: OrgFixture;
  let officer: string;
  let member: string;
  let otherMember: string;
  let ownerEmail: string;

  const runImport = (
    kind: string,
    body: string | Buffer,
    contentType: string,
    slug = org.slug,
    auth = officer,
  ) => uploadImport<Summary>(t, { slug }, auth, { kind, query: `name=${kind}`, contentType, body });

  const exportOf = (register: string, format: string, auth = officer, slug = org.slug) =>
    t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/inventory/export/${register}.${format}`,
      headers: { authorization: auth },
    });

  const get = async (path: string, slug = org.slug, auth = officer) =>
    (
      await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/inventory/${path}`,
        headers: { authorization: auth },
      })
    ).json();

  /** Every field of a system filled: lists, ranges of both families, dates, hours, quoting. */
  const richSystem = (): Record<string, string> => ({
    key: 'EPJ-01',
    name: 'Elektronisk patientjournal, "EPJ"',
    owner_email: ownerEmail,
    health_data: 'true',
    health_data_categories: 'journal;medicin;billeder',
    criticality: 'critical',
    assessed_by: 'Anne Holm',
    assessed_on: '2026-03-01',
    mtd_hours: '4',
    rto_hours: '12345678.5',
    rpo_hours: '0.25',
    legacy: 'true',
    medical_device: 'true',
    vendor: 'Journal A/S',
    product: 'EPJ',
    model_number: '866062',
    version: '5.1',
    cpe: 'cpe:2.3:a:journal:epj:5.1:*:*:*:*:*:*:*',
    purl: 'pkg:generic/journal/epj@5.1',
    hosting: 'Regionalt datacenter',
    hostnames: 'epj-app01;epj-app02',
    ip_addresses: '10.20.0.0/24;10.30.1.15;2001:db8::/48;2001:db8:1::7',
    fqdns: 'epj.region.example.dk;epj2.region.example.dk',
    mfa: 'true',
    mfa_on: '2026-02-01',
    mfa_note: 'Tjekket af IT-sikkerhed; se sag 12',
    segmented: 'false',
    segmented_on: '2026-02-02',
    segmented_note: 'Flyttes til eget VLAN\nanden linje',
    patch_status: 'behind',
    patch_confirmed_on: '2026-03-10',
    patch_note: 'Afventer leverandør',
    endpoint_protection: 'true',
    endpoint_protection_on: '2026-02-03',
    endpoint_protection_note: 'EDR',
    backup: 'true',
    backup_on: '2026-02-04',
    backup_note: 'Dagligt, 30 dage',
    contingency_plan: 'true',
    contingency_tested_on: '2025-11-20',
    contingency_note: 'Øvelse med akutmodtagelsen',
    restore_procedure: 'true',
    restore_procedure_on: '2026-02-05',
    restore_procedure_link: 'https://intranet.example.dk/beredskab/epj-restore?x=1,2',
    restore_procedure_note: 'Version 3',
    restore_tested_on: '2026-01-15',
    restore_result: 'partial',
    restore_test_note: 'Tog 5 timer',
    shared: 'false',
    shared_system: '',
  });

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: `exp-${engine}`, kind: 'region' });
    sharer = await createOrg(t, { slug: `expnat-${engine}`, kind: 'sector_unit' });
    other = await createOrg(t, { slug: `expother-${engine}`, kind: 'hospital' });
    officer = await createToken(t, org.slug, 'security_officer');
    member = await createToken(t, org.slug, 'member');
    otherMember = await createToken(t, other.slug, 'security_officer');
    ownerEmail = (await createUser(t, { org: org.slug, role: 'system_owner' })).email;
    const shared = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${sharer.slug}/inventory/systems`,
      headers: { authorization: await createToken(t, sharer.slug, 'security_officer') },
      payload: { key: 'NAT-PLATFORM', name: 'National platform', shared: true },
    });
    expect(shared.statusCode, shared.body).toBe(201);

    const data: Record<Register, string> = {
      systems: file('systems', [
        richSystem(),
        { key: 'MIN-01', name: 'Minimal' },
        { key: 'SHARED-01', name: 'Vores delte system', shared: 'true', criticality: 'high' },
        {
          key: 'LOCAL-NAT',
          name: 'Lokal brug af platformen',
          health_data: 'true',
          criticality: 'critical',
          mfa: 'false',
          shared_system: `${sharer.slug}/NAT-PLATFORM`,
        },
        { key: 'Æble 2', name: 'Nøgle med mellemrum og æ', rpo_hours: '0' },
      ]),
      components: file('components', [
        {
          key: 'EPJ-01-DB',
          system: 'EPJ-01',
          vendor: 'PostgreSQL Global Development Group',
          product: 'PostgreSQL',
          version: '15.6',
          model_number: 'n/a',
          cpe: 'cpe:2.3:a:postgresql:postgresql:15.6:*:*:*:*:*:*:*',
          purl: 'pkg:generic/postgresql@15.6',
        },
        { key: 'MIN-01-OS', system: 'MIN-01' },
      ]),
      processes: file('processes', [
        { key: 'PROC-AKUT', name: 'Akut modtagelse', importance: 'critical', description: 'Døgnåben; 24/7' },
        { key: 'PROC-LAB', name: 'Laboratorie' },
      ]),
      suppliers: file('suppliers', [
        {
          key: 'SUP-1',
          name: 'Journalleverandøren A/S',
          contact_name: 'Bo Lund',
          contact_email: 'support@example.dk',
          contact_phone: '70 20 30 40',
          notes: 'Aftale 2024, "Bilag 3"',
        },
        { key: 'SUP-2', name: 'Driftspartner' },
      ]),
      dependencies: file('dependencies', [
        { from_type: 'process', from_key: 'PROC-AKUT', to_type: 'system', to_key: 'EPJ-01' },
        { from_type: 'process', from_key: 'PROC-LAB', to_type: 'system', to_key: 'MIN-01' },
        { from_type: 'system', from_key: 'EPJ-01', to_type: 'system', to_key: 'LOCAL-NAT' },
        { from_type: 'system', from_key: 'EPJ-01', to_type: 'supplier', to_key: 'SUP-1' },
      ]),
    };
    for (const register of REGISTERS) {
      const s = await runImport(register, data[register], 'text/csv');
      expect(s.error_list, register).toEqual([]);
      expect(s.status, register).toBe('succeeded');
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes every cell as the importer reads it, the same in CSV and XLSX', async () => {
    const csv = await exportOf('systems', 'csv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const day = new Date().toISOString().slice(0, 10);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${org.slug}-systems-${day}.csv"`);
    const rows = csvRows(csv.body);
    expect(rows[0]).toEqual(columnsOf('systems'));
    expect(rows[0]?.[0]).toBe('key');
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['EPJ-01', 'LOCAL-NAT', 'MIN-01', 'SHARED-01', 'Æble 2']);
    const header = rows[0] ?? [];
    const byKey = (key: string) =>
      Object.fromEntries(header.map((c, i) => [c, rows.find((r) => r[0] === key)?.[i]]));
    // Every field as it was imported: lists with ";", host addresses without /32 or /128.
    expect(byKey('EPJ-01')).toEqual(richSystem());
    expect(byKey('LOCAL-NAT')).toMatchObject({
      shared_system: `${sharer.slug}/NAT-PLATFORM`,
      health_data: 'true',
      legacy: 'false',
      mfa: 'false',
      segmented: '',
      owner_email: '',
    });
    expect(byKey('SHARED-01')).toMatchObject({ shared: 'true', criticality: 'high' });
    expect(byKey('Æble 2')).toMatchObject({ rpo_hours: '0', mtd_hours: '' });

    const xlsx = await exportOf('systems', 'xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe(XLSX_TYPE);
    expect(xlsx.headers['content-disposition']).toBe(
      `attachment; filename="${org.slug}-systems-${day}.xlsx"`,
    );
    expect(await xlsxRows(xlsx.rawPayload)).toEqual(rows);
    // Typed cells: booleans and hours are not texts in the workbook.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet?.name).toBe('systems');
    const epj = sheet?.getRow(rows.findIndex((r) => r[0] === 'EPJ-01') + 1);
    const col = (name: string) => header.indexOf(name) + 1;
    expect(epj?.getCell(col('health_data')).value).toBe(true);
    expect(epj?.getCell(col('rpo_hours')).value).toBe(0.25);
    expect(epj?.getCell(col('assessed_on')).value).toBe('2026-03-01');
    expect(epj?.getCell(col('restore_procedure_on')).value).toBe('2026-02-05');

    const deps = csvRows((await exportOf('dependencies', 'csv')).body);
    expect(deps[0]).toEqual(['from_type', 'from_key', 'to_type', 'to_key']);
    expect(
      deps
        .slice(1)
        .map((d) => d.join(' '))
        .sort(),
    ).toEqual([
      'process PROC-AKUT system EPJ-01',
      'process PROC-LAB system MIN-01',
      'system EPJ-01 supplier SUP-1',
      'system EPJ-01 system LOCAL-NAT',
    ]);
    const components = csvRows((await exportOf('components', 'csv')).body);
    expect(components[0]).toEqual(columnsOf('components'));
    expect(components[1]).toEqual([
      'EPJ-01-DB',
      'EPJ-01',
      'PostgreSQL Global Development Group',
      'PostgreSQL',
      '15.6',
      'n/a',
      'cpe:2.3:a:postgresql:postgresql:15.6:*:*:*:*:*:*:*',
      'pkg:generic/postgresql@15.6',
    ]);
  });

  for (const format of FORMATS) {
    it(`imports its own ${format.toUpperCase()} export of every register unchanged`, async () => {
      for (const register of REGISTERS) {
        const r = await exportOf(register, format);
        expect(r.statusCode, r.body).toBe(200);
        const s = await runImport(register, r.rawPayload, MEDIA[format]);
        expect(s.error_list, `${register}.${format}`).toEqual([]);
        expect({ register, ...s }).toMatchObject({
          register,
          status: 'succeeded',
          created: 0,
          updated: 0,
          unchanged: s.rows,
          errors: 0,
        });
        expect(s.rows, register).toBeGreaterThanOrEqual(2);
      }
    });
  }

  it('lets every member read it, records each export in the audit trail, refuses other organisations', async () => {
    const r = await exportOf('processes', 'xlsx', member);
    expect(r.statusCode, r.body).toBe(200);
    const audit = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/audit?action=inventory.export&limit=1`,
      headers: { authorization: await createToken(t, org.slug, 'auditor') },
    });
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json().items[0]).toMatchObject({
      action: 'inventory.export',
      target_type: 'inventory',
      target_id: org.id,
      after: { register: 'processes', format: 'xlsx', rows: 2 },
    });

    for (const url of [
      `/api/v1/orgs/${org.slug}/inventory/export/systems.csv`,
      `/api/v1/orgs/${org.slug}/inventory/export/dependencies.xlsx`,
      `/api/v1/orgs/${org.slug}/inventory/templates/systems.xlsx`,
    ]) {
      const refused = await t.inject({ method: 'GET', url, headers: { authorization: otherMember } });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.body).not.toContain('EPJ-01');
    }
    expect((await exportOf('users', 'csv')).statusCode).toBe(404);
    expect((await exportOf('systems', 'pdf')).statusCode).toBe(404);
    // The other organisation's own export holds nothing of this one.
    const own = await exportOf('systems', 'csv', otherMember, other.slug);
    expect(own.statusCode).toBe(200);
    expect(csvRows(own.body)).toEqual([columnsOf('systems')]);
  });

  it('imports the restore procedure date from an edited XLSX export, a date cell as a date', async () => {
    expect(await get('systems/EPJ-01')).toMatchObject({ restore_procedure_on: '2026-02-05' });
    const edit = async (on: Date | string) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await exportOf('systems', 'xlsx')).rawPayload as unknown as ArrayBuffer);
      const sheet = book.worksheets[0];
      if (!sheet) throw new Error('the export has no worksheet');
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      const col = header.indexOf('restore_procedure_on') + 1;
      expect(col).toBeGreaterThan(0);
      sheet.eachRow((row) => {
        if (row.getCell(1).value === 'EPJ-01') row.getCell(col).value = on;
      });
      const s = await runImport('systems', Buffer.from(await book.xlsx.writeBuffer()), XLSX_TYPE);
      expect(s.error_list).toEqual([]);
      expect(s).toMatchObject({ status: 'succeeded', created: 0, updated: 1 });
    };
    // As a person types it in Excel: a date cell.
    await edit(new Date(Date.UTC(2026, 3, 1)));
    expect(await get('systems/EPJ-01')).toMatchObject({ restore_procedure_on: '2026-04-01' });
    const csv = csvRows((await exportOf('systems', 'csv')).body);
    const at = csv[0]?.indexOf('restore_procedure_on') ?? -1;
    expect(csv.find((r) => r[0] === 'EPJ-01')?.[at]).toBe('2026-04-01');
    // Back as it was, for the tests after this one.
    await edit('2026-02-05');
    expect(await get('systems/EPJ-01')).toMatchObject({ restore_procedure_on: '2026-02-05' });
  });

  it('offers each template as XLSX, which imports as it is', async () => {
    for (const register of REGISTERS) {
      const r = await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}/inventory/templates/${register}.xlsx`,
        headers: { authorization: member },
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-type']).toBe(XLSX_TYPE);
      expect(r.headers['content-disposition']).toBe(`attachment; filename="${register}.xlsx"`);
      const rows = await xlsxRows(r.rawPayload);
      expect(rows[0]).toEqual(columnsOf(register));
      expect(rows[1]).toEqual(TEMPLATES[register].map((c) => c.example));
    }
    // The CSV template is as before.
    const csv = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/inventory/templates/systems.csv`,
      headers: { authorization: member },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n')[0]).toBe(columnsOf('systems').join(';'));
    // A template imports as it is (into an organisation that has no such process yet).
    const template = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/inventory/templates/processes.xlsx`,
      headers: { authorization: member },
    });
    const s = await runImport('processes', template.rawPayload, XLSX_TYPE, other.slug, otherMember);
    expect(s).toMatchObject({ status: 'succeeded', rows: 1, created: 1 });
    expect(await get('processes/PROC-AKUT', other.slug, otherMember)).toMatchObject({
      name: 'Akut modtagelse',
      importance: 'critical',
    });
  });

  it('guards formulas in CSV and keeps them intact in XLSX; both import back unchanged', async () => {
    const f = await createOrg(t, { slug: `expf-${engine}`, kind: 'hospital' });
    const token = await createToken(t, f.slug, 'security_officer');
    const add = (path: string, payload: object) =>
      t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${f.slug}/inventory/${path}`,
        headers: { authorization: token },
        payload,
      });
    expect((await add('systems', { key: 'F-1', name: '=HYPERLINK("http://x","y")' })).statusCode).toBe(201);
    expect((await add('systems', { key: 'F-2', name: 'Plain', hosting: '-3' })).statusCode).toBe(201);
    expect(
      (await add('suppliers', { key: 'S-1', name: 'Leverandør', contact_phone: '+45 70 20 30 40' }))
        .statusCode,
    ).toBe(201);
    const run = (kind: string, body: Buffer, type: string) =>
      uploadImport<Summary>(t, f, token, { kind, query: 'name=x', contentType: type, body });

    // XLSX: texts are text cells, never formulas: the names come back intact, nothing changes.
    const sx = await exportOf('systems', 'xlsx', token, f.slug);
    expect((await xlsxRows(sx.rawPayload))[1]?.[1]).toBe('=HYPERLINK("http://x","y")');
    expect(await run('systems', sx.rawPayload, XLSX_TYPE)).toMatchObject({
      status: 'succeeded',
      unchanged: 2,
    });
    const px = await exportOf('suppliers', 'xlsx', token, f.slug);
    expect(await run('suppliers', px.rawPayload, XLSX_TYPE)).toMatchObject({
      status: 'succeeded',
      unchanged: 1,
    });
    expect((await get('systems/F-1', f.slug, token)).name).toBe('=HYPERLINK("http://x","y")');

    // CSV: a text a spreadsheet would run gets a leading apostrophe; a plain number ("-3") does not.
    const sc = await exportOf('systems', 'csv', token, f.slug);
    const rows = csvRows(sc.body);
    expect(rows[1]?.slice(0, 2)).toEqual(['F-1', `'=HYPERLINK("http://x","y")`]);
    expect(rows[2]?.[columnsOf('systems').indexOf('hosting')]).toBe('-3');
    const pc = await exportOf('suppliers', 'csv', token, f.slug);
    expect(csvRows(pc.body)[1]?.[columnsOf('suppliers').indexOf('contact_phone')]).toBe(`'+45 70 20 30 40`);
    // The importer drops the guard's apostrophe: the export imports back unchanged.
    expect(await run('systems', Buffer.from(sc.body), 'text/csv')).toMatchObject({
      status: 'succeeded',
      updated: 0,
      unchanged: 2,
    });
    expect((await get('systems/F-1', f.slug, token)).name).toBe('=HYPERLINK("http://x","y")');
    expect((await get('systems/F-2', f.slug, token)).hosting).toBe('-3');
    expect(await run('suppliers', Buffer.from(pc.body), 'text/csv')).toMatchObject({
      updated: 0,
      unchanged: 1,
    });
    expect((await get('suppliers/S-1', f.slug, token)).contact_phone).toBe('+45 70 20 30 40');
  });

  it(`streams 20,000 systems in batches of ${EXPORT_BATCH}`, async () => {
    const big = await createOrg(t, { slug: `expbig-${engine}`, kind: 'region' });
    const token = await createToken(t, big.slug, 'security_officer');
    const n = 20_000;
    const lines = ['key,name,criticality,ip_addresses,health_data'];
    for (let i = 0; i < n; i++)
      lines.push(`SYS-${String(i).padStart(6, '0')},System ${i},high,10.${i >> 8}.${i & 255}.1,true`);
    const imported = await uploadImport<Summary>(t, big, token, {
      kind: 'systems',
      query: 'name=big.csv',
      contentType: 'text/csv',
      body: `${lines.join('\n')}\n`,
    });
    expect(imported).toMatchObject({ status: 'succeeded', created: n });
    const started = performance.now();
    const r = await exportOf('systems', 'csv', token, big.slug);
    const seconds = (performance.now() - started) / 1000;
    expect(r.statusCode).toBe(200);
    const out = r.body.split('\r\n');
    expect(out.at(-1)).toBe('');
    expect(out).toHaveLength(n + 2);
    expect(out[1]?.startsWith('SYS-000000,System 0,')).toBe(true);
    expect(out[n]?.startsWith('SYS-019999,System 19999,')).toBe(true);
    expect(new Set(out.slice(1, -1).map((l) => l.split(',')[0])).size).toBe(n);
    console.info(`inventory export on ${engine}: ${n} systems as CSV in ${seconds.toFixed(2)} s`);

    const started2 = performance.now();
    const x = await exportOf('systems', 'xlsx', token, big.slug);
    const seconds2 = (performance.now() - started2) / 1000;
    expect(x.statusCode).toBe(200);
    expect(await xlsxRows(x.rawPayload)).toHaveLength(n + 1);
    console.info(`inventory export on ${engine}: ${n} systems as XLSX in ${seconds2.toFixed(2)} s`);

    // A client that goes away after the first bytes leaves the server serving (no transaction held).
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = httpGet(
        `${address}/api/v1/orgs/${big.slug}/inventory/export/systems.csv`,
        { headers: { authorization: token } },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve(res.statusCode);
          });
        },
      );
      req.on('error', reject);
    });
    expect(status).toBe(200);
    const after = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${big.slug}/inventory/systems?limit=1`,
      headers: { authorization: token },
    });
    expect(after.json().items[0].key).toBe('SYS-000000');
  });
});
