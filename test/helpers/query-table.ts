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
import { authorKey } from '../../src/core/ids.js';
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
  // Issue 11: ratings (stars 1 and 5 stored as 0 and 1), titles, hosts, dates, a question.
  raw('q8-fr-trustpilot', 'trustpilot', 'La livraison est arrivée avec trois jours de retard, est-ce normal ?', {
    rating: 0, title: 'Colis en retard', url: 'https://fr.trustpilot.example/review/8',
  }),
  raw('q9-en-appstore', 'appstore', 'Initech delivery was late but the support team was great, five stars.', {
    rating: 1, title: 'Love it', url: 'https://apps.store.example/initech/9', author: { id: 'bob', name: 'Bob' },
  }),
  raw('q10-en-reddit', 'reddit', 'Late again: the Initech parcel delivery came after the promised day.', {
    rating: 0.5, url: 'https://old.reddit.example/r/initech/10', publishedAt: '2026-04-10T23:30:00Z',
  }),
  // Issue 11, words matched on their derivational family (delivered/delivery, pay/payment,
  // refund/refunded, cancel/cancellation, livrer/livraison/livré/livreur), and the false friends
  // that must not match (deliverance is two steps from delivery, caring and career are not car,
  // payload is not pay, délivré is not livré).
  raw('q11-en-trustpilot', 'trustpilot', 'They delivered my order to the wrong address, so I asked for a cancellation and the payment was refunded.'),
  raw('q12-en-hackernews', 'hackernews', 'Watching Deliverance tonight. Caring for the garden is my career now, and the payload is zero stress.'),
  raw('q13-fr-trustpilot', 'trustpilot', "Colis livré chez le voisin, le livreur n'a pas sonné. J'ai annulé la commande et j'attends le remboursement."),
  raw('q14-fr-rss', 'rss', "Le permis m'a été délivré hier, et j'ai lu un bon roman à la plage.", { lang: 'fr' }),
];

