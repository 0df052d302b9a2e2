import type { z } from 'zod';
import type { GrantRow } from './queries.js';
import type { grantItem } from './schemas.js';

const iso = (d: Date | string) => new Date(d).toISOString();

export function presentGrant(row: GrantRow): z.infer<typeof grantItem> {
  return {
    id: row.id,
    user: { id: row.user_id, email: row.user_email, name: row.user_name },
    starts_at: iso(row.starts_at),
    ends_at: iso(row.ends_at),
    data_from: row.data_from,
    data_to: row.data_to,
    note: row.note,
    status: row.status,
    granted_by: row.granted_by.name ?? row.granted_by.type,
    created_at: iso(row.created_at),
    revoked_at: row.revoked_at ? iso(row.revoked_at) : null,
  };
}

/** What the audit trail records of a grant: who, the window and the period (not the derived status). */
export function auditedGrant(row: GrantRow) {
  return {
    user: { id: row.user_id, email: row.user_email },
    starts_at: iso(row.starts_at),
    ends_at: iso(row.ends_at),
    data_from: row.data_from,
    data_to: row.data_to,
    note: row.note,
    revoked_at: row.revoked_at ? iso(row.revoked_at) : null,
  };
}
