import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { DEMO_TOTP_SECRET, seedDemo } from '../../src/seeds/demo.js';
import { createOrg, createUser, type MfaUserFixture } from '../factories.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import {
  artifacts,
  cspViolations,
  type ExpectedRefusal,
  expectHeading,
  SESSION_PROBE,
  signInThroughUi,
  submitSignIn,
  watch,
} from './browser.js';
import { describeInChromiumWithMail, linkIn } from './with-mail.js';

/** A password that passes the rules (12+ characters). */
const NEW_PASSWORD = 'et langt og godt kodeord';

describeInChromiumWithMail(
  'people: invitations, deactivation and password reset in Chromium',
  'test/e2e/people.test.ts',
  (app) => {
    it('the demo admin invites a person by mail, who joins in a second browser; deactivated, their session ends', async () => {
      const { t, base, browser, smtp } = app;
      const { logins } = await seedDemo(t.runtime.ctx);
      const demo = logins.find((l) => l.role === 'admin' && l.org === 'region-hovedstaden');
      if (!demo?.totpSecret) throw new Error('the demo has no admin of region-hovedstaden with TOTP');
      expect(demo.totpSecret).toBe(DEMO_TOTP_SECRET);
      const admin: MfaUserFixture = {
        id: `demo:${demo.email}`,
        email: demo.email,
        password: demo.password,
        mfaSecret: demo.totpSecret,
        recoveryCodes: [],
      };
      const invitee = { email: 'nina.ny@regionh.example', name: 'Nina Ny' };
      mkdirSync(artifacts, { recursive: true });

      const adminContext = await browser.newContext();
      const page = await adminContext.newPage();
      const shot = (p: Page, name: string) =>
        p.screenshot({ path: path.join(artifacts, `people-${name}.png`), fullPage: true });
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      await signInThroughUi(page, base, admin);

      // The menu leads an admin to the people of the organisation.
      await page.getByRole('navigation').getByRole('link', { name: 'Personer' }).click();
      await expectHeading(page, 'Personer');
      expect(new URL(page.url()).pathname).toBe('/orgs/region-hovedstaden/people');
      const members = page.getByTestId('member');
      await members.filter({ hasText: demo.email }).waitFor();
      await shot(page, '1-members');
      await expectNoSeriousA11yViolations(page, 'people');

      // The invitation: e-mail, name, role member (checked already), in Danish.
      await page.getByRole('button', { name: 'Invitér en person' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: 'Invitér en person' }).waitFor();
      await dialog.getByRole('textbox', { name: 'E-mail' }).fill(invitee.email);
      await dialog.getByRole('textbox', { name: 'Navn' }).fill(invitee.name);
      expect(await dialog.getByRole('checkbox', { name: 'Medarbejder' }).isChecked()).toBe(true);
      expect(await dialog.getByLabel('Sprog i e-mailen').inputValue()).toBe('da');
      await shot(page, '2-invite-dialog');
      await expectNoSeriousA11yViolations(page, 'invite dialog');
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText(`Invitationen er sendt til ${invitee.email}`).waitFor();
      expect(await page.getByTestId('invitation-link').count()).toBe(0);
      await page.getByTestId('invitation').filter({ hasText: invitee.email }).waitFor();
      await shot(page, '3-invited');
      await expectNoSeriousA11yViolations(page, 'people after an invitation');

      // The mail arrived over SMTP, in Danish, with the link.
      const mail = await smtp.waitFor(invitee.email);
      expect(mail.subject).toBe('Invitation til Værn');
      const link = linkIn(mail.text, '/invitation', base);

      // A second browser: the invited person opens the link, creates the account and signs in.
      const inviteeContext = await browser.newContext();
      const other = await inviteeContext.newPage();
      // Refusals the steps expect: the session probe, and signing in once deactivated.
      const otherProblems = await watch(other, {
        allow: [{ status: [401], url: /\/api\/v1\/auth\/(session|login)$/ }],
      });
      await other.goto(link);
      await expectHeading(other, 'Invitation til Værn');
      const summary = other.getByTestId('invitation-summary');
      await summary.getByText('Region Hovedstaden').waitFor();
      await summary.getByText(invitee.email).waitFor();
      await summary.getByText('Medarbejder').waitFor();
      expect(await other.getByLabel('Dit navn').inputValue()).toBe(invitee.name);
      await shot(other, '4-invitation');
      await expectNoSeriousA11yViolations(other, 'invitation');
      await other.getByLabel('Ny adgangskode').fill(NEW_PASSWORD);
      await other.getByLabel('Gentag adgangskoden').fill('et andet kodeord helt');
      await other.getByRole('button', { name: 'Opret konto' }).click();
      await other.getByText('De to adgangskoder er ikke ens.').waitFor();
      await other.getByLabel('Gentag adgangskoden').fill(NEW_PASSWORD);
      await other.getByRole('button', { name: 'Opret konto' }).click();
      await other.getByText('Din konto er oprettet').waitFor();
      await expectNoSeriousA11yViolations(other, 'account created');
      await other.getByRole('link', { name: 'Log ind' }).click();
      await expectHeading(other, 'Log ind på Værn');
      expect(await other.getByLabel('E-mail').inputValue()).toBe(invitee.email);
      await other.getByLabel('Adgangskode').fill(NEW_PASSWORD);
      await other.getByRole('button', { name: 'Log ind' }).click();
      await expectHeading(other, 'Oversigt');
      await other.getByTestId('user-name').filter({ hasText: invitee.name }).waitFor();
      await other.getByTestId('current-org').filter({ hasText: 'Region Hovedstaden' }).waitFor();
      // A member has no people page in the menu.
      expect(await other.getByRole('navigation').getByRole('link', { name: 'Personer' }).count()).toBe(0);
      await shot(other, '5-invitee-signed-in');

      // Back in the admin's browser: the person is a member now; the admin deactivates them.
      await page.reload();
      await expectHeading(page, 'Personer');
      const row = members.filter({ hasText: invitee.email });
      await row.waitFor();
      await row.getByText('Medarbejder').waitFor();
      // Accepted, the invitation has left the pending list (the demo's own two stay).
      await page.getByTestId('invitation').first().waitFor();
      expect(await page.getByTestId('invitation').filter({ hasText: invitee.email }).count()).toBe(0);
      await page.getByRole('button', { name: `Deaktivér ${invitee.name}` }).click();
      await dialog.getByText('sessioner og de API-nøgler', { exact: false }).waitFor();
      await shot(page, '6-deactivate-dialog');
      await expectNoSeriousA11yViolations(page, 'deactivate dialog');
      await dialog.getByRole('button', { name: 'Deaktivér' }).click();
      await page.getByText(`${invitee.name} er deaktiveret`).waitFor();
      expect(await page.getByTestId('deactivation-result').innerText()).toContain('Afsluttede sessioner: 1.');
      await expect.poll(() => row.count()).toBe(0);
      await shot(page, '7-deactivated');
      await expectNoSeriousA11yViolations(page, 'people after a deactivation');

      // The deactivated person's session has ended: their next page load lands on the sign-in page.
      await other.reload();
      await expectHeading(other, 'Log ind på Værn');
      expect(new URL(other.url()).pathname).toBe('/sign-in');
      await shot(other, '8-invitee-signed-out');
      await submitSignIn(other, invitee.email, NEW_PASSWORD);
      await other.getByRole('alert').waitFor();
      expect([...(await cspViolations(other)), ...otherProblems]).toEqual([]);
      await inviteeContext.close();

      // The admin's screen in English and back.
      await page.getByText('English', { exact: true }).click();
      await expectHeading(page, 'People');
      await page.getByRole('button', { name: 'Invite a person' }).waitFor();
      await page.getByRole('columnheader', { name: 'Two-factor sign-in' }).waitFor();
      await shot(page, '9-english');
      await expectNoSeriousA11yViolations(page, 'people (English)');
      await page.getByText('Dansk', { exact: true }).click();
      await expectHeading(page, 'Personer');

      // The audit log has the invitation, its acceptance and the deactivation.
      await page.getByRole('navigation').getByRole('link', { name: 'Revisionsspor' }).click();
      await expectHeading(page, 'Revisionsspor');
      const actions = () => page.getByTestId('audit-log').locator('tbody code').allInnerTexts();
      await page.getByLabel('Handling').fill('invitation.');
      await page.getByRole('button', { name: 'Søg' }).click();
      await expect.poll(actions).toEqual(expect.arrayContaining(['invitation.create', 'invitation.accept']));
      await page.getByLabel('Handling').fill('member.deactivate');
      await page.getByRole('button', { name: 'Søg' }).click();
      await expect.poll(actions).toEqual(['member.deactivate']);
      await shot(page, '10-audit');
      await expectNoSeriousA11yViolations(page, 'audit log with the deactivation');

      expect([...(await cspViolations(page)), ...problems]).toEqual([]);
      await adminContext.close();
    }, 240_000);

    it('a person who forgot the password gets a link by mail, chooses a new one and signs in', async () => {
      const { t, base, browser, smtp } = app;
      const org = await createOrg(t, { name: 'Apoteket Glemsom', kind: 'pharmacy' });
      const user = await createUser(t, { org: org.slug, role: 'member', name: 'Gert Glemsom' });
      const refused: ExpectedRefusal[] = [
        SESSION_PROBE,
        { status: [410], url: /\/api\/v1\/auth\/password-reset\/complete$/ },
      ];
      const context = await browser.newContext();
      const page = await context.newPage();
      const shot = (name: string) =>
        page.screenshot({ path: path.join(artifacts, `password-reset-${name}.png`) });
      const problems = await watch(page, { allow: refused });

      await page.goto(`${base}/sign-in`);
      await expectHeading(page, 'Log ind på Værn');
      await page.getByRole('link', { name: 'Glemt adgangskode?' }).click();
      await expectHeading(page, 'Glemt adgangskode');
      await shot('1-forgot');
      await expectNoSeriousA11yViolations(page, 'forgot password');
      await page.getByLabel('E-mail').fill(user.email);
      await page.getByRole('button', { name: 'Send link' }).click();
      await page.getByText('Tjek din e-mail').waitFor();
      await expectNoSeriousA11yViolations(page, 'forgot password sent');

      // The same neutral answer for an address without an account (and no mail goes out).
      const unknown = 'ingen.konto@example.dk';
      await page.goto(`${base}/forgot-password`);
      await expectHeading(page, 'Glemt adgangskode');
      await page.getByLabel('E-mail').fill(unknown);
      await page.getByRole('button', { name: 'Send link' }).click();
      await page.getByText(`Hvis ${unknown} hører til en konto i Værn`).waitFor();

      const mail = await smtp.waitFor(user.email);
      const link = linkIn(mail.text, '/reset-password', base);
      await page.goto(link);
      await expectHeading(page, 'Vælg en ny adgangskode');
      await shot('2-reset');
      await expectNoSeriousA11yViolations(page, 'reset password');
      await page.getByLabel('Ny adgangskode').fill('for kort');
      await page.getByLabel('Gentag adgangskoden').fill('for kort');
      await page.getByRole('button', { name: 'Gem ny adgangskode' }).click();
      await page.getByText('Adgangskoden skal have mindst 12 tegn.').waitFor();
      await page.getByLabel('Ny adgangskode').fill(NEW_PASSWORD);
      await page.getByLabel('Gentag adgangskoden').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Gem ny adgangskode' }).click();
      await page.getByText('Din adgangskode er skiftet').waitFor();
      await shot('3-reset-done');
      await expectNoSeriousA11yViolations(page, 'password changed');
      await page.getByRole('link', { name: 'Log ind' }).click();
      await expectHeading(page, 'Log ind på Værn');
      expect(await page.getByLabel('E-mail').inputValue()).toBe(user.email);
      await page.getByLabel('Adgangskode').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Log ind' }).click();
      await expectHeading(page, 'Oversigt');

      // The link works once: opened again, it is refused plainly.
      await page.goto(link);
      await expectHeading(page, 'Vælg en ny adgangskode');
      await page.getByLabel('Ny adgangskode').fill(`${NEW_PASSWORD} igen`);
      await page.getByLabel('Gentag adgangskoden').fill(`${NEW_PASSWORD} igen`);
      await page.getByRole('button', { name: 'Gem ny adgangskode' }).click();
      await page.getByText('Linket virker ikke').waitFor();
      await page.getByText('Dette link er udløbet eller allerede brugt.', { exact: false }).waitFor();
      await shot('4-link-used');
      await expectNoSeriousA11yViolations(page, 'reset link used');
      expect(smtp.received.some((m) => m.envelope_to.includes(unknown))).toBe(false);

      expect([...(await cspViolations(page)), ...problems]).toEqual([]);
      await context.close();
    }, 180_000);
  },
);
