import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { corpus } from '../../../../../test/corpora.js';
import { readNessus } from './nessus.js';

/**
 * A throughput check run by hand, not a timed test:
 *   SCAN_THROUGHPUT=1 npx vitest run src/server/modules/vulnerabilities/formats/throughput.test.ts
 * Reads nessus_with_cwe-.nessus's ReportHost (one ReportItem with 15 CVEs and long texts, plus
 * ~50 host properties) repeated N times in one document, fed in 1 MiB chunks from memory.
 */
describe.runIf(process.env.SCAN_THROUGHPUT === '1')('throughput (by hand)', () => {
  it('nessus items per second', async () => {
    const text = readFileSync(corpus('scans', 'nessus', 'nessus_with_cwe-.nessus'), 'utf8');
    const start = text.indexOf('<ReportHost ');
    const end = text.lastIndexOf('</ReportHost>') + '</ReportHost>'.length;
    const host = text.slice(start, end);
    const itemsPerHost = host.split('<ReportItem ').length - 1;
    const copies = Number(process.env.SCAN_COPIES ?? 2000);
    const head = Buffer.from(text.slice(0, start));
    const body = Buffer.from(`${host}\n`);
    const tail = Buffer.from(text.slice(end));
    async function* bytes() {
      yield head;
      const perChunk = Math.max(1, Math.floor((1 << 20) / body.length));
      for (let i = 0; i < copies; i += perChunk) {
        yield Buffer.concat(Array(Math.min(perChunk, copies - i)).fill(body));
      }
      yield tail;
    }
    const began = process.hrtime.bigint();
    let items = 0;
    let heap = 0;
    for await (const _ of readNessus(bytes())) {
      items++;
      if (items % 500 === 0) heap = Math.max(heap, process.memoryUsage().heapUsed);
    }
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    const mb = (body.length * copies) / 1e6;
    console.log(
      `${items} items (${itemsPerHost} per host × ${copies}), ${mb.toFixed(0)} MB in ${seconds.toFixed(2)} s: ` +
        `${Math.round(items / seconds)} items/s, ${(mb / seconds).toFixed(1)} MB/s, max heap ${(heap / 1e6).toFixed(0)} MB`,
    );
  });
});
