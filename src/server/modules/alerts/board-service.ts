import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { forbidden, notFound } from '../../lib/errors.js';
import './alert-messages.js';
import { alertPolicy } from './alert-policy.js';
import { ANSWER_STATUSES } from './alert-schemas.js';
import * as q from './board-queries.js';
import type { alertBoard, sectorAlert } from './board-schemas.js';

type Status = (typeof ANSWER_STATUSES)[number];

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

function sectorUnit(actor: Actor): string {
  const id = alertPolicy.sectorUnitOf(actor);
  if (!id) throw forbidden('alerts.not_sector_coordinator');
  return id;
}

export const presentAlert = (
  a: { id: string; title: string; severity: string; tlp: string; created_at: Date },
  c: { recipients: number | null; answered: number | null; median_ack_seconds: number | null } | undefined,
): z.infer<typeof sectorAlert> => ({
  id: a.id,
  title: a.title,
  severity: a.severity as z.infer<typeof sectorAlert>['severity'],
  tlp: a.tlp as z.infer<typeof sectorAlert>['tlp'],
  issued_at: iso(a.created_at),
  recipients: c?.recipients ?? 0,
  answered: c?.answered ?? 0,
  median_ack_seconds: c?.median_ack_seconds ?? null,
});

/** The alerts the caller's sector unit issued, newest first, with recipients, answers and median time to acknowledge. */
export async function listSectorAlerts(opts: {
  ctx: AppContext;
  actor: Actor;
  after: [string, string] | undefined;
  limit: number;
}) {
  const unit = sectorUnit(opts.actor);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, unit), async (tx) => {
    const rows = await q.listSectorAlerts(tx, unit, opts.after, opts.limit);
    return rows.map((r) => ({ row: r, item: presentAlert(r, r) }));
  });
}

/**
 * The live board of one alert (sector coordinator): every recipient organisation with its mails,
 * first and latest answer and escalation, organisations without an answer first.
 */
export async function getBoard(opts: {
  ctx: AppContext;
  actor: Actor;
  id: string;
}): Promise<z.infer<typeof alertBoard>> {
  const unit = sectorUnit(opts.actor);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, unit), async (tx) => {
    const alert = await q.findSectorAlert(tx, unit, opts.id);
    if (!alert) throw notFound('alerts.not_found');
    return presentBoard(alert, await q.summary(tx, unit, opts.id), await q.board(tx, opts.id));
  });
}

/** The board of one alert from its row, its counts and its recipient organisations' rows. */
export function presentBoard(
  alert: { id: string; title: string; severity: string; tlp: string; created_at: Date },
  counts:
    | { recipients: number | null; answered: number | null; median_ack_seconds: number | null }
    | undefined,
  rows: q.BoardRow[],
): z.infer<typeof alertBoard> {
  const byStatus = Object.fromEntries(ANSWER_STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const r of rows) if (r.last_status) byStatus[r.last_status as Status]++;
  return {
    alert: presentAlert(alert, counts),
    by_status: byStatus,
    organisations: rows.map((r) => ({
      org: { id: r.org_id, slug: r.slug, name: r.name, kind: r.kind },
      mails: r.mails,
      mails_sent: r.mails_sent,
      first_answer_at: r.first_answer_at ? iso(r.first_answer_at) : null,
      answer:
        r.last_status && r.last_answer_at
          ? { status: r.last_status as Status, note: r.last_note, answered_at: iso(r.last_answer_at) }
          : null,
      answers: r.answers,
      escalation: r.escalation === 2 ? 'management' : r.escalation === 1 ? 'security_officer' : null,
    })),
  };
}
