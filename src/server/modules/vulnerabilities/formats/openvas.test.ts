import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { readOpenvas, severityOf } from './openvas.js';
import { ScanFormatError, type ScanItem } from './types.js';

const file = (name: string) => corpus('scans', 'openvas', name);

async function readAll(bytes: AsyncIterable<Buffer>): Promise<ScanItem[]> {
  const items: ScanItem[] = [];
  for await (const item of readOpenvas(bytes)) items.push(item);
  return items;
}
const fromText = (text: string) => Readable.from([Buffer.from(text)]);

describe('OpenVAS reader: corpus', () => {
  it('many_vuln.xml: 44 findings, none informational; 25 medium, 11 high, 8 critical', async () => {
    // grep -o '<result id=' many_vuln.xml | wc -l → 44; grep -c '<threat>Log</threat>' → 0;
    // python3: Counter of the <severity> of .//results/result through the table in openvas.ts
    // (≤0 info, <4 low, <7 medium, <9 high, else critical) → medium 25, high 11, critical 8.
    const items = await readAll(createReadStream(file('many_vuln.xml')));
    expect(items).toHaveLength(44);
    expect(items.filter((i) => i.informational)).toHaveLength(0);
    const count = (s: string) => items.filter((i) => i.severity === s).length;
    expect([count('low'), count('medium'), count('high'), count('critical')]).toEqual([0, 25, 11, 8]);
    expect(items[0]?.line).toBe(151); // grep -n '<result id=' many_vuln.xml | head -1
    // The first 5432/tcp result, read by hand in the file.
    const pg = items.find((i) => i.port === 5432);
    expect(pg).toMatchObject({
      family: 'openvas',
      // The corpus is anonymised: "192.168.1.1001" is no IP address, so it stays a name.
      host: { name: '192.168.1.1001', ip: null, fqdn: null, hostname: 'b6b9f466d63' },
      protocol: 'tcp',
      rule: '1.3.6.1.4.1.25623.1.0.103552',
      // The NVT's <name>; the result's own (e93a2434477, anonymised) is only a fallback.
      title: 'PostgreSQL Default Credentials (PostgreSQL Protocol)',
      severity: 'critical',
      cvss: 9,
      cves: [],
    });
    expect(pg?.description).toMatch(/^It was possible to login into the remote PostgreSQL/);
    expect(pg?.solution).toMatch(/^Change\s+the password as soon as possible\.$/);
    // Each (host, oid, port) differs: python3 len(set(...)) over the results → 44.
    expect(new Set(items.map((i) => `${i.host.name} ${i.rule} ${i.port} ${i.protocol}`)).size).toBe(44);
  });

  it('one_vuln.xml: 1 critical finding on general/tcp with 12 CVEs', async () => {
    // grep -o '<result id=' one_vuln.xml | wc -l → 1; grep -o 'type="cve"' one_vuln.xml | wc -l → 12.
    const items = await readAll(createReadStream(file('one_vuln.xml')));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      informational: false,
      host: { name: '10.0.101.2', ip: '10.0.101.2', fqdn: null, hostname: null },
      port: null,
      protocol: 'tcp',
      rule: '1.3.6.1.4.1.25623.1.0.832260',
      title: 'Mozilla Firefox Security Update (mfsa_2023-32_2023-36) - Windows',
      severity: 'critical',
      cvss: 10,
      solution: 'Upgrade to version 117 or later,\nPlease see the references for more information.',
    });
    expect(items[0]?.cves).toHaveLength(12);
    expect(items[0]?.cves.slice(0, 2)).toEqual(['CVE-2023-4573', 'CVE-2023-4574']);
    expect(items[0]?.evidence).toMatch(/^Installed version: 116\.0\.3/);
    expect(items[0]?.description).toMatch(/^Mozilla Firefox is prone to multiple vulnerabilities\./);
  });

  it('no_vuln.xml: no items (grep -c "<result id=" → 0)', async () => {
    expect(await readAll(createReadStream(file('no_vuln.xml')))).toEqual([]);
  });

  it('reads the same identity tuples twice', async () => {
    const tuples = (items: ScanItem[]) =>
      items.map((i) => [i.family, i.host.name, i.rule, i.port, i.protocol]);
    const a = await readAll(createReadStream(file('many_vuln.xml')));
    const b = await readAll(fromText(readFileSync(file('many_vuln.xml'), 'utf8')));
    expect(tuples(b)).toEqual(tuples(a));
  });
});

describe('OpenVAS reader: details and refusals', () => {
  const result = (inner: string) =>
    `<get_reports_response><report><report><results>\n<result id="r"><name>N</name><host> 2001:0DB8::0001 <hostname>Db1.Example.org</hostname></host><port>443/udp</port><nvt oid="1.2.3"><name>N</name><cve>CVE-2021-44228, NOCVE</cve><tags>cvss_base_vector=AV:N/AC:L|summary=S|solution=Fix it</tags></nvt>${inner}</result></results></report></report></get_reports_response>`;

  it('maps the severity score by the documented table', () => {
    expect([0, -1, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityOf)).toEqual([
      'info',
      'info',
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'critical',
      'critical',
    ]);
  });

  it('reads host names, ports, nvt/cve text and Log results as informational', async () => {
    const [log] = await readAll(fromText(result('<threat>Log</threat><severity>0.0</severity>')));
    expect(log).toMatchObject({
      line: 2,
      informational: true,
      severity: 'info',
      host: { name: '2001:db8::1', ip: '2001:db8::1', fqdn: 'db1.example.org', hostname: 'db1.example.org' },
      port: 443,
      protocol: 'udp',
      cves: ['CVE-2021-44228'],
      cvssVector: 'AV:N/AC:L',
      solution: 'Fix it',
    });
    const [low] = await readAll(fromText(result('<threat>Low</threat><severity>2.6</severity>')));
    expect(low).toMatchObject({ informational: false, severity: 'low' });
    const [byThreat] = await readAll(fromText(result('<threat>Medium</threat>')));
    expect(byThreat).toMatchObject({ informational: false, severity: 'medium' });
  });

  it('refuses a result without severity, another root, and a DOCTYPE', async () => {
    const error = await readAll(fromText(result(''))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'scans.openvas_severity_missing', line: 2 });
    expect(await readAll(fromText('<NessusClientData_v2/>')).catch((e: unknown) => e)).toMatchObject({
      code: 'scans.not_openvas',
    });
    const doctype = await readAll(
      fromText('<?xml version="1.0"?>\n\n<!DOCTYPE r SYSTEM "file:///etc/passwd"><report/>'),
    ).catch((e: unknown) => e);
    expect(doctype).toBeInstanceOf(ScanFormatError);
    expect(doctype).toMatchObject({ code: 'scans.doctype', line: 3 });
  });
});
