import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { readSarif } from './sarif.js';
import { ScanFormatError, type ScanItem } from './types.js';

const file = (name: string) => corpus('scans', 'sarif', name);

async function readAll(bytes: AsyncIterable<Buffer>): Promise<ScanItem[]> {
  const items: ScanItem[] = [];
  for await (const item of readSarif(bytes)) items.push(item);
  return items;
}
const fromText = (text: string, size = 4096) => {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < buf.length; at += size) chunks.push(buf.subarray(at, at + size));
  return Readable.from(chunks);
};
const refusal = (run: Promise<unknown>) =>
  run.then(
    () => null,
    (e: unknown) => e,
  );
const sha = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

describe('SARIF reader: corpus', () => {
  // Counts: jq '[.runs[].results[]?]|length' FILE; informational ones:
  // jq '[.runs[].results[]?|select(.level=="none" or (.kind//"fail")!="fail")]|length' FILE → 0 for all.
  it.each([
    ['appendix_k.sarif', 1],
    ['appendix_k1.sarif', 0],
    ['appendix_k2.sarif', 1],
    ['appendix_k3.sarif', 1],
    ['bash-report-fabricated-no-internal-dupes-subset.sarif', 4],
    ['bash-report.sarif', 27],
    ['codeQL-output.sarif', 72],
    ['suppression_test.sarif', 5],
  ])('%s: %i results, none informational', async (name, count) => {
    const items = await readAll(createReadStream(file(name)));
    expect(items).toHaveLength(count);
    expect(items.filter((i) => i.informational)).toHaveLength(0);
    for (const item of items) expect(item.host).toEqual({ name: null, ip: null, fqdn: null, hostname: null });
  });

  it('codeQL-output.sarif: family codeql, levels from the rules (11 high, 4 medium, 57 low), fingerprints', async () => {
    // The results carry no level; jq over each result's rule defaultConfiguration.level gives
    // {"error": 11, "note": 57, "warning": 4}; no rule has security-severity.
    const items = await readAll(createReadStream(file('codeQL-output.sarif')));
    const count = (s: string) => items.filter((i) => i.severity === s).length;
    expect([count('high'), count('medium'), count('low')]).toEqual([11, 4, 57]);
    expect(new Set(items.map((i) => i.family))).toEqual(new Set(['codeql']));
    expect(items[0]).toMatchObject({
      line: 4021, // grep -n '"results"' codeQL-output.sarif → 4021 (the first result opens on that line)
      rule: 'py/empty-except|primaryLocationLineHash=9cbc869fbfffeb60:1|primaryLocationStartColumnFingerprint=0',
      title: 'Empty except',
      severity: 'low',
      evidence: "'except' clause does nothing but pass and there is no explanatory comment.",
      location: { file: 'good/db_init.py', line: 39 },
      suppressed: false,
      cves: [],
    });
    const sql = items.filter((i) => i.rule.startsWith('py/sql-injection|'));
    expect(sql.map((i) => [i.rule, i.location, i.severity, i.title])).toEqual([
      [
        'py/sql-injection|primaryLocationLineHash=87f19d40ee7aefaf:1|primaryLocationStartColumnFingerprint=17',
        { file: 'bad/libuser.py', line: 12 },
        'high',
        'SQL query built from user-controlled sources',
      ],
      [
        'py/sql-injection|primaryLocationLineHash=dca96e071a47ec37:1|primaryLocationStartColumnFingerprint=10',
        { file: 'bad/libuser.py', line: 25 },
        'high',
        'SQL query built from user-controlled sources',
      ],
    ]);
  });

  it("appendix_k.sarif: message from the rule's message strings, snippet hash, accepted suppression", async () => {
    const [item] = await readAll(createReadStream(file('appendix_k.sarif')));
    expect(item).toMatchObject({
      family: 'codescanner',
      rule: `C2001|${sha(['C2001', 'collections/list.h', 'add_core(ptr, offset, val);\n    return;'])}`,
      title: 'A variable was used without being initialized.',
      severity: 'high', // level "error"
      evidence: 'Variable "ptr" was used without being initialized. It was declared [here](0).',
      location: { file: 'collections/list.h', line: 15 },
      suppressed: true, // suppressions: [{kind: external, state: accepted}] — no status "rejected"
    });
  });

  it('appendix_k3.sarif: a result without a physical location hashes rule and nothing else', async () => {
    const [item] = await readAll(createReadStream(file('appendix_k3.sarif')));
    expect(item).toMatchObject({
      family: 'binaryscanner',
      rule: `B6412|${sha(['B6412', '', ''])}`,
      title: 'The insecure method "Crypto.Sha1.Encrypt" should not be used.',
      severity: 'medium',
      location: null,
    });
  });

  it('suppression_test.sarif: 3 suppressed (jq: suppressions with an entry not rejected), a rejected one is not', async () => {
    const items = await readAll(createReadStream(file('suppression_test.sarif')));
    expect(items.map((i) => i.suppressed)).toEqual([true, true, true, false, false]);
    expect(items.map((i) => i.severity)).toEqual(['medium', 'medium', 'medium', 'medium', 'medium']); // no level → warning
    const text = readFileSync(file('suppression_test.sarif'), 'utf8').replace(
      '"kind":"external"',
      '"kind":"external", "status": "rejected"',
    );
    const edited = await readAll(fromText(text));
    expect(edited.map((i) => i.suppressed)).toEqual([false, true, true, false, false]);
  });

  it('reads the same identity tuples twice, whatever the chunk size', async () => {
    const tuples = (items: ScanItem[]) =>
      items.map((i) => [i.family, i.host.name, i.rule, i.port, i.protocol]);
    const a = await readAll(createReadStream(file('bash-report.sarif')));
    const b = await readAll(fromText(readFileSync(file('bash-report.sarif'), 'utf8'), 7));
    expect(tuples(b)).toEqual(tuples(a));
    // The file repeats findings (DefectDojo's dedupe fixture): 27 results, 12 distinct identities —
    // jq -r '.runs[0].results[]|[.ruleId,(.partialFingerprints|to_entries|map("\(.key)=\(.value)")|sort|join("|"))]|join("|")'
    //   bash-report.sarif | sort -u | wc -l → 12
    expect(new Set(a.map((i) => i.rule)).size).toBe(12);
  });
});

