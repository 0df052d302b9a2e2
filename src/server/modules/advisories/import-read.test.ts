import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../../test/corpora.js';
import { FileRefused } from '../imports/framework.js';
import { CsafRefused } from './csaf/refusal.js';
import { rangeKeys } from './identity/ranges.js';
import { parseTextRange } from './identity/text-ranges.js';
import { advisoryOptions } from './import-advisory.js';
import { advisoryRows, collectBytes, readAdvisory } from './import-read.js';

/** The advisory import's reader and options, without a database. */

// icsma-17-215-01: four products under branches vendor → product_name → product_version_range
// (`vers:all/*`), two vulnerabilities with CSAFPID-0001 known_affected each.
const SIEMENS = corpus('advisories', 'csaf-medical', 'icsma-17-215-01.json');
const siemens = () => JSON.parse(readFileSync(SIEMENS, 'utf8'));
const GREEN = { tlp: 'GREEN' as const, audience: [] };

async function* chunks(parts: Buffer[]): AsyncGenerator<Buffer> {
  yield* parts;
}

describe('advisory reader', () => {
  it('stages one document, its vulnerabilities, products and statuses', () => {
    const read = readAdvisory(readFileSync(SIEMENS), GREEN);
    expect(read.records.map((r) => r.kind)).toEqual([
      'document',
      'vulnerability',
      'vulnerability',
      'product',
      'product',
      'product',
      'product',
      'status',
      'status',
    ]);
    expect(read.records[3]).toMatchObject({
      product_id: 'CSAFPID-0001',
      vendor: 'Siemens',
      vendor_key: 'siemens',
      version_text: 'vers:all/*',
      range_state: 'all',
      intervals: [{ lowerKey: null, upperKey: null }],
    });
  });

  it('reads any version text into a consistent range state', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom(
            '< 2.1',
            '1.0 - 1.4',
            'vers:generic/>=1.0|<2',
            'vers:generic/!=1.5',
            '4.x',
            'All versions prior to 3.2',
          ),
        ),
        (text) => {
          fc.pre(text.trim() !== '');
          const doc = siemens();
          doc.product_tree.branches[0].branches[0].branches[0].name = text;
          let read: ReturnType<typeof readAdvisory>;
          try {
            read = readAdvisory(Buffer.from(JSON.stringify(doc)), GREEN);
          } catch (error) {
            // Only the schema (a branch name with control characters, …) may refuse it.
            expect(error).toBeInstanceOf(CsafRefused);
            return;
          }
          const product = read.records.find((r) => r.product_id === 'CSAFPID-0001') as Record<
            string,
            unknown
          >;
          expect(product.version_text).toBe(text);
          const parsed = parseTextRange(text);
          if (parsed.kind === 'unparsed') {
            expect(product).toMatchObject({ range_state: 'unparsed', range: null, intervals: [] });
          } else {
            const keys = rangeKeys(parsed.range, parsed.scheme);
            expect(product.range_state).toBe(
              parsed.range.all ? 'all' : keys === null ? 'unparsed' : 'parsed',
            );
            expect(product.intervals).toEqual(keys ?? []);
            expect(product.range).toEqual(parsed.range);
            expect(product.range_scheme).toBe(parsed.scheme);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stores a range that version keys cannot express as unparsed, keeping the range', () => {
    const doc = siemens();
    doc.product_tree.branches[0].branches[0].branches[0].name = 'vers:generic/!=1.5';
    const read = readAdvisory(Buffer.from(JSON.stringify(doc)), GREEN);
    expect(read.records.find((r) => r.product_id === 'CSAFPID-0001')).toMatchObject({
      range_state: 'unparsed',
      range_scheme: 'generic',
      range: { all: false, exact: [], excluded: ['1.5'], intervals: [] },
      intervals: [],
    });
  });

  it('refuses any bytes only as FileRefused, with its issues', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        try {
          for await (const _ of advisoryRows(chunks([Buffer.from(bytes)]), GREEN, () => {})) {
            /* a valid document would stage rows */
          }
        } catch (error) {
          expect(error).toBeInstanceOf(FileRefused);
          expect((error as FileRefused).issues[0]?.code).toMatch(/^advisories\./);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('collects chunks whole up to the limit and refuses beyond it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 10 }),
        fc.nat(300),
        async (parts, max) => {
          const buffers = parts.map((p) => Buffer.from(p));
          const total = buffers.reduce((n, b) => n + b.length, 0);
          if (total <= max) {
            expect(await collectBytes(chunks(buffers), max)).toEqual(Buffer.concat(buffers));
          } else {
            await expect(collectBytes(chunks(buffers), max)).rejects.toMatchObject({
              code: 'advisories.csaf_too_large',
              params: { size: total },
            });
          }
        },
      ),
    );
  });

  it('needs an audience above GREEN', () => {
    const doc = siemens();
    doc.document.distribution = { tlp: { label: 'AMBER' } };
    expect(() => readAdvisory(Buffer.from(JSON.stringify(doc)), GREEN)).toThrow(FileRefused);
    expect(
      readAdvisory(Buffer.from(JSON.stringify(doc)), { tlp: 'GREEN', audience: ['x'] }).advisory.tlp.label,
    ).toBe('AMBER');
  });
});

describe('advisory import options', () => {
  const slug = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);

  it('reads the audience as distinct slugs in order, whatever the spacing', () => {
    fc.assert(
      fc.property(fc.array(slug, { maxLength: 8 }), fc.constantFrom(',', ', ', ' ,'), (slugs, sep) => {
        const parsed = advisoryOptions.parse({ audience: slugs.map((s) => s.toUpperCase()).join(sep) });
        expect(parsed.audience).toEqual([...new Set(slugs)]);
        expect(parsed.tlp).toBe('GREEN');
      }),
    );
  });

  it('takes the five TLP 2.0 labels (a "+" read as a space too) and nothing else', () => {
    expect(advisoryOptions.parse({ tlp: 'amber strict' }).tlp).toBe('AMBER+STRICT');
    expect(advisoryOptions.parse({ tlp: 'CLEAR' }).tlp).toBe('CLEAR');
    for (const bad of [{ tlp: 'WHITE' }, { audience: 'Not A Slug!' }, { other: 'x' }]) {
      expect(advisoryOptions.safeParse(bad).success).toBe(false);
    }
  });
});
