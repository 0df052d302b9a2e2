import { describe, expect, it } from 'vitest';
import { percentFormat } from './percent';

describe('scorecard percentages', () => {
  it('cuts to one decimal instead of rounding up to the requirement, in either language', () => {
    const da = percentFormat('da-DK');
    const en = percentFormat('en-GB');
    expect(da(189 / 199)).toBe('94,9\u00a0%');
    expect(en(189 / 199)).toBe('94.9%');
    expect(da(19 / 20)).toBe('95\u00a0%');
    expect(en(1)).toBe('100%');
    expect(en(0)).toBe('0%');
  });
});
