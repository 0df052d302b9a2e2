import type { AppContext } from '../../context.js';
import { OPERATOR_SCOPE, scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import { authorise } from '../inventory/policy.js';
import { identityKeys } from './identity/keys.js';
import { canonicalVendorKey, productKey, vendorKey } from './identity/names.js';
import * as q from './match-queries.js';
import './advisory-messages.js';
import './match-messages.js';
import { matchPolicy } from './match-policy.js';
import { presentAffected, presentMatch } from './match-present.js';

/** Identities keyed per transaction when the index catches up with the inventories. */
const IDENTITY_BATCH = 2_000;

/**
 * Adds the product identities of one organisation's inventory (or every one) that the index
 * lacks: read set-based, keyed here with the identity library (advisories/identity/keys.ts),
 * added in batches. Returns how many were added.
 */
export async function refreshIdentities(ctx: AppContext, orgId: string | null): Promise<number> {
  let added = 0;
  for (;;) {
    const n = await withTenant(ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
      const missing = await q.missingIdentities(tx, orgId, IDENTITY_BATCH);
      if (missing.length === 0) return 0;
      const rows = missing.map((m) => {
        const k = identityKeys({
          vendor: m.vendor,
          product: m.product,
          modelNumber: m.model_number,
          version: m.version,
          cpe: m.cpe,
          purl: m.purl,
        });
        return {
          ...m,
          vendor_key: k.vendorKey,
          product_key: k.productKey,
          model_key: k.modelKey,
          purl_key: k.purlKey,
          cpe_vendor: k.cpeVendor,
          cpe_product: k.cpeProduct,
          version_generic: k.versionGeneric,
          version_semver: k.versionSemver,
        };
      });
      await q.addIdentities(tx, rows);
      return missing.length;
    });
    added += n;
    if (n < IDENTITY_BATCH) return added;
  }
}

/**
 * Keys the KEV catalogue's vendor and product names with the identity library and stores the
 * keys (an organisation's KEV matches are then read through them). Returns how many entries
 * have keys.
 */
export async function refreshKevKeys(ctx: AppContext): Promise<number> {
  return withTenant(ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
    const names = await q.kevNames(tx);
    const keys = names.map((n) => {
      const vendor = canonicalVendorKey(vendorKey(n.vendor_project));
      const product = productKey(n.product, n.vendor_project);
      return { cve: n.cve, vendor_key: vendor || null, product_key: product || null };
    });
    return q.replaceKevKeys(tx, keys);
  });
}

/**
 * Matching: one advisory against every inventory (the index is kept current by the runs below,
 * so a new advisory matches at once); or every advisory against one organisation's inventory or
 * every one, after the index has caught up with it. Each replaces the stored matches of its
 * scope with one set-based statement; returns how many matches there are. The KEV catalogue's
 * keys are refreshed with every run but an advisory's own, or alone (`kevOnly`, after a KEV
 * import).
 */
export async function runMatch(
  ctx: AppContext,
  scope: { advisoryId?: string | undefined; orgId?: string | undefined; kevOnly?: boolean | undefined },
): Promise<number> {
  const orgId = scope.orgId ?? null;
  if (scope.advisoryId === undefined && !scope.kevOnly) await refreshIdentities(ctx, orgId);
  let n = 0;
  if (!scope.kevOnly) {
    n += await withTenant(ctx.db.kysely, OPERATOR_SCOPE, (tx) =>
      q.computeMatches(tx, scope.advisoryId ?? null, orgId),
    );
  }
  if (scope.advisoryId === undefined) await refreshKevKeys(ctx);
  return n;
}

interface Opts {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
}

/** The organisation's matches; `pending` is the review queue. */
export async function listMatches(
  opts: Opts & {
    review: q.ReviewFilter;
    advisoryId: string | undefined;
    after: [string, string] | undefined;
    limit: number;
  },
) {
  const { ctx, actor, org } = opts;
  authorise(matchPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.listMatches(tx, {
      orgId: org.id,
      review: opts.review,
      advisoryId: opts.advisoryId,
      after: opts.after,
      limit: opts.limit,
    }),
  );
}

/**
 * A security officer confirms or rejects an uncertain match; the decision is kept and holds when
 * the matches are computed again. Audited with before and after.
 */
export async function reviewMatch(
  opts: Opts & { id: string; decision: 'confirmed' | 'rejected'; note: string | undefined },
) {
  const { ctx, actor, org } = opts;
  authorise(matchPolicy.review(actor, org.id));
  if (actor.kind !== 'user') throw forbidden();
  const note = opts.note?.trim() || null;
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.findMatch(tx, org.id, opts.id);
    if (!before) throw notFound('advisories.match_not_found');
    if (before.confidence === 'certain') throw badRequest('advisories.match_certain');
    await q.saveReview(tx, org.id, before, { decision: opts.decision, note, reviewedBy: actor.userId });
    const after = await q.findMatch(tx, org.id, opts.id);
    if (!after) throw notFound('advisories.match_not_found');
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: `advisory_match.${opts.decision}`,
      targetType: 'advisory_match',
      targetId: opts.id,
      before: { decision: before.decision, note: before.note },
      after: {
        decision: after.decision,
        note: after.note,
        advisory_id: after.advisory_id,
        product_id: after.product_id,
        item_type: after.item_type,
        item_id: after.item_id,
      },
    });
    return presentMatch(after);
  });
}

/** The organisations an advisory concerns, for the sector coordinator. */
export async function listAffected(opts: { ctx: AppContext; actor: Actor; advisoryId: string }) {
  const sectorUnitId = matchPolicy.sectorUnitOf(opts.actor);
  if (!sectorUnitId) throw forbidden('advisories.not_sector_coordinator');
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, sectorUnitId), async (tx) => {
    if (!(await q.advisoryVisible(tx, opts.advisoryId)))
      throw notFound('advisories.not_found', { id: opts.advisoryId });
    const rows = await q.affectedOrganisations(tx, opts.advisoryId, sectorUnitId);
    return rows.map(presentAffected);
  });
}

/** The organisation's KEV matches: certain (a finding carries the CVE) first. */
export async function listKevMatches(
  opts: Opts & { after: [number, string, string] | undefined; limit: number },
) {
  const { ctx, actor, org } = opts;
  authorise(matchPolicy.read(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.listKevMatches(tx, org.id, opts.limit, opts.after),
  );
}
