import { hash } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../db/tenant.js';
import type { Actor } from '../../lib/actor.js';
import { requestOrgRematch } from '../advisories/match-jobs.js';
import { FileRefused, type ImportDefinition, type ImportJob, type ReadRow } from '../imports/framework.js';
import { ANALYZE_AFTER_WRITTEN, requestFindingsAnalyze, requestRemap } from './findings-jobs.js';
import { findingsPolicy } from './findings-policy.js';
import { readers, type ScanFormat, ScanFormatError, type ScanItem } from './formats/index.js';
import * as merge from './scan-merge.js';
import { STAGED_COLUMNS, type StagedItem, stagedTuple } from './scan-staged.js';
import { TextHashes } from './text-hashes.js';
import './scan-messages.js';

/**
 * `vaern import scan --org <slug> --format nessus|openvas|sarif|csv [--system <key>] FILE`
 * (docs/vulnerabilities.md). The format's reader streams the file; each item becomes a staged
 * row with its finding identity (fingerprint); merge slices type, deduplicate and map them into
 * work tables nobody reads; the switch merges them into the organisation's findings in one
 * transaction: new ones created, known ones seen again (reopened when they had been fixed), and
 * the findings of the scan's scope that the file no longer has closed (scan-merge.ts).
 */

const FORMATS = ['nessus', 'openvas', 'sarif', 'csv'] as const satisfies readonly ScanFormat[];
const SYSTEM_KEY = /^[^/\p{Cc}]{1,100}$/u;

const options = z
  .strictObject({
    format: z.enum(FORMATS),
    system: z
      .string()
      .trim()
      .regex(SYSTEM_KEY, 'a system key: 1–100 characters, without "/" or control characters')
      .optional(),
    include_info: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true'),
  })
  .refine((o) => o.format !== 'sarif' || o.system !== undefined, {
    message: 'validation.sarif_system',
    path: ['system'],
  });

/**
 * The finding identity: SHA-256 of scanner family, normalised host, rule, port and protocol, one
 * per line. The organisation completes it (findings are unique per organisation and fingerprint).
 */
export function fingerprintOf(p: {
  family: string;
  host: string;
  rule: string;
  port: number | null;
  protocol: string | null;
}): string {
  const parts = [p.family, p.host, p.rule, p.port === null ? '' : String(p.port), p.protocol ?? ''];
  // One-shot hashing (a string is hashed as UTF-8): a scan hashes every item, and creating a Hash
  // object for each cost about twice the time.
  return hash('sha256', parts.join('\n'));
}

/** Text for a column that holds at most `max` characters (longer scanner text is cut). */
const cut = (value: string | null, max: number): string | null =>
  value === null ? null : value.length > max ? value.slice(0, max) : value;

/**
 * The staged record of one item. `texts` holds the text hashes already staged by this read of the
 * file: an item whose texts were staged before carries only their hash.
 */
function stage(
  item: ScanItem,
  host: string,
  asFinding: boolean,
  texts: Set<string>,
  hashes: TextHashes,
): StagedItem {
  // Host facts keep no texts (scan_host_facts: title and evidence).
  const description = asFinding ? cut(item.description, 20000) : null;
  const solution = asFinding ? cut(item.solution, 20000) : null;
  const protocol = item.protocol === null ? null : item.protocol.slice(0, 20);
  const rule = item.rule.slice(0, 2000);
  const family = item.family.slice(0, 100);
  const textHash = hashes.of(`${family}\n${rule}`, description, solution);
  const first = textHash !== null && !texts.has(textHash);
  if (first) texts.add(textHash);
  return {
    kind: asFinding ? 'finding' : 'fact',
    fingerprint: fingerprintOf({ family, host, rule, port: item.port, protocol }),
    family,
    host,
    port: item.port,
    protocol,
    rule,
    host_ip: item.host.ip,
    host_fqdn: cut(item.host.fqdn, 300),
    host_name: cut(item.host.hostname, 300),
    title: cut(item.title, 1000) || rule,
    severity: item.severity,
    cvss: item.cvss,
    cvss_vector: cut(item.cvssVector, 200),
    cves: item.cves,
    text_hash: textHash,
    description: first ? description : null,
    solution: first ? solution : null,
    evidence: cut(item.evidence, 20000),
    location_file: cut(item.location?.file ?? null, 2000),
    location_line: item.location?.line ?? null,
    suppressed: item.suppressed,
  };
}

/** The families of penetration-test and red-team findings, entered by hand, never scanned. */
export const TEST_FAMILIES: ReadonlySet<string> = new Set(['pentest', 'redteam']);

