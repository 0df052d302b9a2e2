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
 * makes the login a member of vaern_app so it can `SET LOCAL ROLE vaern_app`, and lets
 * vaern_definer own objects in the public schema. The login is deliberately NOT a lasting member
 * of vaern_definer: policies `TO vaern_definer` apply to its members, so a standing membership
 * would let the login read every row outside withTenant. See definerWindow.
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
  end $$;
  grant usage on schema public to vaern_app;
  grant usage, create on schema public to vaern_definer;
  create table if not exists vaern_migrations (name text primary key, applied_at timestamptz not null default now());
`;

const LOCK_KEY = 7261001;

/**
 * Membership in vaern_definer only inside one transaction (to hand functions to it, or to act as
 * it for backup and restore): granted and revoked before commit, so no other session ever sees
 * it. A no-op for a superuser (PGlite), who needs no membership. PostgreSQL 15 lets a CREATEROLE
 * login grant and revoke membership in non-superuser roles.
 */
export const definerWindow = {
  open: `do $$ begin
    if not (select rolsuper from pg_roles where rolname = current_user)
       and not pg_has_role(current_user, 'vaern_definer', 'member') then
      execute format('grant vaern_definer to %I', current_user);
    end if;
  end $$;`,
  close: `do $$ begin
    if not (select rolsuper from pg_roles where rolname = current_user)
       and exists (select 1 from pg_auth_members m join pg_roles r on r.oid = m.roleid
                   join pg_roles u on u.oid = m.member
                   where r.rolname = 'vaern_definer' and u.rolname = current_user) then
      execute format('revoke vaern_definer from %I', current_user);
    end if;
  end $$;`,
};

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
      await s.exec(definerWindow.open);
      await s.exec(body);
      await s.exec(definerWindow.close);
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
      await s.exec(definerWindow.close);
      return await applyPending(s);
    } finally {
      await s.query('select pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
  return { applied, current: latestMigration() };
}
