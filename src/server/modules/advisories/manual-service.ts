import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, conflict, forbidden, notFound } from '../../lib/errors.js';
import { type Locale, translate } from '../../lib/messages.js';
import type { ImportIssue } from '../imports/framework.js';
import { runImportNow } from '../imports/service.js';
import {
  checkManualInput,
  type ManualIssue,
  type ManualRevision,
  manualCsaf,
  manualInputOf,
  manualNamespace,
  revisionOf,
} from './manual-csaf.js';
import './manual-messages.js';
import { manualPolicy } from './manual-policy.js';
import * as q from './manual-queries.js';
import type { ManualAdvisoryInput } from './manual-schemas.js';

/**
 * Advisories written by hand by the sector coordinator (docs/advisories.md, "Written by hand").
 * The form becomes a CSAF 2.0 document (manual-csaf.ts) that is imported at once, in the request,
 * as an `advisory` import of the sector unit: the same checks, tables, revision rule, audit entry
 * and matching as an imported file. A revision is the next tracking version of the same advisory.
 */

function unitOf(actor: Actor): { orgId: string; slug: string } {
  const unit = manualPolicy.sectorUnitOf(actor);
  if (!unit) throw forbidden('advisories.manual_not_coordinator');
  return unit;
}

/** The problems as one problem+json: the first in the title, each with its path. */
function refused(issues: ManualIssue[], locale: Locale): AppError {
  const errors = issues.map((i) => ({
    path: `body.${i.path}`,
    message: translate(i.code, locale, i.params),
  }));
  return new AppError(400, 'advisories.manual_invalid', { first: errors[0]?.message ?? '' }, errors);
}

/** An import's refusal, as the form's problems (a schema path stays as the import gives it). */
function importIssues(list: ImportIssue[]): ManualIssue[] {
  return list.map((i) => ({
    path: i.column === 'audience' ? 'audience' : `document${i.column ?? ''}`,
    code: i.code,
    params: i.params,
  }));
}

async function save(o: {
  ctx: AppContext;
  actor: Actor;
  unit: { orgId: string; slug: string };
  input: ManualAdvisoryInput;
  revision: ManualRevision;
  locale: Locale;
}) {
  const { ctx, actor, unit, input, locale } = o;
  const name = await withTenant(ctx.db.kysely, scopeOf(actor, unit.orgId), (tx) =>
    q.organisationName(tx, unit.orgId),
  );
  if (!name) throw forbidden('advisories.manual_not_coordinator');
  const org: OrgRef = { id: unit.orgId, slug: unit.slug, kind: 'sector_unit', name };
  const document = manualCsaf({
    input,
    publisher: { name, namespace: manualNamespace(unit.orgId) },
    revision: o.revision,
    now: new Date(),
  });
  const done = await runImportNow({
    ctx,
    actor,
    org,
    kind: 'advisory',
    fileName: `${o.revision.trackingId}-v${o.revision.version}.json`,
    contentType: 'application/json',
    options: { tlp: input.tlp, audience: input.audience, manual: true },
    body: Buffer.from(JSON.stringify(document), 'utf8'),
  });
  if (done.status === 'refused') {
    // Another revision saved meanwhile: this one is not newer than the stored one.
    if (done.error_list.some((i) => i.code === 'advisories.revision_older')) {
      throw conflict('advisories.manual_conflict', { version: o.revision.version - 1 });
    }
    throw refused(importIssues(done.error_list), locale);
  }
  if (done.status !== 'succeeded') throw new AppError(500, 'advisories.manual_failed');
  if (done.unchanged > 0) throw conflict('advisories.manual_conflict', { version: o.revision.version });
  return {
    id: String(done.extra.advisory_id),
    tracking_id: o.revision.trackingId,
    version: String(o.revision.version),
    created: done.created > 0,
    import_id: done.id,
  };
}

/** A new advisory, version 1, with a tracking id of its own (VAERN-year-random). */
export async function createManualAdvisory(opts: {
  ctx: AppContext;
  actor: Actor;
  input: ManualAdvisoryInput;
  locale: Locale;
}) {
  const unit = unitOf(opts.actor);
  const issues = checkManualInput(opts.input);
  if (issues.length > 0) throw refused(issues, opts.locale);
  const now = new Date();
  const trackingId = `VAERN-${now.getUTCFullYear()}-${randomBytes(4).toString('hex').toUpperCase()}`;
  return save({
    ...opts,
    unit,
    revision: { trackingId, version: 1, initialRelease: now.toISOString(), history: [] },
  });
}

/**
 * The stored advisory, if it was written by hand in the actor's sector unit; anything else (an
 * imported one, another unit's, one the actor may not read) is not found.
 */
async function ownManual(ctx: AppContext, actor: Actor, unit: { orgId: string }, id: string) {
  return withTenant(ctx.db.kysely, scopeOf(actor, unit.orgId), async (tx) => {
    const row = await q.findManualAdvisory(tx, id);
    if (row?.source !== 'manual' || row.publisher_namespace !== manualNamespace(unit.orgId)) {
      throw notFound('advisories.manual_not_found', { id });
    }
    return { row, audience: await q.savedAudience(tx, id, unit.orgId) };
  });
}

/** The next revision of an advisory the sector unit wrote: the same id, the next version. */
export async function reviseManualAdvisory(opts: {
  ctx: AppContext;
  actor: Actor;
  id: string;
  input: ManualAdvisoryInput;
  locale: Locale;
}) {
  const unit = unitOf(opts.actor);
  const { row } = await ownManual(opts.ctx, opts.actor, unit, opts.id);
  const issues = checkManualInput(opts.input);
  if (issues.length > 0) throw refused(issues, opts.locale);
  const stored = revisionOf(row.document);
  return save({ ...opts, unit, revision: { ...stored, version: stored.version + 1 } });
}

/** The form as last saved, for the coordinator's edit form. */
export async function getManualAdvisory(opts: { ctx: AppContext; actor: Actor; id: string }) {
  const unit = unitOf(opts.actor);
  const { row, audience } = await ownManual(opts.ctx, opts.actor, unit, opts.id);
  return {
    id: row.id,
    tracking_id: row.tracking_id,
    version: row.version,
    input: { ...manualInputOf(row.document), tlp: row.tlp as ManualAdvisoryInput['tlp'], audience },
  };
}
