import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import type { Tx } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { addMessages } from '../../lib/messages.js';
import { requestOrgRematch } from '../advisories/match-jobs.js';
import {
  FileRefused,
  type ImportDefinition,
  type ImportIssue,
  type ImportJob,
  type ReadRow,
  type StagedSlice,
} from '../imports/framework.js';
import { requestAnalyze } from './jobs.js';
import { inventoryPolicy } from './policy.js';
import {
  describeLocation,
  readCycloneDx,
  type SbomComponent,
  SbomError,
  type SbomIssue,
} from './sbom/index.js';

/**
 * `vaern import sbom --org <slug> --system <key> FILE` (docs/sbom.md): a CycloneDX SBOM (JSON or
 * XML, 1.2–1.6) says what one system is built from now. Its components are created or updated
 * as the system's inventory components, keyed by a key made from each component (componentKey);
 * the system's components that an earlier SBOM brought and this one no longer lists are removed
 * (never those entered by hand or by the components register: `source`, migration 0015).
 * Dependencies between components are not stored: the inventory's dependencies link processes,
 * systems and suppliers.
 *
 * Through the import framework like the registers: the reader streams the file, the components
 * are staged in chunks, new ones are inserted hidden in merge slices (imported_by, 0013), and the
 * switch updates the changed ones, removes the absent ones and publishes the new ones at once.
 * The SQL is here rather than in queries.ts because it serves this import alone.
 */

const sbomImportMessages = {
  'inventory.sbom.system_unknown': {
    en: 'There is no system with the key "{system}" in this organisation. Give the key of one of its systems (--system).',
    da: 'Der er intet system med nøglen "{system}" i denne organisation. Angiv nøglen på et af dens systemer (--system).',
  },
  'inventory.sbom.key_taken': {
    en: 'The component key "{key}" is already used by a component that did not come from this system\'s SBOM (system "{system}"); rename or delete that component first.',
    da: 'Komponentnøglen "{key}" bruges allerede af en komponent, der ikke kom fra dette systems SBOM (system "{system}"); omdøb eller slet den komponent først.',
  },
  'inventory.sbom.too_long': {
    en: 'The {field} at {where} is longer than the inventory holds ({max} characters).',
    da: 'Feltet {field} ved {where} er længere, end inventaret kan rumme ({max} tegn).',
  },
} as const;
addMessages(sbomImportMessages);

const SYSTEM_KEY = /^[^/\p{Cc}]{1,100}$/u;

const options = z.strictObject({
  system: z
    .string()
    .trim()
    .regex(SYSTEM_KEY, 'a system key: 1–100 characters, without "/" or control characters'),
});

/** The longest values the inventory's columns hold (0013: inventory_components). */
const MAX = { vendor: 200, product: 200, version: 100, cpe: 500, purl: 500 } as const;

/** Characters of a key's readable part; then `~` and HASH_CHARS hex digits: 100 in all. */
const READABLE_CHARS = 100 - 1 - 16;
const HASH_CHARS = 16;

/**
 * What identifies a component within its SBOM: its package URL, else its bom-ref, else
 * `group/name@version` (the parts it has).
 */
export function componentIdentity(c: Pick<SbomComponent, 'purl' | 'bomRef' | 'group' | 'name' | 'version'>) {
  if (c.purl) return c.purl;
  if (c.bomRef) return c.bomRef;
  const named = c.group ? `${c.group}/${c.name}` : c.name;
  return c.version ? `${named}@${c.version}` : named;
}

/**
 * The inventory key of a component of system `system`: keys are unique per organisation and must
 * hold 1–100 characters without "/" or control characters, while the same package appears in
 * many systems' SBOMs and identities are long and full of "/". So: `<system>:<identity>` with
 * every "/" turned into ":" and every control character into "?", cut to 83 characters, then
 * `~` and the first 16 hexadecimal digits of the SHA-256 of the system's key and the exact
 * identity (a line feed between them). The readable part lets a person find the component; the
 * digest keeps two components apart whatever the cutting and replacing made of them.
 */