async function* readScan(job: ImportJob, bytes: AsyncIterable<Buffer>): AsyncGenerator<ReadRow> {
  const format = job.options.format as ScanFormat;
  const system = typeof job.options.system === 'string' ? job.options.system : null;
  const includeInfo = job.options.include_info === true;
  let informational = 0;
  const texts = new Set<string>();
  const hashes = new TextHashes();
  try {
    for await (const item of readers[format](bytes)) {
      // Code findings (SARIF) have no host: the system they belong to stands for it.
      const host = item.host.name ?? (format === 'sarif' ? system : null);
      if (host === null || host.length > 300) {
        yield {
          row: item.line,
          key: null,
          data: null,
          issues: [
            { row: item.line, column: 'host', code: 'scans.host_missing', params: { line: item.line } },
          ],
        };
        continue;
      }
      // Entered test findings own these families (test-findings-service.ts): a scan that used
      // them would close the test's findings as fixed.
      if (TEST_FAMILIES.has(item.family.toLowerCase())) {
        yield {
          row: item.line,
          key: null,
          data: null,
          issues: [
            {
              row: item.line,
              column: 'source',
              code: 'scans.family_reserved',
              params: { line: item.line, family: item.family },
            },
          ],
        };
        continue;
      }
      const asFinding = !item.informational || includeInfo;
      if (!asFinding) informational++;
      const staged = stage(item, host, asFinding, texts, hashes);
      yield { row: item.line, key: null, data: stagedTuple(staged), issues: [] };
    }
  } catch (error) {
    if (!(error instanceof ScanFormatError)) throw error;
    throw new FileRefused([
      {
        row: error.line,
        column: null,
        code: error.code,
        params: { line: error.line ?? '', ...error.params },
      },
    ]);
  } finally {
    job.extra.informational = informational;
  }
}

/** The system given with the import must be one of the organisation's. */
async function checkScan(tx: Tx, job: ImportJob) {
  const system = job.options.system;
  if (typeof system !== 'string') return { issues: [], total: 0 };
  if (await merge.systemExists(tx, job.org.id, system)) return { issues: [], total: 0 };
  return {
    issues: [{ row: null, column: 'system', code: 'scans.system_unknown', params: { system } }],
    total: 1,
  };
}

export const scanImport: ImportDefinition = {
  kind: 'scan',
  title: 'Vulnerabilities: a scanner report (Nessus, OpenVAS/Greenbone, SARIF or CSV) as findings',
  accepts: [
    'application/xml',
    'text/xml',
    'application/json',
    'application/sarif+json',
    'text/csv',
    'application/csv',
    'text/plain',
    'application/octet-stream',
  ],
  options: options as unknown as z.ZodType<Record<string, unknown>>,
  mayStart: (actor: Actor, org: { id: string }) => findingsPolicy.importScan(actor, org.id),
  read: ({ job, bytes }) => readScan(job, bytes),
  check: checkScan,
  // On a server each staged chunk goes typed into its own short transaction and is merged into
  // the work tables while the rest of the file is still read, in order, one at a time (two slices
  // could write the same host or identity); then, in the switch's own transaction held open
  // meanwhile, its work rows go into the findings (nobody sees them before that transaction
  // commits; a refused or failed import rolls it back, and discard removes the work rows). On the
  // embedded database each slice, in its own short transaction, also inserts its new findings
  // unpublished (hideSlice), and the switch writes the rest and publishes them. On a server, a
  // small file's slices fill the work tables only and the switch writes the findings.
  stagedTypes: STAGED_COLUMNS,
  async mergeEarly(tx, job, slice) {
    const merged = await merge.mergeSlice(tx, job, slice);
    if (job.earlyInSwitch) merge.keepForSwitch(job, slice, merged);
    else if (job.ctx.db.kind === 'pglite') await merge.hideSlice(tx, job, merged);
    // The switch comes after this slice's transaction (or in it, for a small file).
    else merge.keepMappedSystems(job, merged);
    return {};
  },
  switchEarly: (tx, job, slice) => merge.switchSlice(tx, job, slice),
  discard: merge.discardWork,
  async apply(tx, job) {
    const result = await merge.mergeScan(tx, job);
    // The work rows go once the findings are published, a small transaction at a time.
    tx.onCommit(() =>
      merge
        .clearWork(job)
        .catch((error) =>
          job.ctx.log.error({ err: error, importId: job.importId }, 'scan import work rows remain'),
        ),
    );
    // Findings that carry a KEV CVE mark their systems as running an exploited product.
    tx.onCommit(() => requestOrgRematch(job.ctx, job.org.id));
    // The inventory, SLA, KEV or EPSS changed while the file was merged (a system mapped to may
    // even be gone): the findings follow.
    if (merge.systemsGone(job) || (await merge.inputsChangedSince(tx, job)))
      tx.onCommit(() => requestRemap(job.ctx, job.org.id));
    if (result.new + result.reopened + result.closed >= ANALYZE_AFTER_WRITTEN)
      tx.onCommit(() => requestFindingsAnalyze(job.ctx));
    Object.assign(job.extra, {
      new: result.new,
      still_open: result.stillOpen,
      reopened: result.reopened,
      closed: result.closed,
      informational: Number(job.extra.informational ?? 0),
      unmapped_hosts: result.unmappedHosts,
      unmapped_host_names: result.unmappedHostNames,
    });
    return { created: result.new, updated: result.reopened, unchanged: result.stillOpen };
  },
};
