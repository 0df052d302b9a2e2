import { mkdirSync } from 'node:fs';
import path from 'node:path';
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

describeInChromium('the contacts directory in Chromium', 'test/e2e/contacts.test.ts', (app) => {
  it('an admin adds a contact, marks it verified and it is no longer overdue; the coordinator sees it', async () => {
    const { t, base, browser } = app;
    const org = await createOrg(t, { name: 'Hospital Kontakt', kind: 'hospital' });
    const admin = await createUserWithMfa(t, { org: org.slug, role: 'admin', name: 'Alma Admin' });
    mkdirSync(artifacts, { recursive: true });

    const context = await browser.newContext();
    const page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `contacts-${name}.png`) });
    const problems = await watch(page, { allow: [SESSION_PROBE] });
    await signInThroughUi(page, base, admin);

    await page.getByRole('navigation').getByRole('link', { name: 'Kontakter' }).click();
    await expectHeading(page, 'Kontakter');
    expect(new URL(page.url()).pathname).toBe(`/orgs/${org.slug}/contacts`);
    await page.getByText('Ingen kontakter endnu.').waitFor();

    // Add a contact: never verified, so overdue.
    await page.getByRole('button', { name: 'Tilføj kontakt' }).click();
    await page.getByRole('textbox', { name: 'Navn' }).fill('Dorte Databeskyttelse');
    await page.getByRole('textbox', { name: 'Telefon' }).fill('+45 70 20 30 40');
    await page.getByRole('textbox', { name: 'E-mail' }).fill('dorte@hospital.example');
    await page.getByRole('button', { name: 'Gem' }).click();
    const rows = page.getByTestId('contact');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.getByText('Dorte Databeskyttelse').waitFor();
    await rows.getByText('Aldrig kontrolleret').waitFor();
    expect(await rows.getByTestId('overdue').count()).toBe(1);
    await shot('1-added-overdue');
    await expectNoSeriousA11yViolations(page, 'contacts');

    // Marking it verified clears the badge.
    await page.getByRole('button', { name: 'Markér Dorte Databeskyttelse kontrolleret i dag' }).click();
    await expect.poll(() => rows.getByTestId('overdue').count()).toBe(0);
    await rows.locator('time').waitFor();
    await page.getByText('1 kontakter, 0 forfaldne').waitFor();
    await shot('2-verified');

    // In English too.
    await page.getByText('English', { exact: true }).click();
    await expectHeading(page, 'Contacts');
    await page.getByText('Security officer').first().waitFor();
    await page.getByText('Dansk', { exact: true }).click();
    await expectHeading(page, 'Kontakter');

    const violations = await cspViolations(page);
    expect([...violations, ...problems]).toEqual([]);
    await context.close();

    // The sector coordinator sees it among every organisation's contacts, not among the overdue.
    const sector = await createOrg(t, { name: 'Sektorenheden', kind: 'sector_unit' });
    const stale = await t.asOperator('POST', `/api/v1/orgs/${org.slug}/contacts`, {
      role: 'it_on_call',
      name: 'Ib IT-vagt',
      verified_on: '2020-01-01',
    });
    expect(stale.statusCode).toBe(201);
    const coordinator = await createUserWithMfa(t, {
      org: sector.slug,
      role: 'sector_coordinator',
      name: 'Sara Sektor',
    });
    const other = await browser.newContext();
    const cPage = await other.newPage();
    const cProblems = await watch(cPage, { allow: [SESSION_PROBE] });
    await signInThroughUi(cPage, base, coordinator);
    await cPage.getByRole('navigation').getByRole('link', { name: 'Sektorens kontakter' }).click();
    await expectHeading(cPage, 'Kontakter i sektoren');
    const sectorRows = cPage.getByTestId('sector-contact');
    await sectorRows.getByText('Dorte Databeskyttelse').waitFor();
    await sectorRows.getByText('Ib IT-vagt').waitFor();
    await cPage.getByLabel('Kun forfaldne').check();
    await expect.poll(() => sectorRows.getByText('Dorte Databeskyttelse').count()).toBe(0);
    await sectorRows.getByText('Ib IT-vagt').waitFor();
    await cPage.screenshot({ path: path.join(artifacts, 'contacts-3-sector-overdue.png') });
    await expectNoSeriousA11yViolations(cPage, 'sector contacts');
    const cViolations = await cspViolations(cPage);
    expect([...cViolations, ...cProblems]).toEqual([]);
    await other.close();
  }, 120_000);
});
