import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translate } from '../../lib/messages.js';
import './alert-messages.js';
import './org-alert-messages.js';
import './person-messages.js';
import './subscription-messages.js';
import './webhook-messages.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const JOB_NAMES = new Set(['alerts.deliver_email', 'alerts.escalate', 'alerts.deliver_webhook']);

describe('alerts messages', () => {
  // Every `alerts.*` code written in the module's sources (not the tests) is looked up.
  const codes = new Set(
    readdirSync(here)
      .filter(
        (f) =>
          f.endsWith('.ts') &&
          !f.endsWith('.test.ts') &&
          f !== 'alert-messages.ts' &&
          f !== 'webhook-messages.ts',
      )
      .flatMap((f) =>
        [...readFileSync(path.join(here, f), 'utf8').matchAll(/'(alerts\.[a-z_]+)'/g)].map(
          (m) => m[1] as string,
        ),
      )
      // The jobs' queue names, not messages.
      .filter((code) => !JOB_NAMES.has(code)),
  );

  it('finds the codes', () => {
    // 7 error codes in alert-service.ts, 1 for an answer link of someone who may not answer
    // (alerts.link_not_answerer), 6 mail texts in delivery.ts (with alerts.mail_view), 2 role names and the
    // escalation line (escalation in delivery.ts), 6 webhook codes (webhook-*.ts), 2 of
    // subscriptions and notifications (subscription-*.ts), 1 of person lookup (person-*.ts), 2 of
    // an organisation's own alerts (org-alert-*.ts): `grep -oh "'alerts\.[a-z_]*'" *.ts` over the
    // sources, less the three job names.
    expect(codes.size).toBe(29);
  });

  it.each([...codes])('%s is translated in Danish and English, every parameter filled in', (code) => {
    const params = {
      severity: 'HIGH',
      tlp: 'AMBER',
      title: 't',
      recipient: 'r',
      link: 'l',
      role: 'o',
      host: 'h',
      address: 'a',
      email: 'e',
      issuer: 'i',
    };
    const texts = (['da', 'en'] as const).map((locale) => translate(code, locale, params));
    for (const text of texts) {
      expect(text).not.toBe(code);
      expect(text).not.toMatch(/\{\w+\}/);
    }
    expect(texts[0]).not.toBe(texts[1]);
  });
});
