import { sql } from 'kysely';
import { requestKevMatch } from '../advisories/match-jobs.js';
import type { ImportDefinition, ImportJob } from '../imports/framework.js';
import { stagedRows } from '../imports/framework.js';
import { requestDueRecompute } from './findings-jobs.js';
import { type KevCatalog, readKev } from './kev-read.js';
import { referencePolicy } from './reference-policy.js';
import * as q from './reference-queries.js';

/**
 * `vaern import kev FILE`: the CISA Known Exploited Vulnerabilities catalogue (JSON, validated
 * against CISA's schema, docs/vulnerabilities-reference.md). A catalogue replaces the KEV set:
 * entries it lacks are removed (`removed` in the summary). An older catalogue than the one
 * imported is refused. Every KEV CVE gets a vulnerability and its alias when it has none.
 */

const ENTRY_COLUMNS = {
  cve: 'text',
  vendor_project: 'text',
  product: 'text',
  vulnerability_name: 'text',
  date_added: 'date',
  short_description: 'text',
  required_action: 'text',
  due_date: 'date',
  known_ransomware_campaign_use: 'text',
  notes: 'text',
  cwes: 'jsonb',
} as const;

const catalogOf = (job: ImportJob): KevCatalog => {
  const version = job.extra.catalog_version;
  const released = job.extra.catalog_released;
  if (typeof version !== 'string' || typeof released !== 'string') throw new Error('KEV catalogue not read');
  return { version, released };
};

export const kevImport: ImportDefinition = {
  kind: 'kev',
  title: 'CISA Known Exploited Vulnerabilities catalogue (JSON; sector unit only)',
  accepts: ['application/json', 'application/octet-stream', 'text/plain'],
  keyColumn: 'cveID',
  mayStart: referencePolicy.import,
  read: ({ job, bytes }) =>
    readKev(bytes, (catalog) => {
      job.extra.catalog_version = catalog.version;
      job.extra.catalog_released = catalog.released;
    }),
  /** A catalogue older than the one the KEV entries come from would bring back removed entries. */
  async check(tx, job) {
    const catalog = catalogOf(job);
    const current = await q.currentKevRelease(tx);
    if (current !== null && Date.parse(catalog.released) < Date.parse(current)) {
      return {
        issues: [
          {
            row: null,
            column: 'dateReleased',
            code: 'vulnerabilities.kev_older',
            params: { released: catalog.released, current },
          },
        ],
        total: 1,
      };
    }
    return { issues: [], total: 0 };
  },
  /** Vulnerabilities for new CVEs, a slice at a time: harmless on its own, and found by a new run. */
  async merge(tx, job, slice) {
    await q.openReferenceWrites(tx, job.importId);
    const staged = stagedRows(
      job,
      { cve: 'text', vulnerability_name: 'text', short_description: 'text' },
      slice,
    );
    await q.ensureVulnerabilities(
      tx,
      sql`(select s.cve, s.vulnerability_name as title, s.short_description as description from ${staged} s)`,
    );
    return {};
  },
  /** The switch: the KEV set becomes this catalogue's in one transaction. */
  async apply(tx, job) {
    await q.openReferenceWrites(tx, job.importId);
    // Findings with these CVEs get their due dates again (KEV and EPSS tighten them).
    tx.onCommit(() => requestDueRecompute(job.ctx));
    // Which systems run the catalogue's products, and which findings carry its CVEs.
    tx.onCommit(() => requestKevMatch(job.ctx));
    const catalog = catalogOf(job);
    const staged = stagedRows(job, ENTRY_COLUMNS);
    const { created, updated } = await q.upsertKevEntries(tx, staged, catalog);
    job.extra.removed = await q.removeKevEntriesMissingFrom(tx, staged);
    return { created, updated, unchanged: job.rows - created - updated };
  },
};
