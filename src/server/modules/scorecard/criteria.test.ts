import { describe, expect, it } from 'vitest';
import { buildCriteria, type Figures, figuresOf, type ScorecardSettings } from './criteria.js';
import './messages.js';

const now = new Date('2026-11-24T12:00:00Z');
/** The sector's default settings. */
const settings: ScorecardSettings = {
  passPercent: 95,
  confirmationMonths: 12,
  patchDays: 30,
  testMonths: 12,
};

/** Criterion 1 (the inventory confirmed within the sector's period) around the period's edge. */
describe('criterion 1: the inventory confirmed within the period', () => {
  const figures = (confirmedAt: string | null): Figures => ({
    ...figuresOf(undefined),
    systems: 10,
    healthData: 4,
    confirmedAt: confirmedAt === null ? null : new Date(confirmedAt),
  });
  const c1 = (f: Figures, s = settings) => buildCriteria(f, s, now, 'en').find((c) => c.n === 1);

  it.each([
    ['2026-03-01T09:00:00Z', 'passed', 'scorecard.c1.passed'],
    ['2025-11-24T12:00:00Z', 'passed', 'scorecard.c1.passed'],
    ['2025-11-24T11:59:59Z', 'failed', 'scorecard.c1.confirmation_old'],
    ['2024-06-01T09:00:00Z', 'failed', 'scorecard.c1.confirmation_old'],
    [null, 'failed', 'scorecard.c1.never_confirmed'],
  ])('confirmed at %s: %s', (at, status, code) => {
    expect(c1(figures(at))).toMatchObject({
      status,
      detail_code: code,
      period: { unit: 'months', length: 12 },
    });
  });

  it('follows the sector setting for the period, and needs systems with health data', () => {
    const old = figures('2025-06-01T09:00:00Z');
    expect(c1(old)?.status).toBe('failed');
    expect(c1(old, { ...settings, confirmationMonths: 24 })).toMatchObject({
      status: 'passed',
      period: { unit: 'months', length: 24 },
    });
    expect(c1({ ...figures('2026-10-01T09:00:00Z'), healthData: 0 })).toMatchObject({
      status: 'failed',
      detail_code: 'scorecard.c1.no_health_data',
    });
  });
});

/** A share's sentence: the percentage cut to one decimal, written as the language writes it. */
describe('a share in words', () => {
  const c2 = (assessed: number, of: number, locale: 'da' | 'en') =>
    buildCriteria(
      { ...figuresOf(undefined), systems: of, healthData: of, healthDataAssessed: assessed },
      settings,
      now,
      locale,
    ).find((c) => c.n === 2);

  it('says 94.9 % (not 95 %) when 189 of 199 fall short of 95 %, with a decimal comma in Danish', () => {
    expect(c2(189, 199, 'da')).toMatchObject({
      status: 'failed',
      detail: '189 af 199 systemer med sundhedsdata har en vurderet kritikalitet (94,9 %; 95 % kræves).',
    });
    expect(c2(189, 199, 'en')?.detail).toContain('(94.9 %; 95 % needed)');
    expect(c2(19, 20, 'en')).toMatchObject({
      status: 'passed',
      detail: expect.stringContaining('(95 %; 95 %'),
    });
  });
});
