import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { readNessus } from './nessus.js';
import { ScanFormatError, type ScanItem } from './types.js';

const file = (name: string) => corpus('scans', 'nessus', name);

async function readAll(bytes: AsyncIterable<Buffer>): Promise<ScanItem[]> {
  const items: ScanItem[] = [];
  for await (const item of readNessus(bytes)) items.push(item);
  return items;
}
const fromText = (text: string, size = 8192) => {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < buf.length; at += size) chunks.push(buf.subarray(at, at + size));
  return Readable.from(chunks);
};
const identity = (items: ScanItem[]) =>
  items.map((i) => [i.family, i.host.name, i.rule, i.port, i.protocol].join(' ')).sort();

async function refusal(run: Promise<unknown>): Promise<ScanFormatError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScanFormatError);
  return error as ScanFormatError;
}

describe('Nessus reader: corpus', () => {
  it('nessus_many_vuln.xml: 7 items, all informational', async () => {
    // grep -o '<ReportItem ' nessus_many_vuln.xml | wc -l → 7;
    // grep -o '<ReportItem [^>]*severity="0"' nessus_many_vuln.xml | wc -l → 7 (all informational).
    const items = await readAll(createReadStream(file('nessus_many_vuln.xml')));
    expect(items).toHaveLength(7);
    expect(items.filter((i) => i.informational)).toHaveLength(7);
    const first = items[0] as ScanItem;
    expect(first).toMatchObject({
      family: 'nessus',
      host: {
        name: 'preprod.boardvantage.net',
        ip: '12.233.108.201',
        fqdn: 'preprod.boardvantage.net',
        hostname: 'preprod',
      },
      rule: '19506',
      title: 'Nessus Scan Information',
      severity: 'info',
      port: null, // port="0"
      protocol: 'tcp',
      cvss: null,
      cves: [],
    });
    expect(first.evidence).toMatch(/^Information about this scan/);
  });

  it('nessus_v_unknown.xml: 296 items over 7 hosts, 266 informational, 23 medium, 7 low', async () => {
    // python3: ET.parse(f).getroot().iter('ReportItem') → 296 items; Counter(severity) →
    // {'0': 266, '2': 23, '1': 7}; grep -o '<ReportHost ' nessus_v_unknown.xml | wc -l → 7.
    const items = await readAll(createReadStream(file('nessus_v_unknown.xml')));
    expect(items).toHaveLength(296);
    expect(items.filter((i) => i.informational)).toHaveLength(266);
    expect(items.filter((i) => i.severity === 'medium')).toHaveLength(23);
    expect(items.filter((i) => i.severity === 'low')).toHaveLength(7);
    expect(new Set(items.map((i) => i.host.name)).size).toBe(7);
    // The first RDP MitM finding (pluginID 18405) of ReportHost qa3app09, checked by hand in the file.
    const rdp = items.find((i) => i.rule === '18405' && i.host.name === 'qa3app09');
    expect(rdp).toMatchObject({
      informational: false,
      host: { name: 'qa3app09', ip: '10.31.112.29', fqdn: 'qa3app09', hostname: 'qa3app09' },
      port: 3389,
      protocol: 'tcp',
      title: 'Microsoft Windows Remote Desktop Protocol Server Man-in-the-Middle Weakness',
      severity: 'medium',
      cvss: 5.1,
      cvssVector: 'AV:N/AC:H/Au:N/C:P/I:P/A:P', // CVSS2# stripped
      cves: ['CVE-2005-1794'],
      location: null,
      suppressed: false,
    });
    expect(rdp?.solution).toBeTruthy();
    // The NLA finding starts on line 2705 (grep -n 'pluginID="58453"' → 2705 first).
    const nla = items.find((i) => i.rule === '58453');
    expect(nla).toMatchObject({
      line: 2705,
      title: "Terminal Services Doesn't Use Network Level Authentication (NLA)",
    });
  });

  it('nessus_with_cwe-.nessus: 1 high finding with 15 CVEs', async () => {
    // grep -o '<ReportItem ' → 1, severity="3"; grep -c '<cve>' nessus_with_cwe-.nessus → 15.
    const items = await readAll(createReadStream(file('nessus_with_cwe-.nessus')));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      informational: false,
      host: {
        name: 'testphp.vulnweb.com',
        ip: '44.228.249.3',
        fqdn: 'testphp.vulnweb.com',
        hostname: 'testphp',
      },
      port: 80,
      protocol: 'tcp',
      rule: '31649',
      title: 'PHP 5.x < 5.2 Multiple Vulnerabilities',
      severity: 'high',
      cvss: 7.5,
      cvssVector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P',
    });
    expect(items[0]?.cves).toHaveLength(15);
    expect(items[0]?.cves[0]).toBe('CVE-2006-1015');
    expect(items[0]?.cves).toEqual([...(items[0]?.cves ?? [])].sort());
  });
});

describe('Nessus reader: identity stability', () => {
  it('reads the same tuples twice, whatever the chunk size', async () => {
    const a = await readAll(createReadStream(file('nessus_v_unknown.xml')));
    const b = await readAll(fromText(readFileSync(file('nessus_v_unknown.xml'), 'utf8'), 997));
    expect(identity(b)).toEqual(identity(a));
  });

  it('gives the same identities for another scanner version, policy and host order', async () => {
    const text = readFileSync(file('nessus_v_unknown.xml'), 'utf8');
    const start = text.indexOf('<ReportHost ');
    const end = text.lastIndexOf('</ReportHost>') + '</ReportHost>'.length;
    const hosts = text
      .slice(start, end)
      .split(/(?=<ReportHost )/)
      .map((h) => h.trim());
    expect(hosts).toHaveLength(7);
    const variant = (text.slice(0, start) + hosts.reverse().join('\n') + text.slice(end))
      .replaceAll('Nessus version : 5.2.1', 'Nessus version : 10.7.3')
      .replace('<policyName>Internal Network Scan</policyName>', '<policyName>Quarterly</policyName>')
      .replace('<Report name="2459_Coinstar"', '<Report name="Another run"');
    expect(variant).not.toBe(text);
    const original = await readAll(fromText(text));
    const edited = await readAll(fromText(variant));
    expect(edited[0]?.host.name).toBe('qa3app01'); // the order did change
    expect(identity(edited)).toEqual(identity(original));
  });
});

