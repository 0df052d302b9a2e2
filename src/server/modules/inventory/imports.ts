import type { Tx } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import type { ImportDefinition, ImportIssue, ImportJob } from '../imports/framework.js';
import { type Column, defineTabularImport, emailCell, oneOfCell } from '../imports/tabular.js';
import { checkKey, checkSharedRef, csvColumn, type Field } from './fields.js';
import './messages.js';
import { requestOrgRematch } from '../advisories/match-jobs.js';
import { requestRemap } from '../vulnerabilities/findings-jobs.js';
import { requestAnalyze } from './jobs.js';
import { inventoryPolicy } from './policy.js';
import * as q from './queries.js';
import {
  componentFields,
  FROM_TYPES,
  processFields,
  supplierFields,
  systemFields,
  TO_TYPES,
} from './registers.js';
import { sbomImport } from './sbom-import.js';

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

const ownerColumn: Column = {
  name: 'owner_email',
  required: false,
  type: 'text',
  description: "E-mail address of the system's owner, a member of the organisation",
  parse: emailCell,
};

const sharedColumn: Column = {
  name: 'shared_system',
  required: false,
  type: 'text',
  description:
    'The shared record this system is the local use of: "<owner organisation slug>/<key>" of a system its owner shares',
  parse: checkSharedRef,
};

/** The `system` of a component: the key of a system in the register. */
const systemColumn: Column = {
  name: 'system',
  required: true,
  type: 'text',
  description: 'The key of the system the component belongs to',
  parse: checkKey,
};

/** The template columns of each register, in order, with their example cells. */
export interface TemplateColumn {
  column: Column;
  example: string;
}

const plain = (fields: readonly Field[]): TemplateColumn[] =>
  fields.map((f) => ({ column: csvColumn(f), example: f.example }));

const systemTemplate: TemplateColumn[] = (() => {
  const cols = plain(systemFields);
  cols.splice(2, 0, { column: ownerColumn, example: 'anne.holm@example.dk' });
  cols.push({ column: sharedColumn, example: '' });
  return cols;
})();

const componentTemplate: TemplateColumn[] = (() => {
  const cols = plain(componentFields);
  cols.splice(1, 0, { column: systemColumn, example: 'EPJ-01' });
  return cols;
})();

const dependencyTemplate: TemplateColumn[] = [
  {
    column: {
      name: 'from_type',
      required: true,
      type: 'text',
      description: 'What depends: process or system',
      parse: oneOfCell(FROM_TYPES),
    },
    example: 'process',
  },
  {
    column: {
      name: 'from_key',
      required: true,
      type: 'text',
      description: 'Its key',
      parse: checkKey,
    },
    example: 'PROC-AKUT',
  },
  {
    column: {
      name: 'to_type',
      required: true,
      type: 'text',
      description: 'What it depends on: system, or supplier (for a system)',
      parse: oneOfCell(TO_TYPES),
    },
    example: 'system',
  },
  {
    column: { name: 'to_key', required: true, type: 'text', description: 'Its key', parse: checkKey },
    example: 'EPJ-01',
  },
];

export const TEMPLATES = {
  systems: systemTemplate,
  components: componentTemplate,
  processes: plain(processFields),
  suppliers: plain(supplierFields),
  dependencies: dependencyTemplate,
} as const;
export type TemplateName = keyof typeof TEMPLATES;

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
    merge: async (tx, job, slice) => ({
      created: await q.insertPending(tx, name, job, slice),
      unchanged: await q.dropUnchanged(tx, name, job, slice),
    }),
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
    columns: dependencyTemplate.map((c) => c.column),
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

/** A register's template: the header and one example row, semicolon-separated. */
export function templateCsv(name: TemplateName): string {
  const cols = TEMPLATES[name];
  const cell = (v: string) => (/[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${cols.map((c) => c.column.name).join(';')}\r\n${cols.map((c) => cell(c.example)).join(';')}\r\n`;
}
