import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { startTestApp, type TestApp } from '../../../../test/server.js';

/**
 * Risk acceptance requests (migration 0064): a security officer puts a finding's risk to
 * management; management approves (the finding becomes risk accepted, approved by them) or
 * declines with a note; each step on the finding's history.
 */

describe.each(engines())('risk acceptance requests on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let other: OrgFixture;
  let officerToken: string;
  let member: string;
  let officer: SignedIn;
  let manager: SignedIn;
  let otherManager: SignedIn;
  let ids: string[];

  const call = (headers: Record<string, string>, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.inject({
      method,
      url: `/api/v1/orgs/${org.slug}${url}`,
      headers: { ...headers, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const bearer = (token: string) => ({ authorization: token });
  const ask = (headers: Record<string, string>, id: string, body: object) =>
    call(headers, 'POST', `/findings/${id}/acceptance-requests`, body);
  const decide = (headers: Record<string, string>, request: string, body: object) =>
    call(headers, 'POST', `/findings/acceptance-requests/${request}/decision`, body);
  const finding = async (id: string) => (await call(bearer(member), 'GET', `/findings/${id}`)).json();

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { kind: 'hospital' });
    other = await createOrg(t, { kind: 'hospital' });
    officerToken = await createToken(t, org.slug, 'security_officer');
    member = await createToken(t, org.slug, 'member');
    officer = await login(
      t,
      await createUser(t, { org: org.slug, role: 'security_officer', name: 'Sif Sikker' }),
    );
    manager = await login(t, await createUser(t, { org: org.slug, role: 'management', name: 'Lone Leder' }));
    otherManager = await login(t, await createUser(t, { org: other.slug, role: 'management' }));
    const summary = await scanNessusCorpus(t, org, officerToken, 'nessus/nessus_v_unknown.xml');
    expect(summary).toMatchObject({ status: 'succeeded', new: 30 });
    const list = await call(bearer(member), 'GET', '/findings?host=qa3app01');
    ids = list.json().items.map((f: { id: string }) => f.id);
    expect(ids).toHaveLength(5);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lets a person who follows findings up ask once, with a reason and an expiry within the limit', async () => {
    const id = ids[0] as string;
    const body = { reason: 'Replaced with the new lab system in Q1', accepted_until: day(60) };
    expect((await ask(bearer(officerToken), id, body)).json()).toMatchObject({
      code: 'findings.acceptance_request_people_only',
    });
    expect((await ask(bearer(member), id, body)).statusCode).toBe(403);
    for (const accepted_until of [day(0), day(-2), day(400)]) {
      const bad = await ask(officer.headers(), id, { ...body, accepted_until });
      expect(bad.json(), accepted_until).toMatchObject({ code: 'findings.accepted_until_required' });
    }
    const asked = await ask(officer.headers(), id, body);
    expect(asked.statusCode, asked.body).toBe(201);
    expect(asked.json()).toMatchObject({
      finding: { id, state: 'open' },
      reason: body.reason,
      accepted_until: body.accepted_until,
      requested_by: { id: officer.userId, name: 'Sif Sikker' },
      decision: null,
      decided_by: null,
    });
    const again = await ask(officer.headers(), id, body);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('findings.acceptance_request_open');
    // The queue: everyone who reads findings sees it; the finding is still open.
    const open = await call(bearer(member), 'GET', '/findings/acceptance-requests');
    expect(open.json().items.map((r: { id: string }) => r.id)).toEqual([asked.json().id]);
    expect((await finding(id)).state).toBe('open');
  });

  it('makes the finding risk accepted when management approves, approved by that person', async () => {
    const id = ids[0] as string;
    const [request] = (
      await call(bearer(member), 'GET', `/findings/acceptance-requests?finding=${id}`)
    ).json().items as Array<{ id: string; accepted_until: string; reason: string }>;
    if (!request) throw new Error('the request of the first test');
    expect((await decide(officer.headers(), request.id, { decision: 'approved' })).statusCode).toBe(403);
    // Another organisation's manager does not find it, even under their own organisation.
    const foreign = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${other.slug}/findings/acceptance-requests/${request.id}/decision`,
      headers: otherManager.headers(),
      payload: { decision: 'approved' },
    });
    expect(foreign.statusCode).toBe(404);
    const approved = await decide(manager.headers(), request.id, { decision: 'approved' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      decision: 'approved',
      decided_by: { id: manager.userId, name: 'Lone Leder' },
      finding: { state: 'risk_accepted' },
    });
    expect(await finding(id)).toMatchObject({
      state: 'risk_accepted',
      state_reason: request.reason,
      accepted_by: manager.userId,
      accepted_until: request.accepted_until,
    });
    expect(
      (await decide(manager.headers(), request.id, { decision: 'declined', note: 'x' })).statusCode,
    ).toBe(409);
    expect((await call(bearer(member), 'GET', '/findings/acceptance-requests')).json().items).toEqual([]);
    const decided = (
      await call(bearer(member), 'GET', '/findings/acceptance-requests?status=decided')
    ).json();
    expect(decided.items.map((r: { id: string }) => r.id)).toEqual([request.id]);
    const history = (await call(bearer(member), 'GET', `/findings/${id}/history`)).json();
    expect(history.items.map((h: { action: string }) => h.action)).toEqual([
      'finding.acceptance_approved',
      'finding.risk_accepted',
      'finding.acceptance_requested',
    ]);
  });

  it('keeps the finding as it was when management declines, with the reason why', async () => {
    const id = ids[1] as string;
    const asked = await ask(officer.headers(), id, { reason: 'Low impact', accepted_until: day(30) });
    expect(asked.statusCode, asked.body).toBe(201);
    const noNote = await decide(manager.headers(), asked.json().id, { decision: 'declined' });
    expect(noNote.json()).toMatchObject({ code: 'findings.acceptance_decline_note' });
    const declined = await decide(manager.headers(), asked.json().id, {
      decision: 'declined',
      note: 'Patch it: the vendor has a fix',
    });
    expect(declined.json()).toMatchObject({
      decision: 'declined',
      decision_note: 'Patch it: the vendor has a fix',
    });
    expect((await finding(id)).state).toBe('open');
    const [latest] = (await call(bearer(member), 'GET', `/findings/${id}/history`)).json().items;
    expect(latest).toMatchObject({
      action: 'finding.acceptance_declined',
      actor: { type: 'user', name: 'Lone Leder' },
      reason: 'Patch it: the vendor has a fix',
    });
    // Declined, it may be asked again.
    expect((await ask(officer.headers(), id, { reason: 'Again', accepted_until: day(10) })).statusCode).toBe(
      201,
    );
  });

  it('puts only open findings and those in progress to management', async () => {
    const id = ids[2] as string;
    const fp = await call(officer.headers(), 'POST', `/findings/${id}/state`, {
      state: 'false_positive',
      reason: 'Not reachable',
    });
    expect(fp.statusCode, fp.body).toBe(200);
    const refused = await ask(officer.headers(), id, { reason: 'x', accepted_until: day(10) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'findings.acceptance_request_state',
      title:
        'Only an open finding or one in progress can be put to management; this one is "False positive".',
    });
  });

  it('closes the request when management accepts the risk directly, and sets aside one whose finding moved on', async () => {
    const direct = ids[3] as string;
    const asked = await ask(officer.headers(), direct, {
      reason: 'Vendor patch in May',
      accepted_until: day(90),
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const accepted = await call(manager.headers(), 'POST', `/findings/${direct}/state`, {
      state: 'risk_accepted',
      reason: 'Accepted at the board meeting',
      accepted_until: day(30),
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const [closed] = (
      await call(bearer(member), 'GET', `/findings/acceptance-requests?status=decided&finding=${direct}`)
    ).json().items;
    expect(closed).toMatchObject({
      id: asked.json().id,
      decision: 'approved',
      decided_by: { id: manager.userId },
    });

    const moved = ids[4] as string;
    const waiting = await ask(officer.headers(), moved, {
      reason: 'Isolated network',
      accepted_until: day(20),
    });
    expect(waiting.statusCode, waiting.body).toBe(201);
    const queue = async () =>
      (await call(bearer(member), 'GET', '/findings/acceptance-requests'))
        .json()
        .items.map((r: { id: string }) => r.id);
    expect(await queue()).toContain(waiting.json().id);
    await call(officer.headers(), 'POST', `/findings/${moved}/state`, {
      state: 'false_positive',
      reason: 'Not ours',
    });
    expect(await queue()).not.toContain(waiting.json().id);
    await call(officer.headers(), 'POST', `/findings/${moved}/state`, { state: 'open' });
    expect(await queue()).toContain(waiting.json().id);
  });
});