describe('Nessus reader: details and refusals', () => {
  const doc = (
    items: string,
    props = '<tag name="host-ip">2001:DB8:0:0:0:0:0:1</tag>',
    name = 'Web01.Example.ORG.',
  ) =>
    `<?xml version="1.0"?>\n<NessusClientData_v2><Report name="r"><ReportHost name="${name}"><HostProperties>${props}</HostProperties>\n${items}</ReportHost></Report></NessusClientData_v2>`;

  it('prefers CVSS v3 with its prefix, normalises the host, maps severity 4 to critical', async () => {
    const items = await readAll(
      fromText(
        doc(
          '<ReportItem port="443" protocol="TCP" severity="4" pluginID="1" pluginName="X"><cvss_base_score>5.0</cvss_base_score><cvss_vector>CVSS2#AV:N/AC:L/Au:N/C:P/I:N/A:N</cvss_vector><cvss3_base_score>9.8</cvss3_base_score><cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</cvss3_vector><cve>cve-2024-0001</cve><cve>CVE-2023-9999</cve><cve>CVE-2024-0001</cve></ReportItem>',
          '<tag name="host-ip">2001:DB8:0:0:0:0:0:1</tag><tag name="netbios-name">WEB01</tag>',
        ),
      ),
    );
    expect(items[0]).toMatchObject({
      line: 3,
      host: { name: 'web01.example.org', ip: '2001:db8::1', fqdn: null, hostname: 'web01' },
      port: 443,
      protocol: 'tcp',
      severity: 'critical',
      cvss: 9.8,
      cvssVector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      cves: ['CVE-2023-9999', 'CVE-2024-0001'],
    });
  });

  it('names an IPv6 host by its compressed address', async () => {
    const items = await readAll(
      fromText(
        doc(
          '<ReportItem port="0" protocol="udp" severity="1" pluginID="2" pluginName="Y"/>',
          '',
          'FE80:0:0:0:0:0:0:A%eth0',
        ),
      ),
    );
    expect(items[0]?.host).toEqual({ name: 'fe80::a', ip: 'fe80::a', fqdn: null, hostname: null });
  });

  it('cuts long texts at limits.maxText', async () => {
    const long = 'x'.repeat(500);
    const bytes = fromText(
      doc(
        `<ReportItem port="1" protocol="tcp" severity="1" pluginID="3" pluginName="Z"><plugin_output>${long}</plugin_output></ReportItem>`,
      ),
    );
    const items: ScanItem[] = [];
    for await (const item of readNessus(bytes, { maxText: 100, maxItems: 10 })) items.push(item);
    expect(items[0]?.evidence).toHaveLength(100);
  });

  it('refuses more items than limits.maxItems', async () => {
    const error = await refusal(
      (async () => {
        for await (const _ of readNessus(createReadStream(file('nessus_v_unknown.xml')), {
          maxText: 4000,
          maxItems: 10,
        }));
      })(),
    );
    expect(error.code).toBe('scans.too_many_items');
    expect(error.params).toMatchObject({ limit: 10 });
  });

  it('refuses a billion-laughs DOCTYPE quickly, before any entity is expanded', async () => {
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n${Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n')}\n]>\n<NessusClientData_v2>&lol9;</NessusClientData_v2>`;
    const started = Date.now();
    const error = await refusal(readAll(fromText(laughs)));
    expect(error.code).toBe('scans.doctype');
    expect(error.line).toBe(2);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses an undefined entity, UTF-16, another encoding, another root, and broken XML with the line', async () => {
    expect(
      (await refusal(readAll(fromText(doc('<ReportItem pluginID="1" severity="1" pluginName="&xxe;"/>')))))
        .code,
    ).toBe('scans.xml_entity');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc(''), 'utf16le')]);
    expect((await refusal(readAll(Readable.from([utf16])))).code).toBe('scans.encoding_utf16');
    const latin1 = await refusal(
      readAll(fromText('<?xml version="1.0" encoding="ISO-8859-1"?><NessusClientData_v2/>')),
    );
    expect(latin1).toMatchObject({ code: 'scans.encoding_declared', params: { encoding: 'ISO-8859-1' } });
    const invalid = Buffer.concat([
      Buffer.from('<NessusClientData_v2>\n\n<a>'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('</a>'),
    ]);
    expect(await refusal(readAll(Readable.from([invalid])))).toMatchObject({
      code: 'scans.encoding_invalid',
      line: 3,
    });
    expect((await refusal(readAll(fromText('<report/>')))).code).toBe('scans.not_nessus');
    expect((await refusal(readAll(fromText('{"runs": []}')))).code).toBe('scans.not_xml');
    expect((await refusal(readAll(fromText('  \n')))).code).toBe('scans.empty');
    const broken = await refusal(readAll(fromText('<NessusClientData_v2>\n<Report>\n</Nessus>')));
    expect(broken.code).toBe('scans.xml_syntax');
    expect(broken.line).toBe(3);
    expect(String(broken.params.detail)).toMatch(/Report|close|tag/i);
  });
});
