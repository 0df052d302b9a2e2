import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { translate } from '../../lib/messages.js';
import './alert-messages.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('alerts messages', () => {
  // Every `alerts.*` code written in the module's sources (not the tests) is looked up.
  const codes = new Set(
    readdirSync(here)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'alert-messages.ts')
      .flatMap((f) =>
        [...readFileSync(path.join(here, f), 'utf8').matchAll(/'(alerts\.[a-z_]+)'/g)].map(
          (m) => m[1] as string,
        ),
      )
      // The delivery job's queue name, not a message.
      .filter((code) => code !== 'alerts.deliver_email'),
  );

  it('finds the codes', () => {
    // 7 error codes in alert-service.ts and 5 mail texts in delivery.ts.
    expect(codes.size).toBe(12);
  });

  it.each([...codes])('%s is translated in Danish and English, every parameter filled in', (code) => {
    const params = { severity: 'HIGH', tlp: 'AMBER', title: 't', recipient: 'r', link: 'l' };
    const texts = (['da', 'en'] as const).map((locale) => translate(code, locale, params));
    for (const text of texts) {
      expect(text).not.toBe(code);
      expect(text).not.toMatch(/\{\w+\}/);
    }
    expect(texts[0]).not.toBe(texts[1]);
  });
});