export function componentKey(system: string, identity: string): string {
  const readable = [...`${system}:${identity}`.replace(/\//g, ':').replace(/\p{Cc}/gu, '?')]
    .slice(0, READABLE_CHARS)
    .join('');
  const digest = createHash('sha256').update(`${system}\n${identity}`, 'utf8').digest('hex');
  return `${readable}~${digest.slice(0, HASH_CHARS)}`;
}

/** The staged record of a component (its key is the staged row's key). */
interface StagedComponent {
  vendor: string | null;
  product: string;
  version: string | null;
  cpe: string | null;
  purl: string | null;
}

/** An SbomIssue as an import issue: row = the component's number (JSON) or the XML line. */
function toIssue(i: SbomIssue, component: SbomComponent | null, ordinal: number | null): ImportIssue {
  const base = component?.location.path;
  let column: string | null = null;
  if (base !== undefined && i.location.path.startsWith(`${base}.`))
    column = i.location.path.slice(base.length + 1);
  else if (i.code === 'sbom.name_missing') column = 'name';
  return { row: i.location.line ?? ordinal, column, code: i.code, params: i.params };
}

const chars = (s: string) => [...s].length;

/** Values longer than the inventory's columns hold: issues of the component. */
function lengthIssues(c: SbomComponent, ordinal: number): ImportIssue[] {
  const values: Record<keyof typeof MAX, string | null> = {
    vendor: c.vendor,
    product: c.name,
    version: c.version,
    cpe: c.cpe,
    purl: c.purl,
  };
  const out: ImportIssue[] = [];
  for (const field of Object.keys(MAX) as (keyof typeof MAX)[]) {
    const value = values[field];
    if (value !== null && chars(value) > MAX[field]) {
      const source = field === 'product' ? 'name' : field;
      out.push({
        row: c.location.line ?? ordinal,
        column: field === 'vendor' ? (c.vendorSource ?? 'vendor') : source,
        code: 'inventory.sbom.too_long',
        params: { field: source, where: describeLocation(c.location), max: MAX[field] },
      });
    }
  }
  return out;
}

async function* readSbom(bytes: AsyncIterable<Buffer>, system: string): AsyncGenerator<ReadRow> {
  let ordinal = 0;
  let reported = 0;
  try {
    for await (const event of readCycloneDx(bytes)) {
      if (event.kind === 'component') {
        const c = event.component;
        ordinal++;
        const issues = [...c.issues.map((i) => toIssue(i, c, ordinal)), ...lengthIssues(c, ordinal)];
        reported += c.issues.length;
        if (issues.length > 0) {
          yield { row: ordinal, key: null, data: null, issues };
          continue;
        }
        const data: StagedComponent = {
          vendor: c.vendor,
          product: c.name,
          version: c.version,
          cpe: c.cpe,
          purl: c.purl,
        };
        yield {
          row: ordinal,
          key: componentKey(system, componentIdentity(c)),
          data: data as unknown as Record<string, unknown>,
          issues: [],
        };
      } else if (event.kind === 'end' && event.issues > reported) {
        // Problems outside the components (the subject, metadata.component) refuse the file too.
        const subject = event.bom.subject;
        const found = (subject?.issues ?? []).map((i) => toIssue(i, null, null));
        throw new FileRefused(
          found.length > 0
            ? found
            : [
                {
                  row: null,
                  column: null,
                  code: 'sbom.structure',
                  params: { where: '$', detail: 'invalid values' },
                },
              ],
        );
      }
    }
  } catch (error) {
    if (!(error instanceof SbomError)) throw error;
    throw new FileRefused([
      { row: error.location.line, column: null, code: error.code, params: error.params },
    ]);
  }
}

// SQL -------------------------------------------------------------------------------------------

/**
 * Without nested-loop joins and JIT, as queries.ts does for the registers' statements: right after
 * a bulk insert the tables have no statistics, and the planner would join thousands of staged
 * rows to the components in a nested loop. SET LOCAL, restored afterwards.
 */
async function withoutNestedLoops<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  const before = await sql<{ nestloop: string; jit: string }>`
    select current_setting('enable_nestloop') as nestloop, current_setting('jit') as jit`.execute(tx.q);
  await sql`select set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)`.execute(tx.q);
  const result = await fn();
  const was = before.rows[0];
  await sql`select set_config('enable_nestloop', ${was?.nestloop ?? 'on'}, true),
                   set_config('jit', ${was?.jit ?? 'on'}, true)`.execute(tx.q);
  return result;
}

const systemOf = (job: ImportJob) => String(job.options.system);

/** `sys`: the target system (no row when the organisation has none with that key). */
const sysCte = (job: ImportJob) =>
  sql`sys as (select id from inventory_systems where org_id = ${job.org.id} and key = ${systemOf(job)})`;

/** `s`: the import's staged components (of a slice), typed. */
const stagedCte = (job: ImportJob, slice?: StagedSlice): RawBuilder<unknown> => {
  const range = slice ? sql`and r.row_no > ${slice.after} and r.row_no <= ${slice.upTo}` : sql``;
  return sql`s as materialized (select r.row_no, r.key, d.vendor, d.product, d.version, d.cpe, d.purl
    from import_rows r
    cross join lateral jsonb_to_record(r.data) as d(vendor text, product text, version text, cpe text, purl text)
    where r.org_id = ${job.org.id} and r.import_id = ${job.importId} and r.data is not null ${range})`;
};

const stored = sql`(c.vendor, c.product, c.version, c.model_number, c.cpe, c.purl)`;
const staged = sql`(s.vendor, s.product, s.version, null::text, s.cpe, s.purl)`;

const affected = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0n);

