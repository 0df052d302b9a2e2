import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  describeCliOnPostgres,
  type Env,
  runCli,
  startServe,
  TEST_SECRET,
  tempDir,
} from '../../../test/cli/cli.js';

/**
 * `vaern import` as an operator runs it: the built CLI, in its own process, on an embedded data
 * directory (in-process, then through a running server's socket) and against PostgreSQL.
 */

const GOOD = 'email,name,role,locale\nanne@example.dk,Anne Holm,admin,en\nbo@example.dk,Bo Lund,member,\n';
const BAD =
  'email,name,role\nanne@example.dk,Anne Holm,member\nnot-mail,,boss\nANNE@example.dk,Again,member\n';

const parse = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');

function suite(env: () => Env, dir: () => string) {
  const file = (name: string, text: string) => {
    const p = path.join(dir(), name);
    writeFileSync(p, text);
    return p;
  };

  it('imports a clean file (exit 0) and refuses a bad one whole (exit 1), printing the summary', async () => {
    const org = await runCli(['org', 'create', '--slug', 'x', '--name', 'X', '--kind', 'hospital'], env());
    expect(org.code, org.stderr).toBe(0);

    const ok = await runCli(['import', 'users', '--org', 'x', file('ok.csv', GOOD), '--json'], env());
    expect(ok.code, ok.stderr).toBe(0);
    expect(parse(ok.stdout)).toEqual({
      import_id: expect.any(String),
      status: 'succeeded',
      rows: 2,
      created: 2,
      updated: 0,
      unchanged: 0,
      errors: 0,
      error_list: [],
    });

    const again = await runCli(['import', 'users', '--org', 'x', file('ok.csv', GOOD), '--json'], env());
    expect(again.code).toBe(0);
    expect(parse(again.stdout)).toMatchObject({ status: 'succeeded', created: 0, unchanged: 2 });

    const bad = await runCli(['import', 'users', '--org', 'x', file('bad.csv', BAD), '--json'], env());
    expect(bad.code).toBe(1);
    expect(parse(bad.stdout)).toEqual({
      import_id: expect.any(String),
      status: 'refused',
      rows: 3,
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: 4,
      error_list: [
        { row: 3, column: 'email', message: '"not-mail" is not an e-mail address.' },
        { row: 3, column: 'name', message: 'A value is required.' },
        { row: 3, column: 'role', message: expect.stringMatching(/^"boss" is not one of: admin/) },
        { row: 4, column: 'email', message: '"anne@example.dk" also appears in row 2.' },
      ],
    });

    // Without --json a person reads the refusal, row by row, on stderr.
    const human = await runCli(['import', 'users', '--org', 'x', file('bad.csv', BAD)], env());
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('Refused: bad.csv was not imported; nothing was changed (4 error(s)).');
    expect(human.stderr).toContain('row 4, email: "anne@example.dk" also appears in row 2.');

    const missing = await runCli(['import', 'users', '--org', 'x', path.join(dir(), 'nope.csv')], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    const usage = await runCli(['import', 'users', file('ok.csv', GOOD)], env());
    expect(usage.code).toBe(2);
  });
}

describe('vaern import (built CLI, embedded database)', () => {
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

  it('imports through a running server too', async () => {
    const served = await startServe(env);
    try {
      const p = path.join(dir, 'more.csv');
      writeFileSync(p, 'email;name;role\ncarl@example.dk;Carl;auditor\n');
      const r = await runCli(['import', 'users', '--org', 'x', p, '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(parse(r.stdout)).toMatchObject({ status: 'succeeded', rows: 1, created: 1 });
    } finally {
      await served.stop();
    }
  });
});

describeCliOnPostgres('vaern import', suite);
