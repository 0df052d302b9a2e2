import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.js';

/** All SQL of the contacts module. Every function runs inside withTenant. */

export interface ContactRow {
  org_id: string;
  id: string;
  role: string;
  name: string;
  phone: string | null;
  email: string | null;
  notes: string | null;
  verified_on: string | null;
  overdue: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface SectorContactRow extends ContactRow {
  org_slug: string;
  org_name: string;
}

export interface ContactValues {
  role: string;
  name: string;
  phone: string | null;
  email: string | null;
  notes: string | null;
  verified_on: string | null;
}

/** Overdue: never verified, or verified more than 12 months ago (by the database's date). */
const columns = sql`org_id, id, role, name, phone, email, notes,
  to_char(verified_on, 'YYYY-MM-DD') as verified_on,
  (verified_on is null or verified_on < (current_date - interval '12 months')::date) as overdue,
  created_at, updated_at`;

export async function listContacts(
  tx: Tx,
  orgId: string,
  limit: number,
  after: [string, string, string] | undefined,
) {
  const r = await sql<ContactRow>`select ${columns} from contacts
    where org_id = ${orgId}
      and ${after === undefined ? sql`true` : sql`(role, name, id) > (${after[0]}, ${after[1]}, ${after[2]}::uuid)`}
    order by role, name, id limit ${limit}`.execute(tx.q);
  return r.rows;
}

export async function findContact(tx: Tx, orgId: string, id: string) {
  const r = await sql<ContactRow>`select ${columns} from contacts
    where org_id = ${orgId} and id = ${id}`.execute(tx.q);
  return r.rows[0];
}

export async function insertContact(tx: Tx, orgId: string, v: ContactValues) {
  const r = await sql<ContactRow>`insert into contacts (org_id, role, name, phone, email, notes, verified_on)
    values (${orgId}, ${v.role}, ${v.name}, ${v.phone}, ${v.email}, ${v.notes}, ${v.verified_on}::date)
    returning ${columns}`.execute(tx.q);
  const row = r.rows[0];
  if (!row) throw new Error('insert into contacts returned no row');
  return row;
}

export async function updateContact(tx: Tx, orgId: string, id: string, v: ContactValues) {
  const r = await sql<ContactRow>`update contacts
    set role = ${v.role}, name = ${v.name}, phone = ${v.phone}, email = ${v.email}, notes = ${v.notes},
        verified_on = ${v.verified_on}::date, updated_at = now()
    where org_id = ${orgId} and id = ${id}
    returning ${columns}`.execute(tx.q);
  return r.rows[0];
}

export async function markVerified(tx: Tx, orgId: string, id: string) {
  const r = await sql<ContactRow>`update contacts set verified_on = current_date, updated_at = now()
    where org_id = ${orgId} and id = ${id}
    returning ${columns}`.execute(tx.q);
  return r.rows[0];
}

export async function deleteContact(tx: Tx, orgId: string, id: string) {
  const r = await sql<{ id: string }>`delete from contacts where org_id = ${orgId} and id = ${id}
    returning id`.execute(tx.q);
  return r.rows[0];
}

/** Every organisation's contacts through the reviewed definer function (0009-contacts.sql). */
export async function listSectorContacts(
  tx: Tx,
  o: {
    sectorUnitId: string;
    overdueOnly: boolean;
    limit: number;
    after: [string, string, string, string] | undefined;
  },
) {
  const [slug, role, name, id] = o.after ?? [null, null, null, null];
  const r = await sql<SectorContactRow>`select * from vaern_sector_contacts(${o.sectorUnitId}::uuid,
    ${o.overdueOnly}, ${slug}, ${role}, ${name}, ${id}::uuid, ${o.limit})`.execute(tx.q);
  return r.rows;
}
