// One table of queries and the mentions each must match, shared by every place a query runs: the
// in-memory matcher, brand matching in the analyze stage (test/unit/query-table.test.ts), and both
// stores (the "query table" block of test/contract/store.contract.ts). A query means the same thing
// wherever it runs, fields included.
//
// The mentions go through the real analyze stage (analyzeMention), so their lang is what detection
// (or the source's hint) decided and their lemmas are the indexed ones; their brands come from the
// two brand queries below.
import type { BrandConfig } from '../../src/config/schema.js';
import type { AnalyzedMention, RawMention } from '../../src/core/types.js';
import { analyzeMention } from '../../src/streams/analyze.js';
import { brandMatcher } from '../../src/streams/brands.js';

const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T10:00:00Z`;
const raw = (sourceId: string, source: string, text: string, extra: Partial<RawMention> = {}): RawMention => ({
  source,
  sourceId,
  url: `https://${source}.example/${sourceId}`,
  author: { id: `author-${sourceId}`, name: `Author ${sourceId}` },
  text,
  publishedAt: at(Number(sourceId.replace(/\D/g, '')) || 1),
  ...extra,
});

/** The mentions, by sourceId (the table names them so). */
export const TABLE_RAW: readonly RawMention[] = [
  raw('q1-en-reddit', 'reddit', 'Acme delivery arrived broken and the support never answered. Terrible, awful service.'),
  raw('q2-fr-reddit', 'reddit', 'Acme : livraison encore en retard, le service client est injoignable, vraiment nul.'),
  raw('q3-fr-trustpilot', 'trustpilot', "Acme, l'application est géniale et le service client répond vite.", { title: 'Super appli' }),
  raw('q4-en-rss', 'rss', 'Acme Corp reports quarterly results as prices rise across the sector.', { title: 'Acme Corp results' }),
  raw('q5-en-appstore', 'appstore', 'The Globex app keeps crashing after the update, it is useless and I hate it.'),
  // Too short to detect: the source's hint decides the language.
  raw('q6-fr-rss', 'rss', 'Globex ouvre ici', { lang: 'fr' }),
  raw('q7-en-hackernews', 'hackernews', 'The weather in the valley is lovely today, people walk along the river.'),
];

export const TABLE_BRANDS: BrandConfig[] = [
  { id: 'acme', name: 'Acme', query: 'acme', competitors: [] },
  { id: 'globex', name: 'Globex', query: 'globex', competitors: [] },
];

export interface TableRow {
  query: string;
  /** sourceIds of the mentions it matches. */
  expected: string[];
}

/**
 * Queries and their matches. Those without `brand:` or `sentiment:` are also valid brand queries:
 * brand matching must give the same answer.
 */
export const QUERY_TABLE: readonly TableRow[] = [
  { query: 'acme', expected: ['q1-en-reddit', 'q2-fr-reddit', 'q3-fr-trustpilot', 'q4-en-rss'] },
  { query: 'acme AND lang:en', expected: ['q1-en-reddit', 'q4-en-rss'] },
  { query: 'acme lang:fr', expected: ['q2-fr-reddit', 'q3-fr-trustpilot'] },
  { query: 'acme NOT source:reddit', expected: ['q3-fr-trustpilot', 'q4-en-rss'] },
  { query: 'acme -source:reddit', expected: ['q3-fr-trustpilot', 'q4-en-rss'] },
  { query: 'source:reddit', expected: ['q1-en-reddit', 'q2-fr-reddit'] },
  { query: 'lang:fr', expected: ['q2-fr-reddit', 'q3-fr-trustpilot', 'q6-fr-rss'] },
  { query: 'LANG:FR AND globex', expected: ['q6-fr-rss'] },
  { query: 'source:rss OR source:appstore', expected: ['q4-en-rss', 'q5-en-appstore', 'q6-fr-rss'] },
  { query: 'source:(rss OR hackernews) AND lang:en', expected: ['q4-en-rss', 'q7-en-hackernews'] },
  { query: '(delivery OR livraison) AND NOT lang:fr', expected: ['q1-en-reddit'] },
  { query: '"service client" source:trustpilot', expected: ['q3-fr-trustpilot'] },
  { query: 'appli', expected: ['q3-fr-trustpilot'] },
  { query: 'crashing OR lang:fr', expected: ['q2-fr-reddit', 'q3-fr-trustpilot', 'q5-en-appstore', 'q6-fr-rss'] },
  { query: 'NOT (acme OR globex)', expected: ['q7-en-hackernews'] },
  { query: '-lang:en -source:reddit', expected: ['q3-fr-trustpilot', 'q6-fr-rss'] },
  { query: 'source:Reddit', expected: [] },
  { query: 'lang:de', expected: [] },
  // Search only: not known when brands are matched.
  { query: 'brand:globex', expected: ['q5-en-appstore', 'q6-fr-rss'] },
  { query: 'lang:en -brand:acme', expected: ['q5-en-appstore', 'q7-en-hackernews'] },
  { query: 'sentiment:negative AND acme', expected: ['q1-en-reddit', 'q2-fr-reddit'] },
  { query: 'sentiment:positive OR brand:globex', expected: ['q3-fr-trustpilot', 'q5-en-appstore', 'q6-fr-rss', 'q7-en-hackernews'] },
];

/** The analyze stage's view of a mention, with the brand queries of TABLE_BRANDS. */
export function analyzeForTable(mention: RawMention, brands: readonly BrandConfig[] = TABLE_BRANDS): AnalyzedMention {
  return analyzeMention(mention, { languages: ['en', 'fr'], matchBrands: brandMatcher(brands), authorKeySecret: 'query-table' });
}

/** The table's mentions as the stores index them. */
export function tableMentions(): AnalyzedMention[] {
  return TABLE_RAW.map((m) => analyzeForTable(m));
}
