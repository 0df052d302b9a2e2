import { z } from 'zod';
import type { OrgRef } from '../../http/types.js';
import type { MessageParams } from '../../lib/messages.js';
import { csvRecords, type TableRecord } from './csv.js';
import {
  FileRefused,
  type ImportDefinition,
  type ImportIssue,
  type ReadInput,
  type ReadRow,
  type StagedType,
} from './framework.js';
import { looksLikeWorkbook, XLSX_TYPE, type XlsxRecord, xlsxRecords } from './xlsx.js';

/** A problem with one cell, thrown by a column's parse and reported with its row and column. */
export class CellError extends Error {
  constructor(
    readonly code: string,
    readonly params: MessageParams = {},
  ) {
    super(code);
  }
}

export interface CellContext {
  org: OrgRef;
  options: Record<string, unknown>;
}

/** One column of a register's file (and of its template in docs/). */
export interface Column {
  /** The header name, lower case; headers are matched case-insensitively, spaces trimmed. */
  name: string;
  required: boolean;
  /** How the value is staged and read back in SQL (`stagedRows`). */
  type: StagedType;
  /** One line for the template's documentation. */
  description: string;
  /** Parses a non-empty, trimmed cell; throws CellError when it is not valid. Returns plain JSON. */
  parse(value: string, ctx: CellContext): unknown;
}

/** Reads a table's records: CSV or XLSX, chosen by media type. */
export type TableReader = (bytes: AsyncIterable<Buffer>) => AsyncIterable<TableRecord>;

export const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream'] as const;
/** What a register read from a table accepts by default: CSV and XLSX. */
export const TABLE_TYPES = [...CSV_TYPES, XLSX_TYPE] as const;

/** A file sent as `application/octet-stream`: an XLSX when its first bytes say so, else CSV. */
const sniffedRecords: TableReader = async function* (bytes) {
  const source = bytes[Symbol.asyncIterator]();
  const first = await source.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let n = await source.next(); !n.done; n = await source.next()) yield n.value;
  }
  yield* (looksLikeWorkbook(head) ? xlsxRecords : csvRecords)(all());
};

const readers: Record<string, TableReader> = {
  ...Object.fromEntries(CSV_TYPES.map((t) => [t, csvRecords])),
  'application/octet-stream': sniffedRecords,
  [XLSX_TYPE]: xlsxRecords,
};

const blank = (cells: string[]) => cells.every((c) => c.trim() === '');

/** Matches the header to the columns; every problem of the header at once. */
function mapHeader(record: TableRecord, columns: readonly Column[]): Array<Column | undefined> {
  const issues: ImportIssue[] = [];
  const byName = new Map(columns.map((c) => [c.name, c]));
  const seen = new Set<string>();
  const mapped = record.cells.map((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (name === '') {
      issues.push({
        row: record.row,
        column: null,
        code: 'imports.column_unnamed',
        params: { position: i + 1 },
      });
      return undefined;
    }
    const column = byName.get(name);
    if (!column) {
      issues.push({
        row: record.row,
        column: raw.trim(),
        code: 'imports.column_unknown',
        params: { column: raw.trim(), known: columns.map((c) => c.name).join(', ') },
      });
      return undefined;
    }
    if (seen.has(name)) {
      issues.push({ row: record.row, column: name, code: 'imports.column_twice', params: { column: name } });
    }
    seen.add(name);
    return column;
  });
  for (const c of columns) {
    if (c.required && !seen.has(c.name)) {
      issues.push({
        row: record.row,
        column: c.name,
        code: 'imports.column_missing',
        params: { column: c.name },
      });
    }
  }
  if (issues.length > 0) throw new FileRefused(issues);
  return mapped;
}

/**
 * A row's data before its cells: every mapped column, in the header's order, undefined. A copy of it
 * keeps V8's fast properties (an object given thirty-odd properties one computed key at a time
 * turns into a slow dictionary, twice as slow to build and to turn into JSON), and JSON leaves
 * undefined values out, so the staged JSON is what it would be without them.
 */
function rowTemplate(header: Array<Column | undefined>): Record<string, unknown> {
  const names = header.flatMap((c) => (c ? [c.name] : []));
  const template = JSON.parse(JSON.stringify(Object.fromEntries(names.map((n) => [n, null])))) as Record<
    string,
    unknown
  >;
  for (const name of names) template[name] = undefined;
  return template;
}

