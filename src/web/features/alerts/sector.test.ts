import { describe, expect, it } from 'vitest';
import { audienceIsEmpty, durationParts } from './sector';

describe('durationParts', () => {
  it('names a duration by its two largest units', () => {
    expect(durationParts(0)).toEqual([['seconds', 0]]);
    expect(durationParts(59.4)).toEqual([['seconds', 59]]);
    // 89 s is 1.48 minutes: one minute.
    expect(durationParts(89)).toEqual([['minutes', 1]]);
    // 3,599 s rounds to 60 minutes: one hour.
    expect(durationParts(3599)).toEqual([['hours', 1]]);
    expect(durationParts(3600)).toEqual([['hours', 1]]);
    // 2 h 5 min = 7,500 s.
    expect(durationParts(7500)).toEqual([
      ['hours', 2],
      ['minutes', 5],
    ]);
    // 1 day 3 h = 97,200 s.
    expect(durationParts(97_200)).toEqual([
      ['days', 1],
      ['hours', 3],
    ]);
    expect(durationParts(172_800)).toEqual([['days', 2]]);
  });
});

describe('audienceIsEmpty', () => {
  const none = { kinds: [], regions: [], affected: false, organisations: [], people: [] };
  it('is empty only when no rule names anyone', () => {
    expect(audienceIsEmpty(none)).toBe(true);
    expect(audienceIsEmpty({ ...none, kinds: ['region'] })).toBe(false);
    expect(audienceIsEmpty({ ...none, affected: true })).toBe(false);
  });
});
