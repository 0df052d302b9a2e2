import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SECTOR_SLUG, DEMO_TOTP_SECRET, DEMO_USERS } from '../../src/seeds/demo.js';
import {
  assertBuilt,
  exerciseDirectoryCommands,
  readLockFile,
  runCli,
  runJson,
  type Served,
  startServe,
  TEST_SECRET,
  tempDir,
} from './cli.js';

/**
 * `vaern serve` on a fresh embedded data directory: the first start loads the demo sector, the
 * server holds the directory's lock, and every CLI command reaches it over its Unix socket.
 */
describe('vaern while `vaern serve` runs on the same embedded data directory (Unix socket)', () => {
  let dir: string;
  let env: Record<string, string>;
  let served: Served;
  beforeAll(async () => {
    assertBuilt();
    dir = tempDir();
    env = { VAERN_DATA_DIR: dir, VAERN_SECRET: TEST_SECRET };
    served = await startServe(env);
  });
  afterAll(async () => {
    await served?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the first start loaded the demo sector and printed the URL and every demo login', async () => {
    const out = served.output();
    expect(out).toContain('loaded the demo sector');
    for (const u of DEMO_USERS) {
      expect(out).toContain(u.email);
      expect(out).toContain(u.password);
    }
    expect(out).toContain(DEMO_TOTP_SECRET);
    expect(out.indexOf('Demo logins')).toBeLessThan(out.indexOf('Værn is running on'));

    const orgs = await runJson<{ items: Array<{ slug: string; kind: string }> }>(['org', 'list'], env);
    expect(orgs.items.find((o) => o.slug === DEMO_SECTOR_SLUG)?.kind).toBe('sector_unit');
    expect(orgs.items.filter((o) => o.kind === 'region').map((o) => o.slug)).toEqual([
      'region-hovedstaden',
      'region-midtjylland',
      'region-nordjylland',
      'region-sjaelland',
      'region-syddanmark',
    ]);
    for (const kind of ['hospital', 'municipality', 'practice', 'pharmacy', 'supplier']) {
      expect(
        orgs.items.some((o) => o.kind === kind),
        kind,
      ).toBe(true);
    }
  });

  it('the lock file names the server and a short socket path whose mode is 0600', () => {
    const lock = readLockFile(dir);
    expect(lock.pid).toBe(served.child.pid);
    expect(lock.role).toBe('server');
    const socket = lock.socket ?? '';
    expect(socket).not.toBe('');
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(100);
    const st = statSync(socket);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('org, user and token commands go through the socket, and the server sees the result', async () => {
    const { hospital } = await exerciseDirectoryCommands(env, 'socket');
    const { token } = await runJson<{ token: string }>(
      ['token', 'create', '--org', hospital, '--role', 'auditor', '--name', 'reader'],
      env,
    );
    const res = await fetch(`${served.url}/api/v1/orgs?limit=200`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ slug: string }> };
    expect(body.items.map((o) => o.slug)).toEqual(expect.arrayContaining([hospital, 'region-socket']));
    // The commands never opened the directory themselves: the server still holds it.
    expect(readLockFile(dir).pid).toBe(served.child.pid);
  });

  it('seed demo with the server running: already loaded, nothing to do (exit 0)', async () => {
    const r = await runCli(['seed', 'demo'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('already loaded');
  });

  it('a second `serve` on the same directory is refused with exit 1 and a clear message', async () => {
    const r = await runCli(['serve', '--port', '0'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The data directory ${dir} is in use by process ${served.child.pid}`);
    expect(r.stdout).not.toContain('Værn is running on');
    expect(r.stdout).not.toContain('demo');
    // The first server is untouched: same lock, still answering.
    expect(readLockFile(dir).pid).toBe(served.child.pid);
    const ready = await fetch(`${served.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('stopping the server releases the lock and removes its socket; the CLI then works in-process', async () => {
    const socket = readLockFile(dir).socket ?? '';
    await served.stop();
    expect(existsSync(path.join(dir, 'vaern.lock'))).toBe(false);
    expect(existsSync(socket)).toBe(false);
    const orgs = await runJson<{ items: Array<{ slug: string }> }>(['org', 'list'], env);
    expect(orgs.items.map((o) => o.slug)).toContain('hospital-socket');
  });
});
