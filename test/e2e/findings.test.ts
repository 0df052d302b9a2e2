import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { corpus } from '../corpora.js';
import { createOrg, createUserWithMfa, type OrgFixture } from '../factories.js';
import type { TestApp } from '../server.js';
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
 * nessus_v_unknown.xml: 7 ReportHosts (qa3app01–09 at 10.31.112.21–29), 296 ReportItems, of which
 * 266 have severity 0 (informational, counted and not kept) and 30 are findings: 23 medium
 * (severity 2) and 7 low (severity 1). Counted with Python's ElementTree:
 *   python3 -c "import xml.etree.ElementTree as E; from collections import Counter;
 *     print(Counter(i.get('severity') for i in E.parse('nessus_v_unknown.xml').iter('ReportItem')))"
 * The test's inventory has one system with the host name qa3app01, so the other 6 hosts of the
 * file map to no system.
 */
const NESSUS = corpus('scans', 'nessus/nessus_v_unknown.xml');

/** Intl writes numbers with no-break spaces in Danish. */
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The row of a label/value group on the finding's page. */
const cell = (page: Page, group: string, label: string) =>
  page
    .getByTestId(group)
    .locator('tr', { has: page.getByRole('rowheader', { name: label, exact: true }) })
    .locator('td');

/** From any page of the vulnerabilities: the list of findings, through the sub-navigation. */
async function openList(page: Page) {
  await page.getByTestId('findings-nav').getByRole('link', { name: 'Fund', exact: true }).click();
  await expectHeading(page, 'Sårbarheder');
  await page.getByTestId('findings-status').waitFor();
}

async function findingIds(t: TestApp, org: OrgFixture, query: string): Promise<string[]> {
  const r = await t.asOperator('GET', `/api/v1/orgs/${org.slug}/findings?${query}`);
  return (r.json() as { items: Array<{ id: string }> }).items.map((f) => f.id);
}

