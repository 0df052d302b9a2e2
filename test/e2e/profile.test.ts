import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIR } from '../../src/server/http/web.js';
import { createOrg, createUser } from '../factories.js';
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
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const artifacts = path.resolve('test-artifacts');
const NEW_PASSWORD = 'a fresh passphrase for Værn';

/** The heading of the page, which takes the focus after every step. */
async function expectStep(page: Page, title: string) {
  const heading = page.getByRole('heading', { level: 1, name: title });
  await heading.waitFor();
  await expect.poll(() => heading.evaluate((h) => h === h.ownerDocument.activeElement)).toBe(true);
}

/** Collects console errors other than the refusals the steps expect. */
function watchProblems(page: Page, problems: string[]) {
  page.on('console', (m) => {
    const expected =
      /Failed to load resource.*(401|400)/.test(m.text()) &&
      /\/api\/v1\/auth\/(session|login|password)$/.test(m.location().url);
    if ((m.type() === 'error' && !expected) || /Content Security Policy|Refused to/i.test(m.text())) {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

/** The answer to the next PATCH /auth/me: the language stored on the server. */
const storedLocale = (page: Page) =>
  page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/auth/me') && r.request().method() === 'PATCH' && r.ok(),
  );

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Adgangskode').fill(password);
  await page.getByRole('button', { name: 'Log ind' }).click();
}

describe('the profile in Chromium: language per person and password change', () => {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)`;
    if (inCi) {
      it('needs Chromium in CI', () => {
        throw new Error(`${why}; end-to-end tests must run in CI`);
      });
    } else {
      console.warn(`test/e2e/profile.test.ts skipped: ${why}`);
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

  it('keeps the language a person chose across reloads and sign-ins, and changes the password', async () => {
    const org = await createOrg(t, { name: 'Kommune Testby', kind: 'municipality' });
    const user = await createUser(t, { org: org.slug, role: 'member', name: 'Mads Medlem' });
    mkdirSync(artifacts, { recursive: true });
    const problems: string[] = [];

    const first = await browser.newContext();
    const page = await first.newPage();
    watchProblems(page, problems);
    await page.goto(`${base}/`);
    await expectStep(page, 'Log ind på Værn');
    await signIn(page, user.email, user.password);
    await expectStep(page, 'Oversigt');

    // Switching to English while signed in stores the choice on the server.
    const stored = storedLocale(page);
    await page.getByText('English', { exact: true }).click();
    await stored;
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    // The profile's password form: messages in English, first from the page, then from the server.
    await page.getByRole('link', { name: 'Profile' }).click();
    await expectStep(page, 'Profile');
    const current = page.getByLabel(/^Current password/);
    const next = page.getByLabel(/^New password/);
    const repeat = page.getByLabel(/^Repeat the new password/);
    const submit = page.getByRole('button', { name: 'Change password' });
    await submit.click();
    await page.getByText('Fill in this field.').first().waitFor();
    await current.fill(user.password);
    await next.fill('too short');
    await repeat.fill('too short');
    await submit.click();
    await page.getByText('The new password must have at least 12 characters.').waitFor();
    await next.fill(NEW_PASSWORD);
    await repeat.fill(`${NEW_PASSWORD}!`);
    await submit.click();
    await page.getByText('The two new passwords do not match.').waitFor();
    await current.fill('not my password at all');
    await repeat.fill(NEW_PASSWORD);
    await submit.click();
    await page.getByText('The current password is wrong.').waitFor();
    await current.fill(user.password);
    await submit.click();
    await page.getByTestId('password-status').filter({ hasText: 'Your password has been changed' }).waitFor();
    await page.screenshot({ path: path.join(artifacts, 'profile-password-changed.png') });
    await expectNoSeriousA11yViolations(page, 'profile after a password change');
    // The rotated session still works (new cookie and CSRF token): writes succeed.
    const danish = storedLocale(page);
    await page.getByText('Dansk', { exact: true }).click();
    await danish;
    await page.getByRole('heading', { level: 1, name: 'Profil' }).waitFor();
    const english = storedLocale(page);
    await page.getByText('English', { exact: true }).click();
    await english;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Værn' }).waitFor();
    await first.close();

    // A new browser knows nothing of the choice: Danish until the person has signed in.
    const second = await browser.newContext();
    const again = await second.newPage();
    watchProblems(again, problems);
    await again.goto(`${base}/`);
    await expectStep(again, 'Log ind på Værn');
    expect(await again.getAttribute('html', 'lang')).toBe('da');
    await signIn(again, user.email, NEW_PASSWORD);
    await expectStep(again, 'Overview');
    expect(await again.getAttribute('html', 'lang')).toBe('en');
    await again.getByTestId('user-name').filter({ hasText: 'Mads Medlem' }).waitFor();
    await again.screenshot({ path: path.join(artifacts, 'profile-english-after-sign-in.png') });
    await second.close();

    expect(problems).toEqual([]);
  });
});
