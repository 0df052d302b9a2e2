import { createReadStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { renderIssue } from '../../server/lib/field-messages.js';
import { importDefinitions } from '../../server/modules/imports/registers/index.js';
import { UNSHOWN } from '../../server/modules/imports/schemas.js';
import { type Client, connect, expectOk } from '../client.js';
import { type Command, type Io, optionalString, requireString } from '../command.js';
import { CliError, UsageError } from '../errors.js';

interface ImportState {
  import_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'refused' | 'failed';
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  error_list: Array<{ row: number | null; column: string | null; message: string }>;
  phase: string | null;
  processed: number;
  progress: number;
  [key: string]: unknown;
}

/** Keys of the API's import status that are not part of the summary. */
const STATUS_KEYS = new Set([
  'kind',
  'phase',
  'processed',
  'progress',
  'file_name',
  'created_at',
  'finished_at',
]);
const FINAL = new Set(['succeeded', 'refused', 'failed']);
const POLL_MS = 200;

const MEDIA_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.txt': 'text/csv',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.nessus': 'application/xml',
  '.sarif': 'application/json',
};

const mediaTypeOf = (file: string): string =>
  MEDIA_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

const summaryOf = (state: ImportState) =>
  Object.fromEntries(Object.entries(state).filter(([key]) => !STATUS_KEYS.has(key)));

