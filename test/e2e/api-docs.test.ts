import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { expectNoSeriousA11yViolations } from './axe.js';
import { artifacts, cspViolations, describeInChromium, watch } from './browser.js';

/** The page is Swagger UI's, served without the web app. */
const API_DOCS = { file: 'test/e2e/api-docs.test.ts', webApp: false };

describeInChromium('the API documentation page in Chromium', API_DOCS, (app) => {
  it('renders the Værn API and its operations under the strict CSP, with no violation', async () => {
    const { base, browser } = app;
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watch(page);

    const response = await page.goto(`${base}/api/docs`);
    expect(response?.status()).toBe(200);
    const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");

    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Værn API' }).waitFor();
    const operations = page.locator('.swagger-ui .opblock');
    await operations.first().waitFor();
    expect(await operations.count()).toBeGreaterThanOrEqual(5);
    await expect
      .poll(() => page.locator('.opblock-summary-path').allInnerTexts())
      .toEqual(expect.arrayContaining([expect.stringContaining('/api/v1/orgs/{org}')]));

    // Opening an operation renders its parameters and schemas (more of Swagger UI's styling).
    await page.locator('.opblock-summary').first().click();
    await page.locator('.opblock-body').first().waitFor();

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'api-docs.png'), fullPage: true });
    // Swagger UI's own palette fails contrast; our theme (src/server/http/docs-theme.ts) mends it.
    await expectNoSeriousA11yViolations(page, 'the API documentation with an operation open');

    const violations = await cspViolations(page);
    expect([...violations, ...problems]).toEqual([]);
    await context.close();
  });
});
