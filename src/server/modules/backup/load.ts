import type { MaintenanceTx } from '../../db/maintenance.js';
import { AppError, conflict } from '../../lib/errors.js';
import type { BackupHeader } from './format.js';
import * as q from './queries.js';
import type { BackupEvent } from './reader.js';
import './messages.js';

export interface LoadResult {
  tables: number;
  rows: number;
  bytes: number;
  /** Tables that held rows before the load (seeded by a migration): replaced by the backup's rows. */
  replaced: Array<{ table: string; rows: number }>;
}

/** Refuses a target with organisations, users or an audit trail: restore never merges. */
export async function assertEmpty(tx: MaintenanceTx): Promise<void> {
  const has = await q.instanceContents(tx);
  const tables = [
    has.organisations ? 'organisations' : undefined,
    has.users ? 'users' : undefined,
    has.audit_entries ? 'audit_log' : undefined,
  ].filter((t): t is string => t !== undefined);
  if (tables.length > 0) throw conflict('backup.target_not_empty', { tables: tables.join(', ') });
}

/** Every table and column of the backup must exist here (columns added since then take their defaults). */
async function matchSchema(tx: MaintenanceTx, header: BackupHeader): Promise<void> {
  const target = new Map((await q.listTables(tx)).map((t) => [t.name, t]));
  for (const table of header.tables) {
    const here = target.get(table.name);
    if (!here) throw new AppError(400, 'backup.table_missing', { table: table.name });
    const columns = new Set(here.columns.map((c) => c.name));
    for (const c of table.columns) {
      if (!columns.has(c.name))
        throw new AppError(400, 'backup.column_missing', { table: table.name, column: c.name });
    }
    if (!here.definer_writes) throw new AppError(500, 'backup.not_writable', { table: table.name });
  }
}

/**
 * Loads a backup's rows into this database inside the caller's maintenance transaction: foreign
 * keys of the restored tables are dropped and user triggers switched off while rows go in (so
 * neither row order nor self-references nor cycles matter, and no trigger rewrites what is
 * restored), then the keys are re-created, which checks every reference once, the triggers
 * switched back on and sequences set. Any failure rolls the whole transaction back.
 */
export async function loadBackup(
  tx: MaintenanceTx,
  header: BackupHeader,
  events: AsyncIterable<BackupEvent>,
): Promise<LoadResult> {
  await matchSchema(tx, header);
  const restored = new Set(header.tables.map((t) => t.name));
  const foreignKeys = (await q.listForeignKeys(tx)).filter((fk) => restored.has(fk.table));
  const triggers: Array<{ table: string; trigger: string }> = [];
  for (const table of header.tables) {
    for (const trigger of await q.enabledUserTriggers(tx, table.name))
      triggers.push({ table: table.name, trigger });
  }
  await tx.asOwner(async () => {
    for (const fk of foreignKeys) await q.dropForeignKey(tx, fk);
    for (const t of triggers) await q.setTrigger(tx, t.table, t.trigger, false);
  });

  const replaced: LoadResult['replaced'] = [];
  for (const table of header.tables) {
    if ((await q.countRows(tx, table.name)) === 0) continue;
    replaced.push({ table: table.name, rows: await q.deleteAllRows(tx, table.name) });
  }

  const inserted = new Map<string, number>();
  let done: Extract<BackupEvent, { type: 'done' }> | undefined;
  for await (const event of events) {
    if (event.type === 'rows') {
      const columns = event.table.columns.map((c) => c.name);
      const n = await q.insertRows(tx, event.table.name, columns, event.lines);
      inserted.set(event.table.name, (inserted.get(event.table.name) ?? 0) + n);
    } else if (event.type === 'end') {
      const n = inserted.get(event.table.name) ?? 0;
      if (n !== event.rows) {
        throw new AppError(400, 'backup.count_mismatch', {
          table: event.table.name,
          expected: event.rows,
          actual: n,
        });
      }
    } else if (event.type === 'done') {
      done = event;
    }
  }
  if (!done) throw new AppError(400, 'backup.truncated');

  const sequences = new Set(await q.listSequences(tx));
  await tx.asOwner(async () => {
    for (const fk of foreignKeys) await q.addForeignKey(tx, fk);
    for (const t of triggers) await q.setTrigger(tx, t.table, t.trigger, true);
    for (const s of header.sequences) {
      if (sequences.has(s.name)) await q.setSequence(tx, s.name, s.last_value, s.is_called);
    }
  });
  return { tables: done.tables, rows: done.rows, bytes: done.bytes, replaced };
}
