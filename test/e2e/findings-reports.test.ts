import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { corpus } from '../corpora.js';
import {
  createOrg,
  createUserWithMfa,
  type MfaUserFixture,
  nextTotpCode,
  type OrgFixture,
} from '../factories.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  artifacts,
  cspViolations,
  describeInChromium,
  expectHeading,
  SESSION_PROBE,
  signInThroughUi,
  watch,
} from './browser.js';

/**
 * nessus_v_unknown.xml holds 30 findings: 23 medium (severity 2) and 7 low (severity 1), besides
 * 266 informational items (severity 0). Counted with Python's ElementTree:
 *   python3 -c "import xml.etree.ElementTree as E; from collections import Counter;
 *     print(Counter(i.get('severity') for i in E.parse('nessus_v_unknown.xml').iter('ReportItem')))"
 * Its hosts qa3app01–09: qa3app01 maps to the test's one system (APP-01, no criticality), the
 * others to none, so every finding's SLA column is "unassessed".
 */
const NESSUS = corpus('scans', 'nessus/nessus_v_unknown.xml');
const MEDIUM = 23;
const LOW = 7;

/** Intl writes numbers with no-break spaces in Danish. */
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
const quarterNow = () => {
  const d = new Date();
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
};

/** A page of the vulnerabilities, through their sub-navigation. */
async function subPage(page: Page, link: string, heading: string) {
  await page.getByTestId('findings-nav').getByRole('link', { name: link, exact: true }).click();
  await expectHeading(page, heading);
}

