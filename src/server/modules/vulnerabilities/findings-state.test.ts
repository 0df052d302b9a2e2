import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from '../../../../test/corpora.js';
import { engines } from '../../../../test/databases.js';
import {
  createOrg,
  createToken,
  createUser,
  login,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { dayFromToday as day, scanNessusCorpus } from '../../../../test/findings.js';
import { uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { withTenant } from '../../db/tenant.js';
import { expireAcceptances } from './findings-jobs.js';

/**
 * The follow-up of findings (docs/vulnerabilities.md): in progress, false positive with a reason,
 * risk accepted by management with a reason and an expiry (reopened by the daily job when it
 * passes), each change audited; and how a re-scan treats each state.
 */

describe.each(engines())('finding states on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let officer: string;
  let member: string;
  let manager: SignedIn;
  let ids: string[];

  const scan = (body: Buffer) =>
    uploadImport(t, org, officer, {
      kind: 'scan',
      query: 'name=r&format=nessus',
      contentType: 'application/xml',
      body,
    });

  const setState = (
    id: string,
    body: Record<string, unknown>,
    headers: Record<string, string>,
    lang = 'en',
  ) =>
    t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${org.slug}/findings/${id}/state`,
      headers: { ...headers, 'accept-language': lang },
      payload: body,
    });

  const get = async (id: string) =>
    (
      await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}/findings/${id}`,
        headers: { authorization: member },
      })
    ).json();

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: `states-${engine}`, kind: 'hospital' });
    officer = await createToken(t, org.slug, 'security_officer');
    member = await createToken(t, org.slug, 'member');
    manager = await login(t, await createUser(t, { org: org.slug, role: 'management' }));
    const summary = await scanNessusCorpus(t, org, officer, 'nessus/nessus_v_unknown.xml');
    expect(summary).toMatchObject({ status: 'succeeded', new: 30 });
    const list = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings?host=qa3app01`,
      headers: { authorization: member },
    });
    ids = list.json().items.map((f: { id: string }) => f.id);
    expect(ids).toHaveLength(5);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('moves a finding in progress and to false positive (with a reason), each change audited', async () => {
    const id = ids[0] as string;
    const started = await setState(id, { state: 'in_progress' }, { authorization: officer });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({ state: 'in_progress' });
    const noReason = await setState(id, { state: 'false_positive' }, { authorization: officer }, 'da');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().detail ?? noReason.json().title).toMatch(/begrundelse/);
    const fp = await setState(
      id,
      { state: 'false_positive', reason: 'The service is not reachable from outside' },
      { authorization: officer },
    );
    expect(fp.json()).toMatchObject({
      state: 'false_positive',
      state_reason: 'The service is not reachable from outside',
    });
    const audit = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      sql<{ action: string }>`select action from audit_log where org_id = ${org.id} and target_id = ${id}
                              order by seq`.execute(tx.q),
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['finding.in_progress', 'finding.false_positive']);
  });

  it('lets only management accept a risk, with a reason and an expiry within the limit', async () => {
    const id = ids[1] as string;
    const byOfficer = await setState(
      id,
      { state: 'risk_accepted', reason: 'Legacy device, replaced in March', accepted_until: day(30) },
      { authorization: officer },
    );
    expect(byOfficer.statusCode).toBe(403);
    const byMember = await setState(id, { state: 'in_progress' }, { authorization: member });
    expect(byMember.statusCode).toBe(403);
    for (const accepted_until of [undefined, day(0), day(-3), day(400)]) {
      const bad = await setState(
        id,
        { state: 'risk_accepted', reason: 'Legacy device', ...(accepted_until ? { accepted_until } : {}) },
        manager.headers(),
      );
      expect(bad.statusCode, String(accepted_until)).toBe(400);
    }
    const ok = await setState(
      id,
      { state: 'risk_accepted', reason: 'Legacy device, replaced in March', accepted_until: day(30) },
      manager.headers(),
    );
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      state: 'risk_accepted',
      accepted_by: manager.userId,
      accepted_until: day(30),
    });
    // Management renews it in place (a new reason and expiry); nobody else does.
    const renewal = { state: 'risk_accepted', reason: 'Replacement moved to June', accepted_until: day(120) };
    expect((await setState(id, renewal, { authorization: officer })).statusCode).toBe(403);
    const renewed = await setState(id, renewal, manager.headers());
    expect(renewed.statusCode, renewed.body).toBe(200);
    expect(renewed.json()).toMatchObject({
      state: 'risk_accepted',
      state_reason: 'Replacement moved to June',
      accepted_by: manager.userId,
      accepted_until: day(120),
    });
    const history = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings/${id}/history`,
      headers: { authorization: member },
    });
    expect(history.json().items.slice(0, 2)).toMatchObject([
      {
        action: 'finding.risk_accepted',
        from_state: 'risk_accepted',
        to_state: 'risk_accepted',
        accepted_until: day(120),
      },
      {
        action: 'finding.risk_accepted',
        from_state: 'open',
        to_state: 'risk_accepted',
        accepted_until: day(30),
      },
    ]);
  });

  it('reopens an acceptance once its expiry has passed (the daily job), audited', async () => {
    const id = ids[2] as string;
    const accepted = await setState(
      id,
      { state: 'risk_accepted', reason: 'Until the vendor patch', accepted_until: day(1) },
      manager.headers(),
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(await expireAcceptances(t.runtime.ctx)).toBe(0);
    // The expiry passes: set it back in the database, as time would.
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      sql`update findings set accepted_until = current_date - 1 where org_id = ${org.id} and id = ${id}`.execute(
        tx.q,
      ),
    );
    expect(await expireAcceptances(t.runtime.ctx)).toBe(1);
    expect(await get(id)).toMatchObject({ state: 'open', accepted_until: null, accepted_by: null });
    expect(await expireAcceptances(t.runtime.ctx)).toBe(0);
    const audit = await withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, (tx) =>
      sql<{ action: string }>`select action from audit_log where org_id = ${org.id} and target_id = ${id}
                              order by seq`.execute(tx.q),
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['finding.risk_accepted', 'finding.acceptance_expired']);
    // The finding's page lists both changes, newest first: who (the manager by name), from what
    // to what, why and until when.
    const history = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings/${id}/history`,
      headers: { authorization: member },
    });
    expect(history.statusCode, history.body).toBe(200);
    expect(history.json()).toEqual({
      items: [
        {
          at: expect.any(String),
          action: 'finding.acceptance_expired',
          actor: { type: 'job', name: 'findings.expire_acceptances' },
          from_state: 'risk_accepted',
          to_state: 'open',
          reason: null,
          accepted_until: null,
        },
        {
          at: expect.any(String),
          action: 'finding.risk_accepted',
          actor: { type: 'user', name: expect.stringMatching(/^User /) },
          from_state: 'open',
          to_state: 'risk_accepted',
          reason: 'Until the vendor patch',
          accepted_until: day(1),
        },
      ],
      truncated: false,
    });
    // Another finding's history is its own; an id the organisation does not have is not found.
    const other = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings/${ids[4]}/history`,
      headers: { authorization: member },
    });
    expect(other.json()).toEqual({ items: [], truncated: false });
    const none = await t.inject({
      method: 'GET',
      url: `/api/v1/orgs/${org.slug}/findings/00000000-0000-4000-8000-000000000000/history`,
      headers: { authorization: member },
    });
    expect(none.statusCode).toBe(404);
  });

  it("keeps a person's decision across a re-scan, and closes an accepted risk that is gone", async () => {
    // ids[0] is a false positive, ids[1] an accepted risk: the same report again keeps both.
    await scanNessusCorpus(t, org, officer, 'nessus/nessus_v_unknown.xml');
    expect((await get(ids[0] as string)).state).toBe('false_positive');
    expect((await get(ids[1] as string)).state).toBe('risk_accepted');
    // The host's findings gone: the accepted risk is fixed, the false positive stays one.
    const xml = readFileSync(corpus('scans', 'nessus/nessus_v_unknown.xml'), 'utf8');
    const start = xml.indexOf('<ReportHost name="qa3app01"');
    const end = xml.indexOf('</ReportHost>', start);
    const without =
      xml.slice(0, start) +
      xml.slice(start, end).replace(/<ReportItem [^>]*severity="[1-4]"[^>]*>[\s\S]*?<\/ReportItem>/g, '') +
      xml.slice(end);
    const summary = await scan(Buffer.from(without));
    expect(summary).toMatchObject({ closed: 4 });
    expect((await get(ids[0] as string)).state).toBe('false_positive');
    expect(await get(ids[1] as string)).toMatchObject({ state: 'fixed' });
    // Only a scan moves a fixed finding: the refusal names both states in the reader's language.
    for (const [lang, title] of [
      ['da', 'Et fund med status "Rettet" kan ikke sættes til "Under behandling" manuelt.'],
      ['en', 'A finding that is "Fixed" cannot be set to "In progress" by hand.'],
    ] as const) {
      const refused = await setState(
        ids[1] as string,
        { state: 'in_progress' },
        { authorization: officer },
        lang,
      );
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'findings.state_not_allowed', title });
    }
  });

  it.skipIf(engine !== 'postgres' /* reason: PGlite is one session: no other transaction can hold the row */)(
    'answers busy in either language while an import holds the finding, and changes nothing',
    async () => {
      const list = await t.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.slug}/findings?limit=50`,
        headers: { authorization: member },
      });
      const items = list.json().items as Array<{ id: string; state: string }>;
      const id = items.find((f) => f.state === 'open')?.id;
      if (!id) throw new Error('an open finding to change');
      // What a scan import's switch does to a finding it changes (decision 011): it holds the row
      // until it commits.
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked = () => {};
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, async (tx) => {
        await sql`select 1 from findings where org_id = ${org.id} and id = ${id}::uuid for update`.execute(
          tx.q,
        );
        locked();
        await held;
      });
      try {
        await isLocked;
        const busy = await setState(id, { state: 'in_progress' }, { authorization: officer }, 'da');
        expect(busy.statusCode, busy.body).toBe(409);
        expect(busy.headers['retry-after']).toBe('5');
        expect(busy.json().detail ?? busy.json().title).toMatch(/Prøv igen om et øjeblik/);
        const en = await setState(id, { state: 'in_progress' }, { authorization: officer });
        expect(en.json().detail ?? en.json().title).toMatch(/Try again in a moment/);
      } finally {
        release();
        await holder;
      }
      expect((await get(id)).state).toBe('open');
      const done = await setState(id, { state: 'in_progress' }, { authorization: officer });
      expect(done.json()).toMatchObject({ state: 'in_progress' });
    },
  );

  it('refuses unknown findings and states a person cannot set', async () => {
    const unknown = await setState(
      '00000000-0000-4000-8000-000000000000',
      { state: 'in_progress' },
      {
        authorization: officer,
      },
    );
    expect(unknown.statusCode).toBe(404);
    const fixed = await setState(ids[0] as string, { state: 'fixed' }, { authorization: officer });
    expect(fixed.statusCode).toBe(400);
  });
});
