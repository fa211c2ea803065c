import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';
import type { Analysis } from '../../src/core/types.js';

function expectWellFormed(a: Analysis): void {
  expect(['en', 'fr', 'other']).toContain(a.lang);
  expect(a.langConfidence).toBeGreaterThanOrEqual(0);
  expect(a.langConfidence).toBeLessThanOrEqual(1);
  expect(Number.isInteger(a.tokens)).toBe(true);
  expect(Array.isArray(a.lemmas)).toBe(true);
  expect(a.sentiment.score).toBeGreaterThanOrEqual(-1);
  expect(a.sentiment.score).toBeLessThanOrEqual(1);
  expect(Number.isFinite(a.sentiment.confidence)).toBe(true);
  expect(['positive', 'neutral', 'negative', 'mixed']).toContain(a.sentiment.label);
  for (const v of Object.values(a.terms)) expect(v).toBeGreaterThan(0);
  // JSON round trip: what goes on the bus is what comes back
  expect(JSON.parse(JSON.stringify(a))).toEqual(a);
}

describe('analyze: any input', () => {
  it('empty string', () => {
    const a = analyze('');
    expectWellFormed(a);
    expect(a).toMatchObject({ lang: 'other', tokens: 0, lemmas: [], terms: {}, fields: {} });
    expect(a.sentiment.label).toBe('neutral');
  });

  it('binary garbage', () => {
    const bytes = Buffer.alloc(4096);
    let seed = 42;
    for (let i = 0; i < bytes.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bytes[i] = seed & 0xff;
    }
    for (const text of [bytes.toString('utf8'), bytes.toString('latin1'), bytes.toString('utf16le'), '\u0000\uD800\uDFFF\uFFFE\u202E']) {
      expectWellFormed(analyze(text));
      expectWellFormed(analyze(text, { lang: 'fr' }));
      expectWellFormed(analyze(text, { lang: 'en' }));
    }
  });

  it('odd punctuation and symbols in every language path', () => {
    const texts = ["'''", '-_-', '<3 </3', '#', '@', '&&&&;', "l'", "qu'", '... !!! ???', 'a-t-il', '&#0; &#xFFFFFF; &#55296;', 'x'.repeat(5000)];
    for (const text of texts) {
      for (const lang of ['en', 'fr', undefined]) expectWellFormed(analyze(text, { lang }));
    }
  });

  it('does not crash on non-string input from untyped callers', () => {
    expectWellFormed(analyze(undefined as unknown as string));
    expectWellFormed(analyze(42 as unknown as string));
    expectWellFormed(analyze('ok', null as unknown as undefined));
  });

  it('1 MB of text: analyses the beginning, does not hang', () => {
    const big = 'The service was great but the delivery was slow. '.repeat(21_000);
    expect(big.length).toBeGreaterThan(1_000_000);
    const a = analyze(big);
    expectWellFormed(a);
    expect(a.lang).toBe('en');
    expect(a.tokens).toBeGreaterThan(1000);
    expect(a.terms['delivery']).toBeGreaterThan(100);
    const fr = analyze("Le service était bien mais la livraison était lente. ".repeat(20_000));
    expect(fr.lang).toBe('fr');
    const oneWord = analyze('a'.repeat(1_000_000));
    expectWellFormed(oneWord);
  });

  it('is deterministic', () => {
    const text = "Livraison rapide mais le service client n'est pas terrible 😞";
    expect(analyze(text)).toEqual(analyze(text));
  });
});