describeInChromium(
  'the vulnerabilities overview, SLA and management reports in Chromium',
  'test/e2e/findings-reports.test.ts',
  (app) => {
    let org: OrgFixture;

    it('after a Nessus upload the overview shows 23 medium and 7 low with the trend; a security officer changes one SLA cell and sees the due dates recomputed', async () => {
      const { t, base, browser } = app;
      // Imports run as background jobs: this process works the queues, as `vaern serve` does.
      await t.runtime.ctx.jobs.work();
      org = await createOrg(t, { name: 'Hospital Rapport', kind: 'hospital' });
      const system = await t.asOperator('POST', `/api/v1/orgs/${org.slug}/inventory/systems`, {
        key: 'APP-01',
        name: 'Applikationsserver',
        hostnames: ['qa3app01'],
      });
      expect(system.statusCode, system.body).toBe(201);
      const officer = await createUserWithMfa(t, {
        org: org.slug,
        role: 'security_officer',
        name: 'Sif Servicemål',
      });
      mkdirSync(artifacts, { recursive: true });
      const context = await browser.newContext();
      const page = await context.newPage();
      const shot = (name: string) =>
        page.screenshot({ path: path.join(artifacts, `findings-reports-${name}.png`), fullPage: true });
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, officer);

      // The menu opens the overview: nothing scanned yet.
      await page.getByRole('navigation').getByRole('link', { name: 'Sårbarheder' }).click();
      await expectHeading(page, 'Sårbarheder: overblik');
      await page.getByTestId('no-scan').waitFor();
      // The officer sees every page of the sub-navigation.
      expect(await page.getByTestId('findings-nav').getByRole('link').allTextContents()).toEqual([
        'Overblik',
        'Fund',
        'Upload en scanning',
        'Indtast testresultat',
        'Delt med os',
        'Værter uden system',
        'Servicemål (SLA)',
        'Ledelsesrapporter',
      ]);

      await subPage(page, 'Upload en scanning', 'Upload en scanning');
      await page.getByLabel('3. Fil').setInputFiles(NESSUS);
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await page
        .getByRole('heading', { level: 2, name: 'Scanningen er importeret' })
        .waitFor({ timeout: 60_000 })
        .catch(async (e) => {
          throw new Error(`${e}\n${await page.locator('main').innerText()}`);
        });

      // The overview: the file's figures, the chart, the scan.
      await subPage(page, 'Overblik', 'Sårbarheder: overblik');
      const figure = (id: string) => text(page.getByTestId(id).getByRole('link'));
      await expect.poll(() => figure('open-medium')).toBe(String(MEDIUM));
      expect(await figure('open-low')).toBe(String(LOW));
      expect(await figure('open-critical')).toBe('0');
      expect(await figure('open-high')).toBe('0');
      expect(await figure('overdue')).toBe('0');
      const chart = page.getByTestId('trend-chart');
      await chart.waitFor();
      expect(await chart.getByTestId('trend-week').count()).toBe(13);
      // The last week's bar holds the 30 open findings: its label says so.
      expect(await chart.getAttribute('aria-label')).toMatch(
        /13 uger .*: 0 i første uge, 30 i den seneste\.$/,
      );
      expect(await chart.locator('rect').count()).toBeGreaterThan(0);
      expect(await text(page.getByTestId('last-scan-new'))).toBe('30');
      expect(await text(page.getByTestId('last-scan-closed'))).toBe('0');
      // APP-01 has no critical or high finding: no system is listed.
      expect(await page.getByTestId('top-system').count()).toBe(0);
      await shot('1-overview');
      await expectNoSeriousA11yViolations(page, 'findings overview (da)');

      // A figure opens the list with its filter: the medium findings; overdue ones (none yet).
      await page.getByTestId('open-medium').getByRole('link').click();
      await expectHeading(page, 'Sårbarheder');
      await expect.poll(() => page.getByTestId('finding-row').count()).toBe(MEDIUM);
      expect(new URL(page.url()).searchParams.get('severity')).toBe('medium');
      // The figure counts every unfinished finding, and the list it opens shows them all.
      expect(new URL(page.url()).searchParams.get('unfinished')).toBe('true');
      for (const state of ['Åben', 'Under behandling', 'Risikoaccept', 'Undertrykt'])
        expect(await page.getByRole('checkbox', { name: state, exact: true }).isChecked()).toBe(true);
      expect(await page.getByRole('checkbox', { name: 'Rettet', exact: true }).isChecked()).toBe(false);
      await subPage(page, 'Overblik', 'Sårbarheder: overblik');
      await page.getByTestId('overdue').getByRole('link').click();
      await page.getByTestId('findings-status').getByText('Viser 0 fund.').waitFor();
      expect(new URL(page.url()).searchParams.get('overdue')).toBe('true');
      expect(await page.getByRole('checkbox', { name: 'Kun fund over fristen' }).isChecked()).toBe(true);
      // New since the scan before: the latest scan's new findings (all 30 of the first).
      await subPage(page, 'Overblik', 'Sårbarheder: overblik');
      await page.getByTestId('last-scan-new').getByRole('link').click();
      await expect.poll(() => page.getByTestId('finding-row').count()).toBe(30);
      expect(new URL(page.url()).searchParams.get('new_in')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await page.getByTestId('filter-new-in').isChecked()).toBe(true);
      await page.getByTestId('filter-new-in').click();
      await expect.poll(() => page.getByTestId('filter-new-in').count()).toBe(0);

      // The SLA: the defaults; a value out of range is explained and not sent.
      await subPage(page, 'Servicemål (SLA)', 'Servicemål (SLA)');
      await expect.poll(() => text(page.getByTestId('sla-custom'))).toBe('Standardservicemål');
      const cell = page.getByLabel(
        'Frist i dage, alvorlighed: Middel, systemets kritikalitet: Ikke vurderet',
        { exact: true },
      );
      expect(await cell.inputValue()).toBe('90');
      await expectNoSeriousA11yViolations(page, 'SLA (da)');
      await cell.fill('0');
      await page.getByRole('button', { name: 'Gem servicemålene' }).click();
      await page.getByTestId('sla-invalid').waitFor();
      // Every medium finding is on no system with a criticality: all 23 get a new due date.
      await cell.fill('30');
      await page.getByRole('button', { name: 'Gem servicemålene' }).click();
      await expect
        .poll(() => text(page.getByTestId('sla-recomputed')))
        .toBe(`Servicemålene er gemt. ${MEDIUM} frister blev genberegnet.`);
      await expect.poll(() => text(page.getByTestId('sla-custom'))).toBe('Organisationens egne servicemål');
      await shot('2-sla');
      const sla = (await t.asOperator('GET', `/api/v1/orgs/${org.slug}/findings/sla`)).json();
      expect(sla.custom).toBe(true);
      expect(sla.policy.days.medium.unassessed).toBe(30);
      const medium = (
        await t.asOperator('GET', `/api/v1/orgs/${org.slug}/findings?severity=medium&limit=1`)
      ).json().items[0];
      const firstSeen = Date.parse(`${medium.first_seen_at.slice(0, 10)}T00:00:00Z`);
      expect(medium.due_on).toBe(new Date(firstSeen + 30 * 86_400_000).toISOString().slice(0, 10));

      // In English: the overview and the SLA.
      await page.getByText('English', { exact: true }).click();
      await expectHeading(page, 'Service levels (SLA)');
      await expectNoSeriousA11yViolations(page, 'SLA (en)');
      await subPage(page, 'Overview', 'Vulnerabilities: overview');
      await page.getByTestId('trend-chart').waitFor();
      await expectNoSeriousA11yViolations(page, 'findings overview (en)');
      await page.getByText('Dansk', { exact: true }).click();
      await expectHeading(page, 'Sårbarheder: overblik');

      expect([...(await cspViolations(page)), ...problems]).toEqual([]);
      await context.close();
    }, 240_000);

    it('a member reads the SLA but cannot change it, and sees no management reports', async () => {
      const { t, base, browser } = app;
      const member = await createUserWithMfa(t, { org: org.slug, role: 'member', name: 'Mads Medlem' });
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, member);
      await page.getByRole('navigation').getByRole('link', { name: 'Sårbarheder' }).click();
      await expectHeading(page, 'Sårbarheder: overblik');
      expect(await page.getByTestId('findings-nav').getByRole('link').allTextContents()).toEqual([
        'Overblik',
        'Fund',
        'Delt med os',
        'Værter uden system',
        'Servicemål (SLA)',
      ]);
      await subPage(page, 'Servicemål (SLA)', 'Servicemål (SLA)');
      await page.getByText('Kun administratorer og sikkerhedsansvarlige ændrer servicemålene.').waitFor();
      expect(await text(page.getByTestId('sla-medium-unassessed'))).toBe('30 dage');
      expect(await page.getByTestId('sla-matrix').getByRole('textbox').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Gem servicemålene' }).count()).toBe(0);
      await page.goto(`${base}/orgs/${org.slug}/findings/reports`);
      await page.getByTestId('reports-no-access').waitFor();

      expect([...(await cspViolations(page)), ...problems]).toEqual([]);
      await context.close();
    }, 120_000);

    it('management downloads a draft, signs the current quarter with a TOTP code, and downloads the signed PDF', async () => {
      const { t, base, browser } = app;
      const director: MfaUserFixture = await createUserWithMfa(t, {
        org: org.slug,
        role: 'management',
        name: 'Mette Ledelse',
      });
      const context = await browser.newContext();
      const page = await context.newPage();
      // One wrong code is refused by the server (400), on purpose.
      const wrongCode = { status: [400], url: /\/findings\/reports$/ };
      const problems = await watch(page, { allow: [SESSION_PROBE, wrongCode] });
      await signInThroughUi(page, base, director);
      // The overview says what waits for management: the last ended quarter's report, unsigned.
      const d = new Date();
      const q = Math.floor(d.getUTCMonth() / 3);
      const lastQuarter = q === 0 ? `${d.getUTCFullYear() - 1}-Q4` : `${d.getUTCFullYear()}-Q${q}`;
      const todo = page.getByTestId('to-do-report');
      await todo.waitFor();
      expect(await text(todo)).toBe(
        `Sårbarhedsrapporten for ${lastQuarter} er ikke underskrevet endnu: ledelsen læser og underskriver den hvert kvartal. Læs og underskriv den`,
      );
      await expectNoSeriousA11yViolations(page, 'overview to-do (da)');
      await page.getByRole('navigation').getByRole('link', { name: 'Sårbarheder' }).click();
      await expectHeading(page, 'Sårbarheder: overblik');
      // Management reads, signs, accepts risks; it does not upload scans.
      expect(await page.getByTestId('findings-nav').getByRole('link').allTextContents()).toEqual([
        'Overblik',
        'Fund',
        'Delt med os',
        'Værter uden system',
        'Servicemål (SLA)',
        'Ledelsesrapporter',
      ]);
      await subPage(page, 'Ledelsesrapporter', 'Ledelsesrapporter');
      await page.getByTestId('reports-none').waitFor();
      await expectNoSeriousA11yViolations(page, 'management reports (da)');

      // The current quarter's draft, with the session: a PDF.
      const quarter = quarterNow();
      const draftHref = await page.getByTestId(`draft-${quarter}-da`).getAttribute('href');
      expect(draftHref).toBe(`/api/v1/orgs/${org.slug}/findings/reports/${quarter}.pdf?lang=da`);
      const draft = await page.request.get(`${base}${draftHref}`);
      expect(draft.status()).toBe(200);
      expect(draft.headers()['content-type']).toMatch(/^application\/pdf/);
      expect((await draft.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

      // A wrong code: the server's words.
      const form = page.getByRole('form', { name: 'Underskriv en ledelsesrapport' });
      await form.getByLabel('Kode fra godkendelsesappen').fill('000000');
      await form.getByRole('button', { name: 'Underskriv', exact: true }).click();
      await form.getByText('Koden fra godkendelsesappen er ikke gyldig.').waitFor();
      await page.screenshot({ path: path.join(artifacts, 'findings-reports-3-refused.png'), fullPage: true });
      await expectNoSeriousA11yViolations(page, 'report signing refused (da)');

      // The current quarter is chosen; a good code signs it.
      await form
        .getByLabel('Kode fra godkendelsesappen')
        .fill(await nextTotpCode(director.id, director.mfaSecret));
      await form.getByRole('button', { name: 'Underskriv', exact: true }).click();
      await page.getByText(`Ledelsesrapporten for ${quarter} er underskrevet.`).waitFor();
      const row = page.getByTestId('report-row');
      await expect.poll(() => row.count()).toBe(1);
      await row.getByText(`Mette Ledelse (${director.email})`).waitFor();
      expect(await text(row.getByRole('rowheader'))).toBe(quarter);
      const sha = await text(row.getByTestId('report-sha'));
      expect(sha).toMatch(/^[0-9a-f]{64}$/);
      await page.screenshot({ path: path.join(artifacts, 'findings-reports-4-signed.png'), fullPage: true });
      await expectNoSeriousA11yViolations(page, 'management reports signed (da)');

      // The signed PDF: the exact bytes whose SHA-256 the list shows.
      const pdfHref = await row.getByTestId('report-pdf').getAttribute('href');
      const pdf = await page.request.get(`${base}${pdfHref}`);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toMatch(/^application\/pdf/);
      const bytes = await pdf.body();
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
      const stored = (await t.asOperator('GET', `/api/v1/orgs/${org.slug}/findings/reports`)).json();
      expect(stored.items).toHaveLength(1);
      expect(stored.items[0]).toMatchObject({ quarter, lang: 'da', sha256: sha });

      await page.getByText('English', { exact: true }).click();
      await expectHeading(page, 'Management reports');
      await row.getByText(`Mette Ledelse (${director.email})`).waitFor();
      await expectNoSeriousA11yViolations(page, 'management reports (en)');
      await page.getByText('Dansk', { exact: true }).click();
      await expectHeading(page, 'Ledelsesrapporter');

      expect([...(await cspViolations(page)), ...problems]).toEqual([]);
      await context.close();
    }, 180_000);
  },
);
