import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { withTenant } from '../src/server/db/tenant.js';
import { buildHttpApp } from '../src/server/http/app.js';
import { readCsaf } from '../src/server/modules/advisories/csaf/read.js';
import type { VersionRange } from '../src/server/modules/advisories/identity/ranges.js';
import { parseTextRange } from '../src/server/modules/advisories/identity/text-ranges.js';
import { countSectorKevComponents } from '../src/server/modules/advisories/match-queries.js';
import { refreshIdentities, runMatch } from '../src/server/modules/advisories/match-service.js';
import { corpus } from '../test/corpora.js';
import { benchArgs } from './lib/args.js';
import { openBenchRuntime } from './lib/engine.js';
import { timedImport } from './lib/import-run.js';
import { BenchError, machine, peakRssMib, progress, round, runBench, secondsSince } from './lib/report.js';

/*
 * bench:match — advisories against a synthetic sector (issue 6): 1,000 organisations, 50 systems
 * and 1,000 components each (1,000,000 components; `--components N` for fewer). The components'
 * products: 1.5 % are real products of the 90 medical CSAF advisories in the corpus, at a version
 * inside the advisory's range (vendor, product and version as the advisory writes them); the rest
 * come from 1,200 other identities with realistic vendor and product names, CPEs and package URLs.
 * Written set-based in the operator's scope. Then: the identity index is built, the KEV catalogue
 * imported and matched against the whole sector (`kev_rematch_s`: the catalogue's names keyed
 * again, after which every read is current; `kev_sector_eval_s`: counting the components of the
 * whole sector that run a KEV product),
 * and each of the 90 advisories ingested through the operator's HTTP app in one request each
 * (`POST …/imports/advisory?wait=true`, what a feed does), which stores the advisory and computes
 * its matches in the import's own switch (`advisory_p50_ms`, `advisory_p99_ms`: ingest to
 * affected list).
 *
 *   npm run bench:match [-- --components N]
 */

const ORGS = 1_000;
const SYSTEMS_PER_ORG = 50;
const CORPUS_PER_MILLE = 15;

interface Identity {
  vendor: string;
  product: string;
  version: string;
  cpe: string | null;
  purl: string | null;
}

/** A version inside a range, when one can be named from its bounds. */
function versionIn(range: VersionRange): string | null {
  if (range.all) return '1.0';
  const exact = range.exact[0];
  if (exact) return exact;
  for (const interval of range.intervals) {
    if (interval.upper?.inclusive) return interval.upper.version;
    if (interval.lower?.inclusive) return interval.lower.version;
  }
  return null;
}

/** The medical advisories' known-affected products, each at a version its range contains. */
function corpusIdentities(files: string[]): Identity[] {
  const seen = new Map<string, Identity>();
  for (const file of files) {
    const doc = readCsaf(readFileSync(file));
    const affected = new Set(doc.vulnerabilities.flatMap((v) => v.productStatus.known_affected));
    for (const p of doc.products) {
      const vendor = p.branch.vendor;
      const product = p.branch.product_name;
      const text = p.branch.product_version ?? p.branch.product_version_range;
      if (!affected.has(p.id) || !vendor || !product || !text) continue;
      const read = parseTextRange(text);
      if (read.kind !== 'parsed') continue;
      const version = versionIn(read.range);
      if (!version) continue;
      const identity = { vendor, product, version, cpe: null, purl: null };
      seen.set(`${vendor}\u001f${product}\u001f${version}`, identity);
    }
  }
  return [...seen.values()];
}

