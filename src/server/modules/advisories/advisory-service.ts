import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { advisoryPolicy } from './advisory-policy.js';
import { presentAdvisory, presentListItem } from './advisory-present.js';
import * as q from './advisory-queries.js';
import './advisory-messages.js';

/**
 * One advisory with its vulnerabilities (KEV, EPSS, remediations) and products (status per
 * vulnerability). One the actor may not read (TLP above GREEN, not in its audience) is not found,
 * exactly like one that does not exist.
 */
export async function getAdvisory(opts: { ctx: AppContext; actor: Actor; id: string }) {
  const { ctx, actor } = opts;
  if (!advisoryPolicy.read(actor)) throw forbidden();
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) => {
    const a = await q.findAdvisory(tx, opts.id);
    if (!a) throw notFound('advisories.not_found', { id: opts.id });
    const vulnerabilities = await q.advisoryVulnerabilities(tx, a.id);
    const products = await q.advisoryProducts(tx, a.id);
    return presentAdvisory(a, vulnerabilities, products);
  });
}

/** Advisories the actor may read, newest first; `limit + 1` rows for the paging. */
export async function listAdvisories(opts: {
  ctx: AppContext;
  actor: Actor;
  filter: q.AdvisoryFilter;
  limit: number;
  after: { release: string; id: string } | undefined;
}) {
  const { ctx, actor } = opts;
  if (!advisoryPolicy.read(actor)) throw forbidden();
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) =>
    (await q.listAdvisories(tx, opts.filter, opts.limit + 1, opts.after)).map((row) => ({
      row,
      item: presentListItem(row),
    })),
  );
}
