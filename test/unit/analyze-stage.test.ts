// The analyze stage's error path: a mention the NLP fails on goes to the dead-letter topic with
// its reason and offset; the rest of the batch is analyzed.
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/nlp/analyze.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/nlp/analyze.js')>();
  return {
    ...real,
    analyzeStrict: (text: string, hints: Parameters<typeof real.analyzeStrict>[1]) => {
      if (text.includes('BOOM')) throw new Error('lexicon failed to load');
      return real.analyzeStrict(text, hints);
    },
  };
});

const { analyzeBatch } = await import('../../src/streams/analyze.js');
const { brandMatcher } = await import('../../src/streams/brands.js');

const record = (offset: number, value: unknown) => ({
  topic: 'mentions.raw' as const,
  partition: 0,
  offset,
  key: `k${offset}`,
  value: typeof value === 'string' ? value : JSON.stringify(value),
  timestamp: 0,
});
const raw = (id: string, text: string) => ({ source: 'test', sourceId: id, author: { id: 'a', name: 'a' }, text, publishedAt: '2026-11-01T00:00:00Z' });

describe('analyze stage', () => {
  it('sends what it cannot read or analyze to the dead-letter topic, with reason and offset, and analyzes the rest', () => {
    const { analyzed, dead } = analyzeBatch(
      [record(0, raw('1', 'Acme coffee is great')), record(1, raw('2', 'BOOM goes the parser')), record(2, '{not json'), record(3, { text: 'no source' }), record(4, raw('3', 'Le café Acme est nul'))],
      { languages: ['en', 'fr'], matchBrands: brandMatcher([{ id: 'acme', name: 'Acme', query: 'acme', competitors: [] }]), authorKeySecret: 'k' },
    );
    expect(analyzed.map((r) => JSON.parse(r.value).sourceId)).toEqual(['1', '3']);
    expect(JSON.parse(analyzed[0]!.value)).toMatchObject({ brands: ['acme'], analysis: { lang: 'en', sentiment: { label: 'positive' } } });
    expect(JSON.parse(analyzed[1]!.value)).toMatchObject({ analysis: { lang: 'fr', sentiment: { label: 'negative' } } });
    const letters = dead.map((r) => ({ ...JSON.parse(r.value), headers: r.headers }));
    expect(letters.map((l) => [l.code, l.origin.offset])).toEqual([
      ['ANALYZE_FAILED', 1],
      ['RECORD_UNREADABLE', 2],
      ['RECORD_UNREADABLE', 3],
    ]);
    expect(letters[0].reason).toBe('lexicon failed to load');
    expect(letters[0].headers).toMatchObject({ 'ecoute-stage': 'analyze', 'ecoute-origin-topic': 'mentions.raw', 'ecoute-origin-offset': '1' });
  });
});
