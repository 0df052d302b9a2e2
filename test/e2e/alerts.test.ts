import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signLink } from '../../src/server/modules/alerts/alert-links.js';
import { clientAddress, createOrg, createToken, createUser, createUserWithMfa, login } from '../factories.js';
import { expectNoSeriousA11yViolations } from './axe.js';
import { artifacts, cspViolations, expectHeading, SESSION_PROBE, signInThroughUi, watch } from './browser.js';
import { answerLinkIn, describeInChromiumWithMail } from './with-mail.js';

const TITLE = 'Kritisk sårbarhed i infusionspumper';
const BODY = 'Pumpernes netværksmodul kan fjernstyres uden adgangskode.';
const ACTION = 'Opdatér pumperne til firmware 4.2 og luk port 8080.';
const DUTY = 'vagt@region-varsel.example';
const LINK_NOTE = 'Tre pumper på afdeling B er ramt.';
const APP_NOTE = 'Alle pumper er opdateret til 4.2.';
const NAMED_TITLE = 'Ransomware rettet mod regionens backup';

/** Every request the page makes to the answer-link API: method and URL. */
function recordLinkCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/alert-links')) calls.push(`${r.method()} ${r.url()}`);
  });
  return calls;
}

describeInChromiumWithMail(
  'alerts: the answer link and the inbox in Chromium',
  'test/e2e/alerts.test.ts',
  (app) => {
    it('a duty address answers from the mailed link without signing in; a security officer sees it and answers in the app', async () => {
      const { t, base, browser, smtp } = app;
      // The delivery job runs in this process, as `vaern serve` works the queues.
      await t.runtime.ctx.jobs.work();
      mkdirSync(artifacts, { recursive: true });
      const shot = (p: Page, name: string) =>
        p.screenshot({ path: path.join(artifacts, `alerts-${name}.png`), fullPage: true });

      const sector = await createOrg(t, { name: 'Sektorenheden', kind: 'sector_unit' });
      const region = await createOrg(t, { name: 'Region Varsel', kind: 'region' });
      const coordinator = await login(
        t,
        await createUser(t, { org: sector.slug, role: 'sector_coordinator' }),
      );
      const officer = await createUserWithMfa(t, {
        org: region.slug,
        role: 'security_officer',
        name: 'Sikka Officer',
      });
      const regionToken = await createToken(t, region.slug, 'security_officer');
      const api = (
        auth: Record<string, string>,
        method: 'GET' | 'POST' | 'PUT',
        url: string,
        payload?: object,
      ) =>
        t.inject({
          method,
          url,
          remoteAddress: clientAddress(),
          headers: { ...auth, 'accept-language': 'da' },
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
      const asRegion = { authorization: regionToken };

      // The region's duty address, then a GREEN alert to the region, through the API.
      const duty = await api(asRegion, 'PUT', `/api/v1/orgs/${region.slug}/alert-settings`, {
        duty_address: DUTY,
      });
      expect(duty.statusCode, duty.body).toBe(200);
      const published = await api(coordinator.headers(), 'POST', '/api/v1/sector/alerts', {
        title: TITLE,
        body: BODY,
        severity: 'critical',
        recommended_action: ACTION,
        tlp: 'GREEN',
        audience: { regions: [region.id] },
      });
      expect(published.statusCode, published.body).toBe(201);
      const alertId = published.json().id as string;
      // The region alone: it has no member organisations here. Its security officer is notified by
      // default subscription (in the app and by e-mail, migration 0028) beside the duty address.
      expect(published.json().recipients).toEqual({
        organisations: 1,
        people: 0,
        subscribers: 1,
        emails: 2,
        notifications: 1,
      });
      const stored = async () => {
        const r = await api(asRegion, 'GET', `/api/v1/orgs/${region.slug}/alerts/${alertId}`);
        expect(r.statusCode, r.body).toBe(200);
        return r.json() as {
          answer: { status: string; via: string; note: string | null } | null;
          answers: unknown[];
        };
      };

      // The mail arrives over SMTP, in Danish (a duty address), with the link's token in the fragment.
      const mail = await smtp.waitFor(DUTY);
      expect(mail.subject).toBe(`[CRITICAL] [TLP:GREEN] Varsel: ${TITLE}`);
      const link = answerLinkIn(mail.text, base);
      const token = new URLSearchParams(new URL(link).hash.slice(1)).get('token') ?? '';
      expect(token).toMatch(/^[0-9a-f]{32}\.[\w-]+$/);

      // A browser without a session opens the link: the page only reads.
      const anonymous = await browser.newContext();
      const page = await anonymous.newPage();
      const problems = await watch(page, { allow: [SESSION_PROBE] });
      const calls = recordLinkCalls(page);
      await page.goto(link);
      await expectHeading(page, 'Svar på et varsel');
      const summary = page.getByTestId('alert-link-summary');
      await summary.getByText(TITLE).waitFor();
      await summary.getByText('Kritisk', { exact: true }).waitFor();
      await summary.getByText('TLP:GREEN').waitFor();
      await summary.getByText('Region Varsel').waitFor();
      await summary.getByText('Ikke besvaret').waitFor();
      await page.getByTestId('alert-body').getByText(BODY).waitFor();
      await page.getByText(`Svaret registreres for organisationen som ${DUTY}.`, { exact: false }).waitFor();
      // One GET, the token in the path only; nothing was recorded by opening the page.
      expect(calls).toEqual([`GET ${base}/api/v1/alert-links/${token}`]);
      expect((await stored()).answers).toEqual([]);
      await shot(page, '1-link-opened');
      await expectNoSeriousA11yViolations(page, 'alert answer page');

      // Without a choice the form refuses, and sends nothing.
      await page.getByRole('button', { name: 'Send svar' }).click();
      await page.getByText('Vælg et svar.').waitFor();
      expect(calls.length).toBe(1);

      await page.getByRole('radio', { name: 'Ramt', exact: true }).check();
      await page.getByLabel('Bemærkning').fill(LINK_NOTE);
      await page.getByRole('button', { name: 'Send svar' }).click();
      await page.getByText('Region Varsel har svaret: Ramt.').waitFor();
      await summary.getByText('Ramt', { exact: true }).waitFor();
      await page.getByTestId('alert-link-note').getByText(LINK_NOTE, { exact: false }).waitFor();
      expect(calls).toEqual([
        `GET ${base}/api/v1/alert-links/${token}`,
        `POST ${base}/api/v1/alert-links/${token}`,
      ]);
      const afterLink = await stored();
      expect(afterLink.answer).toMatchObject({
        status: 'affected',
        via: 'link',
        note: LINK_NOTE,
        answered_by: DUTY,
      });
      expect(afterLink.answers.length).toBe(1);
      await shot(page, '2-link-answered');
      await expectNoSeriousA11yViolations(page, 'alert answer page, answered');

      // A tampered link and a link without its token: the server's message, no form.
      const bad = await anonymous.newPage();
      const badProblems = await watch(bad, {
        allow: [SESSION_PROBE, { status: [404], url: /\/api\/v1\/alert-links\// }],
      });
      const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      await bad.goto(`${base}/alert-answer#token=${tampered}`);
      await expectHeading(bad, 'Svar på et varsel');
      await bad.getByRole('alert').filter({ hasText: 'Linket virker ikke' }).waitFor();
      await bad.getByText('Dette svarlink er ugyldigt eller udløbet.').waitFor();
      expect(await bad.getByRole('button', { name: 'Send svar' }).count()).toBe(0);
      await expectNoSeriousA11yViolations(bad, 'invalid alert link');
      await bad.goto(`${base}/alert-answer`);
      await bad.getByText('Linket er ufuldstændigt: brug hele linket fra e-mailen.').waitFor();
      expect(badProblems).toEqual([]);
      expect(await cspViolations(bad)).toEqual([]);
      expect(problems).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);

      // The region's security officer signs in: the alert is in the inbox, with the link's answer.
      const signedIn = await browser.newContext();
      const own = await signedIn.newPage();
      const ownProblems = await watch(own, { allow: [SESSION_PROBE] });
      await signInThroughUi(own, base, officer);
      await own.getByRole('navigation').getByRole('link', { name: 'Varsler' }).click();
      await expectHeading(own, 'Varsler');
      expect(new URL(own.url()).pathname).toBe('/alerts');
      const row = own.getByTestId('alert-row').filter({ hasText: TITLE });
      await row.waitFor();
      await row.getByText('Kritisk', { exact: true }).waitFor();
      await row.getByText('TLP:GREEN').waitFor();
      expect(await row.getByTestId('alert-answer').textContent()).toBe('Ramt');
      expect(await own.getByTestId('alert-row').count()).toBe(1);
      await shot(own, '3-inbox');
      await expectNoSeriousA11yViolations(own, 'alerts inbox');

      // The alert's page: text, recommended action, the answer history; the officer answers.
      await row.getByRole('link', { name: TITLE }).click();
      await expectHeading(own, TITLE);
      expect(new URL(own.url()).pathname).toBe(`/alerts/${alertId}`);
      await own.getByTestId('alert-body').getByText(BODY).waitFor();
      await own.getByTestId('alert-action').getByText(ACTION).waitFor();
      const history = own.getByTestId('answer-row');
      await history.first().getByText(`${DUTY} (via link i e-mail)`).waitFor();
      await history.first().getByText(LINK_NOTE).waitFor();
      await expectNoSeriousA11yViolations(own, 'alert page');
      const form = own.getByTestId('alert-answer-form');
      await form.getByRole('radio', { name: 'Afhjulpet' }).check();
      await form.getByLabel('Bemærkning').fill(APP_NOTE);
      await form.getByRole('button', { name: 'Send svar' }).click();
      await own.getByText('Svaret "Afhjulpet" er gemt.').waitFor();
      // Newest first: the app's answer above the link's.
      await expect.poll(() => history.count()).toBe(2);
      await history.first().getByText('Afhjulpet', { exact: true }).waitFor();
      await history.first().getByText(`${officer.email} (i Værn)`).waitFor();
      await history.nth(1).getByText('Ramt', { exact: true }).waitFor();
      const afterApp = await stored();
      expect(afterApp.answer).toMatchObject({ status: 'mitigated', via: 'app', note: APP_NOTE });
      expect(afterApp.answers.length).toBe(2);
      await shot(own, '4-alert-answered');
      await expectNoSeriousA11yViolations(own, 'alert page, answered');

      // Back in the inbox, the organisation's answer is the new one.
      await own.getByRole('link', { name: 'Tilbage til varslerne' }).click();
      await expectHeading(own, 'Varsler');
      await expect.poll(() => row.getByTestId('alert-answer').textContent()).toBe('Afhjulpet');
      expect(ownProblems).toEqual([]);
      expect(await cspViolations(own)).toEqual([]);
      await anonymous.close();
      await signedIn.close();
    }, 120_000);

    it('a named plain member answers on the alert page; a plain member not named gets no form, a view link in their organisation and a link page that says who answers', async () => {
      const { t, base, browser, smtp } = app;
      await t.runtime.ctx.jobs.work();
      mkdirSync(artifacts, { recursive: true });
      const shot = (p: Page, name: string) =>
        p.screenshot({ path: path.join(artifacts, `alerts-named-${name}.png`), fullPage: true });

      const region = await createOrg(t, { name: 'Region Navngivet', kind: 'region' });
      const hospital = await createOrg(t, { name: 'Hospital Andet', kind: 'hospital' });
      const admin = await login(t, await createUser(t, { org: region.slug, role: 'admin' }));
      const named = await createUserWithMfa(t, { org: region.slug, role: 'member', name: 'Nana Navngivet' });
      const plain = await createUserWithMfa(t, { org: region.slug, role: 'member', name: 'Per Plain' });
      // The plain member works in a hospital too: the view link must open the alert in the region.
      const added = await t.asOperator('POST', `/api/v1/orgs/${hospital.slug}/members`, {
        email: plain.email,
        role: 'member',
      });
      expect(added.statusCode, added.body).toBe(200);
      const api = (
        auth: Record<string, string>,
        method: 'GET' | 'POST' | 'PUT',
        url: string,
        payload?: object,
      ) =>
        t.inject({
          method,
          url,
          remoteAddress: clientAddress(),
          headers: { ...auth, 'accept-language': 'da' },
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
      // The plain member subscribes by e-mail, so the alert reaches them without naming them.
      const subscribed = await api(
        (await login(t, plain)).headers(),
        'PUT',
        `/api/v1/orgs/${region.slug}/alert-subscription`,
        { channels: ['email'], min_severity: 'low', kinds: ['advisory', 'general'], only_affected: false },
      );
      expect(subscribed.statusCode, subscribed.body).toBe(200);
      const published = await api(admin.headers(), 'POST', `/api/v1/orgs/${region.slug}/issued-alerts`, {
        title: NAMED_TITLE,
        body: BODY,
        severity: 'high',
        tlp: 'GREEN',
        audience: { people: [named.id] },
      });
      expect(published.statusCode, published.body).toBe(201);
      const alertId = published.json().id as string;
      const answers = async () => {
        const r = await api(admin.headers(), 'GET', `/api/v1/orgs/${region.slug}/alerts/${alertId}`);
        expect(r.statusCode, r.body).toBe(200);
        return r.json() as { answers: Array<{ status: string; answered_by: string; via: string }> };
      };

      // The plain member's mail: a view link naming the region, no answer link.
      const plainMail = await smtp.waitFor(plain.email);
      expect(plainMail.text).not.toContain('/alert-answer');
      const viewLink = /https?:\/\/\S+\/alerts\/[\w-]+\?org=[\w-]+/.exec(plainMail.text)?.[0];
      expect(viewLink).toBeDefined();
      const view = new URL(viewLink ?? '');
      expect(`${view.pathname}${view.search}`).toBe(`/alerts/${alertId}?org=${region.slug}`);

      // An answer link of that person (as an older mail carried it): the alert, who answers, no form.
      const deliveryId = /^<([0-9a-f-]{36})@/.exec(plainMail.message_id ?? '')?.[1] ?? '';
      expect(deliveryId).toMatch(/^[0-9a-f-]{36}$/);
      const anonymous = await browser.newContext();
      const linkPage = await anonymous.newPage();
      const linkProblems = await watch(linkPage, { allow: [SESSION_PROBE] });
      await linkPage.goto(`${base}/alert-answer#token=${signLink(t.config.secret, deliveryId)}`);
      await expectHeading(linkPage, 'Svar på et varsel');
      await linkPage.getByTestId('alert-link-summary').getByText(NAMED_TITLE).waitFor();
      await linkPage.getByTestId('alert-body').getByText(BODY).waitFor();
      const notAnswerer = linkPage.getByTestId('alert-not-answerer');
      await notAnswerer.getByText('Du kan ikke svare for organisationen').waitFor();
      await notAnswerer
        .getByText(
          `${plain.email} kan ikke svare på dette varsel for Region Navngivet. Organisationens administratorer, sikkerhedsansvarlige og ledelse kan svare, og det kan de personer, der er nævnt i varslet, også.`,
        )
        .waitFor();
      expect(await linkPage.getByRole('form', { name: 'Svar på varslet' }).count()).toBe(0);
      expect(await linkPage.getByRole('button', { name: 'Send svar' }).count()).toBe(0);
      await shot(linkPage, '1-link-not-answerer');
      await expectNoSeriousA11yViolations(linkPage, 'alert answer page, may not answer');
      expect(linkProblems).toEqual([]);
      expect(await cspViolations(linkPage)).toEqual([]);

      // The named member, a plain member by role, gets the form on the alert's page and answers.
      const namedContext = await browser.newContext();
      const own = await namedContext.newPage();
      const ownProblems = await watch(own, { allow: [SESSION_PROBE] });
      await signInThroughUi(own, base, named);
      await own.goto(`${base}/alerts/${alertId}`);
      await expectHeading(own, NAMED_TITLE);
      const form = own.getByTestId('alert-answer-form');
      await form.waitFor();
      expect(await own.getByTestId('alert-not-answerer').count()).toBe(0);
      await expectNoSeriousA11yViolations(own, 'alert page, named member');
      await form.getByRole('radio', { name: 'Vurderes' }).check();
      await form.getByRole('button', { name: 'Send svar' }).click();
      await own.getByText('Svaret "Vurderes" er gemt.').waitFor();
      await own.getByTestId('answer-row').first().getByText(`${named.email} (i Værn)`).waitFor();
      expect((await answers()).answers).toMatchObject([
        { status: 'assessing', answered_by: named.email, via: 'app' },
      ]);
      await shot(own, '2-named-answered');
      expect(ownProblems).toEqual([]);
      expect(await cspViolations(own)).toEqual([]);

      // The plain member works in the hospital, then opens the mail's view link: the alert opens in
      // the region (selected in the header), without the answer form, with who answers.
      const plainContext = await browser.newContext();
      const mine = await plainContext.newPage();
      const mineProblems = await watch(mine, { allow: [SESSION_PROBE] });
      await signInThroughUi(mine, base, plain);
      await mine.getByRole('banner').getByLabel('Organisation').click();
      await mine.getByRole('option', { name: 'Hospital Andet' }).click();
      await expect
        .poll(() => mine.getByRole('banner').getByLabel('Organisation').inputValue())
        .toBe('Hospital Andet');
      await mine.getByTestId('current-org').filter({ hasText: 'Hospital Andet' }).waitFor();
      await mine.goto(`${base}${view.pathname}${view.search}`);
      await expectHeading(mine, NAMED_TITLE);
      await mine.getByTestId('alert-body').getByText(BODY).waitFor();
      const switcher = mine.getByRole('banner').getByLabel('Organisation');
      await expect.poll(() => switcher.inputValue()).toBe('Region Navngivet');
      await expect.poll(() => new URL(mine.url()).search).toBe('');
      expect(new URL(mine.url()).pathname).toBe(`/alerts/${alertId}`);
      await mine
        .getByTestId('alert-not-answerer')
        .getByText('Du kan ikke svare på dette varsel for organisationen.', { exact: false })
        .waitFor();
      expect(await mine.getByTestId('alert-answer-form').count()).toBe(0);
      expect(await mine.getByRole('button', { name: 'Send svar' }).count()).toBe(0);
      await mine.getByTestId('answer-row').first().getByText(`${named.email} (i Værn)`).waitFor();
      await shot(mine, '3-plain-view-link');
      await expectNoSeriousA11yViolations(mine, 'alert page, plain member');
      expect(mineProblems).toEqual([]);
      expect(await cspViolations(mine)).toEqual([]);
      await anonymous.close();
      await namedContext.close();
      await plainContext.close();
    }, 150_000);
  },
);
