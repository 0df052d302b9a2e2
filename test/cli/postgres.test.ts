import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SECTOR_SLUG } from '../../src/seeds/demo.js';
import { freshPostgresUrl } from '../databases.js';
import { assertBuilt, exerciseDirectoryCommands, runCli, runJson, TEST_SECRET, tempDir } from './cli.js';

const hasPostgres = Boolean(process.env.DATABASE_URL);
if (!hasPostgres)
  console.warn('test/cli/postgres.test.ts: DATABASE_URL is not set; the PostgreSQL CLI tests skip');

/** Against DATABASE_URL the CLI always opens the database in-process; no lock, no socket. */
describe.skipIf(!hasPostgres /* reason: needs a PostgreSQL server (DATABASE_URL); CI sets it */)(
  'vaern against a PostgreSQL server (DATABASE_URL)',
  () => {
    let dir: string;
    let env: Record<string, string>;
    let db: Awaited<ReturnType<typeof freshPostgresUrl>>;
    beforeAll(async () => {
      assertBuilt();
      dir = tempDir();
      db = await freshPostgresUrl();
      // VAERN_DATA_DIR still holds the audit anchors file in server mode.
      env = { DATABASE_URL: db.url, VAERN_SECRET: TEST_SECRET, VAERN_DATA_DIR: dir };
    });
    afterAll(async () => {
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('migrate creates the schema, and is idempotent', async () => {
      const first = await runJson<{ applied: string[]; current: string }>(['migrate'], env);
      expect(first.applied).toContain('0001-core.sql');
      const second = await runJson<{ applied: string[]; current: string }>(['migrate'], env);
      expect(second.applied).toEqual([]);
      expect(second.current).toBe(first.current);
    });

    it('org, user and token commands work', async () => {
      await exerciseDirectoryCommands(env, 'pg');
    });

    it('seed demo is refused without --force (exit 1), loads with it, and is a no-op the second time', async () => {
      const refused = await runCli(['seed', 'demo'], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('Refusing to load the demo sector into a PostgreSQL server');
      const orgsBefore = await runJson<{ items: Array<{ slug: string }> }>(['org', 'list'], env);
      expect(orgsBefore.items.map((o) => o.slug)).not.toContain(DEMO_SECTOR_SLUG);

      const loaded = await runJson<{ loaded: boolean; logins: unknown[] }>(['seed', 'demo', '--force'], env);
      expect(loaded.loaded).toBe(true);
      expect(loaded.logins.length).toBeGreaterThanOrEqual(8);
      const orgs = await runJson<{ items: Array<{ slug: string; kind: string }> }>(['org', 'list'], env);
      expect(orgs.items.filter((o) => o.kind === 'region' && o.slug !== 'region-pg')).toHaveLength(5);

      const again = await runJson<{ loaded: boolean; reason: string }>(['seed', 'demo', '--force'], env);
      expect(again).toEqual({ loaded: false, reason: 'already_loaded' });
    });
  },
);
