import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type Scope, scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { sha256Hex } from '../../lib/crypto.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import type { Locale } from '../../lib/messages.js';
import { MFA_SECRET_PURPOSE, openSecret } from '../../lib/secretbox.js';
import { recordAudit } from '../audit/record.js';
import { matchTotp } from '../auth/factors.js';
import * as authQ from '../auth/queries.js';
import { readSetting } from '../settings/registry.js';
import { buildCriteria, figuresOf, type ScorecardSettings, snapshotCriteria } from './criteria.js';
import './messages.js';
import { authorise, scorecardPolicy } from './policy.js';
import { presentBucket, presentConfirmationSummary, presentEvidence, presentSharedPoint } from './present.js';
import * as q from './queries.js';
import type { confirmation, scorecard, sectorScorecard, trend } from './schemas.js';
import { CRITERIA, type Status } from './schemas.js';

/** The scorecard's settings, read in the caller's transaction. */
export async function readScorecardSettings(tx: Tx): Promise<ScorecardSettings> {
  return {
    passPercent: await readSetting(tx, 'scorecard_pass_percent'),
    confirmationMonths: await readSetting(tx, 'scorecard_confirmation_months'),
    patchDays: await readSetting(tx, 'scorecard_patch_days'),
    testMonths: await readSetting(tx, 'scorecard_test_months'),
  };
}

const windowsOf = (s: ScorecardSettings): q.Windows => ({ patchDays: s.patchDays, testMonths: s.testMonths });

function inventoryOf(f: ReturnType<typeof figuresOf>) {
  return {
    systems: f.systems,
    health_data_systems: f.healthData,
    critical_systems: f.critical,
    last_confirmed_at: f.confirmedAt ? f.confirmedAt.toISOString() : null,
  };
}

/** The organisation's scorecard, computed live in one query, inside the caller's transaction. */
async function computeScorecard(tx: Tx, org: OrgRef, locale: Locale) {
  const settings = await readScorecardSettings(tx);
  const clock = await q.now(tx);
  const [row] = await q.scorecardCounts(tx, [org.id], windowsOf(settings));
  const figures = figuresOf(row);
  const now = new Date(clock.now);
  return {
    today: clock.today,
    value: {
      org: { id: org.id, slug: org.slug, name: org.name },
      computed_at: now.toISOString(),
      inventory: inventoryOf(figures),
      vulnerability_report:
        row?.report_id &&
        row.report_quarter &&
        row.report_signed_at &&
        row.report_signer_name &&
        row.report_sha256
          ? {
              id: row.report_id,
              quarter: row.report_quarter,
              signed_at: new Date(row.report_signed_at).toISOString(),
              signer_name: row.report_signer_name,
              sha256: row.report_sha256,
            }
          : null,
      criteria: buildCriteria(figures, settings, now, locale),
    } satisfies z.infer<typeof scorecard>,
  };
}

export async function getScorecard(opts: { ctx: AppContext; actor: Actor; org: OrgRef; locale: Locale }) {
  authorise(scorecardPolicy.read(opts.actor, opts.org.id));
  return withTenant(
    opts.ctx.db.kysely,
    scopeOf(opts.actor, opts.org.id),
    async (tx) => (await computeScorecard(tx, opts.org, opts.locale)).value,
  );
}

/** The systems behind criterion n's figure, keyset-paged by key. */
export async function listEvidence(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  n: number;
  outcome: 'failing' | 'passing' | undefined;
  limit: number;
  afterKey: string | undefined;
}) {
  authorise(scorecardPolicy.read(opts.actor, opts.org.id));
  if (!q.hasEvidence(opts.n)) throw notFound('scorecard.no_evidence', { n: opts.n });
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => {
    const settings = await readScorecardSettings(tx);
    const rows = await q.listEvidence(tx, {
      orgId: opts.org.id,
      n: opts.n,
      windows: windowsOf(settings),
      outcome: opts.outcome,
      afterKey: opts.afterKey,
      limit: opts.limit + 1,
    });
    return rows.map((row) => ({ key: row.key, item: presentEvidence(row) }));
  });
}