/** The system is not the organisation's; keys of the file held by components of another source. */
async function checkSbom(tx: Tx, job: ImportJob, limit: number) {
  const found = await sql<{ id: string }>`
    select id from inventory_systems where org_id = ${job.org.id} and key = ${systemOf(job)}`.execute(tx.q);
  if (found.rows.length === 0) {
    return {
      issues: [
        {
          row: null,
          column: 'system',
          code: 'inventory.sbom.system_unknown',
          params: { system: systemOf(job) },
        },
      ],
      total: 1,
    };
  }
  const taken = await withoutNestedLoops(tx, () =>
    sql<{ row_no: number; key: string; system: string; total: number }>`
      with ${sysCte(job)}, ${stagedCte(job)}
      select s.row_no, s.key, sy.key as system, count(*) over ()::int as total
      from s join inventory_components c on c.org_id = ${job.org.id} and c.key = s.key
      join inventory_systems sy on sy.org_id = c.org_id and sy.id = c.system_id
      where c.source <> 'sbom' or c.system_id <> (select id from sys)
      order by s.row_no limit ${limit}`.execute(tx.q),
  );
  return {
    issues: taken.rows.map(
      (r): ImportIssue => ({
        row: r.row_no,
        column: 'key',
        code: 'inventory.sbom.key_taken',
        params: { key: r.key, system: r.system },
      }),
    ),
    total: taken.rows[0]?.total ?? 0,
  };
}

/**
 * A merge slice. A component listed again (the same key: the same package URL, say) changes
 * nothing: its later listings are set aside. The slice's new components are inserted, hidden
 * until the import succeeds; those whose record already holds their values are set aside too,
 * so that the switch compares only what may change. Setting aside clears a staged row's data and
 * keeps its key, which the switch's removal step reads.
 */
