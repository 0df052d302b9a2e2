import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createOrg, createUserWithMfa } from '../factories.js';
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

/** Chooses an organisation in the header's switcher (a combobox with a list of options). */
async function switchTo(page: Page, name: string) {
  await page.getByRole('banner').getByLabel('Organisation').click();
  await page.getByRole('option', { name }).click();
}

describeInChromium('switching organisations in Chromium', 'test/e2e/org-switcher.test.ts', (app) => {
  it('a person in two organisations switches between them; the menu and the pages follow', async () => {
    const { t, base, browser } = app;
    const region = await createOrg(t, { name: 'Region Skift', kind: 'region' });
    const hospital = await createOrg(t, { name: 'Hospital Skift', kind: 'hospital' });
    const person = await createUserWithMfa(t, { org: region.slug, role: 'admin', name: 'Bo Begge' });
    const added = await t.asOperator('POST', `/api/v1/orgs/${hospital.slug}/members`, {
      email: person.email,
      role: 'security_officer',
    });
    expect(added.statusCode).toBe(200);
    mkdirSync(artifacts, { recursive: true });

    const context = await browser.newContext();
    const page = await context.newPage();
    const shot = (name: string) =>
      page.screenshot({ path: path.join(artifacts, `org-switcher-${name}.png`) });
    const problems = await watch(page, { allow: [SESSION_PROBE] });
    await signInThroughUi(page, base, person);
    const nav = page.getByRole('navigation');
    const current = page.getByTestId('current-org');

    // The overview follows the choice, and so does the menu: people only where the person is admin.
    await switchTo(page, 'Region Skift');
    await current.filter({ hasText: 'Region Skift' }).waitFor();
    await nav.getByRole('link', { name: 'Personer' }).waitFor();
    await page.getByText('Administrator').waitFor();
    await shot('1-region');
    await expectNoSeriousA11yViolations(page, 'overview in the region');
    await page.getByRole('banner').getByLabel('Organisation').click();
    await page.getByRole('option', { name: 'Hospital Skift' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'organisation switcher open');
    await page.getByRole('option', { name: 'Hospital Skift' }).click();
    await current.filter({ hasText: 'Hospital Skift' }).waitFor();
    await page.getByText('Sikkerhedsansvarlig').waitFor();
    await expect.poll(() => nav.getByRole('link', { name: 'Personer' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'API-nøgler' }).waitFor();
    await shot('2-hospital');
    await expectNoSeriousA11yViolations(page, 'overview in the hospital');

    // On an organisation's page, the same page of the other organisation.
    await nav.getByRole('link', { name: 'Kontakter' }).click();
    await expectHeading(page, 'Kontakter');
    expect(new URL(page.url()).pathname).toBe(`/orgs/${hospital.slug}/contacts`);
    await page.getByText('Hvem der skal kontaktes hos Hospital Skift', { exact: false }).waitFor();
    await switchTo(page, 'Region Skift');
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/orgs/${region.slug}/contacts`);
    await page.getByText('Hvem der skal kontaktes hos Region Skift', { exact: false }).waitFor();
    await shot('3-region-contacts');
    await expectNoSeriousA11yViolations(page, 'contacts after a switch');

    // A page the other organisation does not give the person: back to the overview there.
    await nav.getByRole('link', { name: 'Personer' }).click();
    await expectHeading(page, 'Personer');
    expect(new URL(page.url()).pathname).toBe(`/orgs/${region.slug}/people`);
    await switchTo(page, 'Hospital Skift');
    await expectHeading(page, 'Oversigt');
    expect(new URL(page.url()).pathname).toBe('/');
    await current.filter({ hasText: 'Hospital Skift' }).waitFor();

    // Tokens exist in both: the page follows.
    await nav.getByRole('link', { name: 'API-nøgler' }).click();
    await expectHeading(page, 'API-nøgler');
    expect(new URL(page.url()).pathname).toBe(`/orgs/${hospital.slug}/tokens`);
    await switchTo(page, 'Region Skift');
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/orgs/${region.slug}/tokens`);
    await page.getByText('på vegne af Region Skift', { exact: false }).waitFor();

    // The choice is kept in this browser.
    await page.goto(`${base}/`);
    await current.filter({ hasText: 'Region Skift' }).waitFor();
    await shot('4-kept');

    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();
  }, 180_000);
});
