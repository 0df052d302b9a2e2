import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { runMatch } from '../../src/server/modules/advisories/match-service.js';
import { createOrg, createUserWithMfa, type OrgFixture } from '../factories.js';
import type { TestApp } from '../server.js';
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

/**
 * A hand-written CSAF 2.0 advisory with two products: a patient monitor named by vendor and
 * product with a free-text range, and a gateway identified by its CPE 2.3 name. One vulnerability
 * (a made-up CVE, so that no real catalogue entry interferes) with a CVSS 3.1 score of 9.8, and a
 * vendor fix for the monitor.
 */
const TRACKING_ID = 'E2E-ADV-2026-0001';
const TITLE = 'Sårbarhed i patientmonitorer og gateway';
const CVE = 'CVE-2099-4242';
const CSAF = {
  document: {
    category: 'csaf_security_advisory',
    csaf_version: '2.0',
    distribution: { tlp: { label: 'WHITE' } },
    publisher: { category: 'coordinator', name: 'Test CERT', namespace: 'https://cert.example.dk' },
    title: TITLE,
    notes: [{ category: 'summary', title: 'Resumé', text: 'Monitorernes netværkstjeneste kan overtages.' }],
    tracking: {
      id: TRACKING_ID,
      status: 'final',
      version: '2',
      initial_release_date: '2026-11-01T00:00:00.000Z',
      current_release_date: '2026-11-02T00:00:00.000Z',
      revision_history: [
        { date: '2026-11-01T00:00:00.000Z', number: '1', summary: 'Første udgave' },
        { date: '2026-11-02T00:00:00.000Z', number: '2', summary: 'Gateway tilføjet' },
      ],
    },
  },
  product_tree: {
    branches: [
      {
        category: 'vendor',
        name: 'Philips',
        branches: [
          {
            category: 'product_name',
            name: 'IntelliVue MX40',
            branches: [
              {
                category: 'product_version_range',
                name: '<= B.06',
                product: { name: 'Philips IntelliVue MX40 <= B.06', product_id: 'P-MON' },
              },
            ],
          },
        ],
      },
      {
        category: 'vendor',
        name: 'Example Medical',
        branches: [
          {
            category: 'product_name',
            name: 'Gateway',
            branches: [
              {
                category: 'product_version',
                name: '2.1.0',
                product: {
                  name: 'Example Medical Gateway 2.1.0',
                  product_id: 'P-GW',
                  product_identification_helper: { cpe: 'cpe:2.3:a:examplemed:gateway:2.1.0:*:*:*:*:*:*:*' },
                },
              },
            ],
          },
        ],
      },
    ],
  },
  vulnerabilities: [
    {
      cve: CVE,
      product_status: { known_affected: ['P-MON', 'P-GW'] },
      scores: [
        {
          products: ['P-MON', 'P-GW'],
          cvss_v3: {
            version: '3.1',
            vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
            baseScore: 9.8,
            baseSeverity: 'CRITICAL',
          },
        },
      ],
      remediations: [
        {
          category: 'vendor_fix',
          details: 'Opdatér monitorerne til B.07.',
          product_ids: ['P-MON'],
          url: 'https://cert.example.dk/fix',
        },
      ],
    },
  ],
};

/** A one-entry KEV catalogue (CISA's format) naming the monitor's vendor and product. */
const KEV = {
  title: 'CISA Catalog of Known Exploited Vulnerabilities',
  catalogVersion: '2026.11.02',
  dateReleased: '2026-11-02T10:00:00.000Z',
  count: 1,
  vulnerabilities: [
    {
      cveID: CVE,
      vendorProject: 'Philips',
      product: 'IntelliVue MX40',
      vulnerabilityName: 'Philips IntelliVue MX40 Remote Takeover',
      dateAdded: '2026-11-02',
      shortDescription: 'A test entry.',
      requiredAction: 'Apply updates per vendor instructions.',
      dueDate: '2026-11-23',
      knownRansomwareCampaignUse: 'Known',
      notes: '',
      cwes: [],
    },
  ],
};

