import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { WEB_DIR } from '../../src/server/http/web.js';
import { startTestApp, type TestApp } from '../server.js';
import { type SmtpServer, startSmtpServer } from '../smtp.js';
import { CHROMIUM, CHROMIUM_ARGS, withoutChromium } from './browser.js';

export interface MailBrowserApp {
  t: TestApp;
  base: string;
  browser: Browser;
  /** The real SMTP server (its own process) the app sends its mail to. */
  smtp: SmtpServer;
}

/**
 * describeInChromium (browser.ts) for an app that sends mail: a real SMTP server is started first
 * and the app gets it as SMTP_URL. Skipped (failing in CI) without Chromium, like the others.
 */
export function describeInChromiumWithMail(title: string, file: string, body: (app: MailBrowserApp) => void) {
  describe(title, () => {
    if (withoutChromium(file)) return;
    const app = {} as MailBrowserApp;
    beforeAll(async () => {
      if (!existsSync(path.join(WEB_DIR, 'index.html'))) {
        throw new Error(`the web app is not built (${WEB_DIR}): run npm run build first`);
      }
      app.smtp = await startSmtpServer();
      app.t = await startTestApp('pglite', { SMTP_URL: app.smtp.url });
      const address = await app.t.app.listen({ port: 0, host: '127.0.0.1' });
      app.base = address.replace('127.0.0.1', 'localhost');
      app.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    });
    afterAll(async () => {
      await app.browser?.close();
      await app.t?.close();
      await app.smtp?.stop();
    });
    body(app);
  });
}

/**
 * The link of a mail (`/invitation#token=…`, `/reset-password#token=…`) on this test's server: the
 * mail names VAERN_PUBLIC_URL, which is not the port the test listens on. `tokenChars`: the
 * characters of the token, as a regular-expression class body.
 */
export function linkIn(text: string, pathname: string, base: string, tokenChars = 'A-Za-z0-9_-'): string {
  const found = new RegExp(`https?://\\S+${pathname}#token=[${tokenChars}]+`).exec(text)?.[0];
  if (!found) throw new Error(`no ${pathname} link in the mail:\n${text}`);
  const url = new URL(found);
  return `${base}${url.pathname}${url.hash}`;
}

/** The answer link of an alert mail (`/alert-answer#token=…`; the token holds a dot: `hex.mac`). */
export const answerLinkIn = (text: string, base: string): string =>
  linkIn(text, '/alert-answer', base, 'A-Za-z0-9_.-');
