import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { readers, type ScanFormat } from './index.js';
import { ScanFormatError } from './types.js';

/** How long one mutated file may take to be read or refused before the run counts as hanging. */
const PER_RUN_MS = 5000;
/** Items a mutation may add to the original's (a flipped byte can split or join nothing more). */
const EXTRA_ITEMS = 2;

const CSV = Buffer.from(
  `source,host,ip,port,protocol,rule,title,severity,cvss,cves,description\n${Array.from(
    { length: 40 },
    (_, i) =>
      `qualys,host${i}.example.org,10.0.0.${i},${i + 1},tcp,r${i},"Title ${i}, quoted",${['info', 'low', 'medium', 'high', 'critical'][i % 5]},${i % 10},CVE-2024-${1000 + i},"multi\nline"`,
  ).join('\n')}\n`,
);

const inputs: [ScanFormat, string, Buffer][] = [
  ['nessus', 'nessus/nessus_many_vuln.xml', readFileSync(corpus('scans', 'nessus', 'nessus_many_vuln.xml'))],
  [
    'nessus',
    'nessus/nessus_with_cwe-.nessus',
    readFileSync(corpus('scans', 'nessus', 'nessus_with_cwe-.nessus')),
  ],
  ['openvas', 'openvas/many_vuln.xml', readFileSync(corpus('scans', 'openvas', 'many_vuln.xml'))],
  ['openvas', 'openvas/one_vuln.xml', readFileSync(corpus('scans', 'openvas', 'one_vuln.xml'))],
  ['sarif', 'sarif/bash-report.sarif', readFileSync(corpus('scans', 'sarif', 'bash-report.sarif'))],
  ['sarif', 'sarif/appendix_k.sarif', readFileSync(corpus('scans', 'sarif', 'appendix_k.sarif'))],
  ['sarif', 'sarif/suppression_test.sarif', readFileSync(corpus('scans', 'sarif', 'suppression_test.sarif'))],
  ['csv', '(generated CSV)', CSV],
];

/** Reads everything, or returns the error; rejects when the reader does not finish in time. */
async function outcome(
  format: ScanFormat,
  bytes: Buffer,
  chunk: number,
): Promise<{ items: number; error: unknown }> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  const run = (async () => {
    let items = 0;
    try {
      for await (const _ of readers[format](Readable.from(chunks))) items++;
      return { items, error: null as unknown };
    } catch (error) {
      return { items, error };
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PER_RUN_MS} ms`)), PER_RUN_MS);
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Mutation =
  | { t: 'truncate'; at: number }
  | { t: 'flip'; at: number; byte: number }
  | { t: 'insert'; at: number; bytes: Uint8Array }
  | { t: 'doctype'; at: number };

function mutate(original: Buffer, m: Mutation): Buffer {
  const at = Math.floor(m.at * original.length);
  switch (m.t) {
    case 'truncate':
      return original.subarray(0, at);
    case 'flip': {
      const copy = Buffer.from(original);
      if (copy.length > 0) copy[Math.min(at, copy.length - 1)] = m.byte;
      return copy;
    }
    case 'insert':
      return Buffer.concat([original.subarray(0, at), Buffer.from(m.bytes), original.subarray(at)]);
    case 'doctype': {
      const doctype = Buffer.from('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>');
      // At the start, or after the XML declaration when the file has one on its first line.
      const nl = original.indexOf(0x0a);
      const declared = original.subarray(0, 5).toString() === '<?xml' && nl !== -1;
      const where = m.at < 0.5 || !declared ? 0 : nl + 1;
      return Buffer.concat([original.subarray(0, where), doctype, original.subarray(where)]);
    }
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ t: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    t: fc.constant('flip' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    byte: fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x3c, 0x3e, 0x22, 0x26, 0x7b, 0x7d, 0x2c, 0x0a),
    ),
  }),
  fc.record({
    t: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 16 }),
      fc
        .constantFrom('<', '</a>', '&foo;', '"', '{', ']', '\uFEFF', '<![CDATA[', '\u00e6\u00f8', ',"')
        .map((s) => new Uint8Array(Buffer.from(s))),
    ),
  }),
  fc.record({ t: fc.constant('doctype' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

describe('readers under mutation (fast-check)', () => {
  it.each(inputs)(
    '%s %s: reads or refuses with ScanFormatError, never hangs, never invents items',
    async (format, _name, original) => {
      const baseline = await outcome(format, original, 65536);
      expect(baseline.error).toBeNull();
      await fc.assert(
        fc.asyncProperty(mutation, fc.integer({ min: 1, max: 70000 }), async (m, chunk) => {
          const { items, error } = await outcome(format, mutate(original, m), chunk);
          if (error !== null && !(error instanceof ScanFormatError)) throw error;
          expect(items).toBeLessThanOrEqual(baseline.items + EXTRA_ITEMS);
          if (m.t === 'doctype' && format !== 'sarif' && format !== 'csv') {
            expect((error as ScanFormatError | null)?.code).toBe('scans.doctype');
          }
        }),
        { numRuns: format === 'csv' ? 150 : 60 },
      );
    },
  );
});

describe('readers on arbitrary bytes (fast-check)', () => {
  const heads: Record<ScanFormat, string> = {
    nessus: '<NessusClientData_v2><Report><ReportHost name="h">',
    openvas: '<report><results><result><host>',
    sarif: '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[',
    csv: 'source,host,rule,title,severity\n',
  };
  const formats = Object.keys(heads) as ScanFormat[];
  it('reads or refuses with ScanFormatError, whatever follows a plausible start', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...formats),
        fc.boolean(),
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
        ),
        fc.integer({ min: 1, max: 64 }),
        async (format, withHead, tail, chunk) => {
          const bytes = withHead ? Buffer.concat([Buffer.from(heads[format]), tail]) : tail;
          const { error } = await outcome(format, bytes, chunk);
          if (error !== null && !(error instanceof ScanFormatError)) throw error;
        },
      ),
      { numRuns: 400 },
    );
  });
});
