import { isIP } from 'node:net';
import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import type { StagedType } from '../imports/framework.js';
import { CellError, type Column, emailCell } from '../imports/tabular.js';

/**
 * The plain fields of the inventory's registers, described once: each kind knows how a value is
 * validated (API and CSV alike), stored, read back and compared. queries.ts builds its column
 * lists from them, schemas.ts its zod objects, imports.ts its CSV columns and templates.
 * References to other records (a system's owner and shared record, a component's system) are
 * not plain fields: each register handles them itself.
 */
export type FieldKind =
  | { t: 'key' }
  | { t: 'text'; max: number }
  | { t: 'email' }
  /** true/false, not null (false when empty). */
  | { t: 'flag' }
  /** true/false or null (not recorded). */
  | { t: 'bool' }
  | { t: 'date' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'hours' }
  /** A list of text items (`;` between items in a cell). */
  | { t: 'list'; item: 'text' | 'hostname' }
  | { t: 'cidrs' }
  | { t: 'cpe' }
  | { t: 'purl' };

export interface Field {
  /** The column, the API's key and the CSV header. */
  name: string;
  kind: FieldKind;
  /** Required on create and in a file. */
  required?: boolean;
  /** One line for the template's documentation. */
  description: string;
  /** The template's example cell. */
  example: string;
}

// Validation, shared by the API and the CSV reader ----------------------------------------------

/** Whether a text holds a control character (U+0000–U+001F, U+007F). */
const hasControl = (v: string) => {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
};
const HOURS = /^\d{1,8}(\.\d{1,2})?$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;
const PURL = /^pkg:[A-Za-z.+-][A-Za-z0-9.+-]*\/\S+$/;
/** CPE 2.3 formatted string: 13 colon-separated components (a `\:` is part of a component). */
const CPE_PART = /^[aho*-]$/;

export const LIST_MAX_ITEMS = 200;
const TEXT_ITEM_MAX = 200;

export function checkKey(value: string): string {
  if (value.length > 100) throw new CellError('imports.cell_too_long', { max: 100 });
  if (value.includes('/') || hasControl(value)) throw new CellError('inventory.cell_key', { value });
  return value;
}

const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A shared-system reference: `<owner organisation slug>/<key>`. */
export function checkSharedRef(value: string): string {
  const slash = value.indexOf('/');
  const slug = value.slice(0, slash);
  const key = value.slice(slash + 1);
  if (slash < 1 || !SLUG.test(slug) || key === '' || key.length > 100 || key.includes('/') || hasControl(key))
    throw new CellError('inventory.cell_shared_ref', { value });
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number of the ASCII digits `value[from..to]`, or -1 when one is not a digit. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** A calendar date YYYY-MM-DD (no such day, such as 2026-02-30, is refused). */
export function checkDate(value: string): string {
  // By hand rather than with a regular expression: a register file has several dates a row.
  if (value.length === 10 && value.charCodeAt(4) === 45 && value.charCodeAt(7) === 45) {
    const year = digits(value, 0, 4);
    const month = digits(value, 5, 7);
    const day = digits(value, 8, 10);
    if (year >= 0 && month >= 0 && day >= 0) {
      const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      const last = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
      if (year >= 1 && day >= 1 && day <= last) return value;
    }
  }
  throw new CellError('inventory.cell_date', { value });
}

export function checkBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  const v = value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new CellError('inventory.cell_boolean', { value });
}

export function checkHours(value: string): number {
  if (!HOURS.test(value)) throw new CellError('inventory.cell_hours', { value });
  return Number(value);
}

/** An IPv4 or IPv6 address, or a CIDR range without host bits set. */
export function checkCidr(value: string): string {
  const [address = '', prefix, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0 || address.includes('%'))
    throw new CellError('inventory.cell_cidr', { value });
  if (prefix === undefined) return address;
  const bits = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits)
    throw new CellError('inventory.cell_cidr', { value });
  if (hostBitsSet(address, version === 4 ? 4 : 6, Number(prefix)))
    throw new CellError('inventory.cell_cidr_host', { value });
  return `${address}/${Number(prefix)}`;
}

