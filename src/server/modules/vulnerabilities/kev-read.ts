import { isUtf8 } from 'node:buffer';
import { Ajv, type ErrorObject } from 'ajv';
import { schemaReason } from '../../lib/field-messages.js';
import { FileRefused, type ImportIssue, type ReadRow } from '../imports/framework.js';
import { KEV_SCHEMA } from './kev-schema.js';
import './reference-messages.js';

/**
 * The KEV catalogue is read whole: it is one JSON document of about 1.3 MB (1,404 entries in
 * August 2025, growing by a few hundred a year), so a bound of 20 MiB is generous for decades and
 * refuses anything else before it is parsed. Each entry is validated on its own against the
 * schema's `$defs/vulnerability`, so that every error names its entry (index and line).
 */
export const KEV_MAX_BYTES = 20 * 1024 * 1024;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const isDate = (s: string): boolean => {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
};
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;

// The schema is draft-07: Ajv's default class. `date` and `date-time` are checked here rather
// than with ajv-formats (one dependency fewer); `url` is an annotation.
const ajv = new Ajv({ allErrors: true });
ajv.addVocabulary(['url']);
ajv.addFormat('date', isDate);
ajv.addFormat(
  'date-time',
  (s: string) => DATE_TIME.test(s) && isDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s)),
);
ajv.addSchema(KEV_SCHEMA, 'kev');
const { vulnerabilities: _items, ...topProperties } = KEV_SCHEMA.properties;
const validateCatalog = ajv.compile({
  ...KEV_SCHEMA,
  properties: { ...topProperties, vulnerabilities: { type: 'array' } },
  $defs: undefined,
});
const validateEntry = ajv.compile({ $ref: 'kev#/$defs/vulnerability' });

/** One KEV entry as it is staged (snake case, the catalogue's fields). */
export interface KevEntry {
  cve: string;
  vendor_project: string;
  product: string;
  vulnerability_name: string;
  date_added: string;
  short_description: string;
  required_action: string;
  due_date: string;
  known_ransomware_campaign_use: string | null;
  notes: string | null;
  cwes: string[];
}

export interface KevCatalog {
  version: string;
  released: string;
}

async function readBounded(bytes: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    size += chunk.length;
    if (size > KEV_MAX_BYTES) {
      throw new FileRefused([
        {
          row: null,
          column: null,
          code: 'vulnerabilities.kev_too_large',
          params: { limit: KEV_MAX_BYTES / 1048576 },
        },
      ]);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const lineAt = (text: string, position: number): number => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

/**
 * The line on which each element of the top-level array `vulnerabilities` starts, in order: one
 * pass over the text that tracks strings (with escapes), nesting depth and line breaks.
 */
export function entryLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  let lastKey = '';
  let inEntries = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) {
        inString = false;
        if (depth === 1) lastKey = text.slice(stringStart, i);
      } else if (c === 0x0a) line++;
      continue;
    }
    if (c === 0x0a) line++;
    else if (c === 0x22) {
      inString = true;
      stringStart = i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 1 && c === 0x5b) inEntries = lastKey === 'vulnerabilities';
      if (depth === 2 && inEntries) lines.push(line);
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 1) inEntries = false;
    }
  }
  return lines;
}

const pathOf = (e: ErrorObject): string => {
  const missing =
    e.keyword === 'required' ? (e.params as { missingProperty?: string }).missingProperty : undefined;
  const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  return [path, missing].filter(Boolean).join('.') || '(root)';
};

const entryOf = (v: Record<string, unknown>): KevEntry => ({
  cve: v.cveID as string,
  vendor_project: v.vendorProject as string,
  product: v.product as string,
  vulnerability_name: v.vulnerabilityName as string,
  date_added: v.dateAdded as string,
  short_description: v.shortDescription as string,
  required_action: v.requiredAction as string,
  due_date: v.dueDate as string,
  known_ransomware_campaign_use: (v.knownRansomwareCampaignUse as string | undefined) ?? null,
  notes: (v.notes as string | undefined) ?? null,
  cwes: (v.cwes as string[] | undefined) ?? [],
});

/**
 * Reads a KEV catalogue: refuses the file when it is too large, not UTF-8 JSON, or its top level
 * does not follow the schema (or its `count` disagrees with its entries); otherwise yields one
 * row per entry, `row` being the entry's number (its index + 1: a minified catalogue has every
 * entry on one line, and rows must be unique), with every schema error of the entry (column: the
 * field; the message names the entry's index, from 0, and the line it starts on).
 */
export async function* readKev(
  bytes: AsyncIterable<Buffer>,
  onCatalog: (catalog: KevCatalog) => void,
): AsyncGenerator<ReadRow> {
  const buf = await readBounded(bytes);
  if (buf.length === 0) throw new FileRefused([{ row: null, column: null, code: 'imports.file_empty' }]);
  if (!isUtf8(buf))
    throw new FileRefused([
      { row: null, column: null, code: 'imports.encoding_invalid', params: { line: 1 } },
    ]);
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const detail = (error as Error).message;
    const at = /position (\d+)/.exec(detail);
    const line = at ? lineAt(text, Number(at[1])) : 1;
    throw new FileRefused([
      { row: line, column: null, code: 'vulnerabilities.kev_json', params: { line, detail } },
    ]);
  }
  if (!validateCatalog(doc)) {
    throw new FileRefused(
      (validateCatalog.errors ?? []).map(
        (e): ImportIssue => ({
          row: null,
          column: pathOf(e),
          code: 'vulnerabilities.kev_catalog_rule',
          params: { path: pathOf(e), ...schemaReason(e) },
        }),
      ),
    );
  }
  const catalog = doc as {
    catalogVersion: string;
    dateReleased: string;
    count: number;
    vulnerabilities: unknown[];
  };
  if (catalog.count !== catalog.vulnerabilities.length) {
    throw new FileRefused([
      {
        row: null,
        column: 'count',
        code: 'vulnerabilities.kev_count',
        params: { count: catalog.count, found: catalog.vulnerabilities.length },
      },
    ]);
  }
  onCatalog({ version: catalog.catalogVersion, released: catalog.dateReleased });
  const lines = entryLines(text);
  for (const [index, v] of catalog.vulnerabilities.entries()) {
    const row = index + 1;
    const line = lines[index] ?? 1;
    const cve = typeof (v as { cveID?: unknown })?.cveID === 'string' ? (v as { cveID: string }).cveID : null;
    if (validateEntry(v)) {
      yield {
        row,
        key: cve,
        data: entryOf(v as Record<string, unknown>) as unknown as Record<string, unknown>,
        issues: [],
      };
      continue;
    }
    const issues = (validateEntry.errors ?? []).map(
      (e): ImportIssue => ({
        row,
        column: pathOf(e),
        code: 'vulnerabilities.kev_entry_rule',
        params: { index, line, cve: cve ?? '?', path: pathOf(e), ...schemaReason(e) },
      }),
    );
    yield { row, key: cve, data: null, issues };
  }
}
