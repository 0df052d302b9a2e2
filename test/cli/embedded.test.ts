import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SECTOR_SLUG, DEMO_USERS } from '../../src/seeds/demo.js';
import { assertBuilt, exerciseDirectoryCommands, runCli, runJson, TEST_SECRET, tempDir } from './cli.js';

/** Without a server, each command takes the data directory's lock and opens the database itself. */
describe('vaern on an embedded data directory, no server running (in-process)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    assertBuilt();
    dir = tempDir();
    env = { VAERN_DATA_DIR: dir, VAERN_SECRET: TEST_SECRET };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('org, user and token commands work and leave no lock behind', async () => {
    await exerciseDirectoryCommands(env, 'inproc');
    expect(existsSync(path.join(dir, 'pgdata'))).toBe(true);
    expect(existsSync(path.join(dir, 'vaern.lock'))).toBe(false);
  });

  it('a stale lock (its process is gone) is taken over', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(
      path.join(dir, 'vaern.lock'),
      JSON.stringify({
        pid: gone,
        start: '1',
        since: '2026-01-01T00:00:00.000Z',
        role: 'server',
        socket: path.join(dir, 'gone.sock'),
      }),
    );
    const listed = await runJson<{ items: Array<{ slug: string }> }>(['org', 'list'], env);
    expect(listed.items.map((o) => o.slug)).toContain('region-inproc');
    expect(existsSync(path.join(dir, 'vaern.lock'))).toBe(false);
  });

  it('a lock whose pid now belongs to another process (a different start time) is stale too', async () => {
    writeFileSync(
      path.join(dir, 'vaern.lock'),
      JSON.stringify({ pid: process.pid, start: 'not-this-process', since: 'then', role: 'server' }),
    );
    const r = await runCli(['org', 'list', '--json'], env);
    expect(r.code).toBe(0);
    expect(existsSync(path.join(dir, 'vaern.lock'))).toBe(false);
  });

  it('a live lock without a socket (another CLI or a starting server) is refused, exit 1', async () => {
    // This test process is alive: its own pid and start time make a live lock.
    const start = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const startTime = start.slice(start.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(
      path.join(dir, 'vaern.lock'),
      JSON.stringify({ pid: process.pid, start: startTime, since: 'now', role: 'cli' }),
    );
    try {
      const r = await runCli(['org', 'list'], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`is in use by process ${process.pid}`);
    } finally {
      rmSync(path.join(dir, 'vaern.lock'), { force: true });
    }
  });

  it('seed demo loads the demo sector once; again it says so and changes nothing (exit 0)', async () => {
    const seeded = await runJson<{
      loaded: boolean;
      logins: Array<{ role: string; email: string; password: string; totp_secret: string | null }>;
    }>(['seed', 'demo'], env);
    expect(seeded.loaded).toBe(true);
    expect(seeded.logins.map((l) => l.email).sort()).toEqual(DEMO_USERS.map((u) => u.email).sort());
    const roles = new Set(seeded.logins.map((l) => l.role));
    for (const role of [
      'platform_admin',
      'admin',
      'security_officer',
      'system_owner',
      'management',
      'auditor',
      'member',
      'sector_coordinator',
    ]) {
      expect(roles, role).toContain(role);
    }
    for (const l of seeded.logins) {
      const mfa = ['platform_admin', 'admin', 'security_officer', 'management', 'sector_coordinator'];
      expect(l.totp_secret !== null, l.email).toBe(mfa.includes(l.role));
    }

    const orgs = await runJson<{ items: Array<{ slug: string; kind: string; parent: string | null }> }>(
      ['org', 'list'],
      env,
    );
    const regions = orgs.items.filter((o) => o.kind === 'region' && o.slug !== 'region-inproc');
    expect(regions).toHaveLength(5);
    for (const region of regions) {
      expect(
        orgs.items.some((o) => o.kind === 'hospital' && o.parent === region.slug),
        region.slug,
      ).toBe(true);
    }
    expect(orgs.items.find((o) => o.slug === DEMO_SECTOR_SLUG)?.kind).toBe('sector_unit');
    const users = await runJson<{ items: Array<{ email: string; mfa_enabled: boolean }> }>(
      ['user', 'list'],
      env,
    );
    for (const l of seeded.logins) {
      expect(users.items.find((u) => u.email === l.email)?.mfa_enabled, l.email).toBe(l.totp_secret !== null);
    }

    const again = await runCli(['seed', 'demo'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already loaded');
    const after = await runJson<{ items: unknown[] }>(['org', 'list'], env);
    expect(after.items).toHaveLength(orgs.items.length);
  });
});