// Confirmations ---------------------------------------------------------------------------------

type ConfirmOutcome =
  | { kind: 'ok'; value: z.infer<typeof confirmation> }
  | { kind: 'no_mfa' }
  | { kind: 'locked'; until: Date }
  | { kind: 'invalid' }
  | { kind: 'replayed' };

/**
 * Management confirms the inventory (DESIGN.md, "Signing"): the signer re-enters a current TOTP
 * code (each time step accepted once, shared with sign-in, so a code used to sign in cannot sign
 * and the other way round; wrong codes count towards the sign-in lockout). Stores who, when, the
 * canonical JSON snapshot of what was signed and its SHA-256, in one transaction with the audit
 * entry. A refused attempt commits its counted attempt and its audit entry, then answers 4xx.
 */
export async function confirmInventory(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  code: string;
  statement: string | undefined;
}) {
  const { ctx, actor, org } = opts;
  const allowed = scorecardPolicy.confirm(actor, org.id);
  if (allowed === 'not_a_person' || actor.kind !== 'user') throw forbidden('scorecard.confirm_people_only');
  if (allowed === 'not_management') throw forbidden('scorecard.confirm_management_only');
  const outcome = await withTenant(
    ctx.db.kysely,
    scopeOf(actor, org.id),
    async (tx): Promise<ConfirmOutcome> => {
      const user = await authQ.findAuthUser(tx, actor.userId);
      if (!user?.mfa_secret || !user.mfa_enabled_at) return { kind: 'no_mfa' };
      if (!(await authQ.claimAttempt(tx, user.id))) {
        const until = (await authQ.findAuthUser(tx, user.id))?.locked_until ?? new Date();
        return { kind: 'locked', until };
      }
      const step = matchTotp(openSecret(ctx.config.secret, MFA_SECRET_PURPOSE, user.mfa_secret), opts.code);
      const claimed = step !== null && (await authQ.claimTotpStep(tx, user.id, step));
      if (!claimed) {
        const reason = step === null ? 'invalid_code' : 'replayed_code';
        await recordAudit(tx, ctx.anchors, {
          chain: org.id,
          actor,
          action: 'inventory.confirm_refused',
          targetType: 'inventory',
          targetId: org.id,
          after: { reason },
        });
        return { kind: step === null ? 'invalid' : 'replayed' };
      }
      await authQ.recordLoginAttempt(tx, user.id, true);

      const signedAt = new Date().toISOString();
      const summary = await q.inventorySummary(tx, org.id);
      const list = typeof summary.list === 'string' ? JSON.parse(summary.list) : summary.list;
      const statement = opts.statement ?? null;
      const signer = { id: user.id, name: user.name, email: user.email };
      const document = {
        kind: 'vaern.inventory_confirmation',
        version: 1,
        org: { id: org.id, slug: org.slug, name: org.name },
        signer,
        signed_at: signedAt,
        statement,
        inventory: {
          systems: Number(summary.systems),
          health_data_systems: Number(summary.health_data_systems),
          criticality: {
            critical: Number(summary.critical),
            high: Number(summary.high),
            medium: Number(summary.medium),
            low: Number(summary.low),
            unassessed: Number(summary.unassessed),
          },
          systems_list: list,
        },
      };
      const snapshot = canonicalJson(document);
      const digest = sha256Hex(snapshot);
      const row = await q.insertConfirmation(tx, org.id, {
        signer_id: signer.id,
        signer_name: signer.name,
        signer_email: signer.email,
        signed_at: signedAt,
        statement,
        systems: document.inventory.systems,
        health_data_systems: document.inventory.health_data_systems,
        snapshot,
        snapshot_sha256: digest,
      });
      await recordAudit(tx, ctx.anchors, {
        chain: org.id,
        actor,
        action: 'inventory.confirm',
        targetType: 'inventory_confirmation',
        targetId: row.id,
        after: {
          signed_at: signedAt,
          statement,
          systems: document.inventory.systems,
          health_data_systems: document.inventory.health_data_systems,
          snapshot_sha256: digest,
        },
      });
      return {
        kind: 'ok',
        value: {
          ...presentConfirmationSummary(row),
          snapshot,
          sha256_verified: sha256Hex(snapshot) === digest,
        },
      };
    },
  );
  switch (outcome.kind) {
    case 'ok':
      return outcome.value;
    case 'no_mfa':
      throw forbidden('scorecard.confirm_needs_mfa');
    case 'locked':
      throw new AppError(403, 'auth.locked', {
        until: `${outcome.until.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
      });
    case 'invalid':
      throw badRequest('scorecard.code_invalid');
    case 'replayed':
      throw conflict('scorecard.code_used');
  }
}

export async function listConfirmations(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  limit: number;
  after: [string, string] | undefined;
}) {
  authorise(scorecardPolicy.read(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) =>
    (await q.listConfirmations(tx, opts.org.id, opts.limit + 1, opts.after)).map((row) => ({
      cursor: [row.signed_key, row.id],
      item: presentConfirmationSummary(row),
    })),
  );
}

/** One confirmation with the exact text that was signed and its hash checked again now. */
export async function getConfirmation(opts: { ctx: AppContext; actor: Actor; org: OrgRef; id: string }) {
  authorise(scorecardPolicy.read(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => {
    const row = await q.findConfirmation(tx, opts.org.id, opts.id);
    if (!row) throw notFound();
    return {
      ...presentConfirmationSummary(row),
      snapshot: row.snapshot,
      sha256_verified: sha256Hex(row.snapshot) === row.snapshot_sha256,
    } satisfies z.infer<typeof confirmation>;
  });
}

// Snapshots and trend ---------------------------------------------------------------------------

/** Today's snapshot of the organisation, on demand; writing it again the same day replaces it. */
export async function takeSnapshot(opts: { ctx: AppContext; actor: Actor; org: OrgRef; locale: Locale }) {
  const { ctx, actor, org } = opts;
  authorise(scorecardPolicy.snapshot(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const { today, value } = await computeScorecard(tx, org, opts.locale);
    const [stored] = await q.upsertSnapshots(tx, today, [
      { orgId: org.id, criteria: snapshotCriteria(value.criteria) },
    ]);
    if (!stored) throw new Error('snapshot was not stored');
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'scorecard.snapshot',
      targetType: 'scorecard_snapshot',
      targetId: today,
      after: {
        day: today,
        statuses: Object.fromEntries(value.criteria.map((c) => [c.key, c.status])),
      },
    });
    return {
      day: stored.day,
      computed_at: new Date(stored.computed_at).toISOString(),
      criteria: value.criteria,
    };
  });
}

/** Per criterion the series of (day, value, status) over the last `days` days, oldest first. */
export async function getTrend(opts: { ctx: AppContext; actor: Actor; org: OrgRef; days: number }) {
  authorise(scorecardPolicy.read(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), async (tx) => {
    const { today } = await q.now(tx);
    const from = new Date(`${today}T00:00:00Z`);
    from.setUTCDate(from.getUTCDate() - (opts.days - 1));
    const fromDay = from.toISOString().slice(0, 10);
    const rows = await q.listSnapshots(tx, opts.org.id, fromDay);
    return {
      from: fromDay,
      to: today,
      criteria: CRITERIA.map((c) => ({
        n: c.n,
        key: c.key,
        points: rows.flatMap((r) => {
          const stored = (
            typeof r.criteria === 'string' ? JSON.parse(r.criteria) : r.criteria
          ) as q.SnapshotRow['criteria'];
          const hit = stored.find((s) => s.n === c.n);
          return hit ? [{ day: r.day, value: hit.value, status: hit.status as Status }] : [];
        }),
      })),
    } satisfies z.infer<typeof trend>;
  });
}

/**
 * Organisations per transaction of the daily job. Row-level security reads the transaction's
 * organisations once per statement (migration 0050); before, it parsed them for every system row
 * (22 µs a row with 26 in scope), and batches were kept at 10.
 */
const SNAPSHOT_BATCH = 25;

/**
 * The daily job: today's snapshot of every organisation. The organisations, the settings and the
 * day are read once, so that every organisation's snapshot of the run has the same settings and
 * the same day (also when the run crosses midnight); then each batch of organisations is one
 * transaction scoped to exactly those organisations (row-level security applies), one grouped
 * query for their figures and one upsert. Running it again the same day replaces that day.
 */
export async function snapshotAllOrganisations(
  ctx: AppContext,
): Promise<{ day: string; organisations: number }> {
  const db = ctx.db.kysely;
  const { orgIds, settings, clock } = await withTenant(db, { orgIds: [] }, async (tx) => ({
    orgIds: await q.allOrgIds(tx),
    settings: await readScorecardSettings(tx),
    clock: await q.now(tx),
  }));
  const now = new Date(clock.now);
  let written = 0;
  for (let i = 0; i < orgIds.length; i += SNAPSHOT_BATCH) {
    const batch = orgIds.slice(i, i + SNAPSHOT_BATCH);
    const scope: Scope = { orgIds: batch };
    written += await withTenant(db, scope, async (tx) => {
      const rows = await q.scorecardCounts(tx, batch, windowsOf(settings));
      const stored = await q.upsertSnapshots(
        tx,
        clock.today,
        rows.map((row) => ({
          orgId: row.org_id,
          criteria: snapshotCriteria(buildCriteria(figuresOf(row), settings, now, 'en')),
        })),
      );
      return stored.length;
    });
  }
  return { day: clock.today, organisations: written };
}

// Sector ----------------------------------------------------------------------------------------

function sectorUnit(actor: Actor): string {
  const id = scorecardPolicy.sectorUnitOf(actor);
  if (!id) throw forbidden('scorecard.not_sector_coordinator');
  return id;
}

/** Every organisation's scorecard, side by side, computed live (sector coordinators). */
export async function listSectorScorecards(opts: {
  ctx: AppContext;
  actor: Actor;
  locale: Locale;
  limit: number;
  afterSlug: string | undefined;
}) {
  const sectorUnitId = sectorUnit(opts.actor);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, sectorUnitId), async (tx) => {
    const settings = await readScorecardSettings(tx);
    const clock = await q.now(tx);
    const now = new Date(clock.now);
    const rows = await q.sectorScorecards(tx, {
      sectorUnitId,
      windows: windowsOf(settings),
      afterSlug: opts.afterSlug,
      limit: opts.limit + 1,
    });
    return {
      computedAt: now.toISOString(),
      rows: rows.map((row) => {
        const figures = figuresOf(row);
        return {
          slug: row.org_slug,
          item: {
            org: { id: row.org_id, slug: row.org_slug, name: row.org_name, kind: row.org_kind },
            inventory: inventoryOf(figures),
            criteria: buildCriteria(figures, settings, now, opts.locale),
          } satisfies z.infer<typeof sectorScorecard>,
        };
      }),
    };
  });
}

/** The "critical and shared" map's points (sector coordinators). */
export async function getCriticalShared(opts: {
  ctx: AppContext;
  actor: Actor;
  limit: number;
  after: [number, number, string, string] | undefined;
}) {
  const sectorUnitId = sectorUnit(opts.actor);
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, sectorUnitId), async (tx) => {
    const buckets = await q.criticalShared(tx, { sectorUnitId, buckets: true, after: undefined, limit: 1 });
    const items = await q.criticalShared(tx, {
      sectorUnitId,
      buckets: false,
      after: opts.after,
      limit: opts.limit + 1,
    });
    return {
      buckets: buckets.map(presentBucket),
      items: items.map((row) => ({
        cursor: [Number(row.organisations), Number(row.highest_rank), row.org_slug ?? '', row.key ?? ''] as [
          number,
          number,
          string,
          string,
        ],
        item: presentSharedPoint(row),
      })),
    };
  });
}
