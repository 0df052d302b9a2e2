import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/paths.js';
import { PLATFORM_CHAIN } from './chain.js';

/**
 * `vaern audit verify` as a person runs it: the built CLI on an embedded data directory of its
 * own, then the same directory tampered with by someone who opens the database directly.
 */
const main = path.join(packageRoot, 'dist', 'cli', 'main.js');

describe('vaern audit verify (built CLI, embedded database)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const vaern = (...args: string[]) => {
    const r = spawnSync(process.execPath, [main, ...args], { env, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const json = (...args: string[]) => {
    const r = vaern(...args, '--json');
    return {
      status: r.status,
      body: JSON.parse(r.stdout.trim().split('\n').at(-1) ?? 'null'),
      stderr: r.stderr,
    };
  };
  /** Opens the data directory's database as its superuser, with the trail's triggers off. */
  const tamper = async (script: string) => {
    const db = await PGlite.create(path.join(dir, 'pgdata'));
    try {
      await db.exec(`alter table audit_log disable trigger user;
                     ${script};
                     alter table audit_log enable trigger user;`);
    } finally {
      await db.close();
    }
  };

  beforeAll(() => {
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'vaern-cli-audit-'));
    env = { ...process.env, VAERN_DATA_DIR: dir, VAERN_SECRET: 'cli-test-secret-cli-test-secret-0123456' };
    for (const key of ['DATABASE_URL', 'VAERN_AUDIT_ANCHORS', 'PORT']) delete env[key];
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 with ok and counts on an intact trail, 1 with every problem once it is tampered with', async () => {
    const created = json('org', 'create', '--slug', 'cli-a', '--name', 'CLI A', '--kind', 'hospital');
    expect(created.status, created.stderr).toBe(0);
    const a: string = created.body.id;
    expect(vaern('org', 'create', '--slug', 'cli-b', '--name', 'CLI B', '--kind', 'practice').status).toBe(0);
    for (const name of ['scanner', 'siem']) {
      expect(vaern('token', 'create', '--org', 'cli-a', '--role', 'auditor', '--name', name).status).toBe(0);
    }

    const intact = json('audit', 'verify');
    expect(intact.status, intact.stderr).toBe(0);
    expect(intact.body).toEqual({ ok: true, chains: 2, entries: 4, problems: [] });
    const text = vaern('audit', 'verify');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('intact: 2 chain(s) and 4 entries verified');

    await tamper(`update audit_log set after = jsonb_set(after, '{name}', '"Forged"')
                  where org_id = '${PLATFORM_CHAIN}' and seq = 2;
                  delete from audit_log where org_id = '${a}' and seq = 1`);
    const broken = json('audit', 'verify');
    expect(broken.status).toBe(1);
    expect(broken.body).toEqual({
      ok: false,
      problems: [
        { chain: PLATFORM_CHAIN, seq: 2, kind: 'altered' },
        { chain: a, seq: 1, kind: 'removed' },
      ],
    });
    const readable = vaern('audit', 'verify');
    expect(readable.status).toBe(1);
    expect(readable.stdout).toContain('NOT intact: 2 problem(s)');
    expect(readable.stdout).toContain(`platform (${PLATFORM_CHAIN})`);
    expect(readable.stdout).toContain(`cli-a (${a})`);
    expect(readable.stdout).toMatch(/seq +1 {2}removed/);

    // The whole table emptied: every chain is truncated, caught by the heads and the anchors.
    await tamper('truncate audit_log');
    const emptied = json('audit', 'verify', '--anchors', path.join(dir, 'audit-anchors.jsonl'));
    expect(emptied.status).toBe(1);
    expect(emptied.body.problems).toEqual(
      [PLATFORM_CHAIN, a].sort().map((chain) => ({ chain, seq: 1, kind: 'truncated' })),
    );
    const missing = json('audit', 'verify', '--anchors', path.join(dir, 'nowhere.jsonl'));
    expect(missing.status).toBe(1);
    expect(missing.body.ok).toBe(false);
    expect(missing.stderr).toContain('nowhere.jsonl');
  }, 300_000); // ten CLI runs, each opening the embedded database
});
