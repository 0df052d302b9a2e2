import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { TableRecord } from './csv.js';
import { loadExcel } from './excel.js';
import { FileRefused, type ImportIssue } from './framework.js';

/**
 * exceljs spools sheets with `tmp.file(callback)`, which keeps a descriptor of each file open until
 * exceljs has read that sheet: a read that stops early (a refused file) would leak it. Asked for
 * without options, the file now comes with its descriptor closed (exceljs opens the file by its
 * name anyway); watchSpools removes the files. exceljs is tmp's only user here (npm ls tmp).
 */
const tmpOfExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'))('tmp') as {
  file: (...args: unknown[]) => unknown;
};
const tmpFile = tmpOfExceljs.file;
tmpOfExceljs.file = (...args: unknown[]) =>
  typeof args[0] === 'function' ? tmpFile({ discardDescriptor: true }, args[0]) : tmpFile(...args);

/** The media type of an Excel workbook (.xlsx). */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** At most this many parts (zip entries) in a workbook. */
export const XLSX_MAX_ENTRIES = 2_000;
/** A workbook never unpacks to more than this in all, whatever its size. */
export const XLSX_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;
/**
 * …nor to more than this many times the bytes read so far, plus XLSX_UNPACKED_ALLOWANCE: a
 * spreadsheet's XML packs 7 to 10 times (measured on 20 MB workbooks, identical rows included); a
 * zip bomb a thousand times.
 */
export const XLSX_MAX_RATIO = 20;
export const XLSX_UNPACKED_ALLOWANCE = 16 * 1024 * 1024;
/** Distinct texts (shared strings) are kept in memory, compactly, up to this many bytes. */
export const XLSX_MAX_SHARED_STRING_BYTES = 128 * 1024 * 1024;
/** Cells beyond this column refuse the file. */
export const XLSX_MAX_COLUMNS = 500;
/** Rows beyond this one refuse the file (Excel's own limit). */
export const XLSX_MAX_ROWS = 1_048_576;

const refused = (code: string, params: ImportIssue['params'] = {}, row: number | null = 1) =>
  new FileRefused([{ row, column: null, code, params }]);

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const DESCRIPTOR = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
const END_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const DOCTYPE = Buffer.from('<!DOCTYPE');
const ENTITY = Buffer.from('<!ENTITY');

type State =
  | { at: 'signature' }
  | { at: 'local' }
  | { at: 'data'; remaining: number }
  | { at: 'data-until-descriptor' }
  | { at: 'descriptor' }
  | { at: 'central' }
  | { at: 'until-end' }
  | { at: 'end' }
  | { at: 'done' };

interface Entry {
  name: string;
  /** XML parts are searched for DOCTYPE and ENTITY declarations. */
  xml: boolean;
  tail: Buffer;
  inflater: zlib.InflateRaw | null;
}

/**
 * Inspects a zip as it streams past, before the workbook reader sees a byte of it. It frames the
 * entries exactly as unzipper (exceljs's unzip) does — declared sizes, or up to the data
 * descriptor's signature — so that both see the same entries, and it unpacks each one itself,
 * counting, so that a zip bomb, too many entries, encryption, zip64 or a DOCTYPE in an XML part
 * refuse the file before the reader unpacks them. Bytes after the end record are cut off.
 */
class ZipGuard {
  #buf: Buffer = Buffer.alloc(0);
  #state: State = { at: 'signature' };
  #entry: Entry | null = null;
  #entries = 0;
  #seenCentral = false;
  /** Input bytes the guard has taken (the compressed size so far). */
  #taken = 0;
  #unpacked = 0;
  #failure: FileRefused | null = null;
  #pending: Array<Promise<void>> = [];
  /** Input bytes that belong to the zip, up to the end record (the rest is cut off). */
  #zipBytes = 0;
  names = new Set<string>();

  get done(): boolean {
    return this.#state.at === 'done';
  }

  #fail(error: FileRefused): void {
    if (!this.#failure) this.#failure = error;
    this.#entry?.inflater?.destroy();
  }

