import { readdirSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { assertBuilt, runCli, TEST_SECRET, tempDir } from './cli.js';

describe('vaern usage (the built CLI as a process)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    assertBuilt();
    dir = tempDir();
    env = { VAERN_DATA_DIR: dir, VAERN_SECRET: TEST_SECRET };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists every command and exits 0; no command at all is a usage error', async () => {
    for (const args of [['--help'], ['help']]) {
      const r = await runCli(args, env);
      expect(r.code).toBe(0);
      for (const c of commands) expect(r.stdout).toContain(`  ${c.name} `);
    }
    const bare = await runCli([], env);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Usage: vaern <command>');
  });

  it('every command has --help, exits 0 and names its usage, without opening the database', async () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    for (const c of commands) {
      const r = await runCli([...c.name.split(' '), '--help'], env);
      expect(r.code, c.name).toBe(0);
      expect(r.stdout, c.name).toContain(`Usage: vaern ${c.name}`);
      expect(r.stdout, c.name).toContain('--json');
    }
    expect(readdirSync(dir)).not.toContain('pgdata');
  });

  it('an unknown command exits 2 and shows the commands', async () => {
    const r = await runCli(['frobnicate', '--json'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command: frobnicate');
    expect(r.stderr).toContain('org create');
  });

  it('a missing or unknown option or a stray argument exits 2 with the usage', async () => {
    const missing = await runCli(['org', 'create', '--name', 'X', '--kind', 'region'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--slug is required');
    expect(missing.stderr).toContain('Usage: vaern org create');

    const unknown = await runCli(['org', 'list', '--colour'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage: vaern org list');

    const stray = await runCli(['org', 'list', 'extra'], env);
    expect(stray.code).toBe(2);

    const pair = await runCli(
      ['user', 'create', '--email', 'a@example.dk', '--name', 'A', '--org', 'x'],
      env,
    );
    expect(pair.code).toBe(2);
    expect(pair.stderr).toContain('--org and --role go together');
  });

  it('DATABASE_URL without VAERN_SECRET is a clear start-up error (exit 1) before anything connects', async () => {
    const noSecret = { VAERN_DATA_DIR: dir, DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' };
    for (const args of [['serve', '--port', '0'], ['org', 'list'], ['migrate']]) {
      const r = await runCli(args, noSecret);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('VAERN_SECRET is required when DATABASE_URL is set');
      expect(r.stderr).not.toContain('unexpected error');
    }
    const json = await runCli(['org', 'list', '--json'], noSecret);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false });
  });

  it('an invalid configuration value is refused with the variable named', async () => {
    const r = await runCli(['org', 'list'], { ...env, PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PORT');
  });
});
