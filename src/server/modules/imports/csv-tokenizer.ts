/**
 * A streaming CSV tokenizer that reads exactly as csv-parse 7 does with the options the import
 * framework used (`relax_quotes`, `relax_column_count`, `skip_empty_lines: false`,
 * `max_record_size`, one delimiter, no trimming, casting or comments), at several times its speed:
 * it works on decoded text, one string per chunk, and cuts cells out of it with `slice` instead of
 * copying them byte by byte. csv-tokenizer.test.ts holds it to csv-parse as the oracle.
 *
 * What csv-parse does, and so this does:
 * - the record delimiter is the first line ending outside quotes (`\r\n`, `\n` or `\r`); after
 *   that, any other line-ending character outside quotes is part of the cell;
 * - `""` inside quotes is one quote; a quote that closes a cell but is followed by something else
 *   than a delimiter or the record delimiter is kept, with the opening quote, as text
 *   (`"a"b` → `"a"b`); a quote inside an unquoted cell is text;
 * - a blank line is a record of one empty cell; a last line without line ending is a record; the
 *   line ending at the very end of the file is not a record;
 * - line numbers in errors count every line-ending character read (inside quotes `\r\n` is two),
 *   the record delimiter once;
 * - a record is refused once its finished cells (in characters) and the cell being read (in UTF-8
 *   bytes) exceed the maximum.
 */

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** The record delimiter: not yet seen, `\n`, `\r` or `\r\n`. */
enum Rd {
  Unknown = 0,
  Lf = 1,
  Cr = 2,
  CrLf = 3,
}

/**
 * csv-parse's syntax errors, with its messages and line numbers; `reason` and `opened` (the line
 * where an unclosed quote opened) are ours, for messages in the reader's language.
 */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly reason: 'quote_not_closed' | 'record_too_large',
    readonly opened: number | null = null,
  ) {
    super(message);
  }
}

/** UTF-8 bytes of one UTF-16 code unit (a surrogate pair is 4). */
const utf8Units = (c: number): number => (c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3);

/** UTF-8 bytes of `text[from..to]` (counted by code unit, so a surrogate pair cut in two counts the same). */
function utf8Length(text: string, from = 0, to = text.length): number {
  let bytes = 0;
  for (let k = from; k < to; k++) bytes += utf8Units(text.charCodeAt(k));
  return bytes;
}

export class CsvTokenizer {
  readonly #delimiter: number;
  readonly #maxRecord: number;
  /** Below this many characters in a record, its size cannot exceed the maximum (3 bytes a unit at most). */
  readonly #safeChars: number;
  #rd = Rd.Unknown;
  /** Line number, as csv-parse counts them: 1 + line-ending characters read. */
  #line = 1;
  #quoting = false;
  /** The line where the open quote opened. */
  #quoteLine = 0;
  #wasQuoting = false;
  /** The current cell's text from earlier chunks (and runs). */
  #field = '';
  #record: string[] = [];
  /** Characters of the record's finished cells. */
  #recordChars = 0;
  /** Characters added to the record so far (cells and a relaxed quote). */
  #appended = 0;
  /** UTF-8 bytes of the current cell, counted once the record is near the maximum; -1: not counted. */
  #fieldBytes = -1;
  /** Text of the previous chunk the tokenizer needs to see more of before it can go on. */
  #carry = '';
  /** The last character of the text so far (0: none yet). */
  #last = 0;

