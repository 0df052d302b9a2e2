import { describe, expect, it } from 'vitest';
import { advisoryTlp, isTlpLabel, needsAudience, TLP_LABELS, tlpFromCsaf } from './tlp.js';

describe('TLP', () => {
  it('maps the four TLP 1.0 labels of CSAF 2.0 to TLP 2.0 (WHITE is CLEAR)', () => {
    expect(['WHITE', 'GREEN', 'AMBER', 'RED'].map(tlpFromCsaf)).toEqual(['CLEAR', 'GREEN', 'AMBER', 'RED']);
  });

  it('maps nothing else, also not TLP 2.0 names, other cases or prototype keys', () => {
    for (const label of [
      'CLEAR',
      'AMBER+STRICT',
      'white',
      'Green',
      '',
      'toString',
      '__proto__',
      null,
      3,
      undefined,
    ])
      expect(tlpFromCsaf(label)).toBeNull();
  });

  it('takes the document label, with its url', () => {
    expect(advisoryTlp({ tlp: { label: 'WHITE', url: 'https://www.first.org/tlp/' } }, 'GREEN')).toEqual({
      label: 'CLEAR',
      documentLabel: 'WHITE',
      url: 'https://www.first.org/tlp/',
    });
    expect(advisoryTlp({ tlp: { label: 'RED' } }, 'CLEAR')).toEqual({
      label: 'RED',
      documentLabel: 'RED',
      url: null,
    });
  });

  it("gives a document without a label the importer's default", () => {
    expect(advisoryTlp(undefined, 'GREEN')).toEqual({ label: 'GREEN', documentLabel: null, url: null });
    expect(advisoryTlp({ text: 'internal' }, 'AMBER+STRICT')).toEqual({
      label: 'AMBER+STRICT',
      documentLabel: null,
      url: null,
    });
    expect(advisoryTlp({ tlp: { url: 'https://x.example/' } }, 'AMBER')).toEqual({
      label: 'AMBER',
      documentLabel: null,
      url: 'https://x.example/',
    });
  });

  it('gives an audience to every label above GREEN', () => {
    expect(TLP_LABELS.filter(needsAudience)).toEqual(['AMBER', 'AMBER+STRICT', 'RED']);
  });

  it('knows the TLP 2.0 labels', () => {
    expect(TLP_LABELS.filter(isTlpLabel)).toHaveLength(5);
    expect(isTlpLabel('WHITE')).toBe(false);
  });
});
