import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';
import type { ActorRef } from '../../lib/actor.js';

/** The settings module's writes (reads are in registry.ts). Every function runs inside withTenant. */

/** Stores a setting's value; row-level security lets only a platform administrator or the operator. */
export async function upsertSetting(tx: Tx, key: string, value: unknown, by: ActorRef) {
  await sql`insert into platform_settings (key, value, updated_at, updated_by)
    values (${key}, ${JSON.stringify(value)}::jsonb, now(), ${JSON.stringify(by)}::jsonb)
    on conflict (key) do update
      set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`.execute(
    tx.q,
  );
}
