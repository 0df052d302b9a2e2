import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeCliEmbedded, describeCliOnPostgres, type Env, runCli } from '../../../../test/cli/cli.js';
import { loadExcel } from '../imports/excel.js';

/** `vaern import <register>` for the inventory's registers: the built CLI as an operator runs it. */

const SYSTEMS = [
  'key;name;health_data;criticality;ip_addresses;mfa',
  'EPJ-01;Patientjournal;true;critical;"10.0.0.0/24;10.1.0.7";true',
  'LAB-01;Laboratorium;false;high;;',
].join('\n');
const BAD = ['key;name;criticality;ip_addresses', 'X-1;One;severe;', 'X-2;Two;low;10.0.0.1/8'].join('\n');
const COMPONENTS = ['key;system;vendor;product;version', 'EPJ-DB;EPJ-01;PostgreSQL;PostgreSQL;15.6'].join(
  '\n',
);

const parse = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');

function suite(env: () => Env, dir: () => string) {
  const file = (name: string, text: string) => {
    const p = path.join(dir(), name);
    writeFileSync(p, `${text}\n`);
    return p;
  };

  it('imports systems and components, finds them unchanged the second time, refuses a bad file whole', async () => {
    const org = await runCli(['org', 'create', '--slug', 'inv', '--name', 'Inv', '--kind', 'region'], env());
    expect(org.code, org.stderr).toBe(0);
    const help = await runCli(['import', '--help'], env());
    for (const kind of ['systems', 'components', 'processes', 'suppliers', 'dependencies'])
      expect(help.stdout + help.stderr).toContain(`  ${kind} `);

    const first = await runCli(
      ['import', 'systems', '--org', 'inv', file('systems.csv', SYSTEMS), '--json'],
      env(),
    );
    expect(first.code, first.stderr).toBe(0);
    expect(parse(first.stdout)).toEqual({
      import_id: expect.any(String),
      status: 'succeeded',
      rows: 2,
      created: 2,
      updated: 0,
      unchanged: 0,
      errors: 0,
      error_list: [],
    });
    const again = await runCli(
      ['import', 'systems', '--org', 'inv', file('systems.csv', SYSTEMS), '--json'],
      env(),
    );
    expect(parse(again.stdout)).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 2 });
    const components = await runCli(
      ['import', 'components', '--org', 'inv', file('c.csv', COMPONENTS), '--json'],
      env(),
    );
    expect(parse(components.stdout)).toMatchObject({ status: 'succeeded', created: 1 });

    const bad = await runCli(['import', 'systems', '--org', 'inv', file('bad.csv', BAD), '--json'], env());
    expect(bad.code).toBe(1);
    expect(parse(bad.stdout)).toMatchObject({
      status: 'refused',
      rows: 2,
      created: 0,
      errors: 2,
      error_list: [
        { row: 2, column: 'criticality', message: '"severe" is not one of: critical, high, medium, low.' },
        { row: 3, column: 'ip_addresses', message: expect.stringContaining('"10.0.0.1/8"') },
      ],
    });
    const human = await runCli(['import', 'systems', '--org', 'inv', file('bad.csv', BAD)], env());
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('row 2, criticality: "severe" is not one of');
  });

  it('imports processes, suppliers and dependencies, and a register given as a workbook (XLSX)', async () => {
    const org = await runCli(
      ['org', 'create', '--slug', 'inv2', '--name', 'Inv 2', '--kind', 'region'],
      env(),
    );
    expect(org.code, org.stderr).toBe(0);
    const ExcelJS = await loadExcel();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('systems');
    sheet.addRow(['key', 'name', 'criticality']);
    sheet.addRow(['EPJ-02', 'Patientjournal', 'critical']);
    const xlsx = path.join(dir(), 'systems.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const imports: Array<[string, string]> = [
      ['systems', xlsx],
      ['processes', file('p.csv', 'key;name;importance\nP-AKUT;Akut modtagelse;critical')],
      ['suppliers', file('s.csv', 'key;name;contact_email\nS-EPJ;Journalleverandøren;support@example.dk')],
      [
        'dependencies',
        file(
          'd.csv',
          'from_type;from_key;to_type;to_key\nprocess;P-AKUT;system;EPJ-02\nsystem;EPJ-02;supplier;S-EPJ',
        ),
      ],
    ];
    for (const [register, path] of imports) {
      const r = await runCli(['import', register, '--org', 'inv2', path, '--json'], env());
      expect({ register, code: r.code }, r.stderr).toEqual({ register, code: 0 });
      expect({ register, ...parse(r.stdout) }).toMatchObject({ register, status: 'succeeded', errors: 0 });
      expect(parse(r.stdout).created).toBeGreaterThan(0);
    }
    const unknown = await runCli(
      [
        'import',
        'dependencies',
        '--org',
        'inv2',
        file('d2.csv', 'from_type;from_key;to_type;to_key\nprocess;P-NONE;system;EPJ-02'),
        '--json',
      ],
      env(),
    );
    expect(unknown.code).toBe(1);
    expect(parse(unknown.stdout)).toMatchObject({
      status: 'refused',
      error_list: [{ row: 2, column: 'from_key', message: 'There is no process P-NONE in the register.' }],
    });
  });
}

describeCliEmbedded('vaern import <register>', suite);
describeCliOnPostgres('vaern import <register>', suite);
