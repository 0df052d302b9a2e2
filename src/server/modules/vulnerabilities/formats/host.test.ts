import { describe, expect, it } from 'vitest';
import { normaliseHost, readers } from './index.js';

describe('normaliseHost', () => {
  it.each([
    ['10.0.0.1', { kind: 'ip', value: '10.0.0.1' }],
    [' 192.168.001.1 ', { kind: 'name', value: '192.168.001.1' }], // leading zeros: not an address
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', { kind: 'ip', value: '2001:db8::1' }],
    ['[fe80::1%eth0]', { kind: 'ip', value: 'fe80::1' }],
    ['::FFFF:192.0.2.1', { kind: 'ip', value: '::ffff:c000:201' }],
    ['Web01.Example.ORG.', { kind: 'name', value: 'web01.example.org' }],
    ['WEB01', { kind: 'name', value: 'web01' }],
    ['192.168.1.1001', { kind: 'name', value: '192.168.1.1001' }],
  ])('%s', (text, expected) => {
    expect(normaliseHost(text)).toEqual(expected);
  });

  it('gives null for nothing', () => {
    expect([normaliseHost(''), normaliseHost('  '), normaliseHost('.'), normaliseHost(null)]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('has a reader for each format', () => {
    expect(Object.keys(readers).sort()).toEqual(['csv', 'nessus', 'openvas', 'sarif']);
  });
});