async function mergeSbom(tx: Tx, job: ImportJob, slice: StagedSlice) {
  await sql`
    update import_rows r set data = null
    where r.org_id = ${job.org.id} and r.import_id = ${job.importId} and r.data is not null
      and r.row_no > ${slice.after} and r.row_no <= ${slice.upTo}
      and exists (select 1 from import_rows e where e.org_id = r.org_id and e.import_id = r.import_id
                  and e.key = r.key and e.row_no < r.row_no)`.execute(tx.q);
  const created = await withoutNestedLoops(tx, () =>
    sql`with ${sysCte(job)}, ${stagedCte(job, slice)}
      insert into inventory_components
        (org_id, key, system_id, vendor, product, version, model_number, cpe, purl, source, imported_by)
      select ${job.org.id}, s.key, sys.id, s.vendor, s.product, s.version, null, s.cpe, s.purl, 'sbom',
             ${job.importId}::uuid
      from s cross join sys
      where not exists (select 1 from inventory_components c where c.org_id = ${job.org.id} and c.key = s.key)
      on conflict do nothing`.execute(tx.q),
  );
  const unchanged = await withoutNestedLoops(tx, () =>
    sql`with ${sysCte(job)}, ${stagedCte(job, slice)}
      update import_rows r set data = null
      from s join inventory_components c on c.org_id = ${job.org.id} and c.key = s.key
      where r.org_id = ${job.org.id} and r.import_id = ${job.importId} and r.row_no = s.row_no
        and c.source = 'sbom' and c.system_id = (select id from sys)
        and ${stored} is not distinct from ${staged}`.execute(tx.q),
  );
  return { created: affected(created), unchanged: affected(unchanged) };
}

/**
 * The switch: the system's SBOM components whose values the file changes are updated, those the
 * file no longer lists are removed, and the new ones appear as the framework marks the import
 * succeeded in this transaction.
 */
async function applySbom(tx: Tx, job: ImportJob, merged: { created: number }) {
  const updated = await withoutNestedLoops(tx, () =>
    sql`with ${sysCte(job)}, ${stagedCte(job)}
      update inventory_components c
      set vendor = s.vendor, product = s.product, version = s.version, model_number = null, cpe = s.cpe,
          purl = s.purl, updated_at = now()
      from s
      where c.org_id = ${job.org.id} and c.key = s.key and c.source = 'sbom'
        and c.system_id = (select id from sys) and ${stored} is distinct from ${staged}`.execute(tx.q),
  );
  const removed = await withoutNestedLoops(tx, () =>
    sql`with ${sysCte(job)}
      delete from inventory_components c
      where c.org_id = ${job.org.id} and c.system_id = (select id from sys) and c.source = 'sbom'
        and not exists (select 1 from import_rows r where r.org_id = ${job.org.id}
                        and r.import_id = ${job.importId} and r.key = c.key)`.execute(tx.q),
  );
  job.extra.removed = affected(removed);
  tx.onCommit(() => requestAnalyze(job.ctx));
  tx.onCommit(() => requestOrgRematch(job.ctx, job.org.id));
  const changed = affected(updated);
  return {
    created: merged.created,
    updated: changed,
    unchanged: Math.max(0, job.rows - merged.created - changed),
  };
}

export const sbomImport: ImportDefinition = {
  kind: 'sbom',
  title: 'Inventory: a CycloneDX SBOM (JSON or XML) as the components of one system (--system <key>)',
  accepts: [
    'application/json',
    'application/vnd.cyclonedx+json',
    'application/xml',
    'text/xml',
    'application/vnd.cyclonedx+xml',
    'application/octet-stream',
  ],
  options,
  mayStart: (actor: Actor, org: { id: string }) => inventoryPolicy.write(actor, org.id),
  read: ({ job, bytes }) => readSbom(bytes, systemOf(job)),
  check: checkSbom,
  merge: mergeSbom,
  apply: applySbom,
  discard: async (tx, job) => {
    await sql`select vaern_inventory_discard(${job.org.id}::uuid, ${job.importId}::uuid)`.execute(tx.q);
  },
};
