import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Raised when the environment cannot start Værn; the message is meant for the operator. */
export class ConfigError extends Error {}

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  VAERN_DATA_DIR: z.string().min(1).default('./.vaern'),
  VAERN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  VAERN_MAIL_FROM: z.string().min(3).max(200).optional(),
  VAERN_PUBLIC_URL: z.url().optional(),
  VAERN_AUDIT_ANCHORS: z.string().min(1).optional(),
  VAERN_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(10_240).default(512),
  VAERN_TRUST_PROXY: z
    .string()
    .regex(/^[0-9a-fA-F.:/,\s]+$/, 'a comma-separated list of proxy addresses or CIDR ranges')
    .optional(),
  VAERN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // pg-boss takes no heartbeat under 10 s.
  VAERN_IMPORT_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  VAERN_JOBS_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
});

export interface Config {
  /** `embedded` runs PGlite in `dataDir`; `server` uses `databaseUrl`. */
  mode: 'embedded' | 'server';
  databaseUrl: string | undefined;
  port: number;
  dataDir: string;
  secret: string;
  smtpUrl: string | undefined;
  /** The From header of mail Værn sends (invitations, password resets). */
  mailFrom: string;
  publicUrl: string;
  auditAnchorsPath: string;
  maxUploadBytes: number;
  logLevel: z.infer<typeof envSchema>['VAERN_LOG_LEVEL'];
  /** Reverse proxies whose X-Forwarded-For is believed (client addresses for rate limits, audit). */
  trustProxy: string[];
  /**
   * Seconds without a heartbeat from the worker running an import after which its job counts as
   * cut off (the process died) and is retried (imports/jobs.ts).
   */
  importHeartbeatSeconds: number;
  /**
   * How often pg-boss's supervisor looks for such jobs (and for expired ones), in seconds: a dead
   * worker's import is retried at most this long after its heartbeat ran out.
   */
  jobsSuperviseSeconds: number;
}

/** Empty strings count as unset, as a shell `FOO= cmd` intends. */
function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/** The embedded secret is generated once and kept, mode 0600, in the data directory. */
function embeddedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** Parses the environment once. Secrets have no defaults: server mode refuses to start without one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: { port?: number } = {}): Config {
  const parsed = envSchema.safeParse(cleanEnv(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const mode = e.DATABASE_URL ? 'server' : 'embedded';
  const dataDir = path.resolve(e.VAERN_DATA_DIR);
  let secret = e.VAERN_SECRET;
  if (!secret) {
    if (mode === 'server') {
      throw new ConfigError(
        'VAERN_SECRET is required when DATABASE_URL is set. Generate one with `openssl rand -base64 32` and keep it safe: backups and the audit anchors depend on it.',
      );
    }
    secret = embeddedSecret(dataDir);
  }
  const port = overrides.port ?? e.PORT;
  const publicUrl = (e.VAERN_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  return {
    mode,
    databaseUrl: e.DATABASE_URL,
    port,
    dataDir,
    secret,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.VAERN_MAIL_FROM ?? `Værn <noreply@${new URL(publicUrl).hostname}>`,
    publicUrl,
    auditAnchorsPath: path.resolve(e.VAERN_AUDIT_ANCHORS ?? path.join(dataDir, 'audit-anchors.jsonl')),
    maxUploadBytes: e.VAERN_MAX_UPLOAD_MB * 1024 * 1024,
    logLevel: e.VAERN_LOG_LEVEL,
    trustProxy: (e.VAERN_TRUST_PROXY ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    importHeartbeatSeconds: e.VAERN_IMPORT_HEARTBEAT_SECONDS,
    jobsSuperviseSeconds: e.VAERN_JOBS_SUPERVISE_SECONDS,
  };
}
