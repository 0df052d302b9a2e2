import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** SQL of advisories written by hand (reads only: the writes are the advisory import's). */

export interface ManualAdvisoryRow {
  id: string;
  source: string;
  publisher_namespace: string;
  tracking_id: string;
  version: string;
  tlp: string;
  document: unknown;
}

/** An advisory the request may read (row-level security), with its stored document. */
export async function findManualAdvisory(tx: Tx, id: string): Promise<ManualAdvisoryRow | undefined> {
  const r = await sql<ManualAdvisoryRow>`
    select id, source, publisher_namespace, tracking_id, version, tlp, document
    from advisories where id = ${id}::uuid`.execute(tx.q);
  return r.rows[0];
}

/** The organisation's name (the publisher of its advisories). */
export async function organisationName(tx: Tx, orgId: string): Promise<string | undefined> {
  const r = await sql<{ name: string }>`select name from organisations where id = ${orgId}::uuid`.execute(
    tx.q,
  );
  return r.rows[0]?.name;
}

/**
 * The audience (slugs) the advisory was last saved with: the options of its newest import, which
 * the sector unit owns (the audience rows of other organisations are not the unit's to read).
 */
export async function savedAudience(tx: Tx, advisoryId: string, unitId: string): Promise<string[]> {
  const r = await sql<{ audience: unknown }>`
    select i.options -> 'audience' as audience
    from advisories a join imports i on i.id = a.import_id and i.org_id = ${unitId}::uuid
    where a.id = ${advisoryId}::uuid`.execute(tx.q);
  const audience = r.rows[0]?.audience;
  return Array.isArray(audience) ? audience.filter((s): s is string => typeof s === 'string') : [];
}
