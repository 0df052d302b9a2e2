import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { translate } from '../../../lib/messages.js';
import { readCsaf } from './read.js';
import { CsafRefused } from './refusal.js';

/** How long one mutated document may take to be read or refused (readCsaf is synchronous). */
const PER_RUN_MS = 2000;

const files = [
  corpus('advisories', 'csaf-medical', 'icsma-17-009-01a.json'),
  corpus('advisories', 'csaf-examples', 'rhsa-2022_0011.json'),
  corpus('advisories', 'csaf-examples', 'vex', '2022-evd-uc-01-na-001.json'),
];
const originals = files.map((f) => readFileSync(f));

/** Reads `bytes`; fails the property on anything but an advisory or a CsafRefused. */
function check(bytes: Buffer): void {
  const started = performance.now();
  try {
    const advisory = readCsaf(bytes);
    expect(typeof advisory.trackingId).toBe('string');
    const ids = new Set(advisory.products.map((p) => p.id));
    expect(ids.size).toBe(advisory.products.length);
    for (const v of advisory.vulnerabilities)
      for (const list of Object.values(v.productStatus))
        for (const id of list) expect(ids.has(id)).toBe(true);
  } catch (error) {
    if (!(error instanceof CsafRefused)) throw error;
    expect(error.code).toMatch(/^advisories\.csaf_[a-z0-9_]+$/);
    // Every placeholder of the message has its parameter (the values themselves may hold braces).
    const placeholders = [...translate(error.code, 'en').matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const name of placeholders) expect(error.params).toHaveProperty(name as string);
    for (const issue of error.issues) {
      expect(typeof issue.instancePath).toBe('string');
      expect(typeof issue.message).toBe('string');
    }
  }
  expect(performance.now() - started).toBeLessThan(PER_RUN_MS);
}

type Edit =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function applyEdits(original: Buffer, edits: Edit[]): Buffer {
  let buf = Buffer.from(original);
  for (const e of edits) {
    const at = buf.length === 0 ? 0 : e.at % buf.length;
    if (e.kind === 'set') buf[at] = e.byte;
    else if (e.kind === 'insert')
      buf = Buffer.concat([buf.subarray(0, at), Buffer.from(e.bytes), buf.subarray(at)]);
    else if (e.kind === 'delete') buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + e.length)]);
    else buf = buf.subarray(0, at);
  }
  return buf;
}

/** Every place in a JSON value: the path of keys and indexes to it. */
function paths(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) paths(v, [...at, i], out);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

/** Values that matter to CSAF: ids, labels, versions, long strings for the schema's patterns. */
const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 3000 }),
  fc.constantFrom(
    '',
    'CVE-2017-0001',
    'CVE-17-1',
    'WHITE',
    'AMBER+STRICT',
    'CSAFPID-0001',
    'CSAFPID-9999',
    '2.0',
    '2.1',
    'cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*',
    `cpe:2.3:a:${'a'.repeat(2000)}!`,
    `en-${'a1b2c'.repeat(400)}!`,
    `1.0.0-${'-'.repeat(2000)}!`,
    null,
    [],
    {},
  ),
);

interface Change {
  pick: number;
  action: 'replace' | 'delete' | 'duplicate';
  value: unknown;
}

const change: fc.Arbitrary<Change> = fc.record({
  pick: fc.nat(),
  action: fc.constantFrom('replace' as const, 'delete' as const, 'duplicate' as const),
  value: replacement,
});

/* biome-ignore lint/suspicious/noExplicitAny: editing parsed JSON */
function applyChange(doc: any, c: Change): any {
  const all = paths(doc);
  const path = all[c.pick % all.length] ?? [];
  if (path.length === 0) return c.action === 'replace' ? c.value : doc;
  const parent = path.slice(0, -1).reduce((node, key) => node[key], doc);
  const key = path[path.length - 1] as string | number;
  if (c.action === 'replace') parent[key] = c.value;
  else if (Array.isArray(parent)) {
    if (c.action === 'delete') parent.splice(key as number, 1);
    else parent.splice(key as number, 0, structuredClone(parent[key as number]));
  } else if (c.action === 'delete') delete parent[key];
  else parent[`${key}`] = structuredClone(parent[key]);
  return doc;
}

describe('readCsaf on mutated real documents', () => {
  it('reads or refuses byte-level mutations, never anything else', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: originals.length - 1 }),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        (i, edits) => check(applyEdits(originals[i] as Buffer, edits)),
      ),
      { numRuns: 400 },
    );
  });

  it('reads or refuses structural mutations (values replaced, members removed or repeated)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: originals.length - 1 }),
        fc.array(change, { minLength: 1, maxLength: 3 }),
        (i, changes) => {
          let doc = JSON.parse((originals[i] as Buffer).toString('utf8'));
          for (const c of changes) doc = applyChange(doc, c);
          check(Buffer.from(JSON.stringify(doc) ?? 'null'));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the mutations reach both outcomes (the property is not vacuous)', () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: originals.length - 1 }), change, (i, c) => {
        const doc = applyChange(JSON.parse((originals[i] as Buffer).toString('utf8')), c);
        try {
          readCsaf(Buffer.from(JSON.stringify(doc) ?? 'null'));
          outcomes.add('read');
        } catch (error) {
          if (error instanceof CsafRefused) outcomes.add(error.code);
          else throw error;
        }
      }),
      { numRuns: 300, seed: 20261123 },
    );
    expect(outcomes).toContain('read');
    expect(outcomes).toContain('advisories.csaf_schema');
  });
});