  constructor(delimiter: string, maxRecordChars: number) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n')
      throw new Error('a delimiter is one character other than a quote or a line ending');
    this.#delimiter = delimiter.charCodeAt(0);
    this.#maxRecord = maxRecordChars;
    this.#safeChars = Math.floor(maxRecordChars / 3);
  }

  /**
   * Tokenizes the next piece of text (`end`: the last one; its text may be empty) and returns the
   * records it completed. Throws CsvSyntaxError.
   */
  push(chunk: string, end: boolean): string[][] {
    const text = this.#carry === '' ? chunk : this.#carry + chunk;
    this.#carry = '';
    const n = text.length;
    if (n > 0) this.#last = text.charCodeAt(n - 1);
    const delimiter = this.#delimiter;
    const safe = this.#safeChars;
    const out: string[][] = [];
    // The state, in locals while the loop runs.
    let quoting = this.#quoting;
    let wasQuoting = this.#wasQuoting;
    let field = this.#field;
    let record = this.#record;
    let line = this.#line;
    let appended = this.#appended;
    let recordChars = this.#recordChars;
    /** Start of the run of characters of the current cell not yet in `field`. */
    let run = 0;
    let i = 0;
    while (i < n) {
      if (quoting) {
        let j = i;
        let breaks = 0;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === QUOTE) break;
          if (d === CR || d === LF) breaks++;
        }
        appended += j - i;
        if (appended > safe) line = this.#account(text, run, field, i, j, line, recordChars);
        else line += breaks;
        i = j;
        if (j >= n) break;
        // A quote: doubled, closing, or text.
        if (j + 1 >= n && !end) break;
        const next = j + 1 >= n ? 0 : text.charCodeAt(j + 1);
        if (next === QUOTE) {
          field += text.slice(run, j);
          run = j + 1;
          appended++;
          if (appended > safe) line = this.#account(text, run, field, j + 1, j + 2, line, recordChars);
          i = j + 2;
          continue;
        }
        const rd = next === 0 ? 0 : this.#rdAt(text, j + 1, end);
        if (rd === -1) break;
        field += text.slice(run, j);
        quoting = false;
        wasQuoting = true;
        if (next === 0 || next === delimiter || rd > 0) {
          run = i = j + 1;
          continue;
        }
        // A closing quote followed by text: the cell is text, both quotes kept.
        field = `"${field}`;
        if (this.#fieldBytes >= 0) this.#fieldBytes++;
        appended++;
        run = j;
      } else {
        const c = text.charCodeAt(i);
        if (c === QUOTE && run === i && field === '') {
          quoting = true;
          this.#quoteLine = line;
          run = ++i;
          continue;
        }
        let j = i;
        for (; j < n; j++) {
          const d = text.charCodeAt(j);
          if (d === delimiter || d === CR || d === LF) break;
        }
        appended += j - i;
        if (appended > safe) line = this.#account(text, run, field, i, j, line, recordChars);
        i = j;
        if (j >= n) break;
        const d = text.charCodeAt(j);
        let rd = 0;
        if (d !== delimiter) {
          rd = this.#rdAt(text, j, end);
          if (rd === -1) break;
          if (rd === 0) {
            // A line-ending character that is not the record delimiter: text.
            appended++;
            if (appended > safe) line = this.#account(text, run, field, j, j + 1, line, recordChars);
            else line++;
            i = j + 1;
            continue;
          }
        }
        const value = run === j ? field : field === '' ? text.slice(run, j) : field + text.slice(run, j);
        record.push(value);
        recordChars += value.length;
        field = '';
        wasQuoting = false;
        this.#fieldBytes = -1;
        if (rd > 0) {
          out.push(record);
          record = [];
          recordChars = 0;
          appended = 0;
          line++;
          run = i = j + rd;
        } else {
          run = i = j + 1;
        }
      }
    }
    if (i < n || !end) {
      // Either stopped for want of what follows (the rest waits for the next chunk) or at the end
      // of this chunk.
      field += text.slice(run, i);
      this.#carry = text.slice(i);
    } else if (quoting) {
      // csv-parse counts a line ending that is the file's last character only after this check.
      const at = line - (this.#last === CR || this.#last === LF ? 1 : 0);
      throw new CsvSyntaxError(
        `Quote Not Closed: the parsing is finished with an opening quote at line ${at}`,
        at,
        'quote_not_closed',
        this.#quoteLine,
      );
    } else {
      field += text.slice(run, n);
      if (wasQuoting || record.length > 0 || field !== '') {
        record.push(field);
        out.push(record);
        record = [];
        field = '';
        wasQuoting = false;
      }
    }
    this.#quoting = quoting;
    this.#wasQuoting = wasQuoting;
    this.#field = field;
    this.#record = record;
    this.#line = line;
    this.#appended = appended;
    this.#recordChars = recordChars;
    return out;
  }

  /** Whether the record delimiter starts at `at`: its length (1 or 2), 0 not, -1 need more text. */
  #rdAt(text: string, at: number, end: boolean): number {
    const n = text.length;
    const c = text.charCodeAt(at);
    if (c !== CR && c !== LF) return 0;
    if (this.#rd === Rd.Unknown) {
      if (c === LF) this.#rd = Rd.Lf;
      else if (at + 1 >= n && !end) return -1;
      else this.#rd = text.charCodeAt(at + 1) === LF ? Rd.CrLf : Rd.Cr;
    }
    switch (this.#rd) {
      case Rd.Lf:
        return c === LF ? 1 : 0;
      case Rd.Cr:
        return c === CR ? 1 : 0;
      default:
        if (c !== CR) return 0;
        if (at + 1 >= n) return end ? 0 : -1;
        return text.charCodeAt(at + 1) === LF ? 2 : 0;
    }
  }

  /**
   * Text characters `from`..`to` of the cell (whose earlier text is `field` + `text[run..from]`) in
   * a record near the maximum size: csv-parse's check before each byte it adds to a cell (finished
   * cells in characters + this cell in bytes > maximum), and the line count. Returns the line.
   */
  #account(
    text: string,
    run: number,
    field: string,
    from: number,
    to: number,
    line: number,
    recordChars: number,
  ): number {
    let at = line;
    for (let k = from; k < to; k++) {
      if (this.#fieldBytes < 0) this.#fieldBytes = utf8Length(field) + utf8Length(text, run, k);
      const c = text.charCodeAt(k);
      const bytes = utf8Units(c);
      if (recordChars + this.#fieldBytes + bytes - 1 > this.#maxRecord) {
        throw new CsvSyntaxError(
          `Max Record Size: record exceed the maximum number of tolerated bytes of ${this.#maxRecord} at line ${at}`,
          at,
          'record_too_large',
        );
      }
      this.#fieldBytes += bytes;
      if (c === CR || c === LF) at++;
    }
    return at;
  }
}
