import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FileRefused, type ReadRow } from '../imports/framework.js';
import { EPSS_MAX_ROWS, EPSS_MAX_UNPACKED_BYTES, readEpss } from './epss-import.js';

/**
 * What an EPSS file may unpack to (epss-import.ts): a small gzipped file that unpacks to far more
 * than FIRST publishes is refused while it is read, by its unpacked size or its number of rows.
 */

const file = (rows: number) =>
  `#model_version:v2025.03.14,score_date:2026-11-24T00:00:00+0000\ncve,epss,percentile\n${'CVE-2021-44228,0.94,0.99\n'.repeat(rows)}`;

async function read(bytes: Buffer, limits: { maxBytes: number; maxRows: number }) {
  const rows: ReadRow[] = [];
  async function* body() {
    for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
  }
  try {
    for await (const row of readEpss(body(), () => {}, limits)) rows.push(row);
    return { rows: rows.length };
  } catch (error) {
    if (!(error instanceof FileRefused)) throw error;
    return { refused: error.issues[0], after: rows.length };
  }
}

describe('EPSS file limits', () => {
  it('keeps FIRST’s file well inside the limits', () => {
    // 300,000 rows of about 40 bytes: 12 MB.
    expect(EPSS_MAX_UNPACKED_BYTES).toBeGreaterThan(20 * 12_000_000);
    expect(EPSS_MAX_ROWS).toBeGreaterThanOrEqual(3 * 300_000);
  });

  it('refuses a gzipped file once it unpacks to more than the limit, having read no further', async () => {
    const bomb = gzipSync(file(40_000)); // 1 MB unpacked, a few kB packed
    expect(bomb.length).toBeLessThan(20_000);
    const r = await read(bomb, { maxBytes: 100 * 1024, maxRows: EPSS_MAX_ROWS });
    expect(r.refused).toMatchObject({
      code: 'vulnerabilities.epss_unpacked_too_large',
      params: { limit: '100 KiB' },
    });
    expect(r.after).toBeLessThan((100 * 1024) / 25);
    // The same file within the limit is read whole.
    expect(await read(bomb, { maxBytes: 2_000_000, maxRows: EPSS_MAX_ROWS })).toEqual({ rows: 40_000 });
  });

  it('refuses a file with more rows than the limit at the first row past it, gzipped or not', async () => {
    for (const bytes of [Buffer.from(file(500)), gzipSync(file(500))]) {
      const r = await read(bytes, { maxBytes: EPSS_MAX_UNPACKED_BYTES, maxRows: 100 });
      expect(r.refused).toMatchObject({
        code: 'vulnerabilities.epss_too_many_rows',
        row: 103,
        params: { limit: 100 },
      });
      expect(r.after).toBe(100);
    }
  });

  it('refuses a gzipped file that is cut off or damaged, saying so', async () => {
    const packed = gzipSync(file(5_000));
    const damaged = Buffer.from(packed);
    damaged.fill(0x55, 200, 400);
    for (const bytes of [packed.subarray(0, packed.length - 100), damaged]) {
      const r = await read(bytes, { maxBytes: EPSS_MAX_UNPACKED_BYTES, maxRows: EPSS_MAX_ROWS });
      expect(r.refused).toMatchObject({ code: 'imports.gzip_invalid' });
    }
  });
});
