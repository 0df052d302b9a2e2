import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** SQL of the coordinator's person lookup (migration 0029). */

export interface PersonRow {
  user_id: string;
  name: string;
  org_id: string;
  org_slug: string;
  org_name: string;
  org_kind: string;
}

/**
 * The person with exactly this e-mail address and each organisation they are a member of; no
 * rows for an unknown or deactivated person, or when the sector unit is not in the request's scope.
 */
export async function lookUpPerson(tx: Tx, sectorUnitId: string, email: string): Promise<PersonRow[]> {
  const r = await sql<PersonRow>`
    select user_id, name, org_id, org_slug, org_name, org_kind
    from vaern_alert_person_lookup(${sectorUnitId}::uuid, ${email})`.execute(tx.q);
  return r.rows;
}
