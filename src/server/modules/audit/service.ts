import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { PLATFORM_CHAIN } from './chain.js';
import { auditPolicy, authorise } from './policy.js';
import * as q from './queries.js';
import type { AuditLogQuery } from './schemas.js';
import { verifyAuditTrail } from './verify.js';
import './messages.js';

type Filters = Omit<AuditLogQuery, 'limit' | 'cursor'>;

const DAY_MS = 24 * 60 * 60 * 1000;
const isDateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/** `from` is inclusive; `to` includes its whole day (a date) or its instant (a date-time). */
function toQueryFilters(f: Filters): q.EntryFilters {
  let toExclusive: Date | undefined;
  if (f.to !== undefined) {
    const to = new Date(isDateOnly(f.to) ? `${f.to}T00:00:00Z` : f.to);
    toExclusive = new Date(to.getTime() + (isDateOnly(f.to) ? DAY_MS : 1));
  }
  return {
    actor: f.actor,
    action: f.action,
    targetType: f.target_type,
    targetId: f.target_id,
    from: f.from === undefined ? undefined : new Date(isDateOnly(f.from) ? `${f.from}T00:00:00Z` : f.from),
    toExclusive,
  };
}

/** An organisation's audit log for people, newest first. Returns `limit + 1` rows for paging. */
export async function listOrgAudit(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  limit: number;
  beforeSeq?: number | undefined;
  filters: Filters;
}) {
  authorise(auditPolicy.readOrgLog(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), (tx) =>
    q.listEntries(tx, {
      chain: opts.org.id,
      limit: opts.limit + 1,
      beforeSeq: opts.beforeSeq,
      filters: toQueryFilters(opts.filters),
    }),
  );
}

/** The platform chain (organisations, users, sign-ins), newest first. */
export async function listPlatformAudit(opts: {
  ctx: AppContext;
  actor: Actor;
  limit: number;
  beforeSeq?: number | undefined;
  filters: Filters;
}) {
  authorise(auditPolicy.readPlatformLog(opts.actor));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor), (tx) =>
    q.listEntries(tx, {
      chain: PLATFORM_CHAIN,
      limit: opts.limit + 1,
      beforeSeq: opts.beforeSeq,
      filters: toQueryFilters(opts.filters),
    }),
  );
}

/** Verifies every chain (see verify.ts); the instance operator only. */
export async function verifyTrail(opts: { ctx: AppContext; actor: Actor; anchorsFile?: string | undefined }) {
  authorise(auditPolicy.verify(opts.actor));
  return verifyAuditTrail({ ctx: opts.ctx, anchorsFile: opts.anchorsFile });
}
