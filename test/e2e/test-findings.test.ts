import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createOrg, createUserWithMfa, type OrgFixture } from '../factories.js';
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

const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();

/** The row of a label/value table inside `within`. */
const cell = (page: Page, within: Locator, label: string) =>
  within.locator('tr', { has: page.getByRole('rowheader', { name: label, exact: true }) }).locator('td');

/** A dialog once its opening transition is over (axe reads colours mid-fade otherwise). */
const settled = (dialog: Locator) =>
  expect
    .poll(() => dialog.evaluate((e) => e.ownerDocument.defaultView?.getComputedStyle(e).opacity))
    .toBe('1');

const FORM_TITLE = 'Indtast resultat af penetrationstest eller red team-øvelse';
const ENGAGEMENT = 'Pentest af patientportalen, 3. kvartal 2026';
const TITLE = 'SQL-injektion i login-formularen';
const DESCRIPTION = 'Parameteren user i /login sættes direkte ind i en SQL-sætning.';
const SOLUTION = 'Brug parametriserede forespørgsler.';
const EVIDENCE = "POST /login user=' OR 1=1 --\nHTTP/1.1 302 Found";

describeInChromium(
  'penetration-test findings and read-only sharing in Chromium',
  'test/e2e/test-findings.test.ts',
  (app) => {
    let regionA: OrgFixture;
    let id = '';

    it('region A enters a pentest result, shares it with hospital B, B reads it, A stops sharing', async () => {
      const { t, base, browser } = app;
      regionA = await createOrg(t, { name: 'Region Alfa', kind: 'region' });
      const hospitalB = await createOrg(t, { name: 'Hospital Beta', kind: 'hospital' });
      const other = await createOrg(t, { name: 'Hospital Gamma', kind: 'hospital' });
      const system = await t.asOperator('POST', `/api/v1/orgs/${regionA.slug}/inventory/systems`, {
        key: 'PORTAL-01',
        name: 'Patientportal',
      });
      expect(system.statusCode, system.body).toBe(201);
      const old = await t.asOperator('POST', `/api/v1/orgs/${regionA.slug}/inventory/systems`, {
        key: 'OLD-02',
        name: 'Gammel portal',
      });
      expect(old.statusCode, old.body).toBe(201);
      const officerA = await createUserWithMfa(t, {
        org: regionA.slug,
        role: 'security_officer',
        name: 'Asta Alfa',
      });
      const officerB = await createUserWithMfa(t, {
        org: hospitalB.slug,
        role: 'security_officer',
        name: 'Bo Beta',
      });
      mkdirSync(artifacts, { recursive: true });

      // A: the form, from the vulnerabilities' sub-navigation.
      const contextA = await browser.newContext();
      const a = await contextA.newPage();
      // One entry is refused on purpose (its system was deleted meanwhile): 400.
      const refused = { status: [400], url: /\/findings\/tests$/ };
      const problemsA = await watch(a, { allow: [SESSION_PROBE, refused] });
      await signInThroughUi(a, base, officerA);
      await a.getByRole('navigation').getByRole('link', { name: 'Sårbarheder' }).click();
      await expectHeading(a, 'Sårbarheder: overblik');
      await a.getByTestId('findings-nav').getByRole('link', { name: 'Indtast testresultat' }).click();
      await expectHeading(a, FORM_TITLE);
      expect(new URL(a.url()).pathname).toBe(`/orgs/${regionA.slug}/findings/tests/new`);
      expect(await a.getByRole('radio', { name: 'Penetrationstest' }).isChecked()).toBe(true);
      await expectNoSeriousA11yViolations(a, 'test result form (da)');

      // What the server would refuse is said beside the field, and nothing is sent.
      const form = a.getByTestId('test-form');
      await form.getByLabel("CVE'er").fill('CVE-24-1');
      await form.getByRole('button', { name: 'Gem fundet' }).click();
      await expect.poll(() => form.getByText('Udfyld feltet.').count()).toBe(2);
      await form.getByText('Vælg en alvorlighed.').waitFor();
      await form.getByText('Skriv CVE-numre som CVE-2024-3094 (højst 100).').waitFor();
      // The first field in error (the test's name) has the focus.
      await expect
        .poll(() => form.getByLabel('Testens navn').evaluate((e) => e === e.ownerDocument.activeElement))
        .toBe(true);
      await expectNoSeriousA11yViolations(a, 'test result form with errors (da)');

      await form.getByLabel('Testens navn').fill(ENGAGEMENT);
      await form.getByLabel('Testet af').fill('Sikkerhedsfirmaet ApS');
      await form.getByLabel('Testdato').fill('2026-09-15');
      await form.getByLabel('Titel').fill(TITLE);
      await form.getByLabel('Alvorlighed').selectOption({ label: 'Høj' });
      // The system is found by the inventory's search and chosen from the matches.
      await form.getByLabel('Søg efter system').fill('portal');
      const systemSelect = form.getByLabel('System', { exact: true });
      await expect
        .poll(() => systemSelect.locator('option').allTextContents())
        .toEqual(['— intet system —', 'OLD-02 · Gammel portal', 'PORTAL-01 · Patientportal']);
      await systemSelect.selectOption({ label: 'OLD-02 · Gammel portal' });
      await form.getByLabel('Vært, URL eller aktiv').fill('portal.region-alfa.dk');
      await form.getByLabel('Port').fill('443');
      await form.getByLabel('Protokol').fill('tcp');
      await form.getByLabel('CVSS-score').fill('8.6');
      await form.getByLabel("CVE'er").fill('cve-2024-3094');
      await form.getByLabel('Beskrivelse').fill(DESCRIPTION);
      await form.getByLabel('Løsning').fill(SOLUTION);
      await form.getByLabel('Dokumentation').fill(EVIDENCE);
      // The chosen system is deleted before the form is sent: the server's own words, in Danish.
      const deleted = await t.asOperator('DELETE', `/api/v1/orgs/${regionA.slug}/inventory/systems/OLD-02`);
      expect(deleted.statusCode, deleted.body).toBe(204);
      await form.getByRole('button', { name: 'Gem fundet' }).click();
      const failed = form.getByRole('alert').filter({ hasText: 'Fundet blev ikke gemt' });
      await failed.getByText('Organisationen har intet system med nøglen "OLD-02".').waitFor();
      await systemSelect.selectOption({ label: 'PORTAL-01 · Patientportal' });
      await form.getByRole('button', { name: 'Gem fundet' }).click();

      // The finding's page: the finding on its system, and its engagement.
      await expectHeading(a, TITLE);
      const findingPath = new URL(a.url()).pathname;
      id = findingPath.split('/').pop() ?? '';
      expect(findingPath).toMatch(new RegExp(`^/orgs/${regionA.slug}/findings/[0-9a-f-]{36}$`));
      const overview = a.getByTestId('finding-overview');
      expect(await text(cell(a, overview, 'Alvorlighed'))).toBe('Høj');
      expect(await text(cell(a, overview, 'System'))).toBe('PORTAL-01 · Patientportal');
      expect(await text(cell(a, overview, 'Vært og port'))).toBe('portal.region-alfa.dk:443/tcp');
      expect(await text(cell(a, overview, "CVE'er"))).toBe('CVE-2024-3094');
      const engagement = a.getByTestId('finding-engagement');
      expect(await text(cell(a, engagement, 'Type'))).toBe('Penetrationstest');
      expect(await text(cell(a, engagement, 'Testens navn'))).toBe(ENGAGEMENT);
      expect(await text(cell(a, engagement, 'Testet af'))).toBe('Sikkerhedsfirmaet ApS');
      // Danish medium date style, as written by hand: 15 September 2026.
      expect(await text(cell(a, engagement, 'Testdato'))).toBe('15. sep. 2026');
      const stored = (await t.asOperator('GET', `/api/v1/orgs/${regionA.slug}/findings/${id}/test`)).json();
      expect(stored.finding.family).toBe('pentest');
      expect(stored.finding.system.key).toBe('PORTAL-01');
      expect(stored.finding.port).toBe(443);
      expect(stored.finding.cvss).toBe(8.6);
      expect(stored.engagement).toEqual({
        kind: 'pentest',
        name: ENGAGEMENT,
        tester: 'Sikkerhedsfirmaet ApS',
        tested_on: '2026-09-15',
      });
      expect(stored.shared_with).toEqual([]);

      // Shared with: none yet; the own organisation is not among the choices.
      const shares = a.getByTestId('finding-shares');
      await shares.getByText('Fundet er ikke delt med nogen.').waitFor();
      const orgSelect = shares.getByLabel('Organisation', { exact: true });
      await expect.poll(() => orgSelect.locator('option').count()).toBeGreaterThan(2);
      const labels = await orgSelect.locator('option').allTextContents();
      expect(labels).toContain(`Hospital Beta (${hospitalB.slug})`);
      expect(labels).toContain(`Hospital Gamma (${other.slug})`);
      expect(labels).not.toContain(`Region Alfa (${regionA.slug})`);
      await shares.getByRole('button', { name: 'Del fundet' }).click();
      await shares.getByText('Vælg en organisation.').waitFor();
      await orgSelect.selectOption({ label: `Hospital Beta (${hospitalB.slug})` });
      await shares.getByRole('button', { name: 'Del fundet' }).click();
      await shares.getByText('Fundet er nu delt med Hospital Beta.').waitFor();
      await expect.poll(() => shares.getByTestId('share').count()).toBe(1);
      expect(await text(shares.getByTestId('share'))).toMatch(/^Hospital Beta, delt /);
      // Once shared, B is no longer a choice.
      expect(await orgSelect.locator('option').allTextContents()).not.toContain(
        `Hospital Beta (${hospitalB.slug})`,
      );
      await a.screenshot({ path: path.join(artifacts, 'test-findings-1-shared.png'), fullPage: true });
      await expectNoSeriousA11yViolations(a, 'finding page with engagement and shares (da)');

      // B: "Shared with us" lists it, read-only, with its details in a drawer.
      const contextB = await browser.newContext();
      const b = await contextB.newPage();
      const problemsB = await watch(b, { allow: [SESSION_PROBE] });
      await signInThroughUi(b, base, officerB);
      await b.getByRole('navigation').getByRole('link', { name: 'Sårbarheder' }).click();
      await expectHeading(b, 'Sårbarheder: overblik');
      await b.getByTestId('findings-nav').getByRole('link', { name: 'Delt med os' }).click();
      await expectHeading(b, 'Delt med os');
      expect(new URL(b.url()).pathname).toBe(`/orgs/${hospitalB.slug}/findings/shared`);
      const rows = b.getByTestId('shared-row');
      await expect.poll(() => rows.count()).toBe(1);
      const cells = await rows.first().locator('td').allTextContents();
      expect(cells.slice(0, 5)).toEqual([
        TITLE,
        'Høj',
        'Åben',
        'Region Alfa',
        `Penetrationstest: ${ENGAGEMENT}`,
      ]);
      expect(cells[5]).not.toBe('—');
      await expectNoSeriousA11yViolations(b, 'shared with us (da)');
      await rows.first().getByRole('button', { name: TITLE }).click();
      const drawer = b.getByRole('dialog', { name: TITLE });
      await drawer.waitFor();
      await settled(drawer);
      const detail = drawer.getByTestId('shared-detail');
      expect(await text(cell(b, detail, 'Ejer'))).toBe('Region Alfa');
      expect(await text(cell(b, detail, 'Testet af'))).toBe('Sikkerhedsfirmaet ApS');
      expect(await text(cell(b, detail, 'CVSS-score'))).toBe('8,6');
      expect(await text(drawer.getByTestId('shared-description'))).toBe(`Beskrivelse${DESCRIPTION}`);
      expect(await text(drawer.getByTestId('shared-solution'))).toBe(`Løsning${SOLUTION}`);
      expect(await drawer.getByTestId('shared-evidence').locator('pre').textContent()).toBe(EVIDENCE);
      // Read-only: the drawer's only button closes it; no system of A is named.
      expect(await drawer.getByRole('button').allTextContents()).toEqual(['']);
      expect(await drawer.getByRole('button').getAttribute('aria-label')).toBe('Luk');
      expect(await drawer.getByText('PORTAL-01').count()).toBe(0);
      await b.screenshot({
        path: path.join(artifacts, 'test-findings-2-shared-with-us.png'),
        fullPage: true,
      });
      await expectNoSeriousA11yViolations(b, 'shared finding drawer (da)');
      await drawer.getByRole('button', { name: 'Luk' }).click();
      await drawer.waitFor({ state: 'hidden' });

      // The same page in English, once.
      await b.getByText('English', { exact: true }).click();
      await expectHeading(b, 'Shared with us');
      expect(await rows.first().locator('td').nth(4).textContent()).toBe(`Penetration test: ${ENGAGEMENT}`);
      await expectNoSeriousA11yViolations(b, 'shared with us (en)');
      await b.getByText('Dansk', { exact: true }).click();
      await expectHeading(b, 'Delt med os');

      // A stops sharing, after confirming.
      await shares.getByRole('button', { name: 'Stop deling med Hospital Beta' }).click();
      const confirm = a.getByRole('dialog', { name: 'Stop deling' });
      await confirm.getByText('Hospital Beta kan ikke længere læse fundet.').waitFor();
      await settled(confirm);
      await expectNoSeriousA11yViolations(a, 'stop sharing dialog (da)');
      await confirm.getByRole('button', { name: 'Stop deling' }).click();
      await shares.getByText('Fundet deles ikke længere med Hospital Beta.').waitFor();
      await shares.getByText('Fundet er ikke delt med nogen.').waitFor();
      const after = (await t.asOperator('GET', `/api/v1/orgs/${regionA.slug}/findings/${id}/test`)).json();
      expect(after.shared_with).toEqual([]);

      // B's list is empty now.
      await b.reload();
      await expectHeading(b, 'Delt med os');
      await b.getByTestId('shared-empty').waitFor();
      expect(await text(b.getByTestId('shared-empty'))).toBe('Ingen organisation har delt fund med jer.');
      expect(await rows.count()).toBe(0);

      expect([...(await cspViolations(a)), ...problemsA, ...(await cspViolations(b)), ...problemsB]).toEqual(
        [],
      );
      await contextA.close();
      await contextB.close();
    }, 240_000);

    it('a member of A reads the engagement and the sharing, but enters nothing and shares nothing', async () => {
      const { t, base, browser } = app;
      // Shared again with B through the API, so the member has a share to read.
      const slugB = (
        await t.asOperator('GET', `/api/v1/orgs?q=${encodeURIComponent('Hospital Beta')}`)
      ).json().items[0].slug as string;
      const again = await t.asOperator('PUT', `/api/v1/orgs/${regionA.slug}/findings/${id}/shares/${slugB}`);
      expect(again.statusCode, again.body).toBe(200);
      const member = await createUserWithMfa(t, { org: regionA.slug, role: 'member', name: 'Mia Medlem' });
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, member);
      await page.getByRole('navigation').getByRole('link', { name: 'Sårbarheder' }).click();
      await expectHeading(page, 'Sårbarheder: overblik');
      const nav = page.getByTestId('findings-nav');
      await nav.getByRole('link', { name: 'Delt med os' }).waitFor();
      expect(await nav.getByRole('link', { name: 'Indtast testresultat' }).count()).toBe(0);

      await page.goto(`${base}/orgs/${regionA.slug}/findings/${id}`);
      await expectHeading(page, TITLE);
      const engagement = page.getByTestId('finding-engagement');
      expect(await text(cell(page, engagement, 'Testens navn'))).toBe(ENGAGEMENT);
      const shares = page.getByTestId('finding-shares');
      await expect.poll(() => shares.getByTestId('share').count()).toBe(1);
      expect(await text(shares.getByTestId('share'))).toMatch(/^Hospital Beta, delt /);
      expect(await shares.getByRole('button').count()).toBe(0);
      expect(await shares.getByLabel('Organisation', { exact: true }).count()).toBe(0);

      // The form itself says who may enter results.
      await page.goto(`${base}/orgs/${regionA.slug}/findings/tests/new`);
      await page.getByTestId('tests-no-access').waitFor();

      expect([...(await cspViolations(page)), ...problems]).toEqual([]);
      await context.close();
    }, 120_000);
  },
);
