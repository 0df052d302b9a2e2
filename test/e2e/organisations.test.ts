import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIR } from '../../src/server/http/web.js';
import { createOrg, createUser, createUserWithMfa, nextTotpCode } from '../factories.js';
import { startTestApp, type TestApp } from '../server.js';
import { expectNoSeriousA11yViolations } from './axe.js';

/** Debian's Chromium (`apt-get install chromium`), driven by playwright-core. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Page script (the test compiles without DOM types): collects every CSP violation event. */
const RECORD_CSP_VIOLATIONS = `
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));
`;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const artifacts = path.resolve('test-artifacts');

/** Watches a page for console errors, page errors and CSP violations. */
async function watch(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (m) => {
    // Chromium logs the expected refusals: the session probe before sign-in, the taken slug.
    const refused = (status: number, url: RegExp) =>
      new RegExp(`Failed to load resource.*${status}`).test(m.text()) && url.test(m.location().url);
    const expected = refused(401, /\/api\/v1\/auth\/session$/) || refused(409, /\/api\/v1\/orgs$/);
    if ((m.type() === 'error' && !expected) || /Content Security Policy|Refused to/i.test(m.text())) {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });
  return problems;
}

async function expectHeading(page: Page, title: string) {
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

describe('managing organisations in Chromium', () => {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)`;
    if (inCi) {
      it('needs Chromium in CI', () => {
        throw new Error(`${why}; end-to-end tests must run in CI`);
      });
    } else {
      console.warn(`test/e2e/organisations.test.ts skipped: ${why}`);
      it.skip(`skipped: ${why}`, () => {});
    }
    return;
  }

  let t: TestApp;
  let base: string;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(path.join(WEB_DIR, 'index.html'))) {
      throw new Error(`the web app is not built (${WEB_DIR}): run npm run build first`);
    }
    t = await startTestApp('pglite');
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('127.0.0.1', 'localhost');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a platform administrator without memberships creates a region and a hospital in it', async () => {
    const admin = await createUserWithMfa(t, { platformAdmin: true, name: 'Pia Platform' });
    const home = await createOrg(t, { name: 'Praksis Hjem', kind: 'practice' });
    const member = await createUser(t, { org: home.slug, role: 'member', name: 'Mona Medlem' });
    mkdirSync(artifacts, { recursive: true });

    const context = await browser.newContext();
    const page = await context.newPage();
    const shot = (name: string) =>
      page.screenshot({ path: path.join(artifacts, `organisations-${name}.png`), fullPage: true });
    const problems = await watch(page);

    await page.goto(`${base}/`);
    await expectHeading(page, 'Log ind på Værn');
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Adgangskode').fill(admin.password);
    await page.getByRole('button', { name: 'Log ind' }).click();
    await expectHeading(page, 'Bekræft med din anden faktor');
    await page.getByLabel('Kode fra godkendelsesappen').fill(await nextTotpCode(admin.id, admin.mfaSecret));
    await page.getByRole('button', { name: 'Bekræft' }).click();
    // No membership: the shell still works and says so.
    await expectHeading(page, 'Oversigt');
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
    const kind = page.getByRole('combobox', { name: 'Type' });
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
    ]);
    await shot('2-created');

    // Searching narrows the table.
    await page.getByRole('searchbox', { name: 'Søg' }).fill('nordhosp');
    await expect.poll(() => page.getByTestId('organisation-row').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Søg' }).fill('');
    await expect.poll(() => page.getByTestId('organisation-row').count()).toBe(3);

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

    const violations = (await page.evaluate('window.__csp')) as string[];
    expect([...violations, ...problems]).toEqual([]);
    await context.close();

    // Someone who is not a platform administrator has no link, and the screen refuses them.
    const other = await browser.newContext();
    const memberPage = await other.newPage();
    const memberProblems = await watch(memberPage);
    await memberPage.goto(`${base}/`);
    await expectHeading(memberPage, 'Log ind på Værn');
    await memberPage.getByLabel('E-mail').fill(member.email);
    await memberPage.getByLabel('Adgangskode').fill(member.password);
    await memberPage.getByRole('button', { name: 'Log ind' }).click();
    await expectHeading(memberPage, 'Oversigt');
    await memberPage.getByRole('link', { name: 'Profil' }).waitFor();
    expect(await memberPage.getByRole('link', { name: 'Organisationer' }).count()).toBe(0);
    await memberPage.goto(`${base}/admin/organisations`);
    await expectHeading(memberPage, 'Organisationer');
    await memberPage.getByTestId('organisations-no-access').waitFor();
    expect(await memberPage.getByTestId('organisations').count()).toBe(0);
    await memberPage.screenshot({ path: path.join(artifacts, 'organisations-5-no-access.png') });
    const memberViolations = (await memberPage.evaluate('window.__csp')) as string[];
    expect([...memberViolations, ...memberProblems]).toEqual([]);
    await other.close();
  }, 120_000);
});
