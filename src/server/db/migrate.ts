import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { migrationsDir } from '../lib/paths.js';
import type { Database } from './client.js';
import { type RawSession, withRawSession } from './session.js';

export interface MigrationResult {
  applied: string[];
  current: string | undefined;
}

export function migrationFiles(): string[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f))
    .sort();
}

/** The name of the newest migration this build knows; backups record it. */
export function latestMigration(): string | undefined {
  return migrationFiles().at(-1);
}

/**
 * Creates the two NOLOGIN roles (idempotently: roles are shared by every database of a cluster),
 * makes the login a member of both so it can `SET ROLE` and hand functions to vaern_definer, and
 * lets vaern_definer own objects in the public schema.
 */
const ensureRoles = `
  do $$
  begin
    if not exists (select 1 from pg_roles where rolname = 'vaern_app') then
      create role vaern_app nologin noinherit;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'vaern_definer') then
      create role vaern_definer nologin noinherit;
    end if;
    if not pg_has_role(current_user, 'vaern_app', 'member') then
      execute format('grant vaern_app to %I', current_user);
    end if;
    if not pg_has_role(current_user, 'vaern_definer', 'member') then
      execute format('grant vaern_definer to %I', current_user);
    end if;
  end $$;
  grant usage on schema public to vaern_app;
  grant usage, create on schema public to vaern_definer;
  create table if not exists vaern_migrations (name text primary key, applied_at timestamptz not null default now());
`;

const LOCK_KEY = 7261001;

async function applyPending(s: RawSession): Promise<string[]> {
  const applied: string[] = [];
  const done = new Set(
    (await s.query<{ name: string }>('select name from vaern_migrations')).map((r) => r.name),
  );
  for (const file of migrationFiles()) {
    if (done.has(file)) continue;
    const body = readFileSync(path.join(migrationsDir, file), 'utf8');
    await s.exec('begin');
    try {
      await s.exec(body);
      await s.query('insert into vaern_migrations (name) values ($1)', [file]);
      await s.exec('commit');
    } catch (error) {
      await s.exec('rollback');
      throw new Error(`migration ${file} failed: ${(error as Error).message}`);
    }
    applied.push(file);
  }
  return applied;
}

/** Applies every migration not yet applied, each in its own transaction, under an advisory lock. */
export async function migrate(db: Database): Promise<MigrationResult> {
  const applied = await withRawSession(db, async (s) => {
    await s.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await s.exec(ensureRoles);
      return await applyPending(s);
    } finally {
      await s.query('select pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
  return { applied, current: latestMigration() };
}