const FINAL = new Set(['succeeded', 'refused', 'failed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts an import as the operator and waits for its end. */
async function importAs(
  t: TestApp,
  org: OrgFixture,
  kind: string,
  query: string,
  type: string,
  body: string,
) {
  const r = await t.operator.inject({
    method: 'POST',
    url: `/api/v1/orgs/${org.slug}/imports/${kind}?name=upload${query}`,
    headers: { 'content-type': type },
    payload: body,
  });
  expect(r.statusCode, r.body).toBe(202);
  const id = r.json().import_id as string;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(50)) {
    const s = await t.asOperator('GET', `/api/v1/orgs/${org.slug}/imports/${id}`);
    if (FINAL.has(s.json().status)) {
      expect(s.json().status, s.body).toBe('succeeded');
      return;
    }
  }
  throw new Error(`import ${id} did not finish`);
}

const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();

/** The row of the advisory's label/value overview. */
const fact = (page: Page, label: string) =>
  page
    .getByTestId('advisory-overview')
    .locator('tr', { has: page.getByRole('rowheader', { name: label, exact: true }) })
    .locator('td');

describeInChromium('the advisories screens in Chromium', 'test/e2e/advisories.test.ts', (app) => {
  let sector: OrgFixture;
  let region: OrgFixture;
  let advisoryId: string;

  it('a security officer finds the advisory, sees the affected systems, rejects the uncertain match; the KEV page lists certain first', async () => {
    const { t, base, browser } = app;
    // Imports run as background jobs: this process works the queues, as `vaern serve` does.
    await t.runtime.ctx.jobs.work();
    sector = await createOrg(t, { name: 'Sektorenheden', kind: 'sector_unit' });
    region = await createOrg(t, { name: 'Region Advarsel', kind: 'region' });
    // MON-01 names the advisory's vendor and product without a version: a possible match by name
    // (docs/advisories-matching.md: name basis, version unknown). GW-01 carries the gateway's CPE
    // with the advisory's version: a certain match.
    for (const system of [
      {
        key: 'MON-01',
        name: 'Patientmonitor',
        vendor: 'Philips',
        product: 'IntelliVue MX40',
        medical_device: true,
      },
      {
        key: 'GW-01',
        name: 'Gateway',
        cpe: 'cpe:2.3:a:examplemed:gateway:2.1.0:*:*:*:*:*:*:*',
        hostnames: ['gw-01'],
      },
    ]) {
      const r = await t.asOperator('POST', `/api/v1/orgs/${region.slug}/inventory/systems`, system);
      expect(r.statusCode, r.body).toBe(201);
    }
    await importAs(t, sector, 'kev', '', 'application/json', JSON.stringify(KEV));
    await importAs(t, sector, 'advisory', '', 'application/json', JSON.stringify(CSAF));
    // A scan finding on GW-01 that carries the CVE: the KEV match for GW-01 is certain.
    await importAs(
      t,
      region,
      'scan',
      '&format=csv',
      'text/csv',
      `source,host,rule,title,severity,cves\ntest,gw-01,GW-RCE,Gateway takeover,critical,${CVE}\n`,
    );
    // The imports queue the matching; run it here as well, so the test does not wait on the queue.
    await runMatch(t.runtime.ctx, {});

    const officer = await createUserWithMfa(t, {
      org: region.slug,
      role: 'security_officer',
      name: 'Sofie Sikkerhed',
    });
    mkdirSync(artifacts, { recursive: true });
    const context = await browser.newContext();
    const page = await context.newPage();
    const shot = (name: string) =>
      page.screenshot({ path: path.join(artifacts, `advisories-${name}.png`), fullPage: true });
    // One decision is refused (403) on purpose, while the officer's role is taken away.
    const refused = { status: [403], url: /\/advisory-matches\/[0-9a-f-]+\/review$/ };
    const problems = await watch(page, { allow: [SESSION_PROBE, refused] });
    await signInThroughUi(page, base, officer);

    // The list, in Danish: the one advisory, its TLP (CSAF's WHITE is TLP 2.0 CLEAR) and CVSS.
    await page
      .getByRole('navigation', { name: 'Hovedmenu' })
      .getByRole('link', { name: 'Advisories', exact: true })
      .click();
    await expectHeading(page, 'Advisories');
    expect(new URL(page.url()).pathname).toBe('/advisories');
    const rows = page.getByTestId('advisory-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator('[data-tlp]').getAttribute('data-tlp')).toBe('CLEAR');
    // The KEV catalogue names the advisory's CVE.
    await rows.first().getByTestId('advisory-kev').locator('[data-kev]').waitFor();
    expect(await text(rows.first().getByTestId('advisory-cvss'))).toBe('9,8');
    await page.getByText('Viser 1 advisory.').waitFor();
    // The search and the TLP filter are the server's.
    await page.getByLabel('TLP', { exact: true }).selectOption('RED');
    await page.getByText('Ingen advisories passer til filtrene.').waitFor();
    await page.getByLabel('TLP', { exact: true }).selectOption('CLEAR');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Søg' }).fill('CVE-2099-');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Søg' }).fill('ingen-saadan-advisory');
    await page.getByText('Ingen advisories passer til filtrene.').waitFor();
    await page.getByRole('button', { name: 'Nulstil filtrene' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await shot('1-list');
    await expectNoSeriousA11yViolations(page, 'advisories list (da)');

    // The advisory: metadata, the vulnerability (KEV), products, remediation, our systems.
    await rows.first().getByRole('link', { name: TITLE }).click();
    await expectHeading(page, TITLE);
    advisoryId = new URL(page.url()).pathname.split('/').at(-1) as string;
    expect(await text(fact(page, 'Sporings-id'))).toBe(TRACKING_ID);
    expect(await text(fact(page, 'Version'))).toBe('2 (endelig)');
    expect(await text(fact(page, 'Udgiver'))).toBe('Test CERT (https://cert.example.dk)');
    expect(await text(fact(page, 'Højeste CVSS'))).toBe('9,8');
    expect(await text(page.getByTestId('advisory-summary'))).toBe(
      'Monitorernes netværkstjeneste kan overtages.',
    );
    const vulnerability = page.getByTestId('vulnerability-row');
    expect(await vulnerability.count()).toBe(1);
    expect(await vulnerability.getByText(CVE).count()).toBe(1);
    expect(await vulnerability.locator('[data-kev]').count()).toBe(1);
    expect(await vulnerability.getByText('CISA-frist').count()).toBe(1);
    expect(await page.getByTestId('product-row').count()).toBe(2);
    expect(
      await page.getByTestId('product-row').filter({ hasText: 'Philips IntelliVue MX40' }).textContent(),
    ).toContain(`${CVE}: berørt`);
    const remediation = page.getByTestId('remediation');
    expect(await text(remediation.locator('p').first())).toBe(`${CVE}: Rettelse fra leverandøren`);
    await remediation.getByRole('link', { name: 'https://cert.example.dk/fix' }).waitFor();

    const affected = page.getByTestId('affected-row');
    await expect.poll(() => affected.count()).toBe(2);
    const monitor = affected.filter({ has: page.getByRole('link', { name: 'MON-01 · Patientmonitor' }) });
    expect(await monitor.locator('[data-confidence]').getAttribute('data-confidence')).toBe('possible');
    expect(await text(monitor.getByTestId('match-basis'))).toBe('Samme leverandør og produktnavn.');
    expect(
      await monitor.getByText("Versionen kendes ikke, eller advisory'ens interval kan ikke læses.").count(),
    ).toBe(1);
    expect(await monitor.locator('[data-review]').getAttribute('data-review')).toBe('pending');
    const gateway = affected.filter({ has: page.getByRole('link', { name: 'GW-01 · Gateway' }) });
    expect(await gateway.locator('[data-confidence]').getAttribute('data-confidence')).toBe('certain');
    expect(await text(gateway.getByTestId('match-basis'))).toBe(
      "CPE'en angiver advisory'ens leverandør og produkt.",
    );
    expect(await gateway.locator('[data-review]').getAttribute('data-review')).toBe('none');
    expect(await monitor.getByRole('link', { name: 'MON-01 · Patientmonitor' }).getAttribute('href')).toBe(
      `/orgs/${region.slug}/inventory/systems/MON-01`,
    );
    // The sector's view is the coordinator's alone: not even asked for here.
    expect(await page.getByTestId('organisations-concerned').count()).toBe(0);
    await shot('2-advisory');
    await expectNoSeriousA11yViolations(page, 'advisory page (da)');

    // The review queue: only the uncertain match; rejecting it with a note empties the queue.
    await page.getByTestId('advisories-nav').getByRole('link', { name: 'Til vurdering' }).click();
    await expectHeading(page, 'Match til vurdering');
    const queue = page.getByTestId('review-row');
    await expect.poll(() => queue.count()).toBe(1);
    expect(await queue.first().getByRole('link', { name: 'MON-01 · Patientmonitor' }).count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'review queue (da)');
    await page.getByRole('button', { name: 'Afvis matchet for MON-01' }).click();
    const dialog = page.getByRole('dialog', { name: 'Afvis matchet' });
    await dialog.waitFor();
    // Past the dialog's fade-in, so that axe measures the colours as they end up.
    await expect
      .poll(() => dialog.evaluate((e) => e.ownerDocument.defaultView?.getComputedStyle(e).opacity))
      .toBe('1');
    await expectNoSeriousA11yViolations(page, 'review dialog (da)');
    const note = 'Monitoren kører B.07; versionsfeltet var tomt.';
    await dialog.getByLabel('Note').fill(note);
    // Without the role, the server refuses, and its own words are shown in the dialog.
    const setRoles = async (roles: string[]) => {
      const r = await t.asOperator('PUT', `/api/v1/orgs/${region.slug}/members/${officer.id}`, { roles });
      expect(r.statusCode, r.body).toBe(200);
    };
    await setRoles(['member']);
    await dialog.getByRole('button', { name: 'Afvis', exact: true }).click();
    await dialog.getByRole('alert').getByText('Du har ikke adgang til at gøre dette.').waitFor();
    await expectNoSeriousA11yViolations(page, 'review refused (da)');
    await setRoles(['security_officer']);
    await dialog.getByRole('button', { name: 'Afvis', exact: true }).click();
    await page.getByText('Matchet for MON-01 er afvist.').waitFor();
    await page.getByTestId('review-empty').waitFor();
    expect(await text(page.getByTestId('review-empty'))).toBe('Intet at vurdere.');
    expect(await queue.count()).toBe(0);
    await shot('3-review-done');
    const decided = await t.asOperator(
      'GET',
      `/api/v1/orgs/${region.slug}/advisory-matches?review=decided&advisory=${advisoryId}`,
    );
    expect(
      (
        decided.json().items as Array<{ system: { key: string }; review: { decision: string; note: string } }>
      ).map((m) => [m.system.key, m.review.decision, m.review.note]),
    ).toEqual([['MON-01', 'rejected', note]]);

    // KEV in the inventory: GW-01 certain (its finding carries the CVE) before MON-01 possible
    // (it names the catalogue entry's vendor and product).
    await page.getByTestId('advisories-nav').getByRole('link', { name: 'KEV i vores inventar' }).click();
    await expectHeading(page, 'Kendte udnyttede sårbarheder i vores inventar');
    const kev = page.getByTestId('kev-row');
    await expect.poll(() => kev.count()).toBe(2);
    expect(
      await kev.evaluateAll((trs) =>
        trs.map((tr) => [
          tr.querySelector('a')?.textContent,
          tr.querySelector('[data-confidence]')?.getAttribute('data-confidence'),
        ]),
      ),
    ).toEqual([
      ['GW-01 · Gateway', 'certain'],
      ['MON-01 · Patientmonitor', 'possible'],
    ]);
    expect(await kev.first().getByText("Et fund på systemet har CVE'en.").count()).toBe(1);
    expect(await kev.first().getByText('Ja, kendt').count()).toBe(1);
    await shot('4-kev');
    await expectNoSeriousA11yViolations(page, 'KEV page (da)');

    // In English: the same page speaks English.
    await page.getByText('English', { exact: true }).click();
    await expectHeading(page, 'Known exploited vulnerabilities in our inventory');
    expect(await kev.first().getByText('A finding on the system carries the CVE.').count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'KEV page (en)');
    await page.getByTestId('advisories-nav').getByRole('link', { name: 'Review queue' }).click();
    await expectHeading(page, 'Review queue');
    expect(await text(page.getByTestId('review-empty'))).toBe('Nothing to review.');
    await page.getByText('Dansk', { exact: true }).click();
    await expectHeading(page, 'Match til vurdering');

    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();
  }, 240_000);

  it('the sector coordinator sees the region among the organisations concerned', async () => {
    const { t, base, browser } = app;
    const coordinator = await createUserWithMfa(t, {
      org: sector.slug,
      role: 'sector_coordinator',
      name: 'Carl Koordinator',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watch(page, { allow: [SESSION_PROBE] });
    await signInThroughUi(page, base, coordinator);
    await page.goto(`${base}/advisories/${advisoryId}`);
    await expectHeading(page, TITLE);
    const concerned = page.getByTestId('concerned-row');
    await expect.poll(() => concerned.count()).toBe(1);
    // Region Advarsel: GW-01 (certain); MON-01 was rejected, so it is left out of the counts.
    expect(
      await concerned
        .first()
        .locator('th, td')
        .evaluateAll((cells) => cells.map((c) => (c.textContent ?? '').trim())),
    ).toEqual(['Region AdvarselRegion', '1', '0', '1', '0']);
    // The sector unit itself runs none of it.
    await page.getByTestId('affected-none').waitFor();
    await page.screenshot({ path: path.join(artifacts, 'advisories-5-sector.png'), fullPage: true });
    await expectNoSeriousA11yViolations(page, 'advisory page, coordinator (da)');

    expect([...(await cspViolations(page)), ...problems]).toEqual([]);
    await context.close();
  }, 120_000);
});
