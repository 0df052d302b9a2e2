import { z } from 'zod';
import { recordAudit } from '../audit/record.js';
import type { ImportDefinition, ImportIssue, ImportJob } from '../imports/framework.js';
import { openReferenceWrites } from '../vulnerabilities/reference-queries.js';
import { advisoryPolicy } from './advisory-policy.js';
import { isTlpLabel, TLP_LABELS } from './csaf/tlp.js';
import { isNewerRevision } from './csaf/tracking.js';
import * as q from './import-queries.js';
import { type AdvisoryImportOptions, advisoryRows } from './import-read.js';
import { MANUAL_NAMESPACE_PREFIX, manualNamespace } from './manual-csaf.js';
import { computeImportedMatches } from './match-queries.js';

/**
 * `vaern import advisory FILE`: one CSAF 2.0 advisory (docs/advisories.md), imported into the
 * sector unit. Its identity is the publisher's namespace and the tracking id: a newer revision
 * replaces what the stored one said, the same revision changes nothing, an older one is refused.
 * Options: `tlp`, the label of a document without one (default GREEN), and `audience`, the
 * organisations (slugs, comma-separated) that may read an advisory above GREEN; the sector unit
 * is always one of them.
 */

const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const advisoryOptions = z.strictObject({
  tlp: z
    .preprocess(
      // `+` in a query string reads as a space: "AMBER STRICT" is AMBER+STRICT.
      (v) => (typeof v === 'string' ? v.trim().toUpperCase().replace(/ +/g, '+') : v),
      z.enum(TLP_LABELS),
    )
    .default('GREEN'),
  audience: z
    .string()
    .max(20_000)
    .optional()
    .transform((v) => [
      ...new Set(
        (v ?? '')
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.string().regex(SLUG, 'an organisation slug')).max(1000)),
});

/** The options as the import stored them (parsed: audience is a list by now). */
function optionsOf(job: ImportJob): AdvisoryImportOptions {
  const { tlp, audience } = job.options;
  return {
    tlp: isTlpLabel(tlp) ? tlp : 'GREEN',
    audience: Array.isArray(audience) ? audience.filter((s): s is string => typeof s === 'string') : [],
  };
}

/**
 * Whether the import carries an advisory written by hand (manual-service.ts). Only that service
 * sets the option: it is not in `advisoryOptions`, so an upload's query string cannot.
 */
const isManual = (job: ImportJob) => job.options.manual === true;

/** What the reader saw of the document, kept in job.extra (and so in the summary). */
interface Seen {
  publisher_namespace: string;
  tracking_id: string;
  version: string;
  current_release: string;
}

function seenOf(job: ImportJob): Seen {
  const { publisher_namespace, tracking_id, version, current_release } = job.extra;
  if (
    typeof publisher_namespace !== 'string' ||
    typeof tracking_id !== 'string' ||
    typeof version !== 'string' ||
    typeof current_release !== 'string'
  ) {
    throw new Error('the advisory was not read');
  }
  return { publisher_namespace, tracking_id, version, current_release };
}

const identityOf = (seen: Seen) => ({ namespace: seen.publisher_namespace, trackingId: seen.tracking_id });
const incomingOf = (seen: Seen) => ({ version: seen.version, currentReleaseDate: seen.current_release });
const revisionOf = (stored: q.StoredRevision) => ({
  version: stored.version,
  currentReleaseDate: stored.current_release,
});

function olderIssue(seen: Seen, stored: q.StoredRevision): ImportIssue {
  return {
    row: 1,
    column: '/document/tracking/version',
    code: 'advisories.revision_older',
    params: {
      tracking_id: seen.tracking_id,
      version: seen.version,
      date: seen.current_release,
      stored_version: stored.version,
      stored_date: stored.current_release,
    },
  };
}

export const advisoryImport: ImportDefinition = {
  kind: 'advisory',
  title: 'CSAF 2.0 advisory (JSON; sector unit only; options tlp, audience)',
  accepts: ['application/json', 'application/csaf+json', 'application/octet-stream', 'text/plain'],
  options: advisoryOptions as unknown as z.ZodType<Record<string, unknown>>,
  mayStart: advisoryPolicy.import,
  read: ({ job, bytes }) =>
    advisoryRows(bytes, optionsOf(job), ({ advisory, products, vulnerabilities }) => {
      Object.assign(job.extra, {
        publisher_namespace: advisory.publisher.namespace,
        tracking_id: advisory.trackingId,
        version: advisory.version,
        current_release: advisory.currentReleaseDate,
        tlp: advisory.tlp.label,
        products,
        vulnerabilities,
      });
    }),
  /** Audience slugs must exist; a stored newer revision refuses the file. */
  async check(tx, job) {
    const issues: ImportIssue[] = [];
    for (const slug of await q.unknownSlugs(tx, optionsOf(job).audience)) {
      issues.push({ row: null, column: 'audience', code: 'advisories.audience_unknown', params: { slug } });
    }
    // The import's own step: it sees every stored advisory, whatever its audience.
    await openReferenceWrites(tx, job.importId);
    const seen = seenOf(job);
    // The namespace of advisories written by hand is the sector unit's own: no file may claim it.
    if (
      seen.publisher_namespace.startsWith(MANUAL_NAMESPACE_PREFIX) &&
      !(isManual(job) && seen.publisher_namespace === manualNamespace(job.org.id))
    ) {
      issues.push({
        row: 1,
        column: '/document/publisher/namespace',
        code: 'advisories.manual_namespace_reserved',
        params: { namespace: seen.publisher_namespace },
      });
    }
    const stored = await q.storedRevision(tx, identityOf(seen));
    if (stored && isNewerRevision(incomingOf(seen), revisionOf(stored)))
      issues.push(olderIssue(seen, stored));
    return { issues, total: issues.length };
  },
  /**
   * The switch: the advisory is inserted, or a newer revision overwrites the stored one and
   * replaces everything it said; the same revision again is left as it is (`unchanged`).
   */
  async apply(tx, job) {
    await openReferenceWrites(tx, job.importId);
    const seen = seenOf(job);
    const stored = await q.storedRevision(tx, identityOf(seen), true);
    if (stored) {
      job.extra.advisory_id = stored.id;
      // Another import stored a newer revision after the check: this one fails, changing nothing.
      if (isNewerRevision(incomingOf(seen), revisionOf(stored)))
        throw new Error('a newer revision was stored');
      if (!isNewerRevision(revisionOf(stored), incomingOf(seen)))
        return { created: 0, updated: 0, unchanged: 1 };
      await q.clearAdvisoryContent(tx, stored.id);
    }
    const { id, inserted } = await q.upsertAdvisory(tx, job, isManual(job) ? 'manual' : 'csaf');
    job.extra.advisory_id = id;
    await q.ensureAdvisoryVulnerabilities(tx, job);
    const counts = await q.insertAdvisoryContent(tx, job, id);
    job.extra.products = counts.products;
    job.extra.vulnerabilities = counts.vulnerabilities;
    await q.insertAudience(tx, id, job.org.id, optionsOf(job).audience);
    // Its affected list in the same switch: the advisory is never visible without it.
    job.extra.matches = await computeImportedMatches(tx, id);
    if (isManual(job)) {
      // Besides the import's own entry: the advisory's, as for any record a person writes.
      await recordAudit(tx, job.ctx.anchors, {
        chain: job.org.id,
        actor: job.actor,
        action: inserted ? 'advisory.manual_create' : 'advisory.manual_revise',
        targetType: 'advisory',
        targetId: id,
        before: stored ? { version: stored.version, current_release: stored.current_release } : undefined,
        after: {
          tracking_id: seen.tracking_id,
          version: seen.version,
          tlp: job.extra.tlp ?? null,
          audience: optionsOf(job).audience,
          products: counts.products,
          vulnerabilities: counts.vulnerabilities,
        },
      });
    }
    return { created: inserted ? 1 : 0, updated: inserted ? 0 : 1, unchanged: 0 };
  },
};