function hostBitsSet(address: string, version: 4 | 6, prefix: number): boolean {
  if (version === 4) {
    // In plain numbers: an address is 32 bits.
    const value = address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
    return prefix < 32 && value % 2 ** (32 - prefix) !== 0;
  }
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = v4[1].split('.').map(Number);
    text = text.replace(
      v4[1],
      `${((n[0] ?? 0) * 256 + (n[1] ?? 0)).toString(16)}:${((n[2] ?? 0) * 256 + (n[3] ?? 0)).toString(16)}`,
    );
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const bits = groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
  const hostMask = (1n << BigInt(128 - prefix)) - 1n;
  return (bits & hostMask) !== 0n;
}

export function checkCpe(value: string): string {
  if (value.length > 500 || !value.startsWith('cpe:2.3:') || !cpeParts(value))
    throw new CellError('inventory.cell_cpe', { value });
  return value;
}

/**
 * Whether a CPE has 13 components, none empty, the third a part (a, h, o, * or -): split at each
 * colon not right after a backslash, by hand (a register file has a CPE a row).
 */
function cpeParts(value: string): boolean {
  let parts = 0;
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i < value.length && (value.charCodeAt(i) !== 58 || value.charCodeAt(i - 1) === 92)) continue;
    if (i === start) return false;
    if (parts === 2 && (i - start !== 1 || !CPE_PART.test(value[start] as string))) return false;
    parts++;
    start = i + 1;
  }
  return parts === 13;
}

export function checkPurl(value: string): string {
  if (value.length > 500 || !PURL.test(value)) throw new CellError('inventory.cell_purl', { value });
  return value;
}

function checkText(value: string, max: number): string {
  if (value.length > max) throw new CellError('imports.cell_too_long', { max });
  return value;
}

function checkListItem(item: 'text' | 'hostname', value: string): string {
  if (item === 'hostname') {
    if (!HOSTNAME.test(value)) throw new CellError('inventory.cell_hostname', { value });
    return value.toLowerCase();
  }
  if (value.includes(';')) throw new CellError('inventory.cell_list_separator', { value });
  return checkText(value, TEXT_ITEM_MAX);
}

function checkList(items: readonly string[], each: (v: string) => string): string[] {
  if (items.length > LIST_MAX_ITEMS) throw new CellError('inventory.cell_list_long', { max: LIST_MAX_ITEMS });
  const out: string[] = [];
  for (const raw of items) {
    const v = raw.trim();
    if (v === '') continue;
    const checked = each(v);
    if (!out.includes(checked)) out.push(checked);
  }
  return out;
}

/** The validator of one non-list kind: a trimmed, non-empty string in, the stored value out. */
function scalarCheck(kind: FieldKind): (value: string) => unknown {
  switch (kind.t) {
    case 'key':
      return checkKey;
    case 'text':
      return (v) => checkText(v, kind.max);
    case 'email':
      return emailCell;
    case 'flag':
    case 'bool':
      return checkBoolean;
    case 'date':
      return checkDate;
    case 'enum': {
      // Each value once, lower-cased: the first of the values that match.
      const byLower = new Map<string, string>();
      for (const a of kind.values) if (!byLower.has(a.toLowerCase())) byLower.set(a.toLowerCase(), a);
      return (v) => {
        const found = byLower.get(v.toLowerCase());
        if (found === undefined)
          throw new CellError('imports.cell_one_of', { value: v, allowed: kind.values.join(', ') });
        return found;
      };
    }
    case 'hours':
      return checkHours;
    case 'cpe':
      return checkCpe;
    case 'purl':
      return checkPurl;
    case 'list':
    case 'cidrs':
      throw new Error('a list has no scalar check');
  }
}

// CSV ---------------------------------------------------------------------------------------------

const STAGED: Record<FieldKind['t'], StagedType> = {
  key: 'text',
  text: 'text',
  email: 'text',
  flag: 'boolean',
  bool: 'boolean',
  date: 'date',
  enum: 'text',
  hours: 'numeric',
  list: 'text',
  cidrs: 'text',
  cpe: 'text',
  purl: 'text',
};

export const stagedType = (f: Field): StagedType => STAGED[f.kind.t];

/** The CSV column of a field. A list is staged as its items joined by `;` (no item holds one). */
export function csvColumn(f: Field): Column {
  const kind = f.kind;
  let parse: (value: string) => unknown;
  if (kind.t === 'list')
    parse = (v) => checkList(v.split(';'), (i) => checkListItem(kind.item, i)).join(';') || null;
  else if (kind.t === 'cidrs') parse = (v) => checkList(v.split(';'), checkCidr).join(';') || null;
  else parse = scalarCheck(kind);
  return {
    name: f.name,
    required: f.required === true,
    type: STAGED[kind.t],
    description: f.description,
    parse,
  };
}

