import { describe, expect, it } from 'vitest';
import { readNessus } from './nessus.js';
import { ScanFormatError, type ScanItem } from './types.js';
import { MAX_TOKEN } from './xml.js';

/**
 * An XML report cannot make the reader hold an enormous value: a tag with its attributes, a text
 * or a comment longer than MAX_TOKEN characters is refused while it is read (saxes would keep it whole), however
 * the bytes arrive; a long value within the limit is read and cut to the text limit.
 */

const report = (item: string) =>
  `<?xml version="1.0" ?>\n<NessusClientData_v2><Report name="r">\n<ReportHost name="h1"><HostProperties><tag name="host-ip">10.0.0.1</tag></HostProperties>\n${item}\n</ReportHost></Report></NessusClientData_v2>\n`;
const reportItem = (name: string, description: string) =>
  `<ReportItem port="443" protocol="tcp" severity="2" pluginID="1" pluginName="${name}"><description>${description}</description></ReportItem>`;

async function* chunks(text: string, size: number) {
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function read(text: string, size: number): Promise<ScanItem[] | ScanFormatError> {
  const items: ScanItem[] = [];
  try {
    for await (const item of readNessus(chunks(text, size))) items.push(item);
    return items;
  } catch (error) {
    if (error instanceof ScanFormatError) return error;
    throw error;
  }
}

describe('XML reader: the longest value', () => {
  const long = 'A'.repeat(MAX_TOKEN + 1);
  const cases: Array<[string, string]> = [
    ['an attribute', report(reportItem(long, 'd'))],
    ['a text', report(reportItem('n', long))],
    ['a comment', report(`<!--${long}-->${reportItem('n', 'd')}`)],
  ];

  it.each(cases)('refuses %s longer than the limit, in small chunks of bytes or in one', async (_, text) => {
    for (const size of [64 * 1024, text.length + 10]) {
      const r = await read(text, size);
      expect(r, `chunks of ${size}`).toBeInstanceOf(ScanFormatError);
      expect(r).toMatchObject({ code: 'scans.token_too_long', params: { limit: MAX_TOKEN } });
    }
  });

  it('reads a value just within the limit, cut to the text limit', async () => {
    // A tag counts with its name and attributes: the item's tag is 100 characters more.
    const text = report(reportItem('N'.repeat(MAX_TOKEN - 200), 'D'.repeat(MAX_TOKEN - 100)));
    for (const size of [64 * 1024, text.length]) {
      const r = await read(text, size);
      expect(Array.isArray(r), String(r)).toBe(true);
      const [item] = r as ScanItem[];
      expect(item?.title.length).toBeLessThanOrEqual(4000);
      expect(item?.description?.startsWith('DDDD')).toBe(true);
    }
  });
});
