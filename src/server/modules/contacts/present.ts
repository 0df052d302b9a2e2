import type { z } from 'zod';
import type { ContactRow, SectorContactRow } from './queries.js';
import type { contact, sectorContact } from './schemas.js';

export function presentContact(row: ContactRow): z.infer<typeof contact> {
  return {
    id: row.id,
    role: row.role as z.infer<typeof contact>['role'],
    name: row.name,
    phone: row.phone,
    email: row.email,
    notes: row.notes,
    verified_on: row.verified_on,
    overdue: row.overdue,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

export function presentSectorContact(row: SectorContactRow): z.infer<typeof sectorContact> {
  return { ...presentContact(row), org: { id: row.org_id, slug: row.org_slug, name: row.org_name } };
}

/** What the audit trail records of a contact: its content, not the derived overdue flag. */
export function auditedContact(row: ContactRow) {
  return {
    role: row.role,
    name: row.name,
    phone: row.phone,
    email: row.email,
    notes: row.notes,
    verified_on: row.verified_on,
  };
}
