// A constructed history for the report tests: Acme and its competitor Globex over two ISO weeks
// (2026-W45, the report's period, and W44 before it), with known tones, sources, languages and
// authors (some writing several times), one near-duplicate, and one mention carrying HTML.
import type { BrandConfig } from '../../src/config/schema.js';
import type { AnalyzedMention } from '../../src/core/types.js';
import { copyOf, makeMention } from '../helpers/mentions.js';

export const PERIOD = { from: '2026-11-02T00:00:00.000Z', to: '2026-11-09T00:00:00.000Z', label: '2026-W45' };
export const PREVIOUS = { from: '2026-10-26T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' };
export const HTML_TEXT = 'Acme <script>alert("x")</script><img src=http://evil.example/p.png> livraison en retard & service nul';

export const BRANDS: BrandConfig[] = [
  { id: 'acme', name: 'Acme', query: 'acme', competitors: ['globex'] },
  { id: 'globex', name: 'Globex', query: 'globex', competitors: [] },
];

const SOURCES = ['rss', 'reddit', 'appstore', 'mastodon'];

export function fixture(): AnalyzedMention[] {
  const out: AnalyzedMention[] = [];
  const day = 86_400_000;
  let n = 0;
  const add = (start: string, count: number, brand: string, toneOf: (i: number) => number) => {
    for (let i = 0; i < count; i++) {
      n++;
      const lang = i % 3 === 0 ? 'fr' : 'en';
      const score = toneOf(i);
      out.push(
        makeMention({
          id: `r-${n}`,
          source: SOURCES[i % SOURCES.length]!,
          url: `https://example.com/${brand}/${n}`,
          lang,
          score,
          text: lang === 'fr' ? `${brand} livraison rapide commande ${i % 2 ? 'retard' : 'colis'}` : `${brand} delivery order ${i % 2 ? 'refund' : 'parcel'} service`,
          brands: [brand],
          // 7 authors write the brand's mentions: several write more than one.
          authorKey: `author-${brand}-${i % 7}`,
          publishedAt: new Date(Date.parse(start) + ((i * 7 * day) / count) + 3_600_000).toISOString(),
        }),
      );
    }
  };
  add(PERIOD.from, 30, 'acme', (i) => (i % 3 === 0 ? -0.8 : i % 3 === 1 ? 0.6 : 0.1));
  add(PREVIOUS.from, 20, 'acme', (i) => (i % 4 === 0 ? -0.5 : 0.4));
  add(PERIOD.from, 10, 'globex', (i) => (i % 2 ? 0.5 : -0.2));
  const original = out[0]!;
  out.push(copyOf(original, { id: 'r-copy', publishedAt: '2026-11-05T10:00:00.000Z', authorKey: 'author-copier', score: -0.8 }));
  out.push(makeMention({ id: 'r-html', source: 'reddit', url: 'https://www.reddit.com/r/x/1', lang: 'fr', score: -0.9, text: HTML_TEXT, title: '<b>Colis</b> perdu', brands: ['acme'], authorKey: 'author-html', publishedAt: '2026-11-06T09:00:00.000Z' }));
  return out;
}

/** What the report must say, computed from the fixture itself (not from a store). */
export function expected(mentions: AnalyzedMention[], brand: string, range: { from: string; to: string }) {
  const inRange = mentions.filter((m) => m.brands.includes(brand) && m.duplicateOf === undefined && m.publishedAt >= range.from && m.publishedAt < range.to);
  const scores = inRange.map((m) => m.analysis.sentiment.score);
  const count = (key: (m: AnalyzedMention) => string) => {
    const map = new Map<string, number>();
    for (const m of inRange) map.set(key(m), (map.get(key(m)) ?? 0) + 1);
    return map;
  };
  return {
    volume: inRange.length,
    meanTone: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    negativeShare: inRange.length ? inRange.filter((m) => m.analysis.sentiment.label === 'negative').length / inRange.length : null,
    uniqueAuthors: new Set(inRange.map((m) => m.authorKey)).size,
    sources: count((m) => m.source),
    languages: count((m) => m.analysis.lang),
  };
}