/** authorKey of q9 (author bob) under the table's secret, for `author:` rows. */
export const BOB_KEY = authorKey('query-table', 'appstore', 'bob');

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
  { query: 'source:reddit', expected: ['q1-en-reddit', 'q2-fr-reddit', 'q10-en-reddit'] },
  { query: 'lang:fr', expected: ['q2-fr-reddit', 'q3-fr-trustpilot', 'q6-fr-rss', 'q8-fr-trustpilot', 'q13-fr-trustpilot', 'q14-fr-rss'] },
  { query: 'LANG:FR AND globex', expected: ['q6-fr-rss'] },
  { query: 'source:rss OR source:appstore', expected: ['q4-en-rss', 'q5-en-appstore', 'q6-fr-rss', 'q9-en-appstore', 'q14-fr-rss'] },
  { query: 'source:(rss OR hackernews) AND lang:en', expected: ['q4-en-rss', 'q7-en-hackernews', 'q12-en-hackernews'] },
  { query: '(delivery OR livraison) AND NOT lang:fr', expected: ['q1-en-reddit', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot'] },
  { query: '"service client" source:trustpilot', expected: ['q3-fr-trustpilot'] },
  { query: 'appli', expected: ['q3-fr-trustpilot'] },
  { query: 'crashing OR lang:fr', expected: ['q2-fr-reddit', 'q3-fr-trustpilot', 'q5-en-appstore', 'q6-fr-rss', 'q8-fr-trustpilot', 'q13-fr-trustpilot', 'q14-fr-rss'] },
  { query: 'NOT (acme OR globex)', expected: ['q7-en-hackernews', 'q8-fr-trustpilot', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot', 'q12-en-hackernews', 'q13-fr-trustpilot', 'q14-fr-rss'] },
  { query: '-lang:en -source:reddit', expected: ['q3-fr-trustpilot', 'q6-fr-rss', 'q8-fr-trustpilot', 'q13-fr-trustpilot', 'q14-fr-rss'] },
  { query: 'source:Reddit', expected: [] },
  { query: 'lang:de', expected: [] },
  // Search only: not known when brands are matched.
  { query: 'brand:globex', expected: ['q5-en-appstore', 'q6-fr-rss'] },
  { query: 'lang:en -brand:acme', expected: ['q5-en-appstore', 'q7-en-hackernews', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot', 'q12-en-hackernews'] },
  { query: 'sentiment:negative AND acme', expected: ['q1-en-reddit', 'q2-fr-reddit'] },
  { query: 'sentiment:positive OR brand:globex', expected: ['q3-fr-trustpilot', 'q5-en-appstore', 'q6-fr-rss', 'q7-en-hackernews', 'q9-en-appstore', 'q12-en-hackernews', 'q14-fr-rss'] },
  // Issue 11: wildcards, proximity, the new fields.
  { query: 'livr*', expected: ['q2-fr-reddit', 'q8-fr-trustpilot', 'q13-fr-trustpilot'] },
  { query: 'deliver*', expected: ['q1-en-reddit', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot', 'q12-en-hackernews'] },
  { query: 'Deliv* -lang:fr', expected: ['q1-en-reddit', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot', 'q12-en-hackernews'] },
  { query: 'retard*', expected: ['q2-fr-reddit', 'q8-fr-trustpilot'] },
  { query: 'crash* OR lovel*', expected: ['q5-en-appstore', 'q7-en-hackernews'] },
  { query: 'acm* AND NOT acme', expected: [] },
  { query: 'livraison NEAR/3 retard', expected: ['q2-fr-reddit', 'q8-fr-trustpilot'] },
  { query: 'livraison NEAR/1 retard', expected: ['q8-fr-trustpilot'] },
  { query: 'retard NEAR/5 livraison', expected: ['q2-fr-reddit', 'q8-fr-trustpilot'] },
  { query: 'retard ONEAR/5 livraison', expected: ['q8-fr-trustpilot'] },
  { query: 'livraison ONEAR/5 retard', expected: ['q2-fr-reddit'] },
  { query: '(livraison OR delivery) NEAR/5 (retard OR late)', expected: ['q2-fr-reddit', 'q8-fr-trustpilot', 'q9-en-appstore', 'q10-en-reddit'] },
  { query: '(livraison OR delivery) ONEAR/5 (retard OR late)', expected: ['q2-fr-reddit', 'q9-en-appstore'] },
  { query: 'late ONEAR/3 delivery', expected: [] },
  { query: 'delivery NEAR/0 late', expected: [] },
  { query: 'delivery NEAR/1 late', expected: ['q9-en-appstore'] },
  { query: '"service client" NEAR/2 injoignable', expected: ['q2-fr-reddit'] },
  { query: '"service client" ONEAR/3 (rapide OR vite OR repond)', expected: ['q3-fr-trustpilot'] },
  { query: 'deliv* NEAR/3 (broken OR late)', expected: ['q1-en-reddit', 'q9-en-appstore'] },
  { query: 'acme NEAR/3 retard OR globex NEAR/2 update', expected: ['q2-fr-reddit'] },
  { query: 'acme NEAR/3 livraison NEAR/3 retard', expected: ['q2-fr-reddit'] },
  { query: '(delivery NEAR/5 late) -source:appstore', expected: ['q10-en-reddit'] },
  { query: 'NOT (delivery NEAR/3 late) AND delivery', expected: ['q1-en-reddit', 'q10-en-reddit', 'q11-en-trustpilot'] },
  { query: 'title:appli', expected: ['q3-fr-trustpilot'] },
  { query: 'title:"acme corp"', expected: ['q4-en-rss'] },
  { query: 'title:(retard OR love)', expected: ['q8-fr-trustpilot', 'q9-en-appstore'] },
  { query: 'title:results OR title:super', expected: ['q3-fr-trustpilot', 'q4-en-rss'] },
  { query: 'acme -title:super', expected: ['q1-en-reddit', 'q2-fr-reddit', 'q4-en-rss'] },
  { query: 'site:trustpilot.example', expected: ['q3-fr-trustpilot', 'q8-fr-trustpilot', 'q11-en-trustpilot', 'q13-fr-trustpilot'] },
  { query: 'site:fr.trustpilot.example', expected: ['q8-fr-trustpilot'] },
  { query: 'site:reddit.example', expected: ['q1-en-reddit', 'q2-fr-reddit', 'q10-en-reddit'] },
  { query: 'site:old.reddit.example', expected: ['q10-en-reddit'] },
  { query: 'site:example', expected: [] },
  { query: 'site:store.example initech', expected: ['q9-en-appstore'] },
  { query: 'rating:1', expected: ['q8-fr-trustpilot'] },
  { query: 'rating:<=2', expected: ['q8-fr-trustpilot'] },
  { query: 'rating:4..5', expected: ['q9-en-appstore'] },
  { query: 'rating:>=3', expected: ['q9-en-appstore', 'q10-en-reddit'] },
  { query: 'rating:>3', expected: ['q9-en-appstore'] },
  { query: 'rating:<3', expected: ['q8-fr-trustpilot'] },
  { query: 'rating:3', expected: ['q10-en-reddit'] },
  { query: '-rating:1..5', expected: ['q1-en-reddit', 'q2-fr-reddit', 'q3-fr-trustpilot', 'q4-en-rss', 'q5-en-appstore', 'q6-fr-rss', 'q7-en-hackernews', 'q11-en-trustpilot', 'q12-en-hackernews', 'q13-fr-trustpilot', 'q14-fr-rss'] },
  { query: 'date:2026-03-01..2026-03-03', expected: ['q1-en-reddit', 'q2-fr-reddit', 'q3-fr-trustpilot'] },
  { query: 'date:2026-03-05', expected: ['q5-en-appstore'] },
  { query: 'date:2026-04', expected: ['q10-en-reddit'] },
  { query: 'date:>=2026-03-08', expected: ['q8-fr-trustpilot', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot', 'q12-en-hackernews', 'q13-fr-trustpilot', 'q14-fr-rss'] },
  { query: 'date:<2026-03-02 OR date:2026-04-10', expected: ['q1-en-reddit', 'q10-en-reddit'] },
  { query: 'date:2026-04-11', expected: [] },
  { query: 'date:..2026-03-02 acme', expected: ['q1-en-reddit', 'q2-fr-reddit'] },
  { query: `author:${BOB_KEY}`, expected: ['q9-en-appstore'] },
  { query: 'author:bob', expected: [] },
  { query: 'initech -author:nobody', expected: ['q9-en-appstore', 'q10-en-reddit'] },
  { query: 'flag:question', expected: ['q8-fr-trustpilot'] },
  { query: 'flag:question OR flag:profanity', expected: ['q8-fr-trustpilot'] },
  { query: 'field:delivery', expected: ['q1-en-reddit', 'q2-fr-reddit', 'q8-fr-trustpilot', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot', 'q13-fr-trustpilot'] },
  { query: 'field:delivery AND lang:en', expected: ['q1-en-reddit', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot'] },
  { query: 'LIVRAISONS', expected: ['q2-fr-reddit', 'q8-fr-trustpilot', 'q13-fr-trustpilot'] },
  { query: '"livraison est arrivee"', expected: ['q8-fr-trustpilot'] },
  { query: 'arrivée', expected: ['q8-fr-trustpilot'] },
  { query: '"arrivee avec" OR "late again"', expected: ['q8-fr-trustpilot', 'q10-en-reddit'] },
  // Issue 11: a word matches its derivational family, one step away (WordNet; French rules).
  { query: 'delivered', expected: ['q1-en-reddit', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot', 'q12-en-hackernews'] },
  { query: 'delivery', expected: ['q1-en-reddit', 'q9-en-appstore', 'q10-en-reddit', 'q11-en-trustpilot'] },
  { query: 'pay', expected: ['q11-en-trustpilot'] },
  { query: 'paid', expected: ['q11-en-trustpilot'] },
  { query: 'refund', expected: ['q11-en-trustpilot'] },
  { query: 'cancel', expected: ['q11-en-trustpilot'] },
  { query: 'arrival', expected: ['q1-en-reddit'] },
  { query: 'car', expected: [] },
  { query: 'care', expected: ['q12-en-hackernews'] },
  { query: 'livraison', expected: ['q2-fr-reddit', 'q8-fr-trustpilot', 'q13-fr-trustpilot'] },
  { query: 'livrer', expected: ['q2-fr-reddit', 'q8-fr-trustpilot', 'q13-fr-trustpilot'] },
  { query: 'livreur', expected: ['q13-fr-trustpilot'] },
  { query: 'annulation', expected: ['q13-fr-trustpilot'] },
  { query: 'délivrer', expected: ['q14-fr-rss'] },
  // Issue 11: proximity on the lemma tokens, counting words.
  { query: 'deliveries NEAR/3 late', expected: ['q9-en-appstore'] },
  { query: 'deliveries NEAR/4 late', expected: ['q9-en-appstore', 'q10-en-reddit'] },
  { query: 'delivered ONEAR/3 late', expected: ['q9-en-appstore'] },
  { query: 'late ONEAR/4 delivered', expected: ['q10-en-reddit'] },
  { query: 'refunds NEAR/2 paid', expected: ['q11-en-trustpilot'] },
  { query: '(refunds OR cancel) ONEAR/3 payment', expected: ['q11-en-trustpilot'] },
  { query: 'livraison NEAR/2 voisin', expected: ['q13-fr-trustpilot'] },
  { query: 'livraison NEAR/1 voisin', expected: [] },
  { query: '"arrivée avec" NEAR/3 retard', expected: ['q8-fr-trustpilot'] },
];

/** The analyze stage's view of a mention, with the brand queries of TABLE_BRANDS. */
export function analyzeForTable(mention: RawMention, brands: readonly BrandConfig[] = TABLE_BRANDS): AnalyzedMention {
  return analyzeMention(mention, { languages: ['en', 'fr'], matchBrands: brandMatcher(brands), authorKeySecret: 'query-table' });
}

/** The table's mentions as the stores index them. */
export function tableMentions(): AnalyzedMention[] {
  return TABLE_RAW.map((m) => analyzeForTable(m));
}
