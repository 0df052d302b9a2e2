import type { z } from 'zod';
import type { apiToken, organisation, user } from './schemas.js';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function presentOrganisation(row: {
  id: string;
  slug: string;
  name: string;
  kind: string;
  parent_slug: string | null;
  region_slug: string | null;
  created_at: Date;
}): z.infer<typeof organisation> {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind as z.infer<typeof organisation>['kind'],
    parent: row.parent_slug,
    region: row.region_slug,
    created_at: row.created_at.toISOString(),
  };
}

export function presentUser(row: {
  id: string;
  email: string;
  name: string;
  platform_admin: boolean;
  mfa_enabled_at: Date | null;
  locale: string;
  deactivated_at: Date | null;
  created_at: Date;
}): z.infer<typeof user> {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    platform_admin: row.platform_admin,
    mfa_enabled: row.mfa_enabled_at !== null,
    locale: row.locale === 'en' ? 'en' : 'da',
    deactivated: row.deactivated_at !== null,
    created_at: row.created_at.toISOString(),
  };
}

export function presentToken(row: {
  id: string;
  name: string;
  role: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}): z.infer<typeof apiToken> {
  return {
    id: row.id,
    name: row.name,
    role: row.role as z.infer<typeof apiToken>['role'],
    created_at: row.created_at.toISOString(),
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
    last_used_at: iso(row.last_used_at),
  };
}
