import { describe, expect, it } from 'vitest';
import { list, num, obj, pointer, text, texts, unique } from './json.js';

describe('json readers', () => {
  it('read values of the expected type and nothing else', () => {
    expect([obj({ a: 1 }), obj([]), obj(null), obj('x')]).toEqual([{ a: 1 }, null, null, null]);
    expect([list([1]), list({}), list(undefined)]).toEqual([[1], [], []]);
    expect([text('a'), text(1), text(null)]).toEqual(['a', null, null]);
    expect(texts(['a', 1, null, 'b', {}])).toEqual(['a', 'b']);
    expect([num(9.8), num('9.8'), num(Number.NaN)]).toEqual([9.8, null, null]);
    expect(unique(['b', 'a', 'b'])).toEqual(['b', 'a']);
  });

  it('escape JSON Pointer segments (RFC 6901)', () => {
    expect(pointer('vulnerabilities', 0, 'a/b~c')).toBe('/vulnerabilities/0/a~1b~0c');
    expect(pointer()).toBe('');
  });
});
