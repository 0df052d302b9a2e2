import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { createOrg, createUser } from '../factories.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  artifacts,
  describeInChromium,
  type ExpectedRefusal,
  expectStep,
  submitSignIn,
  watch,
} from './browser.js';

const NEW_PASSWORD = 'a fresh passphrase for Værn';
/** The refusals the steps expect: the session probe, the wrong passwords. */
const REFUSED: ExpectedRefusal[] = [
  { status: [401, 400], url: /\/api\/v1\/auth\/(session|login|password)$/ },
];

/** The answer to the next PATCH /auth/me: the language stored on the server. */
const storedLocale = (page: Page) =>
  page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/auth/me') && r.request().method() === 'PATCH' && r.ok(),
  );

describeInChromium(
  'the profile in Chromium: language per person and password change',
  'test/e2e/profile.test.ts',
  (app) => {
    it('keeps the language a person chose across reloads and sign-ins, and changes the password', async () => {
      const { t, base, browser } = app;
      const org = await createOrg(t, { name: 'Kommune Testby', kind: 'municipality' });
      const user = await createUser(t, { org: org.slug, role: 'member', name: 'Mads Medlem' });
      mkdirSync(artifacts, { recursive: true });

      const first = await browser.newContext();
      const page = await first.newPage();
      const problems = await watch(page, { allow: REFUSED, csp: false });
      await page.goto(`${base}/`);
      await expectStep(page, 'Log ind på Værn');
      await submitSignIn(page, user.email, user.password);
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
      await page
        .getByTestId('password-status')
        .filter({ hasText: 'Your password has been changed' })
        .waitFor();
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
      const againProblems = await watch(again, { allow: REFUSED, csp: false });
      await again.goto(`${base}/`);
      await expectStep(again, 'Log ind på Værn');
      expect(await again.getAttribute('html', 'lang')).toBe('da');
      await submitSignIn(again, user.email, NEW_PASSWORD);
      await expectStep(again, 'Overview');
      expect(await again.getAttribute('html', 'lang')).toBe('en');
      await again.getByTestId('user-name').filter({ hasText: 'Mads Medlem' }).waitFor();
      await again.screenshot({ path: path.join(artifacts, 'profile-english-after-sign-in.png') });
      await second.close();

      expect([...problems, ...againProblems]).toEqual([]);
    });
  },
);
