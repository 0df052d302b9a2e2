import { describe, expect, it } from 'vitest';
import { TextHashes, textHashOf } from './text-hashes.js';

describe('TextHashes', () => {
  it('gives the texts’ own hash, for a rule seen again and for changed texts', () => {
    const hashes = new TextHashes();
    const a = hashes.of('nessus\n10001', 'Description', 'Upgrade');
    expect(a).toBe(textHashOf('Description', 'Upgrade'));
    // The same texts again (other string objects): the same hash.
    expect(hashes.of('nessus\n10001', ['Descr', 'iption'].join(''), 'Upgrade')).toBe(a);
    // The same rule with other texts (another plugin version on this host): their own hash.
    expect(hashes.of('nessus\n10001', 'Description', 'Upgrade now')).toBe(
      textHashOf('Description', 'Upgrade now'),
    );
    expect(hashes.of('nessus\n10001', 'Description', 'Upgrade')).toBe(a);
    // Null and empty told apart, nothing at all has no hash.
    expect(hashes.of('nessus\n10002', null, '')).toBe(textHashOf(null, ''));
    expect(hashes.of('nessus\n10002', '', null)).toBe(textHashOf('', null));
    expect(hashes.of('nessus\n10003', null, null)).toBeNull();
  });

  it('keeps at most its limit of characters, and still hashes what it forgot', () => {
    const hashes = new TextHashes(100);
    const text = (n: number) => `${n}`.padEnd(40, '.');
    for (let n = 0; n < 50; n++) {
      expect(hashes.of(`r${n}`, text(n), null)).toBe(textHashOf(text(n), null));
      expect(hashes.keptChars).toBeLessThanOrEqual(100);
    }
    // Rules far back were evicted: their texts hash again to the same value.
    expect(hashes.of('r0', text(0), null)).toBe(textHashOf(text(0), null));
    // One text larger than the limit is kept alone and answered.
    const large = 'x'.repeat(500);
    expect(hashes.of('big', large, null)).toBe(textHashOf(large, null));
    expect(hashes.keptChars).toBe(500);
    expect(hashes.of('big', large, null)).toBe(textHashOf(large, null));
    expect(hashes.of('r1', text(1), null)).toBe(textHashOf(text(1), null));
    expect(hashes.keptChars).toBe(40);
  });
});
