import { createHash, type Hash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError } from '../../lib/errors.js';
import {
  BATCH_BYTES,
  BATCH_ROWS,
  type BackupHeader,
  type BackupTable,
  doneSchema,
  FORMAT_VERSION,
  headerSchema,
  tableEndSchema,
} from './format.js';
import { FrameDecryptor } from './frames.js';
import './messages.js';

export type BackupEvent =
  | { type: 'header'; header: BackupHeader }
  | { type: 'rows'; table: BackupTable; lines: string[] }
  | { type: 'end'; table: BackupTable; rows: number }
  | { type: 'done'; tables: number; rows: number; bytes: number };

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
/** A row whose JSON text holds a newline is written as a JSON string of that text. */
const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;

const malformed = (detail: string) => new AppError(400, 'backup.malformed', { detail });

/** Splits a byte stream into lines (without their newline); a line may span many chunks. */
async function* splitLines(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer[] = [];
  for await (const chunk of source) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      if (carry.length > 0) {
        carry.push(piece);
        yield Buffer.concat(carry);
        carry = [];
      } else {
        yield piece;
      }
      start = nl + 1;
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
  }
  if (carry.length > 0) throw malformed('the last line has no newline');
}

function parseControl(line: Buffer): [string, unknown] {
  if (line[0] !== OPEN_BRACKET) throw malformed('a row outside of a table');
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    throw malformed('a control line is not JSON');
  }
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string') {
    throw malformed('a control line is not [kind, value]');
  }
  return [value[0], value[1]];
}

function rowOfString(line: Buffer): string {
  let row: unknown;
  try {
    row = JSON.parse(line.toString('utf8'));
  } catch {
    throw malformed('a row line is not JSON');
  }
  if (typeof row !== 'string' || !row.startsWith('{')) throw malformed('a row line is not a row');
  return row;
}

/** zlib's and the stream's own failures are a damaged inside; our AppErrors pass unchanged. */
function asBackupError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code.startsWith('Z_') || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return malformed((error as Error).message);
  }
  return error;
}

/**
 * Reads a backup as it streams: decrypts and authenticates every frame, inflates, and checks the
 * structure (header, each table's rows between its start and end lines, counts and SHA-256 of
 * every table, the closing totals, nothing after). With `rows: false` it only verifies.
 * Memory stays at one batch (BATCH_ROWS rows or BATCH_BYTES of JSON).
 */
export async function* readBackup(
  input: Readable,
  secret: string,
  options: { rows: boolean } = { rows: true },
): AsyncGenerator<BackupEvent> {
  const decryptor = new FrameDecryptor(secret);
  const plain = pipeline(input, decryptor, createGunzip(), () => {
    /* errors surface through the iteration below */
  });
  try {
    const lines = splitLines(plain);
    const next = async (): Promise<Buffer | undefined> => {
      const r = await lines.next();
      return r.done ? undefined : r.value;
    };

    const first = await next();
    if (!first) throw malformed('no header');
    const [kind, value] = parseControl(first);
    if (kind !== 'header') throw malformed('the first line is not the header');
    const version = (value as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && version !== FORMAT_VERSION) {
      throw new AppError(400, 'backup.unsupported_version', { version, supported: FORMAT_VERSION });
    }
    const parsed = headerSchema.safeParse(value);
    if (!parsed.success) throw malformed(`header: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const header = parsed.data;
    yield { type: 'header', header };

    let total = 0;
    for (const table of header.tables) {
      const start = await next();
      if (!start) throw malformed(`table ${table.name} is missing`);
      const [k, name] = parseControl(start);
      if (k !== 'table' || name !== table.name) throw malformed(`expected table ${table.name}`);
      const hash: Hash = createHash('sha256');
      let count = 0;
      let batch: string[] = [];
      let batchBytes = 0;
      let line: Buffer | undefined;
      for (line = await next(); line && (line[0] === OPEN_BRACE || line[0] === QUOTE); line = await next()) {
        hash.update(line);
        hash.update('\n');
        count++;
        if (!options.rows) continue;
        batch.push(line[0] === QUOTE ? rowOfString(line) : line.toString('utf8'));
        batchBytes += line.length;
        if (batch.length >= BATCH_ROWS || batchBytes >= BATCH_BYTES) {
          yield { type: 'rows', table, lines: batch };
          batch = [];
          batchBytes = 0;
        }
      }
      if (batch.length > 0) yield { type: 'rows', table, lines: batch };
      if (!line) throw malformed(`table ${table.name} has no end`);
      const [endKind, endValue] = parseControl(line);
      const end = tableEndSchema.safeParse(endValue);
      if (endKind !== 'end' || !end.success || end.data.name !== table.name) {
        throw malformed(`table ${table.name} has no end`);
      }
      if (end.data.rows !== count || table.rows !== count) {
        throw new AppError(400, 'backup.count_mismatch', {
          table: table.name,
          expected: table.rows,
          actual: count,
        });
      }
      if (end.data.sha256 !== hash.digest('hex')) {
        throw new AppError(400, 'backup.checksum_mismatch', { table: table.name });
      }
      total += count;
      yield { type: 'end', table, rows: count };
    }

    const last = await next();
    if (!last) throw malformed('the closing line is missing');
    const [doneKind, doneValue] = parseControl(last);
    const done = doneSchema.safeParse(doneValue);
    if (doneKind !== 'done' || !done.success) throw malformed('the closing line is missing');
    if (done.data.tables !== header.tables.length || done.data.rows !== total) {
      throw malformed('the closing totals do not match');
    }
    if (await next()) throw malformed('lines after the closing line');
    yield { type: 'done', tables: header.tables.length, rows: total, bytes: decryptor.bytes };
  } catch (error) {
    throw asBackupError(error);
  } finally {
    plain.destroy();
    input.destroy();
  }
}

/** Reads a whole backup without keeping its rows: the header and the figures, or the first problem. */
export async function verifyBackup(
  input: Readable,
  secret: string,
): Promise<{ header: BackupHeader; tables: number; rows: number; bytes: number }> {
  let header: BackupHeader | undefined;
  for await (const event of readBackup(input, secret, { rows: false })) {
    if (event.type === 'header') header = event.header;
    if (event.type === 'done' && header) {
      return { header, tables: event.tables, rows: event.rows, bytes: event.bytes };
    }
  }
  throw malformed('the closing line is missing');
}
