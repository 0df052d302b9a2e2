import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createOrg, createUser, createUserWithMfa } from '../factories.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  artifacts,
  cspViolations,
  describeInChromium,
  type ExpectedRefusal,
  expectHeading,
  SESSION_PROBE,
  signInThroughUi,
  watch,
} from './browser.js';

/** The refusals Chromium logs that the steps expect: the session probe, the taken slug. */
const REFUSED: ExpectedRefusal[] = [SESSION_PROBE, { status: [409], url: /\/api\/v1\/orgs$/ }];

describeInChromium('managing organisations in Chromium', 'test/e2e/organisations.test.ts', (app) => {
  it('a platform administrator without memberships creates a region and a hospital in it', async () => {
    const { t, base, browser } = app;
    const admin = await createUserWithMfa(t, { platformAdmin: true, name: 'Pia Platform' });
    const home = await createOrg(t, { name: 'Praksis Hjem', kind: 'practice' });
    const member = await createUser(t, { org: home.slug, role: 'member', name: 'Mona Medlem' });
    mkdirSync(artifacts, { recursive: true });

    const context = await browser.newContext();
    const page = await context.newPage();
    const shot = (name: string) =>
      page.screenshot({ path: path.join(artifacts, `organisations-${name}.png`), fullPage: true });
    const problems = await watch(page, { allow: REFUSED });

    await signInThroughUi(page, base, admin);
    // No membership: the shell still works and says so.
    await page.getByText('Du er ikke medlem af nogen organisation', { exact: false }).waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Organisationer' }).click();
    await expectHeading(page, 'Organisationer');
    expect(new URL(page.url()).pathname).toBe('/admin/organisations');
    const table = page.getByTestId('organisations');
    const rowOf = (slug: string) => page.getByTestId('organisation-row').filter({ hasText: slug });
    await rowOf(home.slug).waitFor();
    await shot('1-list');
    await expectNoSeriousA11yViolations(page, 'organisations');

    const slug = page.getByRole('textbox', { name: 'Kortnavn' });
    const name = page.getByRole('textbox', { name: 'Navn', exact: true });
    const kind = page.getByRole('combobox', { name: /^Type/ });
    const parent = page.getByRole('combobox', { name: 'Overordnet organisation' });
    const region = page.getByRole('combobox', { name: 'Region', exact: true });
    const submit = page.getByRole('button', { name: 'Opret', exact: true });

    // The slug rule is checked before anything is sent.
    await slug.fill('Region Nord');
    await name.fill('Region Nord');
    await submit.click();
    await page.getByText('Kortnavnet må kun indeholde små bogstaver').waitFor();

    // A region.
    await slug.fill('region-nord');
    await kind.selectOption({ label: 'Region' });
    await submit.click();
    await page.getByText('Region Nord er oprettet').waitFor();
    await rowOf('region-nord').waitFor();
    expect(await rowOf('region-nord').getByRole('cell').allInnerTexts()).toEqual([
      'region-nord',
      'Region Nord',
      'Region',
      '—',
      '—',
      'Redigér',
    ]);

    // A hospital under it, in it; the region choice offers regions only.
    await slug.fill('nord-hospital');
    await name.fill('Nordhospitalet');
    await kind.selectOption({ label: 'Hospital' });
    await expect
      .poll(() => region.locator('option').allInnerTexts())
      .toEqual(['— ingen —', 'Region Nord (region-nord)']);
    await parent.selectOption({ label: 'Region Nord (region-nord)' });
    await region.selectOption({ label: 'Region Nord (region-nord)' });
    await submit.click();
    await page.getByText('Nordhospitalet er oprettet').waitFor();
    await rowOf('nord-hospital').waitFor();
    expect(await rowOf('nord-hospital').getByRole('cell').allInnerTexts()).toEqual([
      'nord-hospital',
      'Nordhospitalet',
      'Hospital',
      'region-nord',
      'region-nord',
      'Redigér',
    ]);
    await shot('2-created');

    // Searching narrows the table (on the server: slug or name), as does the kind.
    await page.getByRole('searchbox', { name: 'Søg' }).fill('nordhosp');
    await expect.poll(() => page.getByTestId('organisation-row').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Søg' }).fill('');
    await expect.poll(() => page.getByTestId('organisation-row').count()).toBe(3);
    await page.getByLabel('Vis type', { exact: true }).selectOption({ label: 'Region' });
    await expect.poll(() => page.getByTestId('organisation-row').count()).toBe(1);
    await page.getByLabel('Vis type', { exact: true }).selectOption({ label: 'Alle typer' });
    await expect.poll(() => page.getByTestId('organisation-row').count()).toBe(3);

    // Correcting an organisation: a new name, no parent; the slug stays.
    await page.getByRole('button', { name: 'Redigér Nordhospitalet' }).click();
    const edit = page.getByTestId('edit-organisation');
    await edit.getByRole('heading', { level: 2, name: 'Redigér nord-hospital' }).waitFor();
    await edit.getByLabel('Navn').fill('Nordhospitalet Aalborg');
    await edit.getByLabel('Overordnet organisation').selectOption({ label: '— ingen —' });
    await expectNoSeriousA11yViolations(page, 'organisations while editing one');
    await edit.getByRole('button', { name: 'Gem ændringer' }).click();
    await page.getByText('Nordhospitalet Aalborg er ændret').waitFor();
    await expect
      .poll(() => rowOf('nord-hospital').getByRole('cell').allInnerTexts())
      .toEqual(['nord-hospital', 'Nordhospitalet Aalborg', 'Hospital', '—', 'region-nord', 'Redigér']);

    // A taken slug: the server's refusal, in Danish, at the field.
    await slug.fill('region-nord');
    await name.fill('En anden region');
    await kind.selectOption({ label: 'Region' });
    await submit.click();
    await page.getByText('Der findes allerede en organisation med kortnavnet "region-nord".').waitFor();
    await expect.poll(() => table.getByText('En anden region').count()).toBe(0);
    await shot('3-slug-taken');
    await expectNoSeriousA11yViolations(page, 'organisations with a field error');

    // In English, kinds in words.
    await page.getByText('English', { exact: true }).click();
    await expectHeading(page, 'Organisations');
    await table.getByRole('columnheader', { name: 'Kind' }).waitFor();
    await rowOf(home.slug).getByRole('cell', { name: 'Practice' }).waitFor();
    await shot('4-english');
    await page.getByText('Dansk', { exact: true }).click();
    await expectHeading(page, 'Organisationer');

    const violations = await cspViolations(page);
    expect([...violations, ...problems]).toEqual([]);
    await context.close();

    // Someone who is not a platform administrator has no link, and the screen refuses them.
    const other = await browser.newContext();
    const memberPage = await other.newPage();
    const memberProblems = await watch(memberPage, { allow: REFUSED });
    await signInThroughUi(memberPage, base, member);
    await memberPage.getByRole('link', { name: 'Profil' }).waitFor();
    expect(await memberPage.getByRole('link', { name: 'Organisationer' }).count()).toBe(0);
    await memberPage.goto(`${base}/admin/organisations`);
    await expectHeading(memberPage, 'Organisationer');
    await memberPage.getByTestId('organisations-no-access').waitFor();
    expect(await memberPage.getByTestId('organisations').count()).toBe(0);
    await memberPage.screenshot({ path: path.join(artifacts, 'organisations-5-no-access.png') });
    const memberViolations = await cspViolations(memberPage);
    expect([...memberViolations, ...memberProblems]).toEqual([]);
    await other.close();
  }, 120_000);
});
