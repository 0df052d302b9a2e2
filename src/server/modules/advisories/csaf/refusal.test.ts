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

  it('turns issues into field errors that name the schema rule', () => {
    const r = new CsafRefused('advisories.csaf_invalid', {}, [
      { instancePath: '/document', schemaPath: '#/properties/document/required', message: 'm' },
      { instancePath: '/x', schemaPath: null, message: 'n' },
    ]);
    expect(r.fieldErrors).toEqual([
      { path: '/document', message: 'm [#/properties/document/required]' },
      { path: '/x', message: 'n' },
    ]);
  });

  it('keeps the first MAX_ISSUES issues and counts all', () => {
    const issues = Array.from({ length: MAX_ISSUES + 5 }, (_, i) => ({
      instancePath: `/${i}`,
      schemaPath: null,
      message: 'm',
    }));
    const r = new CsafRefused('advisories.csaf_invalid', {}, issues);
    expect([r.issues.length, r.fieldErrors.length, r.total, r.issues.at(-1)?.instancePath]).toEqual([
      MAX_ISSUES,
      MAX_ISSUES,
      MAX_ISSUES + 5,
      `/${MAX_ISSUES - 1}`,
    ]);
  });
});
