import type { z } from 'zod';
import type { InvitationRow } from './queries.js';
import type { invitation, memberResult } from './schemas.js';

type Role = z.infer<typeof memberResult>['roles'][number];

export function presentMember(row: { user_id: string; email: string; name: string; roles: string[] }) {
  return { user_id: row.user_id, email: row.email, name: row.name, roles: row.roles as Role[] };
}

export function presentInvitation(row: InvitationRow): z.infer<typeof invitation> {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles as Role[],
    status: row.status,
    invited_by: row.invited_by_label,
    created_at: new Date(row.created_at).toISOString(),
    expires_at: new Date(row.expires_at).toISOString(),
    accepted_at: row.accepted_at === null ? null : new Date(row.accepted_at).toISOString(),
  };
}
