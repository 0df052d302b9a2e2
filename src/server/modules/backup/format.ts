import { z } from 'zod';

/**
 * The backup format (docs/backup.md): an outer binary envelope of AES-256-GCM frames around a
 * gzip stream of JSON lines. Control lines are JSON arrays `[kind, payload]`; row lines are the
 * JSON objects of row_to_json, one per row.
 */
export const FORMAT_NAME = 'vaern-backup';
export const FORMAT_VERSION = 1;

/** What a backup never contains, as the summaries name it. */
export const LEFT_OUT = ['sessions', 'pgboss.*'] as const;

/** Tables of the public schema that are not backed up: sessions, and the migrations (in the header). */
export const EXCLUDED_TABLES: ReadonlySet<string> = new Set(['sessions', 'vaern_migrations']);

export const columnSchema = z.object({ name: z.string().min(1), type: z.string().min(1) });

export const tableSchema = z.object({
  name: z.string().min(1),
  columns: z.array(columnSchema).min(1),
  primary_key: z.array(z.string()),
  rows: z.number().int().min(0),
});

export const sequenceSchema = z.object({
  name: z.string().min(1),
  last_value: z.string().regex(/^-?\d+$/),
  is_called: z.boolean(),
});

export const headerSchema = z.object({
  format: z.literal(FORMAT_NAME),
  version: z.number().int(),
  /** The newest applied migration of the instance that made the backup. */
  schema: z.string(),
  migrations: z.array(z.string()),
  created_at: z.string(),
  engine: z.enum(['pglite', 'postgres']),
  server_version: z.string(),
  left_out: z.array(z.string()),
  tables: z.array(tableSchema),
  sequences: z.array(sequenceSchema),
});

export type BackupHeader = z.infer<typeof headerSchema>;
export type BackupTable = z.infer<typeof tableSchema>;
export type BackupSequence = z.infer<typeof sequenceSchema>;

/** The closing line of one table: its row count and the SHA-256 of its row lines, each with its newline. */
export const tableEndSchema = z.object({
  name: z.string(),
  rows: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const doneSchema = z.object({ tables: z.number().int().min(0), rows: z.number().int().min(0) });

export type ControlLine =
  | ['header', BackupHeader]
  | ['table', string]
  | ['end', z.infer<typeof tableEndSchema>]
  | ['done', z.infer<typeof doneSchema>];

export const controlLine = (line: ControlLine): string => JSON.stringify(line);

/** Rows per insert or fetch, and bytes of JSON per batch (file chunks are up to ~1 MiB each). */
export const BATCH_ROWS = 5000;
export const BATCH_BYTES = 8 * 1024 * 1024;
