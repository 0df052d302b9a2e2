import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { MaintenanceTx } from '../../db/maintenance.js';
import { AppError } from '../../lib/errors.js';
import {
  BATCH_BYTES,
  BATCH_ROWS,
  type BackupHeader,
  type BackupTable,
  controlLine,
  EXCLUDED_TABLES,
  FORMAT_NAME,
  FORMAT_VERSION,
  LEFT_OUT,
} from './format.js';
import * as q from './queries.js';
import './messages.js';

/** Writes text to a stream, waiting while it is full; fails once the stream is closed (reader gone). */
export function sinkOf(stream: Writable): (text: string) => Promise<void> {
  return async (text) => {
    if (stream.destroyed) throw new Error('the backup stream was closed before the backup ended');
    if (stream.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        stream.off('drain', onDrain);
        stream.off('close', onClose);
        stream.off('error', settle);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => settle();
      const onClose = () => settle(new Error('the backup stream was closed before the backup ended'));
      stream.on('drain', onDrain);
      stream.on('close', onClose);
      stream.on('error', settle);
    });
  };
}

/**
 * Orders tables so that a referenced table comes before the tables that refer to it (Kahn's
 * algorithm, by name among equals). Self-references and cycles do not matter to restore, which
 * loads without foreign keys and re-creates them afterwards; a cycle's tables follow by name.
 */
export function dependencyOrder<T extends { name: string }>(
  tables: readonly T[],
  foreignKeys: ReadonlyArray<{ table: string; references: string }>,
): T[] {
  const names = new Set(tables.map((t) => t.name));
  const parents = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  for (const fk of foreignKeys) {
    if (fk.table !== fk.references && names.has(fk.table) && names.has(fk.references)) {
      parents.get(fk.table)?.add(fk.references);
    }
  }
  const byName = [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const placed = new Set<string>();
  const ordered: T[] = [];
  while (ordered.length < byName.length) {
    const ready = byName.find(
      (t) => !placed.has(t.name) && [...(parents.get(t.name) ?? [])].every((p) => placed.has(p)),
    );
    const next = ready ?? byName.find((t) => !placed.has(t.name));
    if (!next) break;
    placed.add(next.name);
    ordered.push(next);
  }
  return ordered;
}

export interface DumpResult {
  header: BackupHeader;
  tables: number;
  rows: number;
}

/** The tables a backup holds, in dependency order; refuses one that vaern_definer cannot read in full. */
export async function backupTables(tx: MaintenanceTx): Promise<q.CatalogTable[]> {
  const tables = (await q.listTables(tx)).filter((t) => !EXCLUDED_TABLES.has(t.name));
  for (const t of tables) {
    if (!t.definer_reads) throw new AppError(500, 'backup.not_readable', { table: t.name });
  }
  return dependencyOrder(tables, await q.listForeignKeys(tx));
}

/**
 * Writes the plaintext of a backup (JSON lines) inside one maintenance transaction: the header,
 * then each table's rows in primary-key order with its closing count and SHA-256, then the totals.
 * Rows are fetched from a cursor in batches bounded by rows and by bytes (the batch size adapts to
 * the largest row seen, so 1 MiB file chunks come a few at a time).
 */
export async function writeDump(
  tx: MaintenanceTx,
  write: (text: string) => Promise<void>,
  meta: { engine: 'pglite' | 'postgres'; serverVersion: string; createdAt: Date },
): Promise<DumpResult> {
  const catalog = await backupTables(tx);
  const { migrations, sequences } = await tx.asOwner(async () => {
    const applied = await q.appliedMigrations(tx);
    const seqs = [];
    for (const name of await q.listSequences(tx)) seqs.push({ name, ...(await q.readSequence(tx, name)) });
    return { migrations: applied, sequences: seqs };
  });
  const tables: BackupTable[] = [];
  for (const t of catalog) {
    tables.push({
      name: t.name,
      columns: t.columns,
      primary_key: t.primary_key,
      rows: await q.countRows(tx, t.name),
    });
  }
  const header: BackupHeader = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    schema: migrations.at(-1) ?? '',
    migrations,
    created_at: meta.createdAt.toISOString(),
    engine: meta.engine,
    server_version: meta.serverVersion,
    left_out: [...LEFT_OUT],
    tables,
    sequences,
  };
  await write(`${controlLine(['header', header])}\n`);

  let total = 0;
  for (const table of tables) {
    await write(`${controlLine(['table', table.name])}\n`);
    const hash = createHash('sha256');
    let count = 0;
    await q.openRowCursor(
      tx,
      table.name,
      table.columns.map((c) => c.name),
      table.primary_key,
    );
    let fetchSize = 16;
    let longest = 1;
    for (;;) {
      const lines = await q.fetchRows(tx, fetchSize);
      if (lines.length === 0) break;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        if (line.length > longest) longest = line.length;
        // A raw newline can only be whitespace kept by a `json` (not jsonb) column: such a row is
        // written as one JSON string holding its text, so that every row stays one line.
        if (line.includes('\n')) lines[i] = JSON.stringify(line);
      }
      const text = `${lines.join('\n')}\n`;
      hash.update(text);
      count += lines.length;
      await write(text);
      if (lines.length < fetchSize) break;
      fetchSize = Math.max(1, Math.min(BATCH_ROWS, fetchSize * 4, Math.floor(BATCH_BYTES / longest)));
    }
    await q.closeRowCursor(tx);
    if (count !== table.rows) {
      // Within one snapshot this cannot differ; if it does, the backup is not consistent.
      throw new Error(`table ${table.name}: counted ${table.rows} rows but read ${count}`);
    }
    await write(`${controlLine(['end', { name: table.name, rows: count, sha256: hash.digest('hex') }])}\n`);
    total += count;
  }
  await write(`${controlLine(['done', { tables: tables.length, rows: total }])}\n`);
  return { header, tables: tables.length, rows: total };
}