const VENDORS: Array<[string, string, string[]]> = [
  [
    'Microsoft',
    'microsoft',
    ['Windows Server', 'SQL Server', 'Exchange Server', 'Office', 'Edge', '.NET Framework'],
  ],
  ['Oracle', 'oracle', ['Java SE', 'Database Server', 'WebLogic Server', 'MySQL']],
  ['Apache Software Foundation', 'apache', ['HTTP Server', 'Tomcat', 'Struts', 'ActiveMQ', 'Kafka']],
  [
    'Cisco Systems, Inc.',
    'cisco',
    ['IOS XE', 'ASA Software', 'Webex Meetings', 'AnyConnect Secure Mobility Client'],
  ],
  ['VMware', 'vmware', ['ESXi', 'vCenter Server', 'Horizon', 'Workspace ONE Access']],
  ['Citrix', 'citrix', ['NetScaler ADC', 'Workspace App', 'Virtual Apps and Desktops']],
  ['Fortinet', 'fortinet', ['FortiOS', 'FortiGate', 'FortiClient EMS']],
  ['Siemens Healthineers', 'siemens', ['syngo.via', 'Teamplay', 'Atellica Data Manager']],
  ['Systematic A/S', 'systematic', ['Columna CIS', 'Columna Cura', 'Columna Flow']],
  ['Epic Systems Corporation', 'epic', ['Hyperspace', 'MyChart', 'Haiku']],
  ['Cerner Corporation', 'cerner', ['Millennium', 'PowerChart']],
  ['Agfa HealthCare', 'agfa', ['Enterprise Imaging', 'IMPAX']],
  ['Sectra AB', 'sectra', ['IDS7', 'UniView']],
  ['Red Hat', 'redhat', ['Enterprise Linux', 'OpenShift', 'JBoss EAP']],
  ['Canonical Ltd.', 'canonical', ['Ubuntu Linux']],
  ['OpenSSL Software Foundation', 'openssl', ['OpenSSL']],
  ['Mozilla', 'mozilla', ['Firefox', 'Thunderbird']],
  ['Google LLC', 'google', ['Chrome']],
  ['Adobe Inc.', 'adobe', ['Acrobat Reader', 'ColdFusion']],
  ['SAP SE', 'sap', ['NetWeaver', 'S/4HANA']],
];

const PACKAGES: Array<[string, string, string]> = [
  ['npm', '', 'lodash'],
  ['npm', '', 'express'],
  ['npm', '', 'axios'],
  ['npm', '@angular', 'core'],
  ['maven', 'org.apache.logging.log4j', 'log4j-core'],
  ['maven', 'com.fasterxml.jackson.core', 'jackson-databind'],
  ['maven', 'org.springframework', 'spring-core'],
  ['pypi', '', 'django'],
  ['pypi', '', 'requests'],
  ['nuget', '', 'Newtonsoft.Json'],
];

/** 1,200 other identities: applications with CPEs, libraries with package URLs. */
function fillerIdentities(): Identity[] {
  const out: Identity[] = [];
  let i = 0;
  while (out.length < 1_200) {
    const [vendor, cpeVendor, products] = VENDORS[i % VENDORS.length] as [string, string, string[]];
    const product = products[Math.floor(i / VENDORS.length) % products.length] as string;
    const version = `${1 + (i % 17)}.${(i * 7) % 13}.${(i * 3) % 29}`;
    if (i % 4 === 3) {
      const [type, ns, name] = PACKAGES[i % PACKAGES.length] as [string, string, string];
      out.push({
        vendor: ns || name,
        product: name,
        version,
        cpe: null,
        purl: `pkg:${type}/${ns ? `${ns}/` : ''}${name}@${version}`,
      });
    } else {
      const cpeProduct = product.toLowerCase().replace(/[^a-z0-9]+/g, '_');
      out.push({
        vendor,
        product,
        version,
        cpe: `cpe:2.3:a:${cpeVendor}:${cpeProduct}:${version}:*:*:*:*:*:*:*`,
        purl: null,
      });
    }
    i++;
  }
  return out;
}