/** Validates one data record against the mapped header. */
function readRecord(
  record: TableRecord,
  header: Array<Column | undefined>,
  template: Record<string, unknown>,
  keyColumn: string | undefined,
  ctx: CellContext,
): ReadRow {
  // A reader may know problems of its own with the record's cells (XLSX: a formula without a result).
  const own = (record as XlsxRecord).issues;
  const issues: ImportIssue[] = own === undefined ? [] : [...own];
  const cells = record.cells;
  if (cells.length !== header.length) {
    issues.push({
      row: record.row,
      column: null,
      code: 'imports.field_count',
      params: { found: cells.length, expected: header.length },
    });
    return { row: record.row, key: null, data: null, issues };
  }
  // Empty cells are left out (undefined): a staged column without a value reads back as null
  // (stagedRows), and the staged JSON stays about a third smaller. A plain loop: this runs for
  // every cell of a file.
  const data: Record<string, unknown> = { ...template };
  for (let i = 0; i < header.length; i++) {
    const column = header[i];
    if (column === undefined) continue;
    const value = (cells[i] ?? '').trim();
    if (value === '') {
      if (column.required)
        issues.push({ row: record.row, column: column.name, code: 'imports.cell_required' });
      continue;
    }
    try {
      data[column.name] = column.parse(value, ctx);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      issues.push({ row: record.row, column: column.name, code: error.code, params: error.params });
    }
  }
  const keyValue = keyColumn === undefined ? null : data[keyColumn];
  const keyValid =
    keyColumn !== undefined && (issues.length === 0 || !issues.some((i) => i.column === keyColumn));
  const key = keyValid && keyValue !== null && keyValue !== undefined ? String(keyValue) : null;
  return { row: record.row, key, data: issues.length > 0 ? null : data, issues };
}

/**
 * The reader of a register whose file is a table: a header line naming the columns (any order,
 * optional columns may be left out), then one row per record. Every cell of every row is checked.
 */
export function tableReader(columns: readonly Column[], keyColumn?: string) {
  return async function* read(input: ReadInput): AsyncGenerator<ReadRow> {
    const mediaType = input.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const reader = readers[mediaType] ?? csvRecords;
    const ctx: CellContext = { org: input.job.org, options: input.job.options };
    let header: Array<Column | undefined> | undefined;
    let template: Record<string, unknown> = {};
    for await (const record of reader(input.bytes)) {
      if (blank(record.cells)) continue;
      if (!header) {
        header = mapHeader(record, columns);
        template = rowTemplate(header);
        continue;
      }
      yield readRecord(record, header, template, keyColumn, ctx);
    }
    if (!header) throw new FileRefused([{ row: 1, column: null, code: 'imports.file_empty' }]);
  };
}

/** A register read from a table: the definition, with its reader built from its columns. */
export function defineTabularImport(
  def: Omit<ImportDefinition, 'read' | 'accepts'> & {
    columns: readonly Column[];
    accepts?: readonly string[];
  },
): ImportDefinition & { columns: readonly Column[] } {
  const keyColumn = def.keyColumn;
  if (keyColumn !== undefined && !def.columns.some((c) => c.name === keyColumn && c.required)) {
    throw new Error(`import ${def.kind}: the key column must be a required column`);
  }
  return { ...def, accepts: def.accepts ?? TABLE_TYPES, read: tableReader(def.columns, keyColumn) };
}

// Cell parsers that registers share ------------------------------------------------------------

/** Free text of at most `max` characters. */
export const textCell =
  (max: number) =>
  (value: string): string => {
    if (value.length > max) throw new CellError('imports.cell_too_long', { max });
    return value;
  };

/** One of a fixed set of values, matched case-insensitively; returns the canonical value. */
export const oneOfCell =
  <T extends string>(allowed: readonly T[]) =>
  (value: string): T => {
    const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (found === undefined)
      throw new CellError('imports.cell_one_of', { value, allowed: allowed.join(', ') });
    return found;
  };

const email = z.email();

/** An e-mail address, lower-cased (addresses are unique case-insensitively). */
export const emailCell = (value: string): string => {
  const lower = value.toLowerCase();
  if (lower.length > 254 || !email.safeParse(lower).success)
    throw new CellError('imports.cell_email', { value });
  return lower;
};
