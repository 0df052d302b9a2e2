import type { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { AppContext } from '../../context.js';
import { withMaintenance } from '../../db/maintenance.js';
import { latestMigration, migrationFiles } from '../../db/migrate.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { AppError } from '../../lib/errors.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';
import { recordAudit } from '../audit/record.js';
import { backupTables, sinkOf, writeDump } from './dump.js';
import { type BackupHeader, LEFT_OUT } from './format.js';
import { FrameEncryptor } from './frames.js';
import { assertEmpty, loadBackup } from './load.js';
import { authorise, backupPolicy } from './policy.js';
import * as q from './queries.js';
import { readBackup } from './reader.js';
import './messages.js';

/** zlib level 1: most of the size gain at a fraction of the time (docs/backup.md, "Figures"). */
const GZIP_LEVEL = 1;

export interface BackupStream {
  /** The encrypted backup, produced while it is read; it errors (and never ends cleanly) on failure. */
  stream: Readable;
  filename: string;
}

/**
 * Starts an online backup: checks that every table can be read in full, records the export in the
 * platform's audit chain, then dumps the database in one read-only snapshot into gzip and the
 * encrypted envelope. The dump runs as the stream is read; a reader that goes away ends it.
 */
export async function createBackup(opts: { ctx: AppContext; actor: Actor }): Promise<BackupStream> {
  const { ctx, actor } = opts;
  authorise(backupPolicy.backup(actor));
  const tables = await withMaintenance(ctx.db, { readOnly: true }, (tx) => backupTables(tx));
  await withTenant(ctx.db.kysely, scopeOf(actor), (tx) =>
    recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor,
      action: 'instance.backup',
      after: { tables: tables.map((t) => t.name), left_out: [...LEFT_OUT] },
    }),
  );

  const createdAt = new Date();
  const gzip = createGzip({ level: GZIP_LEVEL });
  const encrypted = new FrameEncryptor(ctx.config.secret);
  gzip.pipe(encrypted);
  gzip.on('error', (error) => encrypted.destroy(error));
  let finished = false;
  encrypted.on('close', () => {
    if (!finished) gzip.destroy();
  });
  withMaintenance(ctx.db, { readOnly: true }, (tx) =>
    writeDump(tx, sinkOf(gzip), { engine: ctx.db.kind, serverVersion: ctx.db.serverVersion, createdAt }),
  ).then(
    (result) => {
      finished = true;
      gzip.end();
      ctx.log.info({ tables: result.tables, rows: result.rows }, 'backup written');
    },
    (error: Error) => {
      finished = true;
      ctx.log.error({ err: error }, 'backup failed');
      gzip.unpipe(encrypted);
      gzip.destroy();
      encrypted.fail(error.message);
    },
  );
  const stamp = createdAt.toISOString().replace(/[:.]/g, '-');
  return { stream: encrypted, filename: `vaern-${stamp}.vaernbak` };
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  bytes: number;
  schema: string;
  source: { engine: string; created_at: string };
  left_out: string[];
  replaced: Array<{ table: string; rows: number }>;
  /** Chain heads written to this instance's audit anchor file. */
  anchors: number;
}

/** A backup made by a newer Værn cannot be restored here: its tables may not exist yet. */
function assertKnownSchema(header: BackupHeader): void {
  const known = new Set(migrationFiles());
  if (header.migrations.some((m) => !known.has(m)) || (header.schema !== '' && !known.has(header.schema))) {
    throw new AppError(400, 'backup.newer_schema', {
      schema: header.schema,
      latest: latestMigration() ?? '',
    });
  }
}

/**
 * Restores a backup into this empty, migrated instance, in one transaction: a wrong secret, a
 * damaged or truncated file, a newer schema or a non-empty target leave nothing behind. The
 * restore is recorded in the platform's audit chain, and every chain head is then anchored in this
 * instance's anchor file (the chains themselves prove the restored entries).
 */
export async function restoreBackup(opts: {
  ctx: AppContext;
  actor: Actor;
  input: Readable;
}): Promise<RestoreSummary> {
  const { ctx, actor } = opts;
  authorise(backupPolicy.restore(actor));
  const events = readBackup(opts.input, ctx.config.secret);
  try {
    const first = await events.next();
    if (first.done || first.value.type !== 'header') throw new AppError(400, 'backup.not_a_backup');
    const header = first.value.header;
    assertKnownSchema(header);
    return await withMaintenance(ctx.db, { readOnly: false }, async (tx) => {
      await assertEmpty(tx);
      const loaded = await loadBackup(tx, header, { [Symbol.asyncIterator]: () => events });
      await recordAudit(tx, ctx.anchors, {
        chain: PLATFORM_CHAIN,
        actor,
        action: 'instance.restore',
        after: {
          backup_created_at: header.created_at,
          source_engine: header.engine,
          schema: header.schema,
          tables: loaded.tables,
          rows: loaded.rows,
        },
      });
      // recordAudit anchors the platform chain itself after commit; the others are anchored here.
      const heads = (await q.chainHeads(tx)).filter((h) => h.chain !== PLATFORM_CHAIN);
      tx.onCommit(() => ctx.anchors.append(heads));
      return {
        tables: loaded.tables,
        rows: loaded.rows,
        bytes: loaded.bytes,
        schema: header.schema,
        source: { engine: header.engine, created_at: header.created_at },
        left_out: header.left_out,
        replaced: loaded.replaced,
        anchors: heads.length + 1,
      };
    });
  } finally {
    await events.return(undefined);
  }
}
