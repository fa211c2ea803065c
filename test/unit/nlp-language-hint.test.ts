import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';
import { analyzeMention } from '../../src/streams/analyze.js';

// Text a detector reads as English with high confidence (brand names and English loan words, as in a
// German tech feed), from a source that declared another language.
const ENGLISH_LOOKING = 'The Acme Cloud Service is down again: no login, no support, no refund for customers.';

describe('language: the source declared another language', () => {
  it('a declared language other than en/fr wins over detection', () => {
    expect(analyze(ENGLISH_LOOKING).lang).toBe('en');
    expect(analyze(ENGLISH_LOOKING, { lang: 'de' })).toMatchObject({ lang: 'other', langConfidence: 0.9 });
    expect(analyze(ENGLISH_LOOKING, { lang: 'pt-BR' }).lang).toBe('other');
  });

  it('the analyze stage passes a feed\'s declared language as the hint', () => {
    const raw = { source: 'rss', sourceId: 'urn:x:1', author: { id: 'a', name: 'a' }, text: ENGLISH_LOOKING, publishedAt: '2026-11-03T10:00:00.000Z' };
    const options = { languages: ['en', 'fr'] as const, matchBrands: () => [], authorKeySecret: 'k'.repeat(32) };
    expect(analyzeMention({ ...raw, lang: 'de' }, options).analysis.lang).toBe('other');
    expect(analyzeMention({ ...raw, lang: 'fr' }, options).analysis.lang).toBe('fr');
    expect(analyzeMention(raw, options).analysis.lang).toBe('en');
  });
});
