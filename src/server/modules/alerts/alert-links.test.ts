import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signLink, verifyLink } from './alert-links.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';

describe('answer link tokens', () => {
  it('verify to the delivery they were signed for, and stay within a path parameter (100 characters)', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        const token = signLink(SECRET, id);
        expect(token.length).toBe(76);
        expect(verifyLink(SECRET, token)).toBe(id.toLowerCase());
      }),
    );
  });

  it('refuse a token with any one character changed, or signed under another secret', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.nat(), fc.constantFrom(...'0123456789abcdefABCDEF-_.x'), (id, at, ch) => {
        const token = signLink(SECRET, id);
        const i = at % token.length;
        fc.pre(token[i] !== ch);
        expect(verifyLink(SECRET, `${token.slice(0, i)}${ch}${token.slice(i + 1)}`)).toBeUndefined();
        expect(verifyLink(`${SECRET}x`, token)).toBeUndefined();
      }),
    );
  });

  it('never accept an arbitrary string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        expect(verifyLink(SECRET, s)).toBeUndefined();
      }),
    );
  });
});
