import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from '../../../../test/corpora.js';
import { engines } from '../../../../test/databases.js';
import {
  clientAddress,
  createOrg,
  createToken,
  createUser,
  login,
  nextTotpCode,
  type OrgFixture,
  type SignedIn,
} from '../../../../test/factories.js';
import { uploadImport } from '../../../../test/imports.js';
import { startTestApp, type TestApp } from '../../../../test/server.js';
import { type Tx, withTenant } from '../../db/tenant.js';
import { recomputeAllDue } from './findings-jobs.js';

/**
 * The quarterly management report (docs/vulnerabilities.md, "Management report"): a draft PDF,
 * management's signature with a TOTP code, the exact signed bytes, and scorecard criteria 3 and 7.
 *
 * The data, from the corpus (counts from the files with a small XML count per host and severity,
 * as in scan-import.test.ts):
 * - nessus_v_unknown.xml: 30 findings (severity > 0), 23 medium and 7 low; host qa3app01 (system
 *   APP01, criticality critical) has 4 medium and 1 low; each of the 7 hosts has one low
 *   ("Terminal Services Encryption Level is not FIPS-140 Compliant") and plugin 18405 (medium,
 *   CVE-2005-1794, which the test adds to the KEV catalogue: 7 KEV findings).
 * - nessus_with_cwe-.nessus: one ReportItem of severity 3 (high), plugin 31649 "PHP 5.x < 5.2
 *   Multiple Vulnerabilities", on testphp.vulnweb.com (system WEB, criticality high).
 * Then, by hand: the WEB finding is dated 40 days back (SLA high × high = 30 days: 10 days
 * overdue); the 7 lows 17 days back; qa3app02's low is accepted by management; one medium of
 * qa3app03 (not plugin 18405) was first seen 60 days ago and fixed 10 days ago.
 */

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const KEV_CVE = 'CVE-2005-1794';
const WEB_TITLE = 'PHP 5.x < 5.2 Multiple Vulnerabilities';
const REASON = 'Kompenserende kontrol: værten står i et særskilt netsegment på øen';

/**
 * The text of a PDF as pdfkit writes it: per font, its ToUnicode CMap (bfrange arrays and
 * bfchar); per content stream, the hex glyph strings of TJ/Tj under the current font. Runs are
 * joined, with `|` after a run that does not end in a space (a table cell, a line end).
 */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const objects = new Map<string, { dict: string; stream: string | undefined }>();
  const objectRe = /(\d+) 0 obj\s*<</g;
  for (let m = objectRe.exec(raw); m; m = objectRe.exec(raw)) {
    // The dictionary up to its balanced `>>` (dictionaries nest).
    let depth = 1;
    let at = m.index + m[0].length;
    while (depth > 0 && at < raw.length) {
      if (raw.startsWith('<<', at)) {
        depth += 1;
        at += 2;
      } else if (raw.startsWith('>>', at)) {
        depth -= 1;
        at += 2;
      } else at += 1;
    }
    const dict = raw.slice(m.index + m[0].length, at - 2);
    const streamStart = /^\s*stream\r?\n/.exec(raw.slice(at, at + 20));
    let stream: string | undefined;
    if (streamStart) {
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
      const start = at + streamStart[0].length;
      const bytes = Buffer.from(raw.slice(start, start + length), 'latin1');
      stream = (dict.includes('/FlateDecode') ? inflateSync(bytes) : bytes).toString('latin1');
      objectRe.lastIndex = start + length;
    }
    objects.set(m[1] ?? '', { dict, stream });
  }
  const cmaps = new Map<string, Map<number, string>>();
  const cmapOf = (fontId: string) => {
    const known = cmaps.get(fontId);
    if (known) return known;
    const map = new Map<number, string>();
    const ref = /\/ToUnicode (\d+) 0 R/.exec(objects.get(fontId)?.dict ?? '')?.[1];
    const text = (ref && objects.get(ref)?.stream) || '';
    // UTF-16BE, possibly several units (a ligature maps to its letters: `<0066 0069>`).
    const hex = (h: string) =>
      String.fromCharCode(...(h.replace(/\s/g, '').match(/.{4}/g) ?? []).map((u) => Number.parseInt(u, 16)));
    for (const [, from = '0', list = ''] of text.matchAll(/<([0-9a-f]+)> <[0-9a-f]+> \[([^\]]*)\]/gi))
      [...list.matchAll(/<([0-9a-f\s]+)>/gi)].forEach((u, i) => {
        map.set(Number.parseInt(from, 16) + i, hex(u[1] ?? '0'));
      });
    for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
      for (const [, code = '0', u = '0'] of (block[1] ?? '').matchAll(/<([0-9a-f]+)>\s*<([0-9a-f\s]+)>/gi))
        map.set(Number.parseInt(code, 16), hex(u));
    cmaps.set(fontId, map);
    return map;
  };
  const runs: string[] = [];
  const tree = [...objects.values()].find((o) => o.dict.includes('/Type /Pages'))?.dict ?? '';
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(tree)?.[1]?.matchAll(/(\d+) 0 R/g) ?? [])].map(
    (k) => k[1] ?? '',
  );
  for (const kid of kids) {
    const { dict = '', stream = undefined } = objects.get(kid) ?? {};
    const fonts = new Map<string, string>();
    const resources = /\/Resources (\d+) 0 R/.exec(dict)?.[1];
    const resDict = (resources ? objects.get(resources)?.dict : dict) ?? '';
    for (const [, name = '', id = ''] of resDict.matchAll(/\/(F\d+) (\d+) 0 R/g)) fonts.set(name, id);
    const contents = /\/Contents (\d+) 0 R/.exec(dict)?.[1];
    const content = (contents && objects.get(contents)?.stream) || stream || '';
    let font = '';
    for (const [, name, array] of content.matchAll(
      /\/(F\d+) [\d.]+ Tf|\[((?:<[0-9a-f]*>|[\s\d.-])*)\] TJ/gi,
    )) {
      if (name) {
        font = fonts.get(name) ?? '';
        continue;
      }
      const map = cmapOf(font);
      const text = [...(array ?? '').matchAll(/<([0-9a-f]*)>/gi)]
        .flatMap((h) => (h[1] ?? '').match(/.{4}/g) ?? [])
        .map((code) => map.get(Number.parseInt(code, 16)) ?? '\uFFFD')
        .join('');
      runs.push(text.endsWith(' ') ? text : `${text}|`);
    }
  }
  return runs.join('');
}

