import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv } from './csv.js';
import { ScanFormatError, type ScanItem } from './types.js';

async function readAll(text: string | Buffer): Promise<ScanItem[]> {
  const items: ScanItem[] = [];
  for await (const item of readCsv(Readable.from([Buffer.from(text)]))) items.push(item);
  return items;
}
const refusal = (text: string | Buffer) =>
  readAll(text).then(
    () => null,
    (e: unknown) => e,
  );

const header = 'source,host,ip,port,protocol,rule,title,severity,cvss,cves,solution';

describe('generic scan CSV', () => {
  it('reads the documented example (docs/vulnerabilities-csv.md)', async () => {
    const items = await readAll(
      `${header}\nqualys,web01.example.org,10.0.0.5,443,tcp,38173,SSL Certificate - Signature Verification Failed,medium,6.4,,Install a certificate signed by a trusted CA\nqualys,10.0.0.7,,,,105484,Log4Shell,critical,10,CVE-2021-44228;CVE-2021-45046,Upgrade log4j to 2.17.1\n`,
    );
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      line: 2,
      informational: false,
      family: 'qualys',
      host: { name: 'web01.example.org', ip: '10.0.0.5', fqdn: null, hostname: 'web01' },
      port: 443,
      protocol: 'tcp',
      rule: '38173',
      title: 'SSL Certificate - Signature Verification Failed',
      severity: 'medium',
      cvss: 6.4,
      cves: [],
      solution: 'Install a certificate signed by a trusted CA',
      description: null,
    });
    expect(items[1]).toMatchObject({
      line: 3,
      host: { name: '10.0.0.7', ip: '10.0.0.7', fqdn: null, hostname: null },
      port: null,
      protocol: null,
      severity: 'critical',
      cves: ['CVE-2021-44228', 'CVE-2021-45046'],
    });
  });

  it('takes semicolons, any column order and case, BOM, blank lines, quoted cells and info rows', async () => {
    const text = `\uFEFFSeverity;Title;Rule;Host;Source;FQDN;Port;CVSS;Evidence\n\n INFO ;"Open port; banner";tcp-22;2001:DB8::0:1;NMAP;Srv.Example.ORG.;0;7,5;"line 1\nline 2"\n`;
    const [item] = await readAll(text);
    expect(item).toMatchObject({
      informational: true,
      severity: 'info',
      family: 'nmap',
      title: 'Open port; banner',
      host: { name: '2001:db8::1', ip: '2001:db8::1', fqdn: 'srv.example.org', hostname: 'srv' },
      port: null,
      cvss: 7.5,
      evidence: 'line 1\nline 2',
      line: 3,
    });
  });

  it('refuses the first bad line with its line, column and reason', async () => {
    const cases: [string, string, number | null, Record<string, unknown>][] = [
      [
        `${header}\nq,h,,1,tcp,r,t,severe,,,`,
        'scans.csv_severity',
        2,
        { column: 'severity', value: 'severe' },
      ],
      [
        `${header}\nq,h,,1,tcp,r,t,low,,,\nq,h,,70000,tcp,r,t,low,,,`,
        'scans.csv_port',
        3,
        { column: 'port', value: '70000' },
      ],
      [`${header}\nq,h,,1,tcp,r,t,low,11,,`, 'scans.csv_cvss', 2, { column: 'cvss' }],
      [`${header}\nq,h,,1,tcp,r,t,low,,CVE-21-1;x,`, 'scans.csv_cve', 2, { value: 'CVE-21-1' }],
      [`${header}\nq,h,999.1.1.1,1,tcp,r,t,low,,,`, 'scans.csv_ip', 2, { column: 'ip' }],
      [`${header}\nq,h,,1,t c p,r,t,low,,,`, 'scans.csv_protocol', 2, { column: 'protocol' }],
      [`${header}\nq,,,1,tcp,r,t,low,,,`, 'scans.csv_required', 2, { column: 'host' }],
      [`${header}\nq,h,,1,tcp,,t,low,,,`, 'scans.csv_required', 2, { column: 'rule' }],
      ['source,host,rule,title', 'scans.csv_column_missing', 1, { columns: 'severity' }],
      ['source,host,rule,title,severity,serverity', 'scans.csv_column_unknown', 1, { column: 'serverity' }],
      ['source,host,rule,title,severity,Host', 'scans.csv_column_twice', 1, { column: 'host' }],
      ['', 'scans.empty', 1, {}],
      // An unquoted comma in a text: one cell too many (the rest of the line would be lost),
      // or a line cut short.
      [
        `${header}\nq,h,,1,tcp,r,t,low,6.4,,Stop the service, then patch`,
        'scans.csv_cells',
        2,
        { cells: 12, columns: 11 },
      ],
      [`${header}\nq,h,,1,tcp,r,t,low`, 'scans.csv_cells', 2, { cells: 8, columns: 11 }],
    ];
    for (const [text, code, line, params] of cases) {
      const error = await refusal(text);
      expect(error, text).toBeInstanceOf(ScanFormatError);
      expect(error, text).toMatchObject({ code, line, params });
    }
  });

  it('refuses UTF-16 and invalid UTF-8, naming the line', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${header}\n`, 'utf16le')]);
    expect(await refusal(utf16)).toMatchObject({ code: 'scans.encoding_utf16', line: 1 });
    const latin1 = Buffer.concat([
      Buffer.from(`${header}\nq,h,,1,tcp,r,K`),
      Buffer.from([0xf8]),
      Buffer.from('ge,low,,,\n'),
    ]);
    expect(await refusal(latin1)).toMatchObject({ code: 'scans.encoding_invalid', line: 2 });
  });
});