await runBench('match', async () => {
  const { engine, count: components } = benchArgs('components', 1_000_000);
  if (engine !== 'postgres') throw new BenchError('bench:match runs on PostgreSQL (DATABASE_URL)');
  const medicalDir = corpus('advisories', 'csaf-medical');
  const files = readdirSync(medicalDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(medicalDir, f));
  const real = corpusIdentities(files);
  const filler = fillerIdentities();
  progress(`${real.length} affected corpus products, ${filler.length} other identities`);
  const bench = await openBenchRuntime(engine);
  try {
    const ctx = bench.runtime.ctx;
    const pool = ctx.db.pool;
    if (!pool) throw new BenchError('no PostgreSQL pool');
    const app = await buildHttpApp(ctx, { operator: true });
    try {
      const setup = performance.now();
      const operator = { orgIds: [], operator: true };
      const perOrg = Math.max(1, Math.round(components / ORGS));
      await withTenant(ctx.db.kysely, operator, async (tx) => {
        await sql`insert into organisations (slug, name, kind)
          values ('sektorenheden', 'Sektorenheden', 'sector_unit')`.execute(tx.q);
        await sql`insert into organisations (slug, name, kind)
          select 'org-' || lpad(g::text, 4, '0'), 'Organisation ' || g,
                 (array['region', 'hospital', 'municipality', 'practice', 'pharmacy'])[1 + g % 5]
          from generate_series(1, ${ORGS}::int) g`.execute(tx.q);
        await sql`insert into inventory_systems (org_id, key, name)
          select o.id, 'SYS-' || lpad(g::text, 3, '0'), 'System ' || g
          from organisations o cross join generate_series(1, ${SYSTEMS_PER_ORG}::int) g
          where o.slug like 'org-%'`.execute(tx.q);
      });
      progress(`${ORGS} organisations, ${ORGS * SYSTEMS_PER_ORG} systems (${secondsSince(setup)} s)`);
      // Components, one organisation batch per statement.
      for (let from = 1; from <= ORGS; from += 100) {
        await withTenant(ctx.db.kysely, operator, async (tx) => {
          // The CTEs' row estimates are guesses: hash joins, not a nested loop over every identity.
          await sql`select set_config('enable_nestloop', 'off', true)`.execute(tx.q);
          await sql`
            with ids as (
                   select 'r' as src, row_number() over () - 1 as n, x.*
                   from jsonb_to_recordset(${JSON.stringify(real)}::jsonb)
                     as x(vendor text, product text, version text, cpe text, purl text)
                   union all
                   select 'f', row_number() over () - 1, x.*
                   from jsonb_to_recordset(${JSON.stringify(filler)}::jsonb)
                     as x(vendor text, product text, version text, cpe text, purl text)),
                 o as (select id, row_number() over (order by slug) as i from organisations where slug like 'org-%'),
                 h as (
                   select o.id as org_id, g.j, hashint4((o.i * 100003 + g.j)::int) & 2147483647 as h
                   from o cross join generate_series(1, ${perOrg}::int) g(j)
                   where o.i between ${from} and ${from + 99}),
                 rows as (
                   select h.org_id, h.j,
                          case when h.h % 1000 < ${CORPUS_PER_MILLE} then 'r' else 'f' end as src,
                          case when h.h % 1000 < ${CORPUS_PER_MILLE} then (h.h / 1000) % ${real.length}
                               else (h.h / 1000) % ${filler.length} end as n
                   from h)
            insert into inventory_components (org_id, key, system_id, vendor, product, version, cpe, purl)
            select rows.org_id, 'C-' || lpad(rows.j::text, 5, '0'), s.id, p.vendor, p.product, p.version, p.cpe, p.purl
            from rows
            join ids p on p.src = rows.src and p.n = rows.n
            join inventory_systems s
              on s.org_id = rows.org_id and s.key = 'SYS-' || lpad((1 + rows.j % ${SYSTEMS_PER_ORG})::text, 3, '0')`.execute(
            tx.q,
          );
        });
        progress(`components: organisations ${from}–${from + 99} (${secondsSince(setup)} s)`);
      }
      // A sector's inventory as it stands day to day: vacuumed and analysed. Without the vacuum,
      // autovacuum works through the million fresh rows while the advisories are timed.
      await sql`vacuum analyze`.execute(ctx.db.kysely);
      const setupS = secondsSince(setup);
      const counted = await withTenant(ctx.db.kysely, operator, (tx) =>
        sql<{ n: number }>`select count(*)::int as n from inventory_components`.execute(tx.q),
      );
      const componentCount = counted.rows[0]?.n ?? 0;
      const indexStart = performance.now();
      const identities = await refreshIdentities(ctx, null);
      const indexS = secondsSince(indexStart);
      progress(`${componentCount} components; identity index: ${identities} identities in ${indexS} s`);

      await ctx.jobs.work();
      const idle = async () => {
        for (;;) {
          const r = await pool.query(
            `select count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active')
               and name not like '%.expire%'`,
          );
          if (r.rows[0].n === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const kevFile = readFileSync(corpus('advisories', 'kev', 'known_exploited_vulnerabilities.json'));
      await timedImport(app, 'sektorenheden', 'kev', kevFile, 'KEV', { contentType: 'application/json' });
      await idle();
      // The catalogue's full rematch: its names keyed again. Every organisation's KEV matches are
      // read through the keys, not stored (docs/advisories-matching.md); the sector-wide
      // evaluation (which components run a KEV product) is timed apart.
      const kevStart = performance.now();
      await runMatch(ctx, { kevOnly: true });
      const kevS = secondsSince(kevStart);
      const evalStart = performance.now();
      const kevComponents = await withTenant(ctx.db.kysely, operator, (tx) => countSectorKevComponents(tx));
      const kevEvalS = secondsSince(evalStart);
      progress(`KEV rematch: ${kevS} s; ${kevComponents} components run a KEV product (${kevEvalS} s)`);

      const times: number[] = [];
      let slowest = { file: '', ms: 0 };
      for (const file of files) {
        const bytes = readFileSync(file);
        const started = performance.now();
        // One request (what a feed does): the upload with `?wait=true` runs the import in the
        // request, and the import computes the advisory's matches in its own switch. When it
        // answers, the advisory and its affected list are stored.
        const r = await app.inject({
          method: 'POST',
          url: `/api/v1/orgs/sektorenheden/imports/advisory?wait=true&name=${encodeURIComponent(path.basename(file))}`,
          headers: { 'content-type': 'application/json' },
          payload: bytes,
        });
        const done = r.json() as { status?: string; matches?: unknown; unchanged?: number };
        if (r.statusCode !== 200 || done.status !== 'succeeded' || typeof done.matches !== 'number') {
          throw new BenchError(`${path.basename(file)}: answered ${r.statusCode}: ${r.body.slice(0, 500)}`);
        }
        const ms = performance.now() - started;
        times.push(ms);
        if (ms > slowest.ms) slowest = { file: path.basename(file), ms: round(ms, 1) };
      }
      await idle();
      const sorted = [...times].sort((x, y) => x - y);
      const pct = (p: number) =>
        round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0, 1);
      const matched = await withTenant(ctx.db.kysely, operator, (tx) =>
        sql<{ components: number; orgs: number; matches: number }>`
          select count(distinct (org_id, item_id)) filter (where item_type = 'component')::int as components,
                 count(distinct org_id)::int as orgs, count(*)::int as matches
          from advisory_matches`.execute(tx.q),
      );
      const m = matched.rows[0];
      return {
        components: componentCount,
        organisations: ORGS,
        systems: ORGS * SYSTEMS_PER_ORG,
        corpus_products: real.length,
        identities,
        advisories: files.length,
        matched_components: m?.components ?? 0,
        matched_organisations: m?.orgs ?? 0,
        matches: m?.matches ?? 0,
        advisory_p50_ms: pct(50),
        advisory_p99_ms: pct(99),
        advisory_max_ms: round(sorted.at(-1) ?? 0, 1),
        advisory_slowest: slowest.file,
        kev_rematch_s: kevS,
        kev_components: kevComponents,
        kev_sector_eval_s: kevEvalS,
        identity_index_s: indexS,
        setup_s: setupS,
        peak_rss_mb: peakRssMib(),
        machine: machine(ctx.db.serverVersion),
      };
    } finally {
      await app.close();
    }
  } finally {
    await bench.close();
  }
});