/** The date `offset` days from `day` (YYYY-MM-DD). */
const dayAt = (day: string, offset: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

/** The 13 week ends of a trend up to `last`, as day offsets from it: Sundays, the last `last`. */
const weekEnds = (last: string) => {
  const sunday = 6 - ((new Date(`${last}T00:00:00Z`).getUTCDay() + 6) % 7);
  return Array.from({ length: 13 }, (_, i) => Math.min(sunday + 7 * (i - 12), 0));
};

/**
 * The test's unfinished findings `offset` days from today (the describe's comment): the fixed
 * medium from 60 days back until the day it was fixed, 10 days back; the WEB finding from 40 days
 * back; the 7 lows from 17 days back; the other 22 from today.
 */
const unfinishedAt = (offset: number) =>
  (offset >= -60 && offset < -10 ? 1 : 0) +
  (offset >= -40 ? 1 : 0) +
  (offset >= -17 ? 7 : 0) +
  (offset >= 0 ? 22 : 0);

/** The text as words: cell and line boundaries become single spaces (robust to wrapping). */
const words = (text: string) => text.replace(/\|/g, ' ').replace(/\s+/g, ' ').replace(/- /g, '-');

describe.each(engines())('vulnerability management report on %s', (engine) => {
  let t: TestApp;
  let org: OrgFixture;
  let other: OrgFixture;
  let sector: OrgFixture;
  let officer: string;
  let coordinator: SignedIn;
  let boss: SignedIn;
  let bossId: string;
  let quarter: string;
  let today: string;

  const reports = (slug = org.slug) => `/api/v1/orgs/${slug}/findings/reports`;
  const as = (
    me: SignedIn | string,
    method: 'GET' | 'POST',
    url: string,
    payload?: Record<string, unknown>,
  ) =>
    t.inject({
      method,
      url,
      remoteAddress: clientAddress(),
      headers: {
        ...(typeof me === 'string' ? { authorization: me } : me.headers()),
        'accept-language': 'en',
      },
      ...(payload ? { payload } : {}),
    });

  /** A Nessus report of the corpus, imported by the organisation's security officer. */
  const scan = (file: string) =>
    uploadImport(t, org, officer, {
      kind: 'scan',
      query: 'name=scan&format=nessus',
      contentType: 'application/xml',
      body: readFileSync(corpus('scans', file)),
    });

  /**
   * A KEV import by the sector coordinator (a signed-in person), followed as the operator: the
   * coordinator role does not read the sector unit's imports.
   */
  async function kevImport(body: string) {
    const r = await t.inject({
      method: 'POST',
      url: `/api/v1/orgs/${sector.slug}/imports/kev?name=kev`,
      remoteAddress: clientAddress(),
      headers: { ...coordinator.headers(), 'content-type': 'application/json' },
      payload: body,
    });
    expect(r.statusCode, r.body).toBe(202);
    for (;;) {
      const s = await t.operator.inject({
        method: 'GET',
        url: `/api/v1/orgs/${sector.slug}/imports/${r.json().import_id}`,
      });
      expect(s.statusCode, s.body).toBe(200);
      if (FINAL.has(s.json().status)) return s.json();
      await sleep(25);
    }
  }

  const inOrg = <T>(fn: (tx: Tx) => Promise<T>) =>
    withTenant(t.runtime.ctx.db.kysely, { orgIds: [org.id] }, fn);

  async function criteria() {
    const r = await as(officer, 'GET', `/api/v1/orgs/${org.slug}/scorecard`);
    expect(r.statusCode, r.body).toBe(200);
    return Object.fromEntries(
      (r.json().criteria as Array<{ n: number }>).map((c) => [c.n, c as Record<string, unknown>]),
    );
  }

  async function auditActions() {
    const r = await inOrg((tx) =>
      sql<{ action: string; after: Record<string, unknown> }>`select action, after from audit_log
        where org_id = ${org.id} and action like 'findings.report%' order by seq`.execute(tx.q),
    );
    return r.rows;
  }

  beforeAll(async () => {
    t = await startTestApp(engine);
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { slug: `report-${engine}`, kind: 'region' });
    other = await createOrg(t, { kind: 'hospital' });
    sector = await createOrg(t, { kind: 'sector_unit' });
    officer = await createToken(t, org.slug, 'security_officer');
    coordinator = await login(t, await createUser(t, { org: sector.slug, role: 'sector_coordinator' }));
    const user = await createUser(t, { org: org.slug, role: 'management', name: 'Søren Ærø' });
    bossId = user.id;
    boss = await login(t, user);
    const clock = await inOrg((tx) =>
      sql<{ today: string }>`select to_char(current_date, 'YYYY-MM-DD') as today`.execute(tx.q),
    );
    today = clock.rows[0]?.today ?? '';
    const d = new Date(`${today}T12:00:00Z`);
    quarter = `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;

    for (const system of [
      { key: 'APP01', name: 'Patientjournal', hostnames: ['qa3app01'], criticality: 'critical' },
      { key: 'WEB', name: 'Webportal', fqdns: ['testphp.vulnweb.com'], criticality: 'high' },
    ]) {
      const r = await as(officer, 'POST', `/api/v1/orgs/${org.slug}/inventory/systems`, {
        ...system,
        patch_status: 'current',
        patch_confirmed_on: today,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    expect(await scan('nessus/nessus_v_unknown.xml')).toMatchObject({ status: 'succeeded', new: 30 });
    expect(await scan('nessus/nessus_with_cwe-.nessus')).toMatchObject({ status: 'succeeded', new: 1 });
    const kev = JSON.parse(
      readFileSync(corpus('advisories', 'kev', 'known_exploited_vulnerabilities.json'), 'utf8'),
    );
    kev.vulnerabilities.push({ ...kev.vulnerabilities[0], cveID: KEV_CVE });
    kev.count = kev.vulnerabilities.length;
    const imported = await kevImport(JSON.stringify(kev));
    expect(imported.status).toBe('succeeded');

    // Management accepts the risk of qa3app02's low finding.
    const low = await as(officer, 'GET', `/api/v1/orgs/${org.slug}/findings?host=qa3app02&severity=low`);
    const lowId = low.json().items[0].id as string;
    const until = new Date(Date.parse(`${today}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
    const accepted = await as(boss, 'POST', `/api/v1/orgs/${org.slug}/findings/${lowId}/state`, {
      state: 'risk_accepted',
      reason: REASON,
      accepted_until: until,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);

    // History the scanner did not give us: dates moved back, one medium fixed 10 days ago.
    await inOrg(async (tx) => {
      await sql`update findings set first_seen_at = now() - interval '40 days'
        where org_id = ${org.id} and host = 'testphp.vulnweb.com'`.execute(tx.q);
      await sql`update findings set first_seen_at = now() - interval '17 days'
        where org_id = ${org.id} and severity = 'low'`.execute(tx.q);
      const fixed = await sql`update findings set first_seen_at = now() - interval '60 days',
          closed_at = now() - interval '10 days', state = 'fixed'
        where org_id = ${org.id} and id = (select id from findings where org_id = ${org.id}
          and host = 'qa3app03' and severity = 'medium' and rule <> '18405' order by rule limit 1)`.execute(
        tx.q,
      );
      expect(Number(fixed.numAffectedRows)).toBe(1);
      // The daily figures of those days as if Værn had kept them (a backfill, migration 0031).
      await sql`select vaern_findings_refresh_days(${org.id}::uuid, current_date - 120, current_date)`.execute(
        tx.q,
      );
    });
    await recomputeAllDue(t.runtime.ctx);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('renders a draft PDF with the figures, in English and in Danish', async () => {
    const r = await as(officer, 'GET', `${reports()}/${quarter}.pdf?lang=en`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = words(pdfText(r.rawPayload));
    expect(text).toContain('Vulnerability management report (Draft)');
    expect(text).toContain('Draft: not signed.');
    expect(text).toContain(` ${quarter} `);
    // Summary: open (31 − 1 fixed − 1 accepted), overdue (WEB), KEV (plugin 18405 × 7), accepted.
    expect(text).toContain(
      'Open findings Past their SLA deadline Known exploited (KEV), open Accepted risks 29 1 7 1 ',
    );
    // The matrix: severity × criticality critical, high, medium, low, not assessed, total.
    expect(text).toContain('Critical 0 0 0 0 0 0 ');
    expect(text).toContain('High 0 1 0 0 0 1 ');
    expect(text).toContain('Medium 4 0 0 0 18 22 ');
    expect(text).toContain('Low 1 0 0 0 5 6 ');
    expect(text).toContain('Total 5 1 0 0 23 29 ');
    // Overdue: the WEB finding, 10 days past its due date.
    expect(text).toContain(`${WEB_TITLE} High WEB Webportal testphp.vulnweb.com `);
    expect(text).toMatch(/testphp\.vulnweb\.com \d{4}-\d{2}-\d{2} 10 /);
    // Top systems: only WEB has critical or high findings.
    expect(text).toContain('WEB Webportal High 0 1 ');
    // Accepted risk: title, system, approver, reason, expiry.
    expect(text).toContain(
      'Terminal Services Encryption Level is not FIPS-140 Compliant (no system) Søren Ærø ',
    );
    expect(text).toContain(REASON);
    // KEV findings list the CVE.
    expect(text.split(KEV_CVE).length - 1).toBe(7);

    // The trend: 13 weeks ending on Sundays, the last ending today, as recorded each day. See the
    // describe's comment for each figure.
    const weeks = [...text.matchAll(/(\d{4}-\d{2}-\d{2}) (\d+) /g)].map((m) => [m[1], Number(m[2])]);
    const trend = weeks.slice(-13);
    expect(trend).toHaveLength(13);
    expect(trend.at(-1)).toEqual([today, 30]); // 31 − the fixed one (accepted counts: not fixed)
    expect(trend).toEqual(weekEnds(today).map((offset) => [dayAt(today, offset), unfinishedAt(offset)]));
    expect(text).not.toContain('At the end of the quarter');

    // The quarter before: its trend ends on its last day, and the figures recorded that day lead.
    const [year, n] = quarter.split('-Q').map(Number) as [number, number];
    const previous = n === 1 ? `${year - 1}-Q4` : `${year}-Q${n - 1}`;
    const firstDay = `${year}-${String((n - 1) * 3 + 1).padStart(2, '0')}-01`;
    const lastDay = dayAt(firstDay, -1);
    const back = (Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
    const past = words(
      pdfText((await as(officer, 'GET', `${reports()}/${previous}.pdf?lang=en`)).rawPayload),
    );
    expect(past).toContain(
      `At the end of the quarter (${lastDay}) As Værn recorded them on ${lastDay}; everything else in this report describes the findings when it was made. Unfinished (open, in progress, accepted, suppressed) Past their SLA deadline Known exploited (KEV), open ${unfinishedAt(back)} 0 0 `,
    );
    const pastWeeks = [...past.matchAll(/(\d{4}-\d{2}-\d{2}) (\d+) /g)].map((m) => [m[1], Number(m[2])]);
    expect(pastWeeks.slice(-13)).toEqual(
      weekEnds(lastDay).map((offset) => [dayAt(lastDay, offset), unfinishedAt(back + offset)]),
    );

    const da = await as(officer, 'GET', `${reports()}/${quarter}.pdf?lang=da`);
    expect(da.statusCode).toBe(200);
    const dansk = words(pdfText(da.rawPayload));
    expect(dansk).toContain('Ledelsesrapport om sårbarhedsstyring (Udkast)');
    expect(dansk).toContain('Åbne fund Over SLA-fristen ');
    expect(dansk).toContain('Middel 4 0 0 0 18 22 ');
    expect(dansk).toContain('Søren Ærø');
    expect(dansk).not.toContain('\uFFFD');

    // Readers: management, security officer, admin, auditor; not a member or system owner.
    expect((await as(boss, 'GET', `${reports()}/${quarter}.pdf`)).statusCode).toBe(200);
    const auditor = await createToken(t, org.slug, 'auditor');
    expect((await as(auditor, 'GET', `${reports()}/${quarter}.pdf`)).statusCode).toBe(200);
    for (const role of ['member', 'system_owner'] as const)
      expect(
        (await as(await createToken(t, org.slug, role), 'GET', `${reports()}/${quarter}.pdf`)).statusCode,
      ).toBe(403);
    // A quarter that has not begun, or is malformed.
    const future = `${Number(quarter.slice(0, 4)) + 1}-Q1`;
    const refused = await as(officer, 'GET', `${reports()}/${future}.pdf`);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('findings_report.quarter_invalid');
    expect((await as(officer, 'GET', `${reports()}/2026-Q5.pdf`)).statusCode).toBe(400);
    // Every draft is an export: audited (the four here and the quarter before's).
    expect((await auditActions()).filter((a) => a.action === 'findings.report_draft').length).toBe(5);
  });

  it('lets management sign with a current code, stores the exact bytes, and moves criteria 3 and 7', async () => {
    const before = await criteria();
    expect(before[3]).toMatchObject({ status: 'failed', detail_code: 'scorecard.c3.never_signed' });
    // 7: WEB's high finding is 10 days overdue, so only APP01 of the two counts as patched.
    expect(before[7]).toMatchObject({ status: 'failed', numerator: 1, denominator: 2 });

    // A wrong code: refused, audited, nothing stored.
    const code = await nextTotpCode(bossId);
    const wrong = await as(boss, 'POST', reports(), {
      quarter,
      lang: 'da',
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('findings_report.code_invalid');
    expect((await auditActions()).at(-1)).toMatchObject({
      action: 'findings.report_sign_refused',
      after: { quarter, reason: 'invalid_code' },
    });
    expect((await as(officer, 'GET', reports())).json().items).toEqual([]);

    const signed = await as(boss, 'POST', reports(), { quarter, lang: 'da', code });
    expect(signed.statusCode, signed.body).toBe(201);
    const report = signed.json();
    expect(report).toMatchObject({ quarter, lang: 'da', signer: { id: bossId, name: 'Søren Ærø' } });
    // The same code again: replayed.
    const replay = await as(boss, 'POST', reports(), { quarter, lang: 'da', code });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().code).toBe('findings_report.code_used');

    const pdf = await as(boss, 'GET', `${reports()}/${report.id}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sha256(pdf.rawPayload)).toBe(report.sha256);
    expect(pdf.rawPayload.length).toBe(report.size);
    const text = words(pdfText(pdf.rawPayload));
    expect(text).toContain('Ledelsesrapport om sårbarhedsstyring ');
    expect(text).not.toContain('Udkast');
    expect(text).toContain(`Søren Ærø <`);
    expect(text).toContain(
      'Åbne fund Over SLA-fristen Kendt udnyttede (KEV), åbne Accepterede risici 29 1 7 1 ',
    );
    const stored = await inOrg((tx) =>
      sql<{ sha256: string; pdf: Uint8Array }>`select sha256, pdf from vulnerability_reports
        where org_id = ${org.id} and id = ${report.id}`.execute(tx.q),
    );
    expect(sha256(Buffer.from(stored.rows[0]?.pdf ?? []))).toBe(stored.rows[0]?.sha256);
    expect(stored.rows[0]?.sha256).toBe(report.sha256);

    const audit = (await auditActions()).filter((a) => a.action === 'findings.report_sign');
    expect(audit).toEqual([
      expect.objectContaining({
        after: expect.objectContaining({
          quarter,
          sha256: report.sha256,
          open: 29,
          overdue: 1,
          kev: 7,
          accepted: 1,
        }),
      }),
    ]);

    const after = await criteria();
    expect(after[3]).toMatchObject({ status: 'passed', detail_code: 'scorecard.c3.passed' });
    const card = (await as(officer, 'GET', `/api/v1/orgs/${org.slug}/scorecard`)).json();
    expect(card.vulnerability_report).toMatchObject({
      id: report.id,
      quarter,
      signer_name: 'Søren Ærø',
      sha256: report.sha256,
    });

    // Signed again: a new version; the list shows both, newest first.
    const again = await as(boss, 'POST', reports(), {
      quarter,
      lang: 'en',
      code: await nextTotpCode(bossId),
    });
    expect(again.statusCode, again.body).toBe(201);
    const list = (await as(officer, 'GET', reports())).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([again.json().id, report.id]);
    const paged = (await as(officer, 'GET', `${reports()}?limit=1`)).json();
    expect(paged.items).toHaveLength(1);
    const rest = (await as(officer, 'GET', `${reports()}?limit=1&cursor=${paged.next_cursor}`)).json();
    expect(rest.items.map((i: { id: string }) => i.id)).toEqual([report.id]);
    // Is a quarter signed? Its reports alone; another quarter has none; a malformed one is refused.
    const [year, n] = quarter.split('-Q').map(Number) as [number, number];
    const earlier = n === 1 ? `${year - 1}-Q4` : `${year}-Q${n - 1}`;
    const ofQuarter = (await as(officer, 'GET', `${reports()}?quarter=${quarter}&limit=1`)).json();
    expect(ofQuarter.items.map((i: { id: string }) => i.id)).toEqual([again.json().id]);
    expect((await as(officer, 'GET', `${reports()}?quarter=${earlier}`)).json().items).toEqual([]);
    expect((await as(officer, 'GET', `${reports()}?quarter=2026-Q5`)).statusCode).toBe(400);
    expect((await as(officer, 'GET', `${reports()}/${randomUUID()}/pdf`)).statusCode).toBe(404);
  });

  it('refuses to sign for anyone but a person with management and a second factor', async () => {
    const so = await login(t, await createUser(t, { org: org.slug, role: 'security_officer' }));
    const bySo = await as(so, 'POST', reports(), {
      quarter,
      lang: 'en',
      code: await nextTotpCode(so.userId),
    });
    expect(bySo.statusCode).toBe(403);
    expect(bySo.json().code).toBe('findings_report.sign_management_only');
    const byToken = await as(officer, 'POST', reports(), { quarter, lang: 'en', code: '123456' });
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json().code).toBe('findings_report.sign_people_only');
    // Management without an enrolled second factor (removed behind the API's back).
    const m = await createUser(t, { org: org.slug, role: 'management' });
    const me = await login(t, m);
    await withTenant(t.runtime.ctx.db.kysely, { orgIds: [], userId: m.id }, (tx) =>
      sql`update users set mfa_secret = null where id = ${m.id}`.execute(tx.q),
    );
    const noMfa = await as(me, 'POST', reports(), { quarter, lang: 'en', code: await nextTotpCode(m.id) });
    expect(noMfa.statusCode).toBe(403);
    expect(noMfa.json().code).toBe('findings_report.sign_needs_mfa');
  });

  it("refuses another organisation's actors", async () => {
    const stranger = await login(t, await createUser(t, { org: other.slug, role: 'management' }));
    const id = (await as(officer, 'GET', reports())).json().items[0].id as string;
    for (const [method, url, payload] of [
      ['GET', `${reports()}/${quarter}.pdf`, undefined],
      ['GET', reports(), undefined],
      ['GET', `${reports()}/${id}/pdf`, undefined],
      ['POST', reports(), { quarter, lang: 'en', code: await nextTotpCode(stranger.userId) }],
    ] as const) {
      const r = await as(stranger, method, url, payload);
      expect({ url, method, status: r.statusCode }).toEqual({ url, method, status: 403 });
    }
    // Its own (empty) organisation: a draft with zeros, nothing signed.
    const own = await as(stranger, 'GET', `${reports(other.slug)}/${quarter}.pdf?lang=en`);
    expect(own.statusCode).toBe(200);
    expect(words(pdfText(own.rawPayload))).toContain('Accepted risks 0 0 0 0 ');
    expect((await as(stranger, 'GET', reports(other.slug))).json().items).toEqual([]);
  });
});
