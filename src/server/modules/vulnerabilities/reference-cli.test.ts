import { describe, expect, it } from 'vitest';
import { describeCliEmbedded, describeCliOnPostgres, type Env, runCli } from '../../../../test/cli/cli.js';
import { corpus } from '../../../../test/corpora.js';

/** `vaern import kev|epss FILE`: without --org, into the one sector unit organisation. */

const KEV_FILE = corpus('advisories', 'kev', 'known_exploited_vulnerabilities.json');
const EPSS_FILE = corpus('advisories', 'epss', 'epss_scores-synthetic.csv');
const parse = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');

function cliSuite(env: () => Env) {
  it('imports into the sector unit without --org, and refuses when that is ambiguous', async () => {
    // A fresh instance of the built CLI has no organisations yet.
    const none = await runCli(['import', 'kev', KEV_FILE, '--json'], env());
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('there is no sector unit organisation');
    const created = await runCli(
      ['org', 'create', '--slug', 'sektor', '--name', 'Sektorenheden', '--kind', 'sector_unit'],
      env(),
    );
    expect(created.code, created.stderr).toBe(0);
    // 1,404 entries: `jq '.vulnerabilities|length' known_exploited_vulnerabilities.json`.
    const kev = await runCli(['import', 'kev', KEV_FILE, '--json'], env());
    expect(kev.code, kev.stderr).toBe(0);
    expect(parse(kev.stdout)).toMatchObject({ status: 'succeeded', rows: 1404, created: 1404, removed: 0 });

    const second = await runCli(
      ['org', 'create', '--slug', 'sektor-2', '--name', 'Sektorenhed 2', '--kind', 'sector_unit'],
      env(),
    );
    expect(second.code, second.stderr).toBe(0);
    const ambiguous = await runCli(['import', 'epss', EPSS_FILE, '--json'], env());
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('more than one sector unit organisation');
    // 1,000 data rows: `wc -l` is 1,002 (comment line, header); 995 distinct CVEs.
    const epss = await runCli(['import', 'epss', '--org', 'sektor-2', EPSS_FILE, '--json'], env());
    expect(epss.code, epss.stderr).toBe(0);
    expect(parse(epss.stdout)).toMatchObject({
      status: 'succeeded',
      rows: 1000,
      created: 995,
      duplicates: 5,
    });
  });
}

describe('vaern import kev|epss', () => {
  describeCliEmbedded('vaern import kev|epss', cliSuite);
  describeCliOnPostgres('vaern import kev|epss', cliSuite);
});