describe('SARIF reader: severity, CVEs, refusals', () => {
  const log = (rule: object, result: object, extra = '') =>
    `{"version":"2.1.0",${extra}"runs":[{"tool":{"driver":{"name":"Trivy","rules":[${JSON.stringify(rule)}]}},"results":[\n${JSON.stringify(result)}]}]}`;

  it('lets security-severity override the level, finds CVEs, marks level none informational', async () => {
    const rule = {
      id: 'CVE-2021-44228',
      shortDescription: { text: 'log4j' },
      properties: { 'security-severity': '10.0', tags: ['vulnerability', 'CVE-2021-45046'] },
    };
    const [critical] = await readAll(
      fromText(
        log(rule, { ruleId: 'CVE-2021-44228', level: 'warning', message: { text: 'see cve-2021-4104' } }),
      ),
    );
    expect(critical).toMatchObject({
      family: 'trivy',
      line: 2,
      severity: 'critical',
      informational: false,
      cves: ['CVE-2021-4104', 'CVE-2021-44228', 'CVE-2021-45046'],
      title: 'log4j',
    });
    const [none] = await readAll(
      fromText(log(rule, { ruleId: 'CVE-2021-44228', level: 'none', message: { text: 'x' } })),
    );
    expect(none).toMatchObject({ severity: 'info', informational: true });
    const [pass] = await readAll(
      fromText(log({ id: 'R' }, { ruleIndex: 0, kind: 'pass', message: { text: 'ok' } })),
    );
    expect(pass).toMatchObject({ severity: 'info', informational: true, rule: `R|${sha(['R', '', ''])}` });
    for (const [score, severity] of [
      ['7.5', 'high'],
      ['4.0', 'medium'],
      ['0.1', 'low'],
      ['0', 'low'],
    ] as const) {
      const [item] = await readAll(
        fromText(
          log(
            { id: 'R', properties: { 'security-severity': score } },
            { ruleId: 'R', level: 'note', message: { text: 'm' } },
          ),
        ),
      );
      expect(item?.severity).toBe(severity); // "0" is no override: level note → low
    }
  });

  it('refuses a level SARIF does not know, its own or its rule’s, naming the result and the value', async () => {
    for (const [rule, result, value] of [
      [{ id: 'R' }, { level: 'catastrophic' }, '"catastrophic"'],
      [{ id: 'R' }, { level: 5 }, '5'],
      // A name every object has is no level either.
      [{ id: 'R' }, { level: 'toString' }, '"toString"'],
      [{ id: 'R', defaultConfiguration: { level: 'fatal' } }, {}, '"fatal"'],
    ] as const) {
      expect(
        await refusal(readAll(fromText(log(rule, { ruleId: 'R', message: { text: 'm' }, ...result })))),
        value,
      ).toMatchObject({ code: 'scans.sarif_level', line: 2, params: { value } });
    }
  });

  it('refuses a start line SARIF does not allow, naming the result and the value', async () => {
    const at = (startLine: unknown) =>
      log(
        { id: 'R' },
        {
          ruleId: 'R',
          message: { text: 'm' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'a.c' }, region: { startLine } } }],
        },
      );
    for (const bad of [3_000_000_000, 1e300, 0, -5, 1.5, '15', null]) {
      expect(await refusal(readAll(fromText(at(bad)))), String(bad)).toMatchObject({
        code: 'scans.sarif_start_line',
        line: 2,
        params: { value: JSON.stringify(bad) },
      });
    }
    const [ok] = await readAll(fromText(at(2_147_483_647)));
    expect(ok?.location).toEqual({ file: 'a.c', line: 2_147_483_647 });
  });

  it('refuses no runs, another version, no version, results before the tool, broken JSON with the line', async () => {
    // no_runs.sarif is {"version": "2.1.0", "runs": []}: nothing to import, not even a tool name.
    expect(await refusal(readAll(createReadStream(file('no_runs.sarif'))))).toMatchObject({
      code: 'scans.sarif_no_runs',
    });
    const v2 = readFileSync(file('appendix_k2.sarif'), 'utf8').replace('"2.1.0"', '"2.0.0"');
    expect(await refusal(readAll(fromText(v2)))).toMatchObject({
      code: 'scans.sarif_version',
      line: 2,
      params: { version: '2.0.0' },
    });
    expect(
      await refusal(readAll(fromText('{"runs":[{"tool":{"driver":{"name":"x"}},"results":[]}]}'))),
    ).toMatchObject({
      code: 'scans.sarif_version_missing',
    });
    expect(
      await refusal(
        readAll(fromText('{"version":"2.1.0","runs":[{"results":[],"tool":{"driver":{"name":"x"}}}]}')),
      ),
    ).toMatchObject({ code: 'scans.sarif_tool_order' });
    const broken = await refusal(readAll(fromText('{"version":"2.1.0",\n"runs":[\n{"tool": }]}')));
    expect(broken).toBeInstanceOf(ScanFormatError);
    expect(broken).toMatchObject({ code: 'scans.json_syntax', line: 3 });
    expect(await refusal(readAll(fromText('[1,2]')))).toMatchObject({ code: 'scans.sarif_not_object' });
    expect(await refusal(readAll(fromText('<xml/>')))).toMatchObject({ code: 'scans.json_syntax' });
    expect(await refusal(readAll(fromText('')))).toMatchObject({ code: 'scans.empty' });
    const utf16 = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('{"version":"2.1.0"}', 'utf16le')]);
    expect(await refusal(readAll(Readable.from([utf16])))).toMatchObject({ code: 'scans.encoding_utf16' });
    expect(
      await refusal(readAll(fromText(log({ id: 'R' }, { message: { text: 'no rule' } })))),
    ).toMatchObject({ code: 'scans.sarif_rule_missing', line: 2 });
  });

  it('keeps a huge result bounded: skipped code flows, cut message', async () => {
    const flows = Array.from({ length: 20000 }, (_, i) => ({ location: { message: { text: `step ${i}` } } }));
    const text = log(
      { id: 'R' },
      {
        ruleId: 'R',
        message: { text: 'y'.repeat(50_000) },
        codeFlows: [{ threadFlows: [{ locations: flows }] }],
      },
    );
    const [item] = await readAll(fromText(text));
    expect(item?.evidence).toHaveLength(4000);
    expect(item?.title).toHaveLength(4000);
  });

  it('refuses a result with more values than a result may hold', async () => {
    const text = log(
      { id: 'R' },
      {
        ruleId: 'R',
        message: { text: 'm' },
        properties: { many: Array.from({ length: 999 }, () => Array(100).fill(1)) },
      },
    );
    expect(await refusal(readAll(fromText(text)))).toMatchObject({ code: 'scans.item_too_large', line: 2 });
  });
});
