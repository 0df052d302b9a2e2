import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeCliEmbedded, describeCliOnPostgres, type Env, runCli } from '../../../../test/cli/cli.js';
import { corpus } from '../../../../test/corpora.js';

/**
 * `vaern import scan` as an operator runs it: the built CLI, the real Nessus report
 * nessus_v_unknown.xml (30 findings on 7 hosts, 266 informational items; see scan-import.test.ts
 * for how they were counted), the summary of integer figures with --json.
 */

const parse = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');
const SYSTEMS = ['key;name;hostnames;ip_addresses', 'APP;Applikation;qa3app01;10.31.112.16/29'].join('\n');

function suite(env: () => Env, dir: () => string) {
  it('imports a Nessus report with a summary of integers, then knows the re-scan', async () => {
    expect(
      (await runCli(['org', 'create', '--slug', 'scn', '--name', 'Scan', '--kind', 'region'], env())).code,
    ).toBe(0);
    const systems = path.join(dir(), 'systems.csv');
    writeFileSync(systems, `${SYSTEMS}\n`);
    expect((await runCli(['import', 'systems', '--org', 'scn', systems], env())).code).toBe(0);
    const report = path.join(dir(), 'scan.nessus');
    copyFileSync(corpus('scans', 'nessus/nessus_v_unknown.xml'), report);

    const first = await runCli(
      ['import', 'scan', '--org', 'scn', '--format', 'nessus', report, '--json'],
      env(),
    );
    expect(first.code, first.stderr).toBe(0);
    const summary = parse(first.stdout);
    expect(summary).toMatchObject({
      status: 'succeeded',
      new: 30,
      still_open: 0,
      reopened: 0,
      closed: 0,
      informational: 266,
      // qa3app01–03 (.21–.23) map to APP; qa3app04–06 and 09 do not.
      unmapped_hosts: 4,
      unmapped_host_names: ['qa3app04', 'qa3app05', 'qa3app06', 'qa3app09'],
      errors: 0,
    });
    for (const key of [
      'new',
      'still_open',
      'reopened',
      'closed',
      'informational',
      'unmapped_hosts',
      'errors',
    ])
      expect(Number.isInteger(summary[key]), key).toBe(true);

    const again = await runCli(['import', 'scan', '--org', 'scn', '--format', 'nessus', report], env());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      '0 new, 30 still open, 0 reopened, 0 closed, 266 informational, 4 unmapped host(s)',
    );

    // Usage errors, before anything is sent: exit 2, naming the option.
    const noFormat = await runCli(['import', 'scan', '--org', 'scn', report], env());
    expect(noFormat.code, noFormat.stderr).toBe(2);
    expect(noFormat.stderr).toMatch(/--format/);
    const wrong = await runCli(['import', 'scan', '--org', 'scn', '--format', 'qualys', report], env());
    expect(wrong.code, wrong.stderr).toBe(2);
    expect(wrong.stderr).toMatch(/--format: .*nessus/);
    const sarif = await runCli(['import', 'scan', '--org', 'scn', '--format', 'sarif', report], env());
    expect(sarif.code, sarif.stderr).toBe(2);
    expect(sarif.stderr).toMatch(/--system: A SARIF file holds code findings/);
  });
}

describeCliEmbedded('vaern import scan', suite);
describeCliOnPostgres('vaern import scan', suite);
