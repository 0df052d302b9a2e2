import type { RawBuilder } from 'kysely';
import { z } from 'zod';
import type { OrgRef } from '../../http/types.js';
import type { MessageParams } from '../../lib/messages.js';
import { csvRecords, type TableRecord } from './csv.js';
import {
  FileRefused,
  type ImportDefinition,
  type ImportIssue,
  type ImportJob,
  type ReadInput,
  type ReadRow,
  type StagedSlice,
  type StagedType,
  stagedTuples,
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
  /** How the value is staged and read back in SQL (`tableRows`). */
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

/** Where each column of the file goes in a staged tuple: its register column's position, or -1. */
const tuplePositions = (header: Array<Column | undefined>, columns: readonly Column[]): number[] =>
  header.map((c) => (c === undefined ? -1 : columns.indexOf(c)));

/**
 * Validates one data record against the mapped header. The record is staged as a tuple in the
 * register's column order (`tableRows`): a column the file leaves out, or an empty cell, is null.
 */
function readRecord(
  record: TableRecord,
  header: Array<Column | undefined>,
  positions: number[],
  width: number,
  keyAt: number,
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
  // A plain loop: this runs for every cell of a file.
  const data: unknown[] = new Array<unknown>(width).fill(null);
  let keyValid = keyAt >= 0;
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
      data[positions[i] as number] = column.parse(value, ctx);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      issues.push({ row: record.row, column: column.name, code: error.code, params: error.params });
      if (positions[i] === keyAt) keyValid = false;
    }
  }
  const keyValue = keyValid ? data[keyAt] : null;
  const key = keyValue !== null && keyValue !== undefined ? String(keyValue) : null;
  return { row: record.row, key, data: issues.length > 0 ? null : data, issues };
}

/**
 * The reader of a register whose file is a table: a header line naming the columns (any order,
 * optional columns may be left out), then one row per record. Every cell of every row is checked.
 * Each valid row is staged as a tuple in `columns`' order; read it back with `tableRows`.
 */
export function tableReader(columns: readonly Column[], keyColumn?: string) {
  return async function* read(input: ReadInput): AsyncGenerator<ReadRow> {
    const mediaType = input.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const reader = readers[mediaType] ?? csvRecords;
    const ctx: CellContext = { org: input.job.org, options: input.job.options };
    const keyAt = keyColumn === undefined ? -1 : columns.findIndex((c) => c.name === keyColumn);
    let header: Array<Column | undefined> | undefined;
    let positions: number[] = [];
    for await (const record of reader(input.bytes)) {
      if (blank(record.cells)) continue;
      if (!header) {
        header = mapHeader(record, columns);
        positions = tuplePositions(header, columns);
        continue;
      }
      yield readRecord(record, header, positions, columns.length, keyAt, ctx);
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

/**
 * The staged rows of a table register as a table expression `(row_no, <wanted>)`: each wanted
 * column read from its position among the register's `columns` (the reader's tuple).
 */
export const tableRows = (
  job: ImportJob,
  columns: readonly Column[],
  wanted: Record<string, StagedType>,
  slice?: StagedSlice,
): RawBuilder<unknown> =>
  stagedTuples(
    job,
    wanted,
    slice,
    columns.map((c) => c.name),
  );

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