/** The staged cell of a field as the value stored in its column, in SQL over the alias `s`. */
export function stagedValue(f: Field): RawBuilder<unknown> {
  const col = sql.ref(`s.${f.name}`);
  switch (f.kind.t) {
    case 'flag':
      return sql`coalesce(${col}, false)`;
    case 'list':
      return sql`coalesce(string_to_array(${col}, ';'), '{}')::text[]`;
    case 'cidrs':
      return sql`coalesce(string_to_array(${col}, ';'), '{}')::cidr[]`;
    default:
      return sql`${col}`;
  }
}

// API ---------------------------------------------------------------------------------------------

/** A zod refinement from a check: the check's message key as the issue. */
const refined = (schema: z.ZodString, check: (v: string) => unknown) =>
  schema.superRefine((v, ctx) => {
    try {
      check(v);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.code, params: error.params });
    }
  });

/** The request schema of one field: the API takes lists as arrays. */
export function fieldInput(f: Field): z.ZodType {
  const kind = f.kind;
  const str = z.string().trim().min(1);
  switch (kind.t) {
    case 'flag':
    case 'bool':
      return z.boolean();
    case 'hours':
      return z.number().min(0).max(99_999_999).multipleOf(0.01);
    case 'enum':
      return z.enum(kind.values as [string, ...string[]]);
    case 'email':
      return z
        .email()
        .max(254)
        .transform((e) => e.toLowerCase());
    case 'date':
      return z.iso.date();
    case 'list':
      return z.array(refined(str, (v) => checkListItem(kind.item, v))).max(LIST_MAX_ITEMS);
    case 'cidrs':
      return z.array(refined(str, checkCidr)).max(LIST_MAX_ITEMS);
    default:
      return refined(str, scalarCheck(kind));
  }
}

/** The value of an API field as stored (lists normalised, addresses canonical). */
export function inputValue(f: Field, value: unknown): unknown {
  if (value === undefined || value === null)
    return f.kind.t === 'flag' ? false : f.kind.t === 'list' || f.kind.t === 'cidrs' ? [] : null;
  if (f.kind.t === 'list') {
    const item = f.kind.item;
    return checkList(value as string[], (i) => checkListItem(item, i));
  }
  if (f.kind.t === 'cidrs') return checkList(value as string[], checkCidr);
  return value;
}

/** The response schema of one field. */
export function fieldOutput(f: Field): z.ZodType {
  switch (f.kind.t) {
    case 'flag':
      return z.boolean();
    case 'bool':
      return z.boolean().nullable();
    case 'hours':
      return z.number().nullable();
    case 'list':
    case 'cidrs':
      return z.array(z.string());
    case 'date':
      return z.string().nullable().describe('YYYY-MM-DD');
    case 'key':
      return z.string();
    default:
      return f.required ? z.string() : z.string().nullable();
  }
}

// SQL ---------------------------------------------------------------------------------------------

/** The column as the API reads it (dates as YYYY-MM-DD, hours as numbers, addresses as text). */
export function selectColumn(f: Field, alias: string): RawBuilder<unknown> {
  const col = sql.ref(`${alias}.${f.name}`);
  switch (f.kind.t) {
    case 'date':
      return sql`to_char(${col}, 'YYYY-MM-DD') as ${sql.ref(f.name)}`;
    case 'hours':
      return sql`${col}::float8 as ${sql.ref(f.name)}`;
    case 'cidrs':
      return sql`${col}::text[] as ${sql.ref(f.name)}`;
    default:
      return sql`${col}`;
  }
}

/** A stored value as an SQL parameter with its type. */
export function valueSql(f: Field, value: unknown): RawBuilder<unknown> {
  switch (f.kind.t) {
    case 'date':
      return sql`${value}::date`;
    case 'hours':
      return sql`${value === null ? null : String(value)}::numeric`;
    case 'flag':
    case 'bool':
      return sql`${value}::boolean`;
    case 'list':
      return sql`array(select jsonb_array_elements_text(${JSON.stringify(value)}::jsonb))::text[]`;
    case 'cidrs':
      return sql`array(select jsonb_array_elements_text(${JSON.stringify(value)}::jsonb))::cidr[]`;
    default:
      return sql`${value}::text`;
  }
}
