import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../../test/databases.js';
import { createOrg, createUser, login, type OrgFixture, type SignedIn } from '../../../../test/factories.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type Tx, withTenant } from '../../db/tenant.js';
import { listFindings } from './findings-queries.js';

/**
 * The findings' views as migration 0031 reads them (docs/vulnerabilities.md, "Views at scale"):
 * the list as merged walks per state and severity, followed page by page along next_cursor, must
 * give exactly what one plain statement gives (every filter, worst first, nothing twice or
 * missing); the dashboard's overdue, KEV and top systems come from the figures
 * vaern_findings_count_day keeps and must equal counts of the findings themselves; new since a
 * scan (`first_import`) lists what that scan saw first; another organisation reads none of it.
 *
 * 240 findings written set-based: severity j % 5, state j % 6 (every state), due dates from 10
 * days ago to 9 days ahead, KEV for j % 7 = 0, systems S1–S3 (none for j % 4 = 3), two scans.
 */

interface Item {
  id: string;
}

const STATES = ['open', 'in_progress', 'risk_accepted', 'false_positive', 'fixed', 'suppressed'];

describe.each(engines())('findings views on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let other: OrgFixture;
  let me: SignedIn;
  let stranger: SignedIn;
  const scans: string[] = [];
  const operator = { orgIds: [], operator: true };

  beforeAll(async () => {
    t = await startTestApp(engine);
    org = await createOrg(t);
    other = await createOrg(t);
    me = await login(t, await createUser(t, { org: org.slug, role: 'member' }));
    stranger = await login(t, await createUser(t, { org: other.slug, role: 'member' }));
    await withTenant(t.runtime.ctx.db.kysely, operator, async (tx) => {
      await sql`insert into inventory_systems (org_id, key, name, criticality)
        select ${org.id}::uuid, 'S' || g, 'System ' || g, (array['critical', 'high', null])[g]
        from generate_series(1, 3) g`.execute(tx.q);
      const imports = await sql<{ id: string }>`
        insert into imports (org_id, kind, status, created_by, finished_at)
        select ${org.id}::uuid, 'scan', 'succeeded', '{"kind": "operator"}'::jsonb, now() - (g * interval '1 day')
        from generate_series(2, 1, -1) g returning id`.execute(tx.q);
      scans.push(...imports.rows.map((r) => r.id));
      await sql`
        insert into findings (org_id, fingerprint, family, host, rule, title, severity, state, accepted_until,
          due_on, in_kev, cves, system_id, first_import_id, last_import_id, first_seen_at)
        select ${org.id}::uuid, md5(j::text) || md5((j + 1)::text), 'nessus', 'h' || (j % 10), (1000 + j)::text,
               'Title ' || case when j % 4 = 0 then 'Alpha' else 'Beta' end,
               (array['critical', 'high', 'medium', 'low', 'info'])[1 + j % 5],
               (${STATES}::text[])[1 + j % 6],
               case when j % 6 = 2 then current_date + 30 end,
               case when j % 5 <> 4 then current_date - 10 + j % 20 end,
               j % 7 = 0,
               array['CVE-2024-' || lpad((j % 9)::text, 4, '0')],
               (select id from inventory_systems s where s.org_id = ${org.id}::uuid and s.key = 'S' || (1 + j % 4)),
               case when j % 3 = 0 then ${scans[0]}::uuid else ${scans[1]}::uuid end,
               ${scans[1]}::uuid, now() - interval '20 days'
        from generate_series(0, 239) j`.execute(tx.q);
    });
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      sql`select vaern_findings_count_day(${org.id}::uuid, '{}'::jsonb)`.execute(tx.q),
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /**
   * What `read` returns as the member's organisation, sequential scans off, and how often it
   * scanned `index` (the statistics, flushed at its commit by pg_stat_force_next_flush).
   */
  async function scansOf<T>(
    index: string,
    read: (tx: Tx) => Promise<T>,
  ): Promise<{ result: T; scans: number }> {
    const db = t.runtime.ctx.db.kysely;
    const count = async () => {
      const r = await sql<{ n: string }>`select pg_stat_clear_snapshot(), coalesce(sum(idx_scan), 0) as n
        from pg_stat_user_indexes where indexrelname = ${index}`.execute(db);
      return Number(r.rows[0]?.n);
    };
    await sql`analyze findings`.execute(db);
    const before = await count();
    const result = await withTenant(db, { orgIds: [org.id] }, async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx.q);
      const out = await read(tx);
      await sql`select pg_stat_force_next_flush()`.execute(tx.q);
      return out;
    });
    return { result, scans: (await count()) - before };
  }

  /** Every page along next_cursor, as the member reads them. */
  async function walk(query: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const q = new URLSearchParams(query);
      q.set('limit', String(limit));
      if (cursor) q.set('cursor', cursor);
      const r = await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}/findings?${q}`,
        headers: me.headers(),
      });
      expect(r.statusCode, r.body).toBe(200);
      const page = r.json() as { items: Item[]; next_cursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((item) => item.id));
      cursor = page.next_cursor;
      if (!cursor) return ids;
    }
    throw new Error('more than 100 pages');
  }

  /** The same list as one plain statement: the filter's definition, worst first, then id. */
  async function expected(where: string): Promise<string[]> {
    const r = await withTenant(t.runtime.ctx.db.kysely, operator, (tx) =>
      sql<{ id: string }>`select f.id from findings f left join inventory_systems sy on sy.org_id = f.org_id
          and sy.id = f.system_id where f.org_id = ${org.id}::uuid and ${sql.raw(where)}
        order by f.severity_rank, f.id`.execute(tx.q),
    );
    return r.rows.map((row) => row.id);
  }

  const overdue = `f.due_on < current_date and f.state in ('open', 'in_progress')`;
  const cases: Array<[string, string]> = [
    ['', 'true'],
    ['state=open,in_progress', `f.state in ('open', 'in_progress')`],
    ['state=fixed', `f.state = 'fixed'`],
    ['severity=high,low', `f.severity in ('high', 'low')`],
    [
      'severity=critical&state=open,risk_accepted',
      `f.severity = 'critical' and f.state in ('open', 'risk_accepted')`,
    ],
    ['overdue=true', overdue],
    ['overdue=true&severity=medium', `${overdue} and f.severity = 'medium'`],
    ['overdue=false', `not (${overdue}) or f.due_on is null`],
    ['overdue=true&state=fixed', 'false'],
    ['kev=true', 'f.in_kev'],
    ['kev=false&state=open', `not f.in_kev and f.state = 'open'`],
    ['unmapped=true', 'f.system_id is null'],
    ['unmapped=false&severity=critical', `f.system_id is not null and f.severity = 'critical'`],
    ['system=S2', `sy.key = 'S2'`],
    ['system=S1&state=open,in_progress&overdue=true', `sy.key = 'S1' and ${overdue}`],
    ['system=nope', 'false'],
    ['host=h3', `f.host = 'h3'`],
    ['cve=CVE-2024-0004&state=open', `f.cves @> array['CVE-2024-0004'] and f.state = 'open'`],
    ['q=alpha', `f.title ilike '%alpha%'`],
    ['q=beta&severity=info', `f.title ilike '%beta%' and f.severity = 'info'`],
  ];

  it.each(cases)('lists %s page by page exactly as one statement would', async (query, where) => {
    const want = await expected(where);
    expect(await walk(query, 7)).toEqual(want);
    expect(await walk(query, 50)).toEqual(want);
  });

  it('finds a CVE through the GIN index, not by reading the organisation (migration 0065)', async () => {
    // With sequential scans off the planner may still read the organisation through another
    // index, which is what it did while row-level security kept the containment test from the
    // index (0053 to 0064).
    const { result, scans } = await scansOf('findings_cves', async (tx) => {
      const r = await sql<{ id: string }>`select c.id
        from vaern_findings_with_cve(${org.id}::uuid, 'CVE-2024-0004') c(id) order by id`.execute(tx.q);
      return r.rows.map((row) => row.id);
    });
    expect(result).toEqual((await expected(`f.cves @> array['CVE-2024-0004']`)).sort());
    expect(result.length).toBeGreaterThan(0);
    expect(scans).toBeGreaterThan(0);
  });

  it('walks the findings in KEV along their own index (migration 0067)', async () => {
    const { result, scans } = await scansOf('findings_kev', async (tx) =>
      (await listFindings(tx, org.id, { kev: true, states: ['open', 'in_progress'] }, undefined, 50)).map(
        (r) => r.id,
      ),
    );
    expect(result).toEqual(await expected(`f.in_kev and f.state in ('open', 'in_progress')`));
    expect(result.length).toBeGreaterThan(0);
    expect(scans).toBeGreaterThan(0);
  });

  it('lists what a scan saw first: new since that scan (first_import)', async () => {
    const [firstScan, lastScan] = scans as [string, string];
    const want = await expected(`f.first_import_id = '${lastScan}'`);
    expect(want.length).toBe(160);
    expect(await walk(`first_import=${lastScan}`, 9)).toEqual(want);
    expect(await walk(`first_import=${firstScan}&state=open`, 9)).toEqual(
      await expected(`f.first_import_id = '${firstScan}' and f.state = 'open'`),
    );
    const bad = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings?first_import=not-a-uuid`,
      headers: me.headers(),
    });
    expect(bad.statusCode).toBe(400);
  });

  it('reads the dashboard from the kept figures, equal to counts of the findings', async () => {
    const r = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings/summary`,
      headers: me.headers(),
    });
    expect(r.statusCode, r.body).toBe(200);
    const summary = r.json();
    const counted = await withTenant(t.runtime.ctx.db.kysely, operator, async (tx) => {
      const flags = await sql<{ overdue: number; kev_open: number }>`
        select count(*) filter (where due_on < current_date)::int as overdue,
               count(*) filter (where in_kev)::int as kev_open
        from findings where org_id = ${org.id}::uuid and state in ('open', 'in_progress')`.execute(tx.q);
      const top = await sql<{ key: string; critical: number; high: number }>`
        select sy.key, count(*) filter (where f.severity = 'critical')::int as critical,
               count(*) filter (where f.severity = 'high')::int as high
        from findings f join inventory_systems sy on sy.org_id = f.org_id and sy.id = f.system_id
        where f.org_id = ${org.id}::uuid and f.state in ('open', 'in_progress') and f.severity in ('critical', 'high')
        group by sy.key
        order by count(*) filter (where f.severity = 'critical') desc, count(*) desc, sy.key`.execute(tx.q);
      return { flags: flags.rows[0], top: top.rows };
    });
    expect(counted.flags?.overdue).toBeGreaterThan(0);
    expect(summary.overdue).toBe(counted.flags?.overdue);
    expect(summary.kev_open).toBe(counted.flags?.kev_open);
    expect(
      summary.top_systems.map((s: { key: string; critical: number; high: number }) => ({
        key: s.key,
        critical: s.critical,
        high: s.high,
      })),
    ).toEqual(counted.top);
  });

  it('follows a change of state in the figures at once', async () => {
    const list = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings?state=open&overdue=true&limit=1`,
      headers: me.headers(),
    });
    const target = (list.json() as { items: Item[] }).items[0];
    expect(target).toBeDefined();
    const before = (
      await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}/findings/summary`,
        headers: me.headers(),
      })
    ).json();
    const officer = await login(t, await createUser(t, { org: org.slug, role: 'system_owner' }));
    const changed = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/findings/${target?.id}/state`,
      headers: officer.headers(),
      payload: { state: 'false_positive', reason: 'not this host' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const after = (
      await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}/findings/summary`,
        headers: me.headers(),
      })
    ).json();
    expect(after.overdue).toBe(before.overdue - 1);
  });

  it("adds each change of state to today's figures, equal to counting them all again", async () => {
    const officer = await login(t, await createUser(t, { org: org.slug, role: 'system_owner' }));
    const manager = await login(t, await createUser(t, { org: org.slug, role: 'management' }));
    const asOperator = <T>(fn: Parameters<typeof withTenant<T>>[2]) =>
      withTenant(t.runtime.ctx.db.kysely, operator, fn);
    const used = new Set<string>();
    const pick = async (state: string, where: string) => {
      const r = await asOperator((tx) =>
        sql<{ id: string }>`select id from findings where org_id = ${org.id}::uuid and state = ${state}
            and ${sql.raw(where)} and not (id = any (${[...used]}::uuid[])) order by id limit 1`.execute(
          tx.q,
        ),
      );
      const id = r.rows[0]?.id;
      if (!id) throw new Error(`no ${state} finding where ${where}`);
      used.add(id);
      return id;
    };
    const move = async (id: string, state: string) => {
      const who = state === 'risk_accepted' ? manager : officer;
      const payload =
        state === 'risk_accepted'
          ? {
              state,
              reason: 'Until the vendor patch',
              accepted_until: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
            }
          : { state, reason: 'Checked by hand' };
      const r = await t.inject({
        method: 'POST',
        url: `/api/v1/orgs/${org.slug}/findings/${id}/state`,
        headers: who.headers(),
        payload,
      });
      expect(r.statusCode, r.body).toBe(200);
    };
    const kept = () =>
      asOperator(async (tx) => ({
        days: (
          await sql`select severity, open_total, opened, closed, overdue, kev_open from finding_daily_counts
            where org_id = ${org.id}::uuid and day = (now() at time zone 'UTC')::date order by severity`.execute(
            tx.q,
          )
        ).rows,
        systems: (
          await sql`select system_id, severity, open_total, overdue from finding_system_counts
            where org_id = ${org.id}::uuid order by system_id, severity`.execute(tx.q)
        ).rows,
      }));
    const countedAgain = async () => {
      await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
        sql`select vaern_findings_count_day(${org.id}::uuid, '{}'::jsonb)`.execute(tx.q),
      );
      return kept();
    };
    const start = await kept();
    const overdue = 'due_on < current_date';
    // Between the unfinished and open sets, with and without a system, overdue and in KEV.
    const changes: Array<[string, string, string]> = [
      ['open', 'system_id is not null and in_kev', 'in_progress'],
      ['open', `system_id is not null and ${overdue}`, 'false_positive'],
      ['in_progress', 'system_id is not null and in_kev', 'risk_accepted'],
      ['risk_accepted', `system_id is not null and ${overdue}`, 'open'],
      ['false_positive', `system_id is not null and ${overdue}`, 'in_progress'],
      ['false_positive', 'system_id is null and in_kev', 'open'],
      ['in_progress', 'system_id is null', 'false_positive'],
      ['risk_accepted', 'true', 'false_positive'],
    ];
    for (const [from, where, to] of changes) await move(await pick(from, where), to);
    // Every open finding of one system and severity closed by hand: its per-system row goes.
    const cell = await asOperator((tx) =>
      sql<{ id: string; system_id: string }>`select id, system_id from findings
        where org_id = ${org.id}::uuid and state in ('open', 'in_progress') and severity = 'critical'
          and system_id = (select id from inventory_systems where org_id = ${org.id}::uuid and key = 'S1')`.execute(
        tx.q,
      ),
    );
    expect(cell.rows.length).toBeGreaterThan(0);
    for (const row of cell.rows) await move(row.id, 'false_positive');
    const after = await kept();
    expect(after).not.toEqual(start);
    expect(after.systems).not.toContainEqual(
      expect.objectContaining({ system_id: cell.rows[0]?.system_id, severity: 'critical' }),
    );
    expect(after).toEqual(await countedAgain());

    // Without figures for today yet, the change counts the day in full.
    await asOperator((tx) =>
      sql`delete from finding_daily_counts where org_id = ${org.id}::uuid
        and day = (now() at time zone 'UTC')::date`.execute(tx.q),
    );
    await move(await pick('open', 'true'), 'false_positive');
    const fresh = await kept();
    expect(fresh.days).toHaveLength(5);
    expect(fresh).toEqual(await countedAgain());
  });

  it("never shows another organisation's findings, figures or scans", async () => {
    const lastScan = scans[1] as string;
    for (const url of [
      `/api/v1/orgs/${org.slug}/findings?first_import=${lastScan}`,
      `/api/v1/orgs/${org.slug}/findings/summary`,
      `/api/v1/orgs/${org.slug}/findings?overdue=true`,
    ]) {
      const r = await t.inject({ method: 'GET', url, headers: stranger.headers() });
      expect(r.statusCode, url).toBe(403);
    }
    const own = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${other.slug}/findings?first_import=${lastScan}`,
      headers: stranger.headers(),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().items).toEqual([]);
    const summary = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${other.slug}/findings/summary`,
      headers: stranger.headers(),
    });
    expect(summary.json().top_systems).toEqual([]);
    expect(summary.json().overdue).toBe(0);
    // The counting function answers only for an organisation the caller sees.
    await expect(
      withTenant(t.runtime.ctx.db.kysely, { orgIds: [other.id] }, (tx) =>
        sql`select vaern_findings_count_day(${org.id}::uuid, '{}'::jsonb)`.execute(tx.q),
      ),
    ).rejects.toThrow(/not visible/);
  });
});