/** Progress on stderr: a bar redrawn in place on a terminal, otherwise one line per phase. */
function progressReporter(io: Io) {
  const tty = process.stderr.isTTY === true;
  let lastPhase: string | null = null;
  return {
    update(state: ImportState) {
      const phase = state.phase ?? state.status;
      if (tty) {
        const width = 30;
        const done = Math.round(state.progress * width);
        const bar = `${'#'.repeat(done)}${'.'.repeat(width - done)}`;
        const percent = `${Math.floor(state.progress * 100)}`.padStart(3);
        process.stderr.write(`\r[${bar}] ${percent}% ${phase.padEnd(9)} ${state.processed} rows\x1b[K`);
      } else if (phase !== lastPhase && !FINAL.has(state.status)) {
        io.warn(state.processed > 0 ? `${phase}… (${state.processed} rows so far)` : `${phase}…`);
      }
      lastPhase = phase;
    },
    end() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Kinds imported into the sector unit's organisation: `--org` may be left out for them. */
const SECTOR_KINDS = new Set(['kev', 'epss', 'advisory']);

/** The slug of the one organisation of kind sector_unit, or a clear refusal. */
async function sectorUnitSlug(client: Client): Promise<string> {
  const found = expectOk<{ items: Array<{ slug: string }> }>(
    await client.request('GET', '/api/v1/orgs?kind=sector_unit&limit=2'),
  );
  const [only, second] = found.items;
  if (!only)
    throw new CliError('there is no sector unit organisation (kind sector_unit): create it or give --org');
  if (second) throw new CliError('there is more than one sector unit organisation: give --org <slug>');
  return only.slug;
}

async function follow(client: Client, url: string, io: Io): Promise<ImportState> {
  const progress = progressReporter(io);
  try {
    for (;;) {
      const state = expectOk<ImportState>(await client.request('GET', url));
      progress.update(state);
      if (FINAL.has(state.status)) return state;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    progress.end();
  }
}

/** A scan's figures: what is new, still open, back, gone, and what the inventory lacks. */
const scanCounts = (state: ImportState) =>
  `${state.new} new, ${state.still_open} still open, ${state.reopened} reopened, ${state.closed} closed, ` +
  `${state.informational} informational, ${state.unmapped_hosts} unmapped host(s)`;

function report(io: Io, file: string, org: string, state: ImportState) {
  const removed = typeof state.removed === 'number' ? `, ${state.removed} removed` : '';
  const counts =
    state.kind === 'scan'
      ? scanCounts(state)
      : `${state.rows} row(s): ${state.created} created, ${state.updated} updated, ${state.unchanged} unchanged${removed}`;
  if (state.status === 'succeeded') {
    io.say(`Imported ${file} into ${org}: ${counts}.`);
    return;
  }
  // A refusal is the command's failure message: on stderr, and not next to the --json summary.
  if (io.json) return;
  const what = state.status === 'refused' ? 'Refused' : 'Failed';
  io.warn(`${what}: ${file} was not imported; nothing was changed (${state.errors} error(s)).`);
  for (const e of state.error_list) {
    const where = [e.row === null ? undefined : `row ${e.row}`, e.column ?? undefined]
      .filter(Boolean)
      .join(', ');
    io.warn(where ? `  ${where}: ${e.message}` : `  ${e.message}`);
  }
  if (state.errors > state.error_list.length) {
    io.warn(`  … and ${state.errors - state.error_list.length} more`);
  }
}

/**
 * The kind's options checked here, as the server checks them, before any upload: a wrong
 * --format is a usage error naming the option (the server's answer came while the file was
 * still being sent, and the CLI reported a broken socket instead).
 */
function checkOptions(kind: string, given: Record<string, string | undefined>): void {
  const def = importDefinitions.find((d) => d.kind === kind);
  if (!def?.options) return;
  const options = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const parsed = def.options.safeParse(options);
  if (parsed.success) return;
  const flag = (key: PropertyKey | undefined) => `--${String(key ?? '').replaceAll('_', '-')}`;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys')
    throw new UsageError(`${issue.keys.map(flag).join(', ')}: not an option of ${kind}`);
  throw new UsageError(`${flag(issue?.path[0])}: ${issue ? renderIssue(issue, 'en') : 'not valid'}`);
}

/** Uploads one file and follows its import to the end. */
async function importFile(client: Client, base: string, kind: string, file: string, query: string, io: Io) {
  // The server refuses names with control or formatting characters: the CLI leaves them out.
  const name = encodeURIComponent(path.basename(file).replace(new RegExp(UNSHOWN, 'gu'), '') || 'file');
  const started = expectOk<{ import_id: string }>(
    await client.upload(
      `${base}/${encodeURIComponent(kind)}?name=${name}${query}`,
      createReadStream(file),
      mediaTypeOf(file),
    ),
  );
  return follow(client, `${base}/${started.import_id}`, io);
}

/**
 * `vaern import advisory DIR`: every `*.json` file of the directory, one import each, in name
 * order. One summary: totals and each file's status; exit 1 when any was refused or failed.
 */
async function importAdvisoryDirectory(client: Client, base: string, dir: string, query: string, io: Io) {
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.json') && statSync(path.join(dir, f)).isFile())
    .sort();
  if (files.length === 0) throw new CliError(`there are no *.json files in ${dir}`);
  const results = [];
  for (const f of files) {
    const state = await importFile(client, base, 'advisory', path.join(dir, f), query, io);
    const { error_list, errors, status, import_id, created, updated, unchanged } = state;
    results.push({
      file: f,
      status,
      import_id,
      advisory_id: state.advisory_id,
      tracking_id: state.tracking_id,
      version: state.version,
      created,
      updated,
      unchanged,
      errors,
      error_list,
    });
    if (status === 'succeeded') io.say(`${f}: ${created ? 'created' : updated ? 'updated' : 'unchanged'}.`);
    else io.warn(`${f}: ${status}: ${error_list.map((e) => e.message).join(' ')}`);
  }
  const ok = results.filter((r) => r.status === 'succeeded');
  const summary = {
    files: results.length,
    imported: ok.filter((r) => r.created + r.updated > 0).length,
    unchanged: ok.filter((r) => r.unchanged > 0).length,
    refused: results.filter((r) => r.status === 'refused').length,
    failed: results.filter((r) => r.status === 'failed').length,
    results,
  };
  io.emit(summary);
  io.say(
    `${summary.files} file(s): ${summary.imported} imported, ${summary.unchanged} unchanged, ` +
      `${summary.refused} refused, ${summary.failed} failed.`,
  );
  return summary.refused + summary.failed > 0 ? 1 : 0;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import a register file into an organisation (validated whole, applied in one step)',
  usage:
    '<kind> --org <slug> [--system <key>] [--format <format>] [--include-info] [--tlp <label>] [--audience <slugs>] FILE|DIR',
  help: [
    'Kinds:',
    ...importDefinitions.map((d) => `  ${d.kind.padEnd(14)} ${d.title}`),
    'The file is checked whole first: with any error nothing is imported, and every error is',
    'listed with its row (1 is the header line) and column. Progress goes to stderr.',
    '--system <key>: the system an SBOM describes (kind sbom; its components become the',
    "system's components, and those an earlier SBOM of it brought and this one lacks are removed).",
    '--format nessus|openvas|sarif|csv: the scanner format of a scan (kind scan); --system then',
    'names the system code findings (SARIF) belong to; --include-info imports informational items',
    '(Nessus severity 0, OpenVAS Log) as findings of severity info instead of counting them.',
    'kev, epss, advisory: imported into the sector unit; without --org, the one organisation of kind sector_unit.',
    'advisory: a CSAF 2.0 file, or a directory (every *.json file in it, one import each: one summary with',
    "totals and each file's status). --tlp CLEAR|GREEN|AMBER|AMBER+STRICT|RED: the label of a document",
    'without one (default GREEN); --audience <slug,slug>: who may read it above GREEN (required then).',
    'Exit code 0 when imported, 1 when refused or failed; --json prints the summary either way.',
  ],
  options: {
    org: { type: 'string' },
    system: { type: 'string' },
    format: { type: 'string' },
    'include-info': { type: 'boolean' },
    tlp: { type: 'string' },
    audience: { type: 'string' },
  },
  positionals: [2, 2],
  async run({ values, positionals, io }) {
    const [kind = '', file = ''] = positionals;
    const givenOrg = SECTOR_KINDS.has(kind) ? optionalString(values, 'org') : requireString(values, 'org');
    const system = optionalString(values, 'system');
    const format = optionalString(values, 'format');
    const includeInfo = values['include-info'] === true;
    const tlp = optionalString(values, 'tlp');
    const audience = optionalString(values, 'audience');
    checkOptions(kind, {
      system,
      format,
      include_info: includeInfo ? 'true' : undefined,
      tlp,
      audience,
    });
    let directory = false;
    try {
      directory = kind === 'advisory' && statSync(file).isDirectory();
      if (!directory && !statSync(file).isFile()) throw new Error('not a file');
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
    }
    const client = await connect();
    try {
      const org = givenOrg ?? (await sectorUnitSlug(client));
      // In this process nobody else runs the job: work the queue here until the import ends.
      if (client.mode === 'in-process') await client.runtime?.ctx.jobs.work();
      const base = `/api/v1/orgs/${encodeURIComponent(org)}/imports`;
      const query = [
        system === undefined ? '' : `&system=${encodeURIComponent(system)}`,
        format === undefined ? '' : `&format=${encodeURIComponent(format)}`,
        includeInfo ? '&include_info=true' : '',
        tlp === undefined ? '' : `&tlp=${encodeURIComponent(tlp)}`,
        audience === undefined ? '' : `&audience=${encodeURIComponent(audience)}`,
      ].join('');
      if (directory) return await importAdvisoryDirectory(client, base, file, query, io);
      const state = await importFile(client, base, kind, file, query, io);
      io.emit(summaryOf(state));
      report(io, path.basename(file), org, state);
      return state.status === 'succeeded' ? 0 : 1;
    } finally {
      await client.close();
    }
  },
};
