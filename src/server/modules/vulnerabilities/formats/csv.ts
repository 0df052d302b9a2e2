import { csvRecords } from '../../imports/csv.js';
import { FileRefused } from '../../imports/framework.js';
import { canonicalIp, canonicalName, firstLabel, normaliseHost } from './host.js';
import { cut } from './text.js';
import {
  DEFAULT_SCAN_LIMITS,
  ScanFormatError,
  type ScanItem,
  type ScanReader,
  SEVERITIES,
  type Severity,
} from './types.js';

/** The columns of the generic scan CSV (docs/vulnerabilities-csv.md), and which must be filled. */
export const CSV_COLUMNS = [
  'source',
  'host',
  'ip',
  'fqdn',
  'port',
  'protocol',
  'rule',
  'title',
  'severity',
  'cvss',
  'cvss_vector',
  'cves',
  'description',
  'solution',
  'evidence',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['source', 'host', 'rule', 'title', 'severity'];
const CVE = /^CVE-\d{4}-\d{4,}$/i;

/**
 * The import framework's refusals of the text itself, as this module's codes where it has its own;
 * the others (a quote never closed, an oversized record) keep the framework's.
 */
const REFUSAL: Record<string, string> = {
  'imports.encoding_utf16': 'scans.encoding_utf16',
  'imports.encoding_invalid': 'scans.encoding_invalid',
  'imports.encoding_nul': 'scans.encoding_invalid',
  'imports.line_too_long': 'scans.line_too_long',
};

function cellError(code: string, line: number, column: Column, value: string): ScanFormatError {
  return new ScanFormatError(code, line, {
    column,
    value: value.length > 100 ? `${value.slice(0, 100)}…` : value,
  });
}

/**
 * Reads the generic scan CSV: a header line naming the columns (any order, case-insensitive; an
 * unknown or repeated column refuses the file), then one finding per line with exactly as many
 * cells as the header has columns (an unquoted comma in a text would otherwise move or lose the
 * rest of the line); blank lines are skipped. The first invalid row refuses the file with its line, the column and the reason (rows
 * are not collected: a refused file imports nothing, and the first error is the one to fix).
 * Lines are counted as records: a quoted cell that spans lines shifts the numbers after it.
 */
export const readCsv: ScanReader = (bytes, limits = DEFAULT_SCAN_LIMITS) =>
  (async function* () {
    let header: Map<Column, number> | null = null;
    let count = 0;
    try {
      for await (const { row, cells } of csvRecords(bytes)) {
        if (cells.every((c) => c.trim() === '')) continue;
        if (header === null) {
          header = new Map();
          for (const [i, raw] of cells.entries()) {
            const name = raw.trim().toLowerCase();
            if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
              throw new ScanFormatError('scans.csv_column_unknown', row, { column: raw.trim() });
            }
            if (header.has(name as Column)) {
              throw new ScanFormatError('scans.csv_column_twice', row, { column: name });
            }
            header.set(name as Column, i);
          }
          const missing = REQUIRED.filter((c) => !header?.has(c));
          if (missing.length > 0) {
            throw new ScanFormatError('scans.csv_column_missing', row, { columns: missing.join(', ') });
          }
          continue;
        }
        if (cells.length !== header.size) {
          throw new ScanFormatError('scans.csv_cells', row, { cells: cells.length, columns: header.size });
        }
        const cols = header;
        const cell = (c: Column) => {
          const i = cols.get(c);
          return i === undefined ? '' : (cells[i] ?? '').trim();
        };
        for (const c of REQUIRED) {
          if (cell(c) === '') throw new ScanFormatError('scans.csv_required', row, { column: c });
        }
        count++;
        if (count > limits.maxItems) {
          throw new ScanFormatError('scans.too_many_items', row, { limit: limits.maxItems });
        }
        yield rowItem(row, cell, limits.maxText);
      }
    } catch (error) {
      if (error instanceof FileRefused) {
        // The CSV reader refuses with exactly one issue.
        const [issue] = error.issues;
        if (!issue) throw error;
        throw new ScanFormatError(REFUSAL[issue.code] ?? issue.code, issue.row, { ...(issue.params ?? {}) });
      }
      throw error;
    }
    if (header === null) throw new ScanFormatError('scans.empty', 1);
  })();

function rowItem(row: number, cell: (c: Column) => string, maxText: number): ScanItem {
  const severityText = cell('severity').toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(severityText)) {
    throw cellError('scans.csv_severity', row, 'severity', cell('severity'));
  }
  const severity = severityText as Severity;
  const host = normaliseHost(cell('host'));
  if (host === null) throw new ScanFormatError('scans.csv_required', row, { column: 'host' });
  const ipText = cell('ip');
  const ip = ipText === '' ? (host.kind === 'ip' ? host.value : null) : canonicalIp(ipText);
  if (ip === null && ipText !== '') throw cellError('scans.csv_ip', row, 'ip', ipText);
  const fqdnText = cell('fqdn');
  const fqdn = fqdnText === '' ? null : canonicalName(fqdnText);
  const portText = cell('port');
  let port: number | null = null;
  if (portText !== '') {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
      throw cellError('scans.csv_port', row, 'port', portText);
    port = Number(portText) === 0 ? null : Number(portText);
  }
  const protocolText = cell('protocol').toLowerCase();
  if (protocolText !== '' && !/^[a-z0-9][a-z0-9_-]{0,31}$/.test(protocolText)) {
    throw cellError('scans.csv_protocol', row, 'protocol', cell('protocol'));
  }
  const cvssText = cell('cvss');
  let cvss: number | null = null;
  if (cvssText !== '') {
    cvss = Number(cvssText.replace(',', '.'));
    if (!/^\d+([.,]\d+)?$/.test(cvssText) || cvss > 10)
      throw cellError('scans.csv_cvss', row, 'cvss', cvssText);
  }
  const cves = new Set<string>();
  for (const part of cell('cves').split(';')) {
    const id = part.trim();
    if (id === '') continue;
    if (!CVE.test(id)) throw cellError('scans.csv_cve', row, 'cves', id);
    cves.add(id.toUpperCase());
  }
  const rule = cell('rule');
  return {
    line: row,
    informational: severity === 'info',
    family: cell('source').toLowerCase(),
    host: {
      name: host.value,
      ip,
      fqdn,
      hostname: firstLabel(fqdn) ?? (host.kind === 'name' ? firstLabel(host.value) : null),
    },
    port,
    protocol: protocolText === '' ? null : protocolText,
    rule,
    title: cut(cell('title'), maxText) ?? rule,
    severity,
    cvss,
    cvssVector: cut(cell('cvss_vector'), maxText),
    cves: [...cves].sort(),
    description: cut(cell('description'), maxText),
    solution: cut(cell('solution'), maxText),
    evidence: cut(cell('evidence'), maxText),
    location: null,
    suppressed: false,
  };
}
