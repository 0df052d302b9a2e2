import {
  createReadStream,
  createWriteStream,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../server/config.js';
import { readLock } from '../../server/db/lock.js';
import { AppError } from '../../server/lib/errors.js';
import { translate } from '../../server/lib/messages.js';
import { readBackup, verifyBackup } from '../../server/modules/backup/reader.js';
import { restoreBackup } from '../../server/modules/backup/service.js';
import { openRuntime } from '../../server/runtime.js';
import { connect } from '../client.js';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';

const LEFT_OUT = 'sessions (people sign in again) and the job queue pgboss.* (queued jobs)';

/** The service's refusals, as the operator reads them. */
function asCliError(error: unknown): unknown {
  if (error instanceof AppError) return new CliError(translate(error.code, 'en', error.params));
  return error;
}

const seconds = (since: number) => Math.round((performance.now() - since) / 10) / 100;
const megabytes = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function fileArgument(positionals: string[]): string {
  const file = positionals[0];
  if (!file) throw new CliError('name the backup file');
  return path.resolve(file);
}

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Write an encrypted backup of the whole instance to FILE (online: the server keeps running)',
  usage: 'FILE',
  help: [
    'FILE   where to write the backup; written as FILE.partial and renamed once it is complete',
    '       and read back (decrypted and checked) without error',
    'Encrypted with a key derived from VAERN_SECRET: keep the secret, or the backup cannot be restored.',
    'Leaves out sessions and the job queue (pgboss.*). See docs/backup.md.',
  ],
  options: {},
  positionals: [1, 1],
  async run({ positionals, io }) {
    const file = fileArgument(positionals);
    const partial = `${file}.partial`;
    const config = loadConfig();
    const started = performance.now();
    const client = await connect(config);
    try {
      const body = await client.download('/api/v1/operator/backup');
      await pipeline(body, createWriteStream(partial, { mode: 0o600 }));
      const written = await open(partial, 'r');
      try {
        await written.sync(); // on disk before it is renamed into place
      } finally {
        await written.close();
      }
      const checked = await verifyBackup(createReadStream(partial), config.secret);
      renameSync(partial, file);
      const summary = {
        file,
        tables: checked.tables,
        rows: checked.rows,
        bytes: checked.bytes,
        seconds: seconds(started),
        schema: checked.header.schema,
        left_out: checked.header.left_out,
      };
      io.emit(summary);
      io.say(
        `Backup written to ${file}: ${summary.tables} tables, ${summary.rows} rows, ${megabytes(summary.bytes)} in ${summary.seconds} s.`,
      );
      io.say(`Schema ${summary.schema}; not in a backup: ${LEFT_OUT}.`);
      return 0;
    } catch (error) {
      rmSync(partial, { force: true });
      const known = asCliError(error);
      if (known instanceof CliError) throw new CliError(`${known.message} No file was written.`);
      throw new CliError(
        `The backup failed: ${(error as Error).message}. No file was written${client.mode === 'socket' ? ' (the server logs the cause)' : ''}.`,
      );
    } finally {
      await client.close();
    }
  },
};

/** Checks the secret and the schema from the file's first frame, before any database is opened. */
async function readHeader(file: string, secret: string) {
  const events = readBackup(createReadStream(file), secret);
  try {
    const first = await events.next();
    if (first.done || first.value.type !== 'header') throw new CliError('This file is not a Værn backup.');
    return first.value.header;
  } finally {
    await events.return(undefined);
  }
}

const PROBE_SECRET = 'restore-probe-restore-probe-restore-probe';

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Restore a backup from FILE into an empty instance (embedded or PostgreSQL)',
  usage: 'FILE',
  help: [
    'FILE   a file written by `vaern backup`',
    'The instance must be empty (a new VAERN_DATA_DIR, or an empty database in DATABASE_URL) and',
    'no server may run on it. VAERN_SECRET must be the secret of the instance that made the backup',
    '(for an embedded instance: the file `secret` in its data directory). Nothing is written unless',
    'the whole backup restores. Sessions and queued jobs are not in a backup.',
  ],
  options: {},
  positionals: [1, 1],
  async run({ positionals, io }) {
    const file = fileArgument(positionals);
    if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`No such file: ${file}`);
    // Where the instance lives, without generating a secret for a new embedded data directory.
    const secretFromEnv = Boolean(process.env.VAERN_SECRET);
    const located = loadConfig({ ...process.env, VAERN_SECRET: process.env.VAERN_SECRET || PROBE_SECRET });
    const secretFile = path.join(located.dataDir, 'secret');
    if (located.mode === 'embedded') {
      const holder = readLock(located.dataDir);
      if (holder) {
        throw new CliError(
          `A Værn ${holder.role} (process ${holder.pid}) is running on ${located.dataDir}: stop the server first, then restore into an empty data directory.`,
        );
      }
      if (!secretFromEnv && !existsSync(secretFile)) {
        throw new CliError(
          'Set VAERN_SECRET to the secret of the instance that made the backup (for an embedded instance: the contents of the file `secret` in its data directory).',
        );
      }
    }
    const config = loadConfig();
    const started = performance.now();
    try {
      await readHeader(file, config.secret);
      const runtime = await openRuntime(config, { role: 'cli', jobs: false });
      let summary: Awaited<ReturnType<typeof restoreBackup>>;
      try {
        summary = await restoreBackup({
          ctx: runtime.ctx,
          actor: { kind: 'operator', label: 'cli' },
          input: createReadStream(file),
        });
      } finally {
        await runtime.close();
      }
      let secretNote: string | undefined;
      if (config.mode === 'embedded' && secretFromEnv) {
        if (!existsSync(secretFile)) {
          writeFileSync(secretFile, `${config.secret}\n`, { mode: 0o600, flag: 'wx' });
          secretNote = `The secret was stored in ${secretFile}, where an embedded instance keeps it.`;
        } else if (readFileSync(secretFile, 'utf8').trim() !== config.secret) {
          io.warn(
            `Warning: ${secretFile} holds another secret than VAERN_SECRET; start this instance with the same VAERN_SECRET, or replace that file's contents with it.`,
          );
        }
      }
      const result = { file, ...summary, seconds: seconds(started) };
      io.emit(result);
      io.say(
        `Restored ${result.tables} tables, ${result.rows} rows (${megabytes(result.bytes)}) in ${result.seconds} s from a backup made ${result.source.created_at} on ${result.source.engine} (schema ${result.schema}).`,
      );
      for (const r of result.replaced)
        io.say(`Replaced ${r.rows} row(s) of ${r.table} that this instance's migrations had seeded.`);
      io.say(`Not in a backup: ${LEFT_OUT}.`);
      io.say(
        `Wrote ${result.anchors} audit chain head(s) to ${config.auditAnchorsPath}; \`vaern audit verify\` checks the restored trail.`,
      );
      if (secretNote) io.say(secretNote);
      return 0;
    } catch (error) {
      // A database refusal (a reference that does not hold, a missing privilege) rolled the
      // transaction back; the operator needs its message, not a stack.
      const sqlState = (error as { code?: unknown }).code;
      if (!(error instanceof AppError) && typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState)) {
        throw new CliError(
          `The restore failed and was rolled back, nothing was restored: ${(error as Error).message}`,
        );
      }
      throw asCliError(error);
    }
  },
};