describeInChromium('the vulnerabilities screens in Chromium', 'test/e2e/findings.test.ts', (app) => {
  let org: OrgFixture;

  it('a security officer uploads a Nessus scan, filters the findings, and sets one in progress and then false positive', async () => {
    const { t, base, browser } = app;
    // Imports run as background jobs: this process works the queues, as `vaern serve` does.
    await t.runtime.ctx.jobs.work();
    org = await createOrg(t, { name: 'Hospital Sårbarhed', kind: 'hospital' });
    const system = await t.asOperator('POST', `/api/v1/orgs/${org.slug}/inventory/systems`, {
      key: 'APP-01',
      name: 'Applikationsserver',
      hostnames: ['qa3app01'],
    });
    expect(system.statusCode, system.body).toBe(201);
    const officer = await createUserWithMfa(t, { org: org.slug, role: 'security_officer', name: 'Sif Scan' });
    mkdirSync(artifacts, { recursive: true });
    const context = await browser.newContext();
    const page = await context.newPage();
    const shot = (name: string) =>
      page.screenshot({ path: path.join(artifacts, `findings-${name}.png`), fullPage: true });
    const problems = await watch(page, { allow: [SESSION_PROBE] });
    await signInThroughUi(page, base, officer);

    // The menu leads to the overview, and its sub-navigation to an empty list.
    await page.getByRole('navigation').getByRole('link', { name: 'Sårbarheder' }).click();
    await expectHeading(page, 'Sårbarheder: overblik');
    expect(new URL(page.url()).pathname).toBe(`/orgs/${org.slug}/findings`);
    await page.getByTestId('no-scan').waitFor();
    await openList(page);
    expect(new URL(page.url()).pathname).toBe(`/orgs/${org.slug}/findings/list`);
    await page.getByText('Ingen åbne fund. Upload en scanning for at se sårbarhederne.').waitFor();

    // The wizard: Nessus is the default format; a missing file is explained, not sent.
    await page.getByRole('link', { name: 'Upload en scanning' }).click();
    await expectHeading(page, 'Upload en scanning');
    expect(await page.getByRole('radio', { name: 'Nessus (.nessus, XML)' }).isChecked()).toBe(true);
    await expectNoSeriousA11yViolations(page, 'scan wizard (da)');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('Vælg en fil at uploade.').waitFor();
    // SARIF needs the system its code belongs to.
    await page.getByRole('radio', { name: 'SARIF (kodeanalyse, JSON)' }).check();
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByText('Angiv systemets nøgle: fund i kode hører til et system.').waitFor();
    // The system is chosen among the inventory's, found by its name too; the key is what is sent.
    const systemField = page.locator('input').and(page.getByLabel('2. System'));
    await systemField.fill('applikation');
    await page.getByRole('option', { name: 'APP-01 · Applikationsserver' }).click();
    expect(await systemField.inputValue()).toBe('APP-01');
    await systemField.fill('');
    await page.getByRole('radio', { name: 'Nessus (.nessus, XML)' }).check();
    await shot('1-wizard');

    await page.getByLabel('3. Fil').setInputFiles(NESSUS);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page
      .getByRole('heading', { level: 2, name: 'Scanningen er importeret' })
      .waitFor({ timeout: 60_000 })
      .catch(async (e) => {
        throw new Error(`${e}\n${await page.locator('main').innerText()}`);
      });
    expect(await text(page.getByTestId('scan-new'))).toBe('30');
    expect(await text(page.getByTestId('scan-informational'))).toBe('266');
    expect(await text(page.getByTestId('scan-still_open'))).toBe('0');
    expect(await text(page.getByTestId('scan-closed'))).toBe('0');
    expect(await text(page.getByTestId('scan-unmapped_hosts'))).toBe('6');
    const unmappedNames = await page.getByTestId('scan-unmapped-names').locator('li').allTextContents();
    expect(unmappedNames).toContain('qa3app09');
    expect(unmappedNames).not.toContain('qa3app01');
    await shot('2-summary');
    await expectNoSeriousA11yViolations(page, 'scan summary (da)');

    // The list: the 30 open findings, worst first; the severity filter is the server's.
    await page.getByRole('link', { name: 'Gå til sårbarhederne' }).click();
    await expectHeading(page, 'Sårbarheder');
    const rows = page.getByTestId('finding-row');
    await expect.poll(() => rows.count()).toBe(30);
    // Each with its due date, none of them passed yet.
    expect(await rows.locator('[data-overdue="false"]').count()).toBe(30);
    expect(await rows.first().locator('[data-severity]').getAttribute('data-severity')).toBe('medium');
    expect(await rows.last().locator('[data-severity]').getAttribute('data-severity')).toBe('low');
    // qa3app01's findings name their system, with a link to it in the inventory.
    const mapped = rows.filter({ has: page.getByRole('link', { name: 'APP-01' }) });
    await expect.poll(() => mapped.count()).toBe(5);
    expect(await mapped.first().getByRole('link', { name: 'APP-01' }).getAttribute('href')).toBe(
      `/orgs/${org.slug}/inventory/systems/APP-01`,
    );
    await page.getByRole('checkbox', { name: 'Lav', exact: true }).check();
    await expect.poll(() => rows.count()).toBe(7);
    expect(
      await rows.locator('[data-severity]').evaluateAll((b) => b.map((e) => e.getAttribute('data-severity'))),
    ).toEqual(Array(7).fill('low'));
    await shot('3-list-filtered');
    await expectNoSeriousA11yViolations(page, 'findings list (da)');

    // One finding: its fields, then in progress, then a false positive with a reason.
    const first = rows.first().getByRole('link').first();
    const title = await text(first);
    await first.click();
    await expectHeading(page, title);
    expect(await text(cell(page, 'finding-overview', 'Alvorlighed'))).toBe('Lav');
    expect(await text(cell(page, 'finding-follow-up', 'Status'))).toBe('Åben');
    // Its SLA due date (a low finding on no system: 180 days by default), not passed.
    expect(await text(cell(page, 'finding-follow-up', 'Frist'))).not.toMatch(/^(—|Ingen frist)$/);
    expect(await cell(page, 'finding-follow-up', 'Frist').locator('[data-overdue="false"]').count()).toBe(1);
    expect(await text(cell(page, 'finding-overview', 'Kendt udnyttet (CISA KEV)'))).toMatch(/^(Ja|Nej)$/);
    expect(await text(cell(page, 'finding-history', 'Genåbnet (antal gange)'))).toBe('0');
    await page.getByTestId('finding-evidence').waitFor();
    // The officer triages but does not accept risks.
    expect(await page.getByRole('button', { name: 'Acceptér risikoen' }).count()).toBe(0);
    await expectNoSeriousA11yViolations(page, 'finding page (da)');

    await page.getByRole('button', { name: 'Sæt under behandling' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sæt under behandling' });
    await dialog.waitFor();
    await expectNoSeriousA11yViolations(page, 'state dialog (da)');
    await dialog.getByRole('button', { name: 'Sæt under behandling' }).click();
    await page.getByText('Status er nu »Under behandling«.').waitFor();
    await expect.poll(() => text(cell(page, 'finding-follow-up', 'Status'))).toBe('Under behandling');

    await page.getByRole('button', { name: 'Markér som falsk positiv' }).click();
    const fp = page.getByRole('dialog', { name: 'Markér som falsk positiv' });
    await fp.getByRole('button', { name: 'Markér som falsk positiv' }).click();
    await fp.getByText('Skriv en begrundelse.').waitFor();
    await fp.getByLabel('Begrundelse').fill('Porten er lukket i firewallen; scanneren ser kun testnettet.');
    await fp.getByRole('button', { name: 'Markér som falsk positiv' }).click();
    await page.getByText('Status er nu »Falsk positiv«.').waitFor();
    expect(await text(cell(page, 'finding-follow-up', 'Begrundelse'))).toBe(
      'Porten er lukket i firewallen; scanneren ser kun testnettet.',
    );
    await shot('4-finding');
    const stored = await t.asOperator('GET', `/api/v1${new URL(page.url()).pathname}`);
    expect(stored.json().state).toBe('false_positive');

    // The hosts without a system, each with how to map it.
    await page.getByRole('link', { name: 'Tilbage til sårbarhederne' }).click();
    await expectHeading(page, 'Sårbarheder');
    await page.getByRole('link', { name: 'Værter uden system' }).click();
    await expectHeading(page, 'Værter uden system');
    const hosts = page.getByTestId('unmapped-host');
    await expect.poll(() => hosts.count()).toBe(6);
    await hosts.filter({ hasText: 'qa3app09' }).getByText('Tilføj qa3app09 / 10.31.112.29').waitFor();
    await shot('5-unmapped-hosts');
    await expectNoSeriousA11yViolations(page, 'unmapped hosts (da)');

    // In English: the same four pages.
    await page.getByText('English', { exact: true }).click();
    await expectHeading(page, 'Hosts without a system');
    await expectNoSeriousA11yViolations(page, 'unmapped hosts (en)');
    await hosts.filter({ hasText: 'qa3app09' }).getByRole('link').click();
    await expectHeading(page, 'Vulnerabilities');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await rows.getByText('qa3app09').count()).toBe(await rows.count());
    await expectNoSeriousA11yViolations(page, 'findings list (en)');
    await rows.first().getByRole('link').first().click();
    await page.getByRole('heading', { level: 2, name: 'Follow-up' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'finding page (en)');
    await page.getByRole('link', { name: 'Back to the vulnerabilities' }).click();
    await page.getByRole('link', { name: 'Upload a scan' }).click();
    await expectHeading(page, 'Upload a scan');
    await expectNoSeriousA11yViolations(page, 'scan wizard (en)');
    await page.getByText('Dansk', { exact: true }).click();
    await expectHeading(page, 'Upload en scanning');

    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();
  }, 240_000);

  it('management accepts a risk with an expiry date; the server refuses one too far ahead and says why', async () => {
    const { t, base, browser } = app;
    const director = await createUserWithMfa(t, {
      org: org.slug,
      role: 'management',
      name: 'Dorthe Direktør',
    });
    const [id] = await findingIds(t, org, 'severity=medium&state=open&limit=1');
    expect(id).toBeDefined();
    const context = await browser.newContext();
    const page = await context.newPage();
    // One expiry date beyond the platform's longest risk acceptance is refused (400), on purpose.
    const tooFar = { status: [400], url: /\/findings\/[0-9a-f-]+\/state$/ };
    const problems = await watch(page, { allow: [SESSION_PROBE, tooFar] });
    await signInThroughUi(page, base, director);
    await page.getByRole('navigation').getByRole('link', { name: 'Sårbarheder' }).click();
    await openList(page);
    // Management reads the list but uploads no scans.
    await expect.poll(() => page.getByTestId('finding-row').count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'Upload en scanning' }).count()).toBe(0);

    await page.goto(`${base}/orgs/${org.slug}/findings/${id}`);
    await page.getByTestId('finding-overview').waitFor();
    // Only the risk acceptance is management's move.
    const moves = await page.getByTestId('state-change').getByRole('button').allTextContents();
    expect(moves).toEqual(['Acceptér risikoen']);
    await page.getByRole('button', { name: 'Acceptér risikoen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Acceptér risikoen' });
    await dialog.getByLabel('Begrundelse').fill('Systemet udfases i foråret; kompenserende netværksregler.');
    await dialog.getByRole('button', { name: 'Acceptér risikoen' }).click();
    await dialog.getByText('Vælg en udløbsdato.').waitFor();
    // Past the platform's longest acceptance (365 days by default): the server's own words.
    await dialog.getByLabel('Gælder til').fill(day(400));
    await dialog.getByRole('button', { name: 'Acceptér risikoen' }).click();
    await dialog
      .getByText('En risikoaccept skal have en udløbsdato i fremtiden (højst 365 dage frem).')
      .waitFor();
    await expectNoSeriousA11yViolations(page, 'risk acceptance refused');
    const until = day(90);
    await dialog.getByLabel('Gælder til').fill(until);
    await dialog.getByRole('button', { name: 'Acceptér risikoen' }).click();
    await page.getByText('Status er nu »Risikoaccept«.').waitFor();
    expect(await text(cell(page, 'finding-follow-up', 'Status'))).toBe('Risikoaccept');
    expect(await text(cell(page, 'finding-follow-up', 'Risikoaccept gælder til'))).not.toBe('—');
    // An accepted risk may be renewed in place by management.
    await page.getByTestId('state-change').getByRole('button', { name: 'Forny risikoaccepten' }).waitFor();
    // The page names who accepted the risk, why and until when (the finding's changes).
    const changes = page.getByTestId('finding-changes');
    await changes.getByRole('cell', { name: 'Risiko accepteret' }).waitFor();
    const row = changes.getByRole('row').nth(1);
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Dorthe Direktør');
    expect(await row.getByRole('cell').nth(3).textContent()).toMatch(/Indtil /);
    expect(
      await row.locator('[data-state]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))),
    ).toEqual(['open', 'risk_accepted']);
    await expectNoSeriousA11yViolations(page, 'finding changes');
    await page.screenshot({ path: path.join(artifacts, 'findings-6-risk-accepted.png'), fullPage: true });
    const stored = (await t.asOperator('GET', `/api/v1/orgs/${org.slug}/findings/${id}`)).json();
    expect(stored.state).toBe('risk_accepted');
    expect(stored.accepted_until).toBe(until);
    expect(stored.accepted_by).toBe(director.id);

    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();
  }, 120_000);

  it('a security officer asks management to accept a risk; management finds it on the overview and approves it', async () => {
    const { t, base, browser } = app;
    const officer = await createUserWithMfa(t, {
      org: org.slug,
      role: 'security_officer',
      name: 'Sune Sikker',
    });
    const boss = await createUserWithMfa(t, { org: org.slug, role: 'management', name: 'Bente Bestyrelse' });
    const [id] = await findingIds(t, org, 'state=open&limit=1');
    if (!id) throw new Error('an open finding');
    const until = day(60);

    const asking = await browser.newContext();
    const page = await asking.newPage();
    const problems = await watch(page, { allow: [SESSION_PROBE] });
    await signInThroughUi(page, base, officer);
    await page.goto(`${base}/orgs/${org.slug}/findings/${id}`);
    const panel = page.getByTestId('acceptance-request');
    await panel.getByRole('button', { name: 'Bed ledelsen acceptere risikoen' }).click();
    const form = panel.getByRole('form', { name: 'Bed ledelsen acceptere risikoen' });
    await form.getByRole('button', { name: 'Spørg ledelsen' }).click();
    await form.getByText('Skriv en begrundelse.').waitFor();
    await form.getByLabel('Begrundelse').fill('Udskiftes i januar; porten er lukket udefra.');
    await form.getByLabel('Foreslået gyldig til').fill(until);
    await form.getByRole('button', { name: 'Spørg ledelsen' }).click();
    await panel.getByText('Ledelsen er blevet bedt om at acceptere risikoen.').waitFor();
    await panel.getByText('Anmodningen venter på ledelsens beslutning.').waitFor();
    await expectNoSeriousA11yViolations(page, 'risk acceptance asked (da)');
    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await asking.close();

    const deciding = await browser.newContext();
    const bossPage = await deciding.newPage();
    const bossProblems = await watch(bossPage, { allow: [SESSION_PROBE] });
    await signInThroughUi(bossPage, base, boss);
    const waiting = bossPage.getByTestId('to-do-requests');
    await waiting.waitFor();
    expect(await text(waiting)).toMatch(/^1 anmodning om risikoaccept venter på din beslutning:/);
    await waiting.getByRole('link', { name: /spurgt af Sune Sikker$/ }).click();
    await bossPage.getByTestId('finding-overview').waitFor();
    const decide = bossPage.getByTestId('acceptance-request');
    expect(await text(decide.getByTestId('acceptance-request-open'))).toMatch(
      /^Sune Sikker bad .* ledelsen om/,
    );
    await decide.getByRole('button', { name: 'Godkend anmodningen' }).click();
    await decide.getByText('Risikoen er accepteret.').waitFor();
    await expect.poll(() => text(cell(bossPage, 'finding-follow-up', 'Status'))).toBe('Risikoaccept');
    await bossPage.getByTestId('finding-changes').getByRole('cell', { name: 'Anmodning godkendt' }).waitFor();
    await expectNoSeriousA11yViolations(bossPage, 'risk acceptance approved (da)');
    const stored = (await t.asOperator('GET', `/api/v1/orgs/${org.slug}/findings/${id}`)).json();
    expect(stored).toMatchObject({ state: 'risk_accepted', accepted_until: until, accepted_by: boss.id });
    expect([...(await cspViolations(bossPage)), ...bossProblems]).toEqual([]);
    await deciding.close();
  }, 120_000);

  it('a member sees the findings but no upload and no triage', async () => {
    const { t, base, browser } = app;
    const member = await createUserWithMfa(t, { org: org.slug, role: 'member', name: 'Mads Medlem' });
    const [id] = await findingIds(t, org, 'state=open&limit=1');
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watch(page, { allow: [SESSION_PROBE] });
    await signInThroughUi(page, base, member);
    await page.getByRole('navigation').getByRole('link', { name: 'Sårbarheder' }).click();
    await openList(page);
    await expect.poll(() => page.getByTestId('finding-row').count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'Upload en scanning' }).count()).toBe(0);
    await page.goto(`${base}/orgs/${org.slug}/findings/${id}`);
    await page.getByTestId('finding-overview').waitFor();
    expect(await page.getByTestId('state-change').count()).toBe(0);
    expect(
      await page
        .getByRole('button', { name: /Sæt under behandling|Markér som falsk positiv|Acceptér/ })
        .count(),
    ).toBe(0);
    // The wizard itself says who may upload.
    await page.goto(`${base}/orgs/${org.slug}/findings/import`);
    await page.getByTestId('import-no-access').waitFor();

    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();
  }, 120_000);
});