  #need(n: number): Buffer | null {
    if (this.#buf.length < n) return null;
    const head = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    this.#zipBytes += n;
    return head;
  }

  #count(bytes: Buffer, entry: Entry): void {
    this.#unpacked += bytes.length;
    if (
      this.#unpacked > XLSX_MAX_UNPACKED_BYTES ||
      this.#unpacked > XLSX_MAX_RATIO * this.#taken + XLSX_UNPACKED_ALLOWANCE
    ) {
      this.#fail(
        refused('imports.xlsx_bomb', { ratio: XLSX_MAX_RATIO, limit: XLSX_MAX_UNPACKED_BYTES / 1024 / 1024 }),
      );
      return;
    }
    if (entry.xml) {
      const text = entry.tail.length > 0 ? Buffer.concat([entry.tail, bytes]) : bytes;
      if (text.includes(DOCTYPE) || text.includes(ENTITY)) {
        this.#fail(refused('imports.xlsx_doctype', { part: entry.name }));
        return;
      }
      entry.tail = Buffer.from(text.subarray(Math.max(0, text.length - DOCTYPE.length)));
    }
  }

  #data(piece: Buffer): void {
    const entry = this.#entry;
    if (!entry || piece.length === 0) return;
    if (entry.inflater) entry.inflater.write(piece);
    else this.#count(piece, entry);
  }

  #endEntry(): void {
    const entry = this.#entry;
    this.#entry = null;
    const inflater = entry?.inflater;
    if (!inflater) return;
    this.#pending.push(
      new Promise<void>((resolve) => {
        inflater.once('end', () => resolve());
        inflater.once('close', () => resolve());
        inflater.end();
      }),
    );
  }

  #startEntry(header: Buffer, name: string, extra: Buffer): void {
    const flags = header.readUInt16LE(2);
    const method = header.readUInt16LE(4);
    const compressed = header.readUInt32LE(14);
    const size = header.readUInt32LE(18);
    this.#entries++;
    if (this.#entries > XLSX_MAX_ENTRIES) {
      this.#fail(refused('imports.xlsx_too_many_parts', { limit: XLSX_MAX_ENTRIES }));
      return;
    }
    if (flags & 0x1) {
      this.#fail(refused('imports.xlsx_encrypted'));
      return;
    }
    if (method !== 0 && method !== 8) {
      this.#fail(refused('imports.xlsx_damaged', { detail: `compression method ${method}` }));
      return;
    }
    if (compressed === 0xffffffff || size === 0xffffffff || hasZip64(extra)) {
      this.#fail(
        refused('imports.xlsx_bomb', { ratio: XLSX_MAX_RATIO, limit: XLSX_MAX_UNPACKED_BYTES / 1024 / 1024 }),
      );
      return;
    }
    this.names.add(name);
    const entry: Entry = {
      name,
      xml: /\.(xml|rels|vml)$/i.test(name),
      tail: Buffer.alloc(0),
      inflater: null,
    };
    if (method === 8) {
      const inflater = zlib.createInflateRaw();
      inflater.on('data', (d: Buffer) => this.#count(d, entry));
      inflater.on('error', (error) => this.#fail(refused('imports.xlsx_damaged', { detail: error.message })));
      entry.inflater = inflater;
    }
    this.#entry = entry;
    // As unzipper: the size is known unless bit 3 is set and the header says 0.
    this.#state =
      !(flags & 0x8) || compressed > 0
        ? { at: 'data', remaining: compressed }
        : { at: 'data-until-descriptor' };
  }

  /** Frames as much of the buffered input as it can; returns false when it needs more. */
  #step(): boolean {
    const state = this.#state;
    switch (state.at) {
      case 'signature': {
        const sig = this.#need(4);
        if (!sig) return false;
        const s = sig.readUInt32LE(0);
        if (s === LOCAL_HEADER) this.#state = { at: 'local' };
        else if (s === CENTRAL_HEADER) {
          this.#seenCentral = true;
          this.#state = { at: 'central' };
        } else if (s === END_OF_CENTRAL) this.#state = { at: 'end' };
        else if (this.#seenCentral) this.#state = { at: 'until-end' };
        else this.#fail(refused('imports.xlsx_damaged', { detail: `unexpected record 0x${s.toString(16)}` }));
        return true;
      }
      case 'local': {
        if (this.#buf.length < 26) return false;
        const names = this.#buf.readUInt16LE(22);
        const extras = this.#buf.readUInt16LE(24);
        const all = this.#need(26 + names + extras);
        if (!all) return false;
        const header = all.subarray(0, 26);
        this.#startEntry(header, all.subarray(26, 26 + names).toString('utf8'), all.subarray(26 + names));
        return true;
      }
      case 'data': {
        if (state.remaining === 0) {
          this.#endEntry();
          this.#state = { at: 'signature' };
          return true;
        }
        const n = Math.min(state.remaining, this.#buf.length);
        if (n === 0) return false;
        const piece = this.#need(n);
        if (piece) this.#data(piece);
        state.remaining -= n;
        return true;
      }
      case 'data-until-descriptor': {
        const at = this.#buf.indexOf(DESCRIPTOR);
        if (at === -1) {
          const n = this.#buf.length - DESCRIPTOR.length;
          if (n <= 0) return false;
          const piece = this.#need(n);
          if (piece) this.#data(piece);
          return false;
        }
        const piece = this.#need(at);
        if (piece) this.#data(piece);
        this.#endEntry();
        this.#state = { at: 'descriptor' };
        return true;
      }
      case 'descriptor':
        if (!this.#need(16)) return false;
        this.#state = { at: 'signature' };
        return true;
      case 'central': {
        if (this.#buf.length < 42) return false;
        const more = this.#buf.readUInt16LE(24) + this.#buf.readUInt16LE(26) + this.#buf.readUInt16LE(28);
        if (!this.#need(42 + more)) return false;
        this.#state = { at: 'signature' };
        return true;
      }
      case 'until-end': {
        const at = this.#buf.indexOf(END_SIGNATURE);
        if (at === -1) {
          const n = this.#buf.length - END_SIGNATURE.length;
          if (n > 0) this.#need(n);
          return false;
        }
        this.#need(at + END_SIGNATURE.length);
        this.#state = { at: 'end' };
        return true;
      }
      case 'end': {
        if (this.#buf.length < 18) return false;
        if (!this.#need(18 + this.#buf.readUInt16LE(16))) return false;
        this.#state = { at: 'done' };
        return true;
      }
      case 'done':
        return false;
    }
  }

  /**
   * Takes the next chunk of the file and returns the part of it that belongs to the zip, once
   * every entry it touches has been unpacked and counted; throws FileRefused on the first problem.
   */
  async take(chunk: Buffer): Promise<Buffer> {
    if (this.#state.at === 'done') return Buffer.alloc(0);
    if (this.#taken === 0) firstBytes(chunk);
    const before = this.#zipBytes + this.#buf.length;
    this.#taken += chunk.length;
    this.#buf = this.#buf.length > 0 ? Buffer.concat([this.#buf, chunk]) : chunk;
    while (!this.#failure && this.#step()) {
      /* frame on */
    }
    const inflater = this.#entry?.inflater;
    if (inflater && !this.#failure) {
      this.#pending.push(
        new Promise<void>((resolve) => inflater.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve())),
      );
    }
    const pending = this.#pending;
    this.#pending = [];
    await Promise.all(pending);
    if (this.#failure) throw this.#failure;
    if (this.done) return chunk.subarray(0, this.#zipBytes - before);
    return chunk;
  }

  /** The end of the file: it must have ended with the zip's end record. */
  finish(): void {
    if (this.#failure) throw this.#failure;
    if (this.#taken === 0) return;
    if (this.#state.at !== 'done') throw refused('imports.xlsx_damaged', { detail: 'the file ends early' });
  }
}

function hasZip64(extra: Buffer): boolean {
  for (let i = 0; i + 4 <= extra.length; i += 4 + extra.readUInt16LE(i + 2)) {
    if (extra.readUInt16LE(i) === 0x0001) return true;
  }
  return false;
}

/** The first bytes say what the file is: a zip, an OLE2 file (old .xls or encrypted), or neither. */
function firstBytes(chunk: Buffer): void {
  if (chunk.length >= 8 && chunk.subarray(0, 8).equals(CFB_MAGIC)) {
    if (chunk.includes(Buffer.from('EncryptedPackage', 'utf16le'))) throw refused('imports.xlsx_encrypted');
    throw refused('imports.xlsx_old_format');
  }
  if (chunk.length < 4 || chunk.readUInt32LE(0) !== LOCAL_HEADER) throw refused('imports.xlsx_not_xlsx');
}

/** Whether a file's first bytes are those of a zip or of an OLE2 file (an old or encrypted workbook). */
export function looksLikeWorkbook(head: Buffer): boolean {
  return (
    (head.length >= 4 && head.readUInt32LE(0) === LOCAL_HEADER) ||
    (head.length >= 8 && head.subarray(0, 8).equals(CFB_MAGIC))
  );
}

/** The file's bytes in chunks of at least 30 bytes (a zip's first header), inspected by the guard. */
async function* guarded(bytes: AsyncIterable<Buffer>, guard: ZipGuard): AsyncGenerator<Buffer> {
  let head: Buffer | null = Buffer.alloc(0);
  for await (const chunk of bytes) {
    if (guard.done) continue;
    let piece = chunk;
    if (head !== null) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 30) continue;
      piece = head;
      head = null;
    }
    const out = await guard.take(piece);
    if (out.length > 0) yield out;
  }
  if (head !== null && head.length > 0) {
    const out = await guard.take(head);
    if (out.length > 0) yield out;
  }
  guard.finish();
}

/** Distinct texts, kept as UTF-8 in 1 MiB pages with their offsets: a fraction of JS strings' size. */
class SharedStrings {
  #pages: Buffer[] = [];
  #page = Buffer.alloc(0);
  #used = 0;
  #index = new Float64Array(1024);
  #count = 0;
  #bytes = 0;

  add(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.#bytes += bytes.length;
    if (this.#bytes > XLSX_MAX_SHARED_STRING_BYTES) {
      throw refused('imports.xlsx_too_much_text', { limit: XLSX_MAX_SHARED_STRING_BYTES / 1024 / 1024 });
    }
    if (this.#used + bytes.length > this.#page.length) {
      this.#page = Buffer.allocUnsafe(Math.max(1024 * 1024, bytes.length));
      this.#pages.push(this.#page);
      this.#used = 0;
    }
    bytes.copy(this.#page, this.#used);
    if (2 * this.#count + 2 > this.#index.length) {
      const grown = new Float64Array(this.#index.length * 2);
      grown.set(this.#index);
      this.#index = grown;
    }
    // page number * 2^32 + offset, and the length
    this.#index[2 * this.#count] = (this.#pages.length - 1) * 2 ** 32 + this.#used;
    this.#index[2 * this.#count + 1] = bytes.length;
    this.#count++;
    this.#used += bytes.length;
  }

  get(i: number): string | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.#count) return undefined;
    const at = this.#index[2 * i] ?? 0;
    const page = this.#pages[Math.floor(at / 2 ** 32)];
    const start = at % 2 ** 32;
    return page?.toString('utf8', start, start + (this.#index[2 * i + 1] ?? 0));
  }
}

interface RichText {
  richText: Array<{ text?: string | null }>;
}
const isRichText = (v: unknown): v is RichText =>
  typeof v === 'object' && v !== null && Array.isArray((v as RichText).richText);
const plain = (v: unknown): string =>
  isRichText(v) ? v.richText.map((r) => r.text ?? '').join('') : typeof v === 'string' ? v : '';

/** A number as a person typed it: 15 significant digits, as Excel shows it, no float noise. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return Object.is(n, -0) ? '0' : String(n);
  return String(Number(n.toPrecision(15)));
}

/** A date cell: the date alone when its time is midnight, else the full time in UTC. */
export function dateText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** Excel's date formats (the built-in ids and any format with d, m, y, h or s outside quotes). */
function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const bare = format.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[dmyhs]/i.test(bare) && !/^[#0.,%\s]*$/.test(bare);
}

/** Excel serial (1900 system) to a Date in UTC. */
const excelDate = (serial: number, date1904: boolean) =>
  new Date(Math.round((serial - (date1904 ? 24107 : 25569)) * 86_400_000));

interface CellProblem {
  code: string;
  params: Record<string, string | number>;
  /** What the cell reads as meanwhile (the formula, the error), so that it is not also "required". */
  text: string;
}

interface ExcelCell {
  value: unknown;
  numFmt?: string;
  address: string;
}

/** The text of one cell, as the register columns parse it; a problem for a cell without one. */
function cellText(cell: ExcelCell, strings: SharedStrings, date1904: boolean): string | CellProblem {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : dateText(v);
  if (isRichText(v)) return plain(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('sharedString' in o) return strings.get(Number(o.sharedString)) ?? '';
    if ('error' in o) return cellError(cell, String(o.error));
    if ('formula' in o || 'sharedFormula' in o) {
      const result = o.result;
      if (result === undefined || result === null)
        return {
          code: 'imports.xlsx_formula_uncached',
          params: { cell: cell.address },
          text: `=${String(o.formula ?? o.sharedFormula ?? '')}`,
        };
      if (typeof result === 'number') {
        if (Number.isNaN(result)) return cellError(cell, '#VALUE!');
        return isDateFormat(cell.numFmt) ? dateText(excelDate(result, date1904)) : numberText(result);
      }
      if (result instanceof Date) return dateText(result);
      if (typeof result === 'boolean') return result ? 'true' : 'false';
      if (typeof result === 'object' && result !== null && 'error' in result)
        return cellError(cell, String(result.error));
      return plain(result);
    }
    if ('text' in o) return plain(o.text);
  }
  return String(v);
}

const cellError = (cell: ExcelCell, error: string): CellProblem => ({
  code: 'imports.xlsx_cell_error',
  params: { cell: cell.address, error },
  text: error,
});

/**
 * A record, with the problems of its cells that only a workbook has (a formula without a saved
 * result, an error value): the table reader reports them with the row's other issues.
 */
export interface XlsxRecord extends TableRecord {
  issues?: ImportIssue[];
}

interface ExcelRow {
  number: number;
  eachCell(opt: { includeEmpty: boolean }, fn: (cell: ExcelCell, col: number) => void): void;
}

/**
 * The records of the first worksheet of an Excel workbook (.xlsx), streamed: the file passes a
 * zip guard (see ZipGuard) into exceljs's streaming reader, which never holds the workbook whole.
 * Rows are numbered as in the spreadsheet, blank rows included; each cell becomes the text the
 * register columns parse (see docs/imports.md). Problems of the file refuse it (FileRefused);
 * problems of a cell come with its record (`issues`).
 */
export async function* xlsxRecords(bytes: AsyncIterable<Buffer>): AsyncGenerator<XlsxRecord> {
  // An empty file has no records; the table reader says so.
  const source = bytes[Symbol.asyncIterator]();
  let start = await source.next();
  while (!start.done && start.value.length === 0) start = await source.next();
  if (start.done) return;
  const firstChunk = start.value;
  async function* all(): AsyncGenerator<Buffer> {
    yield firstChunk;
    for (let n = await source.next(); !n.done; n = await source.next()) yield n.value;
  }
  const guard = new ZipGuard();
  const input = Readable.from(guarded(all(), guard), { objectMode: false, highWaterMark: 1 });
  // A refusal stops the input, but exceljs would wait for the rest of it forever: each wait for
  // its next item is also ended by the input's error. (No race against one long-lived promise:
  // its reactions would keep every item alive.)
  let inputError: unknown = null;
  let abort: ((error: unknown) => void) | null = null;
  input.on('error', (error) => {
    inputError = error;
    abort?.(error);
  });
  const pipe = input.pipe.bind(input);
  const spools: Spools = { list: [], closed: false };
  input.pipe = (<T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }) => {
    dropEarlyEnd(dest);
    watchSpools(dest, spools);
    return pipe(dest, options);
  }) as typeof input.pipe;
  const reader = new (await loadExcel()).stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'emit',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const events = reader.parse() as AsyncIterator<unknown>;
  const nextOf = <T>(it: AsyncIterator<T>) =>
    new Promise<IteratorResult<T>>((resolve, reject) => {
      if (inputError) return reject(inputError);
      abort = reject;
      it.next().then(
        (v) => {
          abort = null;
          resolve(v);
        },
        (error: unknown) => {
          abort = null;
          reject(error);
        },
      );
    });
  const next = async <T>(it: AsyncIterator<T>): Promise<IteratorResult<T>> => {
    try {
      return await nextOf(it);
    } catch (error) {
      if (error instanceof FileRefused) throw error;
      throw refused('imports.xlsx_damaged', {
        detail: error instanceof Error ? error.message : String(error),
      });
    }
  };
  const strings = new SharedStrings();
  let sawSheet = false;
  let first: FirstSheet | undefined;
  let open: Readable | undefined;
  let header: string[] | null = null;
  try {
    for (let e = await next(events); !e.done; e = await next(events)) {
      // exceljs yields the shared strings as they are ({index, text}), the rest as events.
      const event = e.value as { eventType?: string; value?: unknown; index?: number; text?: unknown };
      if (event.eventType === undefined && typeof event.index === 'number') {
        strings.add(plain(event.text));
        continue;
      }
      const { eventType, value } = event;
      if (eventType !== 'worksheet') continue;
      const sheet = value as SheetReader;
      // The sheet's part, spooled by exceljs to a temporary file that it deletes once we move on.
      const part = sheet.iterator as Readable;
      part.on?.('error', () => {});
      first ??= firstSheetOf(reader);
      if (sawSheet || (first && !isSheet(sheet, first))) {
        part.destroy?.();
        continue;
      }
      sawSheet = true;
      open = part;
      const date1904 = Boolean(
        (reader as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model
          ?.date1904,
      );
      const rows = sheet[Symbol.asyncIterator]();
      let expected = 1;
      for (let r = await next(rows); !r.done; r = await next(rows)) {
        const row = r.value;
        if (!Number.isInteger(row.number) || row.number < expected) {
          throw refused('imports.xlsx_damaged', { detail: `row ${row.number} out of order` });
        }
        if (row.number > XLSX_MAX_ROWS) throw refused('imports.xlsx_too_many_rows', { limit: XLSX_MAX_ROWS });
        for (; expected < row.number; expected++) yield { row: expected, cells: [] };
        expected = row.number + 1;
        const cells: string[] = [];
        const issues: ImportIssue[] = [];
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          if (col > XLSX_MAX_COLUMNS) {
            throw refused(
              'imports.xlsx_too_many_columns',
              { row: row.number, limit: XLSX_MAX_COLUMNS },
              row.number,
            );
          }
          const text = cellText(cell, strings, date1904);
          while (cells.length < col - 1) cells.push('');
          if (typeof text === 'string') {
            cells[col - 1] = text;
            return;
          }
          cells[col - 1] = text.text;
          issues.push({
            row: row.number,
            column: header?.[col - 1]?.trim().toLowerCase() || null,
            code: text.code,
            params: text.params,
          });
        });
        while (cells.length > 0 && (cells[cells.length - 1] ?? '').trim() === '') cells.pop();
        if (cells.length === 0) {
          yield { row: row.number, cells };
          continue;
        }
        if (header === null) header = cells;
        else while (cells.length < header.length) cells.push('');
        yield issues.length > 0 ? { row: row.number, cells, issues } : { row: row.number, cells };
      }
    }
  } finally {
    input.destroy();
    open?.destroy?.();
    await removeSpools(spools);
  }
  if (!sawSheet) {
    throw refused(guard.names.has('xl/workbook.xml') ? 'imports.xlsx_no_sheet' : 'imports.xlsx_not_xlsx');
  }
}

/**
 * unzipper's Parse (exceljs's unzip, 0.10) also emits 'end' as soon as its input has finished,
 * while entries it has pushed may still wait in its buffer (exceljs pauses it between entries);
 * exceljs then stops early and misses them — here, often xl/workbook.xml, the last part Excel
 * writes (about one read in a hundred). Without that listener, 'end' comes from Parse's own
 * push(null) after the end record, once every entry has been read: the guard makes sure that
 * record is there.
 */
function dropEarlyEnd(dest: NodeJS.WritableStream): void {
  const early = dest.listeners('finish').filter((l) => /emit\(\s*['"]end['"]\s*\)/.test(String(l)));
  if (early.length !== 1) throw new Error('the XLSX reader expects unzipper 0.10 (see dropEarlyEnd)');
  dest.removeListener('finish', early[0] as (...args: unknown[]) => void);
}

/** A temporary file exceljs writes a sheet into (an fs.WriteStream). */
interface Spool {
  path?: unknown;
  destroy?: () => void;
}

/** The spools of one read; once closed, a spool exceljs opens late is removed at once. */
interface Spools {
  list: Spool[];
  closed: boolean;
}

/**
 * exceljs spools each sheet into a temporary file (`entry.pipe(fs.createWriteStream(tmp))`) and
 * removes it only after reading it; a refused or stopped read would leave the file and its open
 * descriptor behind. This notes every stream an entry is piped into, so that they can be closed
 * and their files removed at the end, whatever happened — also one that exceljs only gets to open
 * after the end (creating the file is asynchronous).
 */
function watchSpools(dest: NodeJS.WritableStream, spools: Spools): void {
  (dest as unknown as NodeJS.EventEmitter).on('data', (entry: Readable) => {
    const pipeEntry = entry.pipe.bind(entry);
    entry.pipe = (<T extends NodeJS.WritableStream>(to: T, options?: { end?: boolean }) => {
      const spool = to as Spool;
      if (typeof spool.path === 'string') {
        if (spools.closed) {
          void removeSpool(spool);
          return to;
        }
        spools.list.push(spool);
      }
      return pipeEntry(to, options);
    }) as typeof entry.pipe;
  });
}

async function removeSpool(spool: Spool): Promise<void> {
  spool.destroy?.();
  await rm(String(spool.path), { force: true }).catch(() => {});
}

async function removeSpools(spools: Spools): Promise<void> {
  spools.closed = true;
  for (const spool of spools.list) await removeSpool(spool);
}

interface SheetReader {
  id: string | number;
  name: string;
  iterator: unknown;
  [Symbol.asyncIterator](): AsyncIterator<ExcelRow>;
}

interface FirstSheet {
  name: string;
  /** N of its part, xl/worksheets/sheetN.xml. */
  part: string | undefined;
}

/** The workbook's first sheet (in the order of its tabs), from workbook.xml and its rels. */
function firstSheetOf(reader: unknown): FirstSheet | undefined {
  const r = reader as {
    model?: { sheets?: Array<{ rId?: string; name?: string }> };
    workbookRels?: Array<{ Id?: string; Target?: string }>;
  };
  const sheet = r.model?.sheets?.[0];
  if (!sheet?.name) return undefined;
  const target = r.workbookRels?.find((rel) => rel.Id === sheet.rId)?.Target;
  return { name: sheet.name, part: target?.match(/sheet(\d+)\.xml$/)?.[1] };
}

/**
 * Whether exceljs's sheet is the first one: exceljs names it from workbook.xml when its rels
 * target is relative (`worksheets/sheetN.xml`), else it is `SheetN` with id N.
 */
const isSheet = (sheet: SheetReader, first: FirstSheet): boolean =>
  sheet.name === first.name ||
  (first.part !== undefined && String(sheet.id) === first.part && sheet.name === `Sheet${first.part}`);
