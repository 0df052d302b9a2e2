import { describe, expect, it } from 'vitest';
import { AppError } from '../../../lib/errors.js';
import { CsafRefused, MAX_ISSUES } from './refusal.js';

describe('CsafRefused', () => {
  it('is an AppError: 400, or 413 when the file is too large', () => {
    const r = new CsafRefused('advisories.csaf_empty');
    expect(r).toBeInstanceOf(AppError);
    expect([r.status, r.code, r.name, r.issues, r.total]).toEqual([
      400,
      'advisories.csaf_empty',
      'CsafRefused',
      [],
      0,
    ]);
    expect(new CsafRefused('advisories.csaf_too_large', { size: 2, limit: '1 bytes' }).status).toBe(413);
  });

  it('turns issues into field errors that name the schema rule and carry their message key', () => {
    const rule = '#/properties/document/required';
    const r = new CsafRefused('advisories.csaf_schema', {}, [
      {
        instancePath: '/document',
        schemaPath: rule,
        message: 'm',
        code: 'advisories.csaf_rule',
        params: { reason: 'missing', field: 'title', schema_path: rule },
      },
      {
        instancePath: '/x',
        schemaPath: null,
        message: 'n',
        code: 'advisories.csaf_product_undefined',
        params: { id: 'P1' },
      },
    ]);
    expect(r.fieldErrors).toEqual([
      {
        path: '/document',
        message: `m [${rule}]`,
        code: 'advisories.csaf_rule',
        params: { reason: 'missing', field: 'title', schema_path: rule },
      },
      { path: '/x', message: 'n', code: 'advisories.csaf_product_undefined', params: { id: 'P1' } },
    ]);
  });

  it('keeps the first MAX_ISSUES issues and counts all', () => {
    const issues = Array.from({ length: MAX_ISSUES + 5 }, (_, i) => ({
      instancePath: `/${i}`,
      schemaPath: null,
      message: 'm',
      code: 'advisories.csaf_product_undefined' as const,
      params: { id: String(i) },
    }));
    const r = new CsafRefused('advisories.csaf_product_unknown', {}, issues);
    expect([r.issues.length, r.fieldErrors.length, r.total, r.issues.at(-1)?.instancePath]).toEqual([
      MAX_ISSUES,
      MAX_ISSUES,
      MAX_ISSUES + 5,
      `/${MAX_ISSUES - 1}`,
    ]);
  });
});
