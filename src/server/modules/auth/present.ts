import type { z } from 'zod';
import type { Membership } from '../../lib/actor.js';
import type { AuthUser, SessionRow } from './queries.js';
import type { SessionInfo } from './resolve.js';
import type { currentSession, sessionItem, sessionUser } from './schemas.js';

type CurrentSession = z.infer<typeof currentSession>;

/** The signed-in person as the session and their profile show them. */
export function presentUser(user: AuthUser): z.infer<typeof sessionUser> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    locale: user.locale === 'en' ? 'en' : 'da',
    platform_admin: user.platform_admin,
    mfa_enabled: user.mfa_enabled_at !== null,
  };
}

export function presentCurrentSession(
  session: SessionInfo,
  user: AuthUser,
  memberships: Membership[],
): CurrentSession {
  type Item = CurrentSession['memberships'][number];
  return {
    id: session.id,
    stage: session.stage,
    csrf_token: session.csrfToken,
    expires_at: new Date(session.expiresAt).toISOString(),
    user: presentUser(user),
    memberships: memberships.map((m) => ({
      org: m.slug,
      kind: m.kind as Item['kind'],
      roles: [...m.roles],
      access_until: m.accessUntil ? m.accessUntil.toISOString() : null,
      data_period: m.dataPeriod ? { from: m.dataPeriod.from, to: m.dataPeriod.to } : null,
    })),
  };
}

export function presentSession(row: SessionRow, currentId: string | undefined): z.infer<typeof sessionItem> {
  return {
    id: row.id,
    created_at: new Date(row.created_at).toISOString(),
    last_seen_at: new Date(row.last_seen_at).toISOString(),
    expires_at: new Date(row.expires_at).toISOString(),
    ip: row.ip,
    user_agent: row.user_agent,
    current: row.id === currentId,
  };
}
