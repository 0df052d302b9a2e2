import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { freshPostgresUrl } from '../databases.js';

/**
 * Runs the BUILT command line (`node dist/cli/main.js`) as its own process, the way an operator
 * does, with an environment made here: nothing leaks in from the test runner's (DATABASE_URL in
 * CI, for instance) unless a test passes it.
 */

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const TEST_SECRET = 'cli-test-secret-cli-test-secret-0123456789';

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does) first`);
}

export const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'vaern-cli-'));

export type Env = Record<string, string>;

function processEnv(env: Env): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.tmpdir(),
    VAERN_LOG_LEVEL: 'warn',
    ...env,
  };
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One command to completion; `input` is written to stdin (passwords). */
export function runCli(args: string[], env: Env, input = ''): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: processEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs a command that must succeed and prints one JSON document with --json. */
export async function runJson<T>(args: string[], env: Env, input = ''): Promise<T> {
  const r = await runCli([...args, '--json'], env, input);
  if (r.code !== 0) throw new Error(`vaern ${args.join(' ')} exited ${r.code}\n${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as T;
}

export interface Served {
  child: ChildProcess;
  url: string;
  /** Everything the server printed on stdout so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `vaern serve --port 0` and resolves once it prints its URL, which it does after the
 * database is open, migrated (and, on a fresh embedded directory, the demo loaded) and both the
 * port and the CLI socket listen. Rejects if the process ends first.
 */
export function startServe(env: Env): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env: processEnv(env) });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.once('exit', (code) =>
      reject(new Error(`vaern serve exited ${code} before it listened\n${stderr}${stdout}`)),
    );
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      const m = /Værn is running on (http:\/\/localhost:\d+)/.exec(stdout);
      if (m?.[1]) {
        resolve({
          child,
          url: m[1],
          output: () => stdout,
          async stop() {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

export interface LockFile {
  pid: number;
  start: string;
  role: string;
  socket?: string;
}

export const readLockFile = (dir: string): LockFile =>
  JSON.parse(readFileSync(path.join(dir, 'vaern.lock'), 'utf8')) as LockFile;

interface Org {
  id: string;
  slug: string;
  kind: string;
  parent: string | null;
  region: string | null;
}

/**
 * The directory commands an operator runs first, end to end through one way of reaching the
 * application layer (in-process, socket or PostgreSQL): org create/list, user create (password
 * on stdin)/list, token create/revoke. Returns what it created.
 */
export async function exerciseDirectoryCommands(env: Env, tag: string) {
  const region = `region-${tag}`;
  const hospital = `hospital-${tag}`;
  const created = await runJson<Org>(
    ['org', 'create', '--slug', region, '--name', `Region ${tag}`, '--kind', 'region'],
    env,
  );
  expect(created).toMatchObject({ slug: region, kind: 'region', parent: null });
  await runJson<Org>(
    [
      'org',
      'create',
      '--slug',
      hospital,
      '--name',
      `Hospital ${tag}`,
      '--kind',
      'hospital',
      '--parent',
      region,
    ],
    env,
  );

  const list = await runCli(['org', 'list', '--json'], env);
  expect(list.code).toBe(0);
  const listed = JSON.parse(list.stdout) as { items: Org[] };
  expect(Object.keys(listed)).toEqual(['items']);
  expect(listed.items.find((o) => o.slug === hospital)).toMatchObject({ kind: 'hospital', parent: region });

  const email = `officer-${tag}@example.dk`;
  const user = await runJson<{ email: string; platform_admin: boolean }>(
    [
      'user',
      'create',
      '--email',
      email,
      '--name',
      'Officer',
      '--org',
      hospital,
      '--role',
      'security_officer',
    ],
    env,
    'a long enough password\n',
  );
  expect(user).toMatchObject({ email, platform_admin: false });
  const users = await runJson<{ items: Array<{ email: string }> }>(['user', 'list'], env);
  expect(users.items.map((u) => u.email)).toContain(email);

  const token = await runJson<{ id: string; token: string }>(
    ['token', 'create', '--org', hospital, '--role', 'member', '--name', 'scanner'],
    env,
  );
  expect(Object.keys(token).sort()).toEqual(['id', 'token']);
  expect(token.token).toMatch(/^vaern_/);
  const revoked = await runJson<{ id: string; revoked_at: string | null }>(
    ['token', 'revoke', '--org', hospital, '--name', 'scanner'],
    env,
  );
  expect(revoked.id).toBe(token.id);
  expect(revoked.revoked_at).not.toBeNull();
  const again = await runCli(['token', 'revoke', '--org', hospital, '--name', 'scanner'], env);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('no active token named "scanner"');

  return { region, hospital, email };
}

/** A suite of tests of the built CLI, given its environment and its scratch directory. */
export type CliSuite = (env: () => Env, dir: () => string) => void;

/** Runs a CLI suite on a fresh embedded database in a scratch directory; `more` adds tests there. */
export function describeCliEmbedded(title: string, suite: CliSuite, more?: CliSuite): void {
  describe(`${title} (built CLI, embedded database)`, () => {
    let dir: string;
    let env: Env;
    beforeAll(() => {
      assertBuilt();
      dir = tempDir();
      env = { VAERN_DATA_DIR: path.join(dir, 'data'), VAERN_SECRET: TEST_SECRET };
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    suite(
      () => env,
      () => dir,
    );
    more?.(
      () => env,
      () => dir,
    );
  });
}

/** The same suite against a fresh PostgreSQL database; it runs where DATABASE_URL names a server. */
export function describeCliOnPostgres(title: string, suite: CliSuite): void {
  describe.skipIf(!process.env.DATABASE_URL /* reason: needs DATABASE_URL; CI sets it */)(
    `${title} (built CLI, PostgreSQL; needs DATABASE_URL)`,
    () => {
      let dir: string;
      let env: Env;
      let db: Awaited<ReturnType<typeof freshPostgresUrl>>;
      beforeAll(async () => {
        assertBuilt();
        dir = tempDir();
        db = await freshPostgresUrl();
        env = { DATABASE_URL: db.url, VAERN_SECRET: TEST_SECRET, VAERN_DATA_DIR: dir };
      });
      afterAll(async () => {
        await db?.drop();
        if (dir) rmSync(dir, { recursive: true, force: true });
      });
      suite(
        () => env,
        () => dir,
      );
    },
  );
}
