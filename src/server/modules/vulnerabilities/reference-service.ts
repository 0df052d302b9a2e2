import type { AppContext } from '../../context.js';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { referencePolicy } from './reference-policy.js';
import { presentListItem, presentVulnerability } from './reference-present.js';
import * as q from './reference-queries.js';
import './reference-messages.js';

/** One vulnerability by any of its aliases, with its aliases, KEV entry and EPSS score. */
export async function getVulnerability(opts: { ctx: AppContext; actor: Actor; id: string }) {
  const { ctx, actor } = opts;
  if (!referencePolicy.read(actor)) throw forbidden();
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) => {
    const v = await q.findVulnerabilityByAlias(tx, opts.id.trim());
    if (!v) throw notFound('vulnerabilities.not_found', { id: opts.id });
    const aliases = await q.aliasesOf(tx, v.id);
    const { kev, epss } = await q.exploitationOf(tx, v.id);
    return presentVulnerability(v, aliases, kev, epss);
  });
}

/** Vulnerabilities by canonical id, searched and filtered; `limit + 1` rows for the paging. */
export async function listVulnerabilities(opts: {
  ctx: AppContext;
  actor: Actor;
  filter: q.ListFilter;
  limit: number;
  after: string | undefined;
}) {
  const { ctx, actor } = opts;
  if (!referencePolicy.read(actor)) throw forbidden();
  return withTenant(ctx.db.kysely, scopeOf(actor), async (tx) =>
    (await q.listVulnerabilities(tx, opts.filter, opts.limit + 1, opts.after)).map((row) => ({
      row,
      item: presentListItem(row),
    })),
  );
}

/**
 * Whether each CVE is in KEV (and its due date) and its EPSS score and percentile, in one
 * statement, in the caller's transaction. Keys are the CVEs upper-cased; a CVE that neither
 * knows is `{in_kev: false, kev_due_date: null, epss: null, percentile: null}`.
 */
export async function kevAndEpssFor(tx: Tx, cves: readonly string[]): Promise<Map<string, q.Exploitation>> {
  return q.exploitationOfCves(tx, cves);
}
