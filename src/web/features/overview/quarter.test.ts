import { describe, expect, it } from 'vitest';
import { lastEndedQuarter } from './quarter';

describe('the quarter whose report management signs next', () => {
  it('is the quarter that ended last, across the turn of the year', () => {
    expect(lastEndedQuarter(new Date('2026-11-25T10:00:00Z'))).toBe('2026-Q3');
    expect(lastEndedQuarter(new Date('2026-10-01T00:00:00Z'))).toBe('2026-Q3');
    expect(lastEndedQuarter(new Date('2026-09-30T23:59:59Z'))).toBe('2026-Q2');
    expect(lastEndedQuarter(new Date('2027-01-15T08:00:00Z'))).toBe('2026-Q4');
    expect(lastEndedQuarter(new Date('2027-04-01T00:00:00Z'))).toBe('2027-Q1');
  });
});
