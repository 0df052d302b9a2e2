import type { Tx } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import type { ImportDefinition, ImportIssue, ImportJob } from '../imports/framework.js';
import { defineTabularImport } from '../imports/tabular.js';
import './messages.js';
import { requestOrgRematch } from '../advisories/match-jobs.js';
import { requestRemap } from '../vulnerabilities/findings-jobs.js';
import { requestAnalyze } from './jobs.js';
import { inventoryPolicy } from './policy.js';
import * as q from './queries.js';
import { sbomImport } from './sbom-import.js';
import { TEMPLATES } from './templates.js';

/**
 * The inventory's registers as imports (docs/inventory.md): `vaern import systems|components|
 * processes|suppliers|dependencies --org <slug> FILE`. A row describes the whole record: a new key
 * is created, an existing key takes the row's values (a column left out of the file, or an empty
 * cell, clears that field), and records the file does not name stay as they are.
 */

const mayStart = (actor: Actor, org: { id: string }) => inventoryPolicy.write(actor, org.id);

const toIssues = (r: { rows: q.StagedIssueRow[]; total: number }) => ({
  issues: r.rows.map(
    (i): ImportIssue => ({
      row: i.row_no,
      column: i.col,
      code: i.code,
      params: { value: i.value ?? '', first: i.first ?? '' },
    }),
  ),
  total: r.total,
});

/**
 * A register of records with keys. Merge, slice by slice: the new rows inserted hidden, the rows
 * that change nothing set aside. The switch: the changed rows updated; the new ones appear as the
 * framework marks the import succeeded.
 */
function registerImport(
  name: q.RegisterName,
  title: string,
  check?: (tx: Tx, job: ImportJob, limit: number) => Promise<{ rows: q.StagedIssueRow[]; total: number }>,
): ImportDefinition {
  return defineTabularImport({
    kind: name,
    title,
    keyColumn: 'key',
    columns: TEMPLATES[name].map((c) => c.column),
    mayStart,
    ...(check ? { check: async (tx, job, limit) => toIssues(await check(tx, job, limit)) } : {}),
    // The checks refused duplicate keys: every slice inserts and sets aside rows of its own.
    mergeSlicesAtOnce: true,
    // The new records, inserted hidden while the file is still read (ON CONFLICT DO NOTHING: a
    // key twice in a refused file, or a second pass, inserts nothing more); a refused or failed
    // import discards them.
    mergeEarly: async (tx, job, slice) => ({ created: await q.insertPending(tx, name, job, slice) }),
    // After the checks: the rows that change nothing are set aside.
    merge: async (tx, job, slice) => ({ unchanged: await q.dropUnchanged(tx, name, job, slice) }),
    async apply(tx, job, merged) {
      const updated = await q.updateChanged(tx, name, job);
      tx.onCommit(() => requestAnalyze(job.ctx));
      // Findings follow their hosts to the systems that now carry them.
      if (name === 'systems') tx.onCommit(() => requestRemap(job.ctx, job.org.id));
      // Advisories are matched against systems and components that name their product.
      if (name === 'systems' || name === 'components')
        tx.onCommit(() => requestOrgRematch(job.ctx, job.org.id));
      return {
        created: merged.created,
        updated,
        unchanged: Math.max(0, job.rows - merged.created - updated),
      };
    },
    discard: (tx, job) => q.discardPending(tx, job),
  });
}

export const inventoryImports: readonly ImportDefinition[] = [
  registerImport('systems', 'Inventory: IT systems, their criticality and baseline', q.checkSystems),
  registerImport('components', 'Inventory: components of the systems', q.checkComponents),
  registerImport('processes', 'Inventory: business processes'),
  registerImport('suppliers', 'Inventory: suppliers'),
  defineTabularImport({
    kind: 'dependencies',
    title: 'Inventory: dependencies (process → system, system → system, system → supplier)',
    columns: TEMPLATES.dependencies.map((c) => c.column),
    mayStart,
    check: async (tx, job, limit) => toIssues(await q.checkDependencies(tx, job, limit)),
    merge: async (tx, job, slice) => ({ created: await q.insertPendingDependencies(tx, job, slice) }),
    async apply(tx, job, merged) {
      tx.onCommit(() => requestAnalyze(job.ctx));
      return { created: merged.created, updated: 0, unchanged: Math.max(0, job.rows - merged.created) };
    },
    discard: (tx, job) => q.discardPending(tx, job),
  }),
  sbomImport,
];
