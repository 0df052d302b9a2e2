import { Readable } from 'node:stream';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { PLATFORM_CHAIN } from './chain.js';
import { csvHeader, csvLine } from './csv.js';
import { auditPolicy, authorise } from './policy.js';
import { presentEntry } from './present.js';
import * as q from './queries.js';
import { recordAudit } from './record.js';
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

/** Rows read per transaction while an export streams. */
export const EXPORT_BATCH = 500;

/**
 * An organisation's audit log as CSV, newest first, with the list's filters. The export is itself
 * an entry of the chain (`audit.export`, the filters as after-values), committed before the first
 * row is read, so a refused or failed recording exports nothing. The rows are read in batches,
 * each in its own short transaction, and streamed as they come.
 */
export async function exportOrgAudit(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  filters: Filters;
}): Promise<Readable> {
  const { ctx, actor, org } = opts;
  authorise(auditPolicy.readOrgLog(actor, org.id));
  const filters = Object.fromEntries(Object.entries(opts.filters).filter(([, v]) => v !== undefined));
  const scope = scopeOf(actor, org.id);
  await withTenant(ctx.db.kysely, scope, (tx) =>
    recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'audit.export',
      targetType: 'audit_log',
      targetId: org.id,
      after: filters,
    }),
  );
  const queryFilters = toQueryFilters(opts.filters);
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${csvHeader}`; // the byte order mark lets spreadsheets read UTF-8 (æ, ø, å)
    let beforeSeq: number | undefined;
    for (;;) {
      // A turn of the event loop first: on the embedded database queries run synchronously.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const rows = await withTenant(ctx.db.kysely, scope, (tx) =>
        q.listEntries(tx, { chain: org.id, limit: EXPORT_BATCH, beforeSeq, filters: queryFilters }),
      );
      if (rows.length > 0) yield rows.map((r) => csvLine(presentEntry(r))).join('');
      const last = rows.at(-1);
      if (rows.length < EXPORT_BATCH || !last) return;
      beforeSeq = Number(last.seq);
    }
  }
  return Readable.from(lines(), { objectMode: false });
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
