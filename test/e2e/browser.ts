import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIR } from '../../src/server/http/web.js';
import { type MfaUserFixture, nextTotpCode, type UserFixture } from '../factories.js';
import { startTestApp, type TestApp } from '../server.js';

/** Debian's Chromium (`apt-get install chromium`), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Page script (the test compiles without DOM types): collects every CSP violation event. */
export const RECORD_CSP_VIOLATIONS = `
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));
`;
const inCi = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Without Chromium, a browser suite cannot run: in CI it fails (end-to-end tests must run there);
 * elsewhere it is skipped, saying what is missing. True when that is the case (the caller stops).
 */
export function withoutChromium(file: string): boolean {
  if (existsSync(CHROMIUM)) return false;
  const why = `${CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)`;
  if (inCi) {
    it('needs Chromium in CI', () => {
      throw new Error(`${why}; end-to-end tests must run in CI`);
    });
  } else {
    console.warn(`${file} skipped: ${why}`);
    it.skipIf(true /* reason: no Chromium outside CI; in CI the suite fails instead */)(
      `skipped: ${why}`,
      () => {},
    );
  }
  return true;
}
/** Where the tests leave their screenshots. */
export const artifacts = path.resolve('test-artifacts');

export interface BrowserApp {
  t: TestApp;
  /** The app's address, on localhost (a secure context for the browser). */
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Starts the test app on a free port and launches Chromium. Unless `webApp` is false, the built
 * web app must be there first.
 */
export async function startBrowserApp({ webApp = true }: { webApp?: boolean } = {}): Promise<BrowserApp> {
  if (webApp && !existsSync(path.join(WEB_DIR, 'index.html'))) {
    throw new Error(`the web app is not built (${WEB_DIR}): run npm run build first`);
  }
  const t = await startTestApp('pglite');
  let browser: Browser;
  let base: string;
  try {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = address.replace('127.0.0.1', 'localhost');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (e) {
    await t.close();
    throw e;
  }
  return {
    t,
    base,
    browser,
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/**
 * A `describe` that runs `body` only when Chromium is installed: without it the suite is skipped
 * with a warning, or fails in CI, where end-to-end tests must run. The app and the browser
 * (`startBrowserApp`, with `where.webApp`) are started before the suite's tests and closed after
 * them; `body` gets them, to read inside its tests.
 */
export function describeInChromium(
  title: string,
  where: string | { file: string; webApp?: boolean },
  body: (app: BrowserApp) => void,
) {
  const { file, ...options } = typeof where === 'string' ? { file: where } : where;
  describe(title, () => {
    if (withoutChromium(file)) return;
    const app = {} as BrowserApp;
    beforeAll(async () => {
      Object.assign(app, await startBrowserApp(options));
    });
    afterAll(async () => {
      await app.close?.();
    });
    body(app);
  });
}

/** A refusal Chromium logs as a console error that a step expects: its status and request URL. */
export interface ExpectedRefusal {
  status: number[];
  url: RegExp;
}
/** The session probe before sign-in, refused with 401. */
export const SESSION_PROBE: ExpectedRefusal = { status: [401], url: /\/api\/v1\/auth\/session$/ };

/**
 * Watches a page for console errors (other than the `allow`ed refusals), page errors and, unless
 * `csp` is false, CSP violations (read back from `window.__csp`).
 */
export async function watch(
  page: Page,
  { allow = [], csp = true }: { allow?: ExpectedRefusal[]; csp?: boolean } = {},
): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (m) => {
    const expected = allow.some(
      ({ status, url }) =>
        new RegExp(`Failed to load resource.*(${status.join('|')})`).test(m.text()) &&
        url.test(m.location().url),
    );
    if ((m.type() === 'error' && !expected) || /Content Security Policy|Refused to/i.test(m.text())) {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Injected through the DevTools protocol, so it runs before the page's scripts and outside its CSP.
  if (csp) await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });
  return problems;
}

/** The CSP violations recorded on the page (see `watch`). */
export async function cspViolations(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__csp')) as string[];
}

export async function expectHeading(page: Page, title: string) {
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/** The heading of the page, which takes the focus after every step. */
export async function expectStep(page: Page, title: string) {
  const heading = page.getByRole('heading', { level: 1, name: title });
  await heading.waitFor();
  await expect.poll(() => heading.evaluate((h) => h === h.ownerDocument.activeElement)).toBe(true);
}

/** Fills in the sign-in form and submits it. */
export async function submitSignIn(page: Page, email: string, password: string) {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Adgangskode').fill(password);
  await page.getByRole('button', { name: 'Log ind' }).click();
}

/**
 * Signs in through the web app, with the TOTP code when the user has MFA (`onChallenge` runs once
 * the challenge is shown), and waits for the overview.
 */
export async function signInThroughUi(
  page: Page,
  base: string,
  user: UserFixture | MfaUserFixture,
  { onChallenge }: { onChallenge?: () => Promise<void> } = {},
) {
  await page.goto(`${base}/`);
  await expectHeading(page, 'Log ind på Værn');
  await submitSignIn(page, user.email, user.password);
  if ('mfaSecret' in user) {
    await expectHeading(page, 'Bekræft med din anden faktor');
    await onChallenge?.();
    await page.getByLabel('Kode fra godkendelsesappen').fill(await nextTotpCode(user.id, user.mfaSecret));
    await page.getByRole('button', { name: 'Bekræft' }).click();
  }
  await expectHeading(page, 'Oversigt');
}
