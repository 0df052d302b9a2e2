import { describe, expect, it } from 'vitest';
import { buildCriteria, type Figures, figuresOf, type ScorecardSettings } from './criteria.js';

/** Criterion 1 (the inventory confirmed within the sector's period) around the period's edge. */
describe('criterion 1: the inventory confirmed within the period', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const settings: ScorecardSettings = {
    passPercent: 95,
    confirmationMonths: 12,
    patchDays: 30,
    testMonths: 12,
  };
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
