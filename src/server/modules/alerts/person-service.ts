import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import { alertPolicy } from './alert-policy.js';
import './alert-messages.js';
import './person-messages.js';
import * as q from './person-queries.js';

/**
 * The sector coordinator names people of other organisations in a TLP:RED alert. Row-level
 * security hides other organisations' members, so the coordinator finds one person at a time by
 * their exact e-mail address (docs/alerts.md, "Choosing named people"): their id, name and the
 * organisations they may be named in. Never a listing. Every lookup, found or not, is recorded in
 * the sector unit's audit trail: it tells the coordinator who works where.
 */
export async function lookUpPerson(opts: { ctx: AppContext; actor: Actor; email: string }) {
  const { ctx, actor } = opts;
  const sectorUnitId = alertPolicy.sectorUnitOf(actor);
  if (!sectorUnitId) throw forbidden('alerts.not_sector_coordinator');
  const email = opts.email.trim().toLowerCase();
  const rows = await withTenant(ctx.db.kysely, scopeOf(actor, sectorUnitId), async (tx) => {
    const found = await q.lookUpPerson(tx, sectorUnitId, email);
    await recordAudit(tx, ctx.anchors, {
      chain: sectorUnitId,
      actor,
      action: 'alert.person_lookup',
      targetType: 'user',
      targetId: found[0]?.user_id,
      after: { email, found: found.length > 0, organisations: found.map((r) => r.org_id) },
    });
    return found;
  });
  const first = rows[0];
  if (!first) throw notFound('alerts.person_not_found', { email });
  return {
    user_id: first.user_id,
    name: first.name,
    email,
    organisations: rows.map((r) => ({ id: r.org_id, slug: r.org_slug, name: r.org_name, kind: r.org_kind })),
  };
}
