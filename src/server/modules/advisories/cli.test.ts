import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeCliEmbedded, describeCliOnPostgres, type Env, runCli } from '../../../../test/cli/cli.js';
import { corpus } from '../../../../test/corpora.js';

/** `vaern import advisory FILE|DIR`: into the sector unit without --org; a directory file by file. */

const medical = (name: string) => corpus('advisories', 'csaf-medical', name);
const GOOD = ['icsma-17-009-01a.json', 'icsma-17-017-01.json', 'icsma-17-017-02.json'];
// No TLP label (`jq .document.distribution.tlp` is null): the importer's --tlp applies.
const UNLABELLED = corpus('advisories', 'csaf-examples', 'vex', '2022-evd-uc-01-a-001.json');
const parse = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');

function cliSuite(env: () => Env, dir: () => string) {
  it("imports a directory file by file, with totals and each file's status", async () => {
    for (const [slug, kind] of [
      ['sektor', 'sector_unit'],
      ['region-a', 'region'],
    ]) {
      const r = await runCli(
        ['org', 'create', '--slug', slug as string, '--name', `Org ${slug}`, '--kind', kind as string],
        env(),
      );
      expect(r.code, r.stderr).toBe(0);
    }
    const folder = path.join(dir(), 'advisories');
    mkdirSync(folder);
    for (const f of GOOD) copyFileSync(medical(f), path.join(folder, f));
    const bad = JSON.parse(readFileSync(medical('icsma-17-215-01.json'), 'utf8'));
    delete bad.document.publisher;
    writeFileSync(path.join(folder, 'broken.json'), JSON.stringify(bad));
    writeFileSync(path.join(folder, 'notes.txt'), 'not an advisory, and not read');

    const first = await runCli(['import', 'advisory', folder, '--json'], env());
    expect(first.code, first.stderr).toBe(1);
    const summary = parse(first.stdout);
    expect(summary).toMatchObject({ files: 4, imported: 3, unchanged: 0, refused: 1, failed: 0 });
    expect(summary.results.map((r: { file: string; status: string }) => [r.file, r.status])).toEqual([
      ['broken.json', 'refused'],
      ['icsma-17-009-01a.json', 'succeeded'],
      ['icsma-17-017-01.json', 'succeeded'],
      ['icsma-17-017-02.json', 'succeeded'],
    ]);
    expect(summary.results[0].error_list[1]).toMatchObject({ column: '/document' });
    // Version 2: `jq .document.tracking.version icsma-17-009-01a.json`.
    expect(summary.results[1]).toMatchObject({ tracking_id: 'ICSMA-17-009-01A', created: 1, version: '2' });
    expect(first.stderr).toContain('broken.json: refused: The advisory does not follow the CSAF 2.0 schema');

    const again = await runCli(['import', 'advisory', folder], env());
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('4 file(s): 0 imported, 3 unchanged, 1 refused, 0 failed.');

    const amber = await runCli(
      ['import', 'advisory', UNLABELLED, '--tlp', 'AMBER+STRICT', '--audience', 'region-a', '--json'],
      env(),
    );
    expect(amber.code, amber.stderr).toBe(0);
    expect(parse(amber.stdout)).toMatchObject({ status: 'succeeded', created: 1, tlp: 'AMBER+STRICT' });
  });
}

describeCliEmbedded('vaern import advisory', cliSuite);
describeCliOnPostgres('vaern import advisory', cliSuite);
