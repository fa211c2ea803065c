// The MentionStore contract: what every store (embedded SQLite now, Elasticsearch later) must do.
// Only the MentionStore interface is used, never the backend; each describe block gets a fresh store
// from the factory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzedMention } from '../../src/core/types.js';
import type { MentionStore, SearchRequest } from '../../src/store/types.js';
import { copyOf, makeMention } from '../helpers/mentions.js';
import { QUERY_TABLE, tableMentions } from '../helpers/query-table.js';
import { signalsContract } from './signals.contract.js';

/** A small bilingual corpus, January 2026 (Monday the 5th and Monday the 12th start two weeks). */
function corpus(): AnalyzedMention[] {
  return [
    makeMention({
      id: 'fr-livraison', lang: 'fr', source: 'trustpilot', brands: ['acme'], authorKey: 'author-a',
      text: 'Livraisons toujours en retard, et le prix est élevé.', score: -0.6,
      publishedAt: '2026-01-05T09:00:00Z', terms: { livraison: 1, retard: 1, prix: 1 },
    }),
    makeMention({
      id: 'en-broken', lang: 'en', source: 'reddit', brands: ['acme'], authorKey: 'author-b',
      text: 'Two deliveries arrived broken. Customer service never answered.', score: -0.7,
      publishedAt: '2026-01-05T15:30:00Z', terms: { delivery: 1, broken: 1, 'customer service': 1 },
    }),
    makeMention({
      id: 'en-great', lang: 'en', source: 'reddit', brands: ['acme', 'globex'], authorKey: 'author-c',
      text: 'Great customer service, fast delivery and a fair price.', score: 0.8,
      publishedAt: '2026-01-06T10:00:00Z', terms: { 'customer service': 1, delivery: 1, price: 1, fast: 1 },
    }),
    makeMention({
      id: 'fr-magasin', lang: 'fr', source: 'rss', brands: ['globex'], authorKey: 'author-d',
      title: 'Globex ouvre un magasin', text: 'Le nouveau magasin de Globex à Lyon ouvre ses portes.', score: 0.1,
      publishedAt: '2026-01-07T08:00:00Z', terms: { magasin: 2, globex: 1 },
    }),
    makeMention({
      id: 'en-crash', lang: 'en', source: 'appstore', brands: ['acme'], authorKey: 'author-a',
      text: 'The app keeps crashing after the update.', score: -0.5,
      publishedAt: '2026-01-12T11:00:00Z', terms: { app: 1, crash: 1, update: 1 },
    }),
    makeMention({
      id: 'fr-appli', lang: 'fr', source: 'appstore', brands: ['acme'], authorKey: 'author-e',
      text: 'Application géniale, service client au top !', score: 0.9,
      publishedAt: '2026-01-13T09:00:00Z', terms: { application: 1, 'service client': 1 },
    }),
    makeMention({
      id: 'en-results', lang: 'en', source: 'rss', brands: [], authorKey: 'author-f',
      text: 'Quarterly results: prices rise across the sector.', score: 0,
      publishedAt: '2026-01-14T00:00:00Z', terms: { price: 1, result: 1, sector: 1, quarterly: 1, rise: 1 },
    }),
    makeMention({
      id: 'en-late', lang: 'en', source: 'reddit', brands: ['acme'], authorKey: 'author-g',
      text: 'Delivery was late but the refund was quick.', score: 0.05, label: 'mixed',
      publishedAt: '2026-01-14T23:59:59.999Z', terms: { delivery: 1, refund: 1, late: 1 },
    }),
    makeMention({
      id: 'en-refund', lang: 'en', source: 'reddit', brands: ['acme'], authorKey: 'author-h',
      text: 'Refund! Refund! I want my refund, refund now.', score: -0.4,
      publishedAt: '2026-01-15T12:00:00Z', terms: { refund: 4 },
    }),
  ];
}

/**
 * Three stories, two of them copied (February 2026): story-a twice (a repost the same day, another
 * two days later), story-b once. story-c carries `duplicateOf: null`, which is no copy either.
 */
function duplicatesCorpus(): AnalyzedMention[] {
  const a = makeMention({
    id: 'story-a', lang: 'en', source: 'reddit', brands: ['acme'], authorKey: 'dup-author-a',
    text: 'Acme recalls its espresso machine after reports of overheating.', score: -0.6,
    publishedAt: '2026-02-02T09:00:00Z', terms: { recall: 1, espresso: 1 },
  });
  const b = makeMention({
    id: 'story-b', lang: 'fr', source: 'rss', brands: ['acme'], authorKey: 'dup-author-b',
    text: 'Acme ouvre une boutique à Paris.', score: 0.5,
    publishedAt: '2026-02-03T10:00:00Z', terms: { boutique: 1 },
  });
  const c = makeMention({
    id: 'story-c', lang: 'en', source: 'reddit', brands: ['acme'], authorKey: 'dup-author-c',
    text: 'Tasting notes: the new espresso blend is smooth.', score: 0.2,
    publishedAt: '2026-02-04T15:00:00Z', terms: { espresso: 1 },
  });
  (c as { duplicateOf?: string | null }).duplicateOf = null;
  return [
    a,
    copyOf(a, { id: 'copy-a1', source: 'rss', authorKey: 'dup-author-d', score: -0.4, publishedAt: '2026-02-02T12:00:00Z' }),
    b,
    copyOf(b, { id: 'copy-b1', source: 'rss', authorKey: 'dup-author-e', score: 0.3, publishedAt: '2026-02-03T11:00:00Z' }),
    copyOf(a, { id: 'copy-a2', source: 'mastodon', authorKey: 'dup-author-f', score: -0.8, publishedAt: '2026-02-04T08:00:00Z', terms: { recall: 2 } }),
    c,
  ];
}

const ALL_IDS = corpus().map((m) => m.id);
/** Newest first, as search sorts by default. */
const NEWEST = [...corpus()].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt)).map((m) => m.id);

const sorted = (ids: string[]) => [...ids].sort();

export function storeContract(name: string, makeStore: () => Promise<MentionStore>): void {
  signalsContract(name, makeStore);
  /** A fresh store holding the corpus, for one describe block. */
  function withCorpus(): { store: () => MentionStore } {
    let store: MentionStore | undefined;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureSchema();
      const result = await store.upsert(corpus());
      expect(result.failed).toBe(0);
    });
    afterAll(async () => {
      await store?.close();
    });
    return { store: () => store! };
  }

  async function ids(store: MentionStore, request: SearchRequest): Promise<string[]> {
    const page = await store.search({ limit: 1000, ...request });
    return page.hits.map((h) => h.mention.id);
  }

  describe(`MentionStore contract: ${name}: writes`, () => {
    let store: MentionStore;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureSchema();
      await store.ensureSchema(); // idempotent
    });
    afterAll(async () => {
      await store.close();
    });

    it('refresh() resolves, and what was written before it is counted', async () => {
      await store.upsert([makeMention({ id: 'before-refresh', text: 'counted after refresh' })]);
      await store.refresh();
      expect(await store.count({ query: 'counted' })).toBe(1);
    });

    it('upsert is idempotent by id: the same id twice is one document, reported updated', async () => {
      const m = makeMention({ id: 'same', text: 'first version of the text' });
      const first = await store.upsert([m]);
      expect(first).toMatchObject({ created: 1, updated: 0, failed: 0 });
      expect(first.items).toEqual([{ id: 'same', status: 'created' }]);
      const second = await store.upsert([m]);
      expect(second).toMatchObject({ created: 0, updated: 1, failed: 0 });
      expect(second.items).toEqual([{ id: 'same', status: 'updated' }]);
      expect(await store.count({ query: 'version' })).toBe(1);
    });

    it('an update replaces the document: text, brands and fields', async () => {
      await store.upsert([makeMention({ id: 'changing', text: 'old wording', brands: ['acme'], lang: 'en', source: 'rss' })]);
      const result = await store.upsert([makeMention({ id: 'changing', text: 'new phrasing', brands: ['globex'], lang: 'fr', source: 'reddit' })]);
      expect(result.items).toEqual([{ id: 'changing', status: 'updated' }]);
      expect(await ids(store, { query: 'wording' })).toEqual([]);
      expect(await ids(store, { query: 'phrasing' })).toEqual(['changing']);
      expect(await ids(store, { query: 'phrasing', brand: 'acme' })).toEqual([]);
      expect(await ids(store, { query: 'phrasing', brand: 'globex', lang: 'fr', source: 'reddit' })).toEqual(['changing']);
      expect((await store.get('changing'))?.text).toBe('new phrasing');
    });

    it('reports per item, in input order; a bad item fails alone and the others land', async () => {
      const good1 = makeMention({ id: 'good-1', text: 'perfectly fine mention' });
      const noId = { ...makeMention({ text: 'no id here' }), id: undefined } as unknown as AnalyzedMention;
      const badScore = makeMention({ id: 'bad-score', text: 'score is not finite' });
      badScore.analysis.sentiment.score = Number.NaN;
      const badDate = makeMention({ id: 'bad-date', text: 'date is nonsense', publishedAt: 'yesterday-ish' });
      const good2 = makeMention({ id: 'good-2', text: 'another fine mention' });
      const result = await store.upsert([good1, noId, badScore, badDate, good2]);
      expect(result.items.map((i) => i.status)).toEqual(['created', 'failed', 'failed', 'failed', 'created']);
      expect(result.items.map((i) => i.id)).toEqual(['good-1', '', 'bad-score', 'bad-date', 'good-2']);
      expect(result).toMatchObject({ created: 2, updated: 0, failed: 3 });
      for (const item of result.items.filter((i) => i.status === 'failed')) {
        expect(item.error).toMatchObject({ code: expect.any(String), message: expect.any(String), retriable: false });
      }
      expect(result.items[2]!.error!.message).toMatch(/score/);
      expect(result.items[3]!.error!.message).toMatch(/publishedAt/);
      expect(result.items[0]!.error).toBeUndefined();
      expect(await ids(store, { query: 'fine' })).toEqual(expect.arrayContaining(['good-1', 'good-2']));
      expect(await store.existing(['good-1', 'bad-score', 'bad-date', 'good-2'])).toEqual(new Set(['good-1', 'good-2']));
    });

    it('the same id twice in one batch is created then updated', async () => {
      const a = makeMention({ id: 'twice', text: 'first take' });
      const b = makeMention({ id: 'twice', text: 'second take' });
      const result = await store.upsert([a, b]);
      expect(result.items).toEqual([
        { id: 'twice', status: 'created' },
        { id: 'twice', status: 'updated' },
      ]);
      expect((await store.get('twice'))?.text).toBe('second take');
    });

    it('the repeated-id rule: the same content is unchanged and nothing stored changes; other content is an update', async () => {
      const m = makeMention({ id: 'rule', text: 'the first wording', brands: ['acme'], contentHash: 'hash-1' });
      expect(await store.upsert([m])).toMatchObject({ created: 1, updated: 0, unchanged: 0, failed: 0 });
      // Same content, analyzed again later with other brands: nothing stored changes.
      const again = { ...m, brands: ['globex'], analyzedAt: '2027-01-01T00:00:00.000Z' };
      const second = await store.upsert([again]);
      expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 1, failed: 0 });
      expect(second.items).toEqual([{ id: 'rule', status: 'unchanged' }]);
      expect(await store.get('rule')).toEqual(m);
      expect(await ids(store, { query: 'wording', brand: 'globex' })).toEqual([]);
      // Other content: replaced, last write wins.
      const changed = makeMention({ id: 'rule', text: 'the second phrasing', brands: ['globex'], contentHash: 'hash-2' });
      expect((await store.upsert([changed])).items).toEqual([{ id: 'rule', status: 'updated' }]);
      expect(await store.get('rule')).toEqual(changed);
      expect(await store.contentHashes(['rule', 'never-stored'])).toEqual(new Map([['rule', 'hash-2']]));
      expect(await store.contentHashes([])).toEqual(new Map());
      // In one batch: created, then a repeat of it, then a change of it.
      const a = makeMention({ id: 'rule-batch', text: 'one', contentHash: 'a-1' });
      const result = await store.upsert([a, { ...a }, makeMention({ id: 'rule-batch', text: 'two', contentHash: 'a-2' })]);
      expect(result.items.map((i) => i.status)).toEqual(['created', 'unchanged', 'updated']);
      expect(result).toMatchObject({ created: 1, updated: 1, unchanged: 1, failed: 0 });
      expect((await store.get('rule-batch'))?.text).toBe('two');
      // Stored without a hash (written before hashes existed): cannot be compared, so it is updated.
      const old = makeMention({ id: 'rule-old', text: 'old' });
      await store.upsert([old]);
      expect(await store.contentHashes(['rule-old'])).toEqual(new Map([['rule-old', null]]));
      expect((await store.upsert([{ ...old, contentHash: 'h' }])).items).toEqual([{ id: 'rule-old', status: 'updated' }]);
      const badHash = { ...makeMention({ id: 'rule-bad' }), contentHash: 7 } as unknown as AnalyzedMention;
      expect((await store.upsert([badHash])).items[0]).toMatchObject({ status: 'failed', error: { message: /contentHash/ } });
    });

    it('an empty batch is an empty result', async () => {
      expect(await store.upsert([])).toEqual({ items: [], created: 0, updated: 0, unchanged: 0, failed: 0 });
    });

    it('get returns the stored mention as it was given; existing tells which ids are stored', async () => {
      const m = makeMention({
        id: 'round-trip', title: 'Un titre', text: 'Du texte accentué : ça marche', lang: 'fr', brands: ['acme'],
        url: 'https://example.com/x', rating: 0.75, metrics: { likes: 3 }, score: 0.4, duplicateOf: 'other',
      });
      await store.upsert([m]);
      expect(await store.get('round-trip')).toEqual(m);
      expect(await store.get('never-stored')).toBeUndefined();
      expect(await store.existing([])).toEqual(new Set());
      expect(await store.existing(['round-trip', 'never-stored'])).toEqual(new Set(['round-trip']));
    });
  });

  describe(`MentionStore contract: ${name}: search`, () => {
    const { store } = withCorpus();

    it('an empty or absent query matches everything, newest first, with the total', async () => {
      const page = await store().search({ limit: 1000 });
      expect(page.hits.map((h) => h.mention.id)).toEqual(NEWEST);
      expect(page.total).toBe(ALL_IDS.length);
      expect(page.nextCursor).toBeUndefined();
      expect(await ids(store(), { query: '   ' })).toEqual(NEWEST);
      expect(await store().count()).toBe(ALL_IDS.length);
    });

    it('folds case and accents, and finds inflected forms through lemmas', async () => {
      expect(await ids(store(), { query: 'livraison' })).toEqual(['fr-livraison']);
      expect(await ids(store(), { query: 'LIVRAISONS' })).toEqual(['fr-livraison']);
      expect(sorted(await ids(store(), { query: 'delivery' }))).toEqual(['en-broken', 'en-great', 'en-late']);
      expect(sorted(await ids(store(), { query: 'deliveries' }))).toEqual(['en-broken', 'en-great', 'en-late']);
      expect(await ids(store(), { query: 'eleve' })).toEqual(['fr-livraison']);
      expect(await ids(store(), { query: 'Élevé' })).toEqual(['fr-livraison']);
      expect(await ids(store(), { query: 'geniale' })).toEqual(['fr-appli']);
      // The title is searched too.
      expect(await ids(store(), { query: 'ouvre' })).toEqual(['fr-magasin']);
    });

    it('phrases match consecutive words only', async () => {
      expect(sorted(await ids(store(), { query: '"customer service"' }))).toEqual(['en-broken', 'en-great']);
      expect(await ids(store(), { query: '"service customer"' })).toEqual([]);
      expect(await ids(store(), { query: '"SERVICE CLIENT"' })).toEqual(['fr-appli']);
      expect(await ids(store(), { query: '"prix est eleve"' })).toEqual(['fr-livraison']);
    });

    it('AND, implicit AND, OR, NOT, leading minus and parentheses', async () => {
      expect(await ids(store(), { query: 'customer AND broken' })).toEqual(['en-broken']);
      expect(await ids(store(), { query: 'customer broken' })).toEqual(['en-broken']);
      expect(sorted(await ids(store(), { query: 'magasin OR crashing' }))).toEqual(['en-crash', 'fr-magasin']);
      expect(sorted(await ids(store(), { query: 'delivery NOT late' }))).toEqual(['en-broken', 'en-great']);
      expect(sorted(await ids(store(), { query: 'delivery AND NOT late' }))).toEqual(['en-broken', 'en-great']);
      expect(sorted(await ids(store(), { query: 'delivery -late' }))).toEqual(['en-broken', 'en-great']);
      // AND binds tighter than OR.
      expect(sorted(await ids(store(), { query: 'magasin OR customer AND broken' }))).toEqual(['en-broken', 'fr-magasin']);
      expect(await ids(store(), { query: '(magasin OR customer) AND broken' })).toEqual(['en-broken']);
      expect(sorted(await ids(store(), { query: 'refund -(late OR quick)' }))).toEqual(['en-refund']);
    });

    it('a query that is only negative matches everything else', async () => {
      const notDelivery = await ids(store(), { query: 'NOT delivery' });
      expect(sorted(notDelivery)).toEqual(sorted(ALL_IDS.filter((id) => !['en-broken', 'en-great', 'en-late'].includes(id))));
      expect(sorted(await ids(store(), { query: '-delivery -refund -magasin' }))).toEqual(
        sorted(['fr-livraison', 'en-crash', 'fr-appli', 'en-results']),
      );
      expect(await store().count({ query: 'NOT delivery' })).toBe(notDelivery.length);
      expect(sorted(await ids(store(), { query: 'refund OR NOT delivery' }))).toEqual(
        sorted(ALL_IDS.filter((id) => !['en-broken', 'en-great'].includes(id))),
      );
      expect(sorted(await ids(store(), { query: 'NOT (delivery AND source:reddit)' }))).toEqual(
        sorted(['fr-livraison', 'fr-magasin', 'en-crash', 'fr-appli', 'en-results', 'en-refund']),
      );
      expect(sorted(await ids(store(), { query: 'NOT (NOT refund)' }))).toEqual(['en-late', 'en-refund']);
    });

    it('fields in the query: lang, source, brand, sentiment, also mixed with text and OR', async () => {
      expect(sorted(await ids(store(), { query: 'lang:fr' }))).toEqual(['fr-appli', 'fr-livraison', 'fr-magasin']);
      expect(await ids(store(), { query: 'service AND lang:fr' })).toEqual(['fr-appli']);
      expect(sorted(await ids(store(), { query: 'source:appstore' }))).toEqual(['en-crash', 'fr-appli']);
      expect(sorted(await ids(store(), { query: 'brand:globex' }))).toEqual(['en-great', 'fr-magasin']);
      expect(sorted(await ids(store(), { query: 'sentiment:negative' }))).toEqual(['en-broken', 'en-crash', 'en-refund', 'fr-livraison']);
      expect(sorted(await ids(store(), { query: 'magasin OR source:appstore' }))).toEqual(['en-crash', 'fr-appli', 'fr-magasin']);
      expect(sorted(await ids(store(), { query: 'delivery -lang:en' }))).toEqual([]);
      expect(sorted(await ids(store(), { query: 'lang:(fr OR en) AND crashing' }))).toEqual(['en-crash']);
    });

    it('each filter narrows the result', async () => {
      expect(sorted(await ids(store(), { brand: 'globex' }))).toEqual(['en-great', 'fr-magasin']);
      expect(sorted(await ids(store(), { lang: 'fr' }))).toEqual(['fr-appli', 'fr-livraison', 'fr-magasin']);
      expect(sorted(await ids(store(), { source: 'reddit' }))).toEqual(['en-broken', 'en-great', 'en-late', 'en-refund']);
      expect(sorted(await ids(store(), { sentiment: 'positive' }))).toEqual(['en-great', 'fr-appli']);
      expect(await ids(store(), { sentiment: 'mixed' })).toEqual(['en-late']);
      expect(await ids(store(), { query: 'delivery', brand: 'globex' })).toEqual(['en-great']);
      expect(await ids(store(), { brand: 'nobody' })).toEqual([]);
      expect(await store().count({ brand: 'acme', source: 'reddit' })).toBe(4);
    });

    it('date range: from is inclusive, to is exclusive', async () => {
      expect(await ids(store(), { from: '2026-01-06T10:00:00Z', to: '2026-01-12T11:00:00Z' })).toEqual(['fr-magasin', 'en-great']);
      expect(await ids(store(), { from: '2026-01-14T00:00:00Z', to: '2026-01-15' })).toEqual(['en-late', 'en-results']);
      expect(await ids(store(), { from: '2026-01-15T12:00:00.001Z' })).toEqual([]);
      expect(await ids(store(), { to: '2026-01-05T09:00:00Z' })).toEqual([]);
      expect(await ids(store(), { to: '2026-01-05T09:00:00.001Z' })).toEqual(['fr-livraison']);
      expect(await store().count({ from: '2026-01-12', to: '2026-01-19' })).toBe(5);
    });

    it('newest order: published time descending', async () => {
      const page = await store().search({ query: 'refund OR delivery', sort: 'newest', limit: 10 });
      expect(page.hits.map((h) => h.mention.id)).toEqual(['en-refund', 'en-late', 'en-great', 'en-broken']);
    });

    it('relevance order: best match first, scores descending', async () => {
      const page = await store().search({ query: 'refund', sort: 'relevance', limit: 10 });
      expect(page.hits.map((h) => h.mention.id)).toEqual(['en-refund', 'en-late']);
      const scores = page.hits.map((h) => h.score);
      for (const s of scores) expect(typeof s).toBe('number');
      expect(scores[0]!).toBeGreaterThan(scores[1]!);
    });

    it('relevance without words to score (empty, field-only or negative query) falls back to newest first', async () => {
      expect(await ids(store(), { sort: 'relevance' })).toEqual(NEWEST);
      expect(await ids(store(), { sort: 'relevance', query: 'lang:fr' })).toEqual(['fr-appli', 'fr-magasin', 'fr-livraison']);
      expect(await ids(store(), { sort: 'relevance', query: '-lang:en' })).toEqual(['fr-appli', 'fr-magasin', 'fr-livraison']);
    });

    it('cursor pagination covers every hit exactly once, in order, with the whole total on every page', async () => {
      for (const request of [
        { sort: 'newest' as const },
        { sort: 'newest' as const, query: 'NOT magasin' },
        { sort: 'relevance' as const, query: 'delivery OR refund OR service OR price' },
      ]) {
        const all = await ids(store(), request);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store().search({ ...request, limit: 2, ...(cursor && { cursor }) });
          expect(page.total).toBe(all.length);
          expect(page.hits.length).toBeLessThanOrEqual(2);
          seen.push(...page.hits.map((h) => h.mention.id));
          cursor = page.nextCursor;
          pages++;
          expect(pages).toBeLessThan(20);
        } while (cursor);
        expect(seen).toEqual(all);
        expect(new Set(seen).size).toBe(seen.length);
      }
    });

    it('rejects a malformed cursor, a bad limit and a query syntax error with clear errors', async () => {
      await expect(store().search({ cursor: 'not a cursor!' })).rejects.toMatchObject({ code: 'BAD_CURSOR', message: /cursor/ });
      await expect(store().search({ cursor: 'eyJ4IjoxfQ' })).rejects.toMatchObject({ code: 'BAD_CURSOR' });
      await expect(store().search({ limit: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /limit/ });
      await expect(store().search({ limit: 1001 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /limit/ });
      await expect(store().search({ limit: 2.5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(store().search({ query: 'foo:bar' })).rejects.toMatchObject({ code: 'QUERY_SYNTAX', message: /unknown field "foo"/ });
      await expect(store().search({ query: '(delivery' })).rejects.toMatchObject({ code: 'QUERY_SYNTAX' });
      await expect(store().search({ from: 'last tuesday' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /from/ });
    });

    it('hostile input is data: quotes and SQL in queries and filters find nothing and break nothing', async () => {
      expect(await ids(store(), { query: 'source:"x\' OR 1=1 --"' })).toEqual([]);
      expect(await ids(store(), { source: "x' OR '1'='1" })).toEqual([]);
      expect(await ids(store(), { brand: '"); DROP TABLE mentions; --' })).toEqual([]);
      expect(await ids(store(), { query: '"NEAR(a b)" OR "x"" OR y"' })).toEqual([]);
      expect(await store().count()).toBe(ALL_IDS.length);
    });

    it('a cursor from another query is refused rather than followed', async () => {
      const page = await store().search({ limit: 1 });
      expect(page.nextCursor).toBeDefined();
      await expect(store().search({ query: 'delivery', limit: 1, cursor: page.nextCursor! })).rejects.toMatchObject({ code: 'BAD_CURSOR' });
    });

    it('the default page size is 20', async () => {
      const page = await store().search({});
      expect(page.hits).toHaveLength(ALL_IDS.length); // fewer than 20
      expect(page.nextCursor).toBeUndefined();
    });
  });

  describe(`MentionStore contract: ${name}: the query table shared with the matcher and brand matching`, () => {
    // test/helpers/query-table.ts: the same queries and expected matches as test/unit/query-table.test.ts.
    let store: MentionStore;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureSchema();
      expect((await store.upsert(tableMentions())).failed).toBe(0);
    });
    afterAll(async () => {
      await store.close();
    });

    it.each(QUERY_TABLE)('$query', async ({ query, expected }) => {
      const page = await store.search({ query, limit: 1000, duplicates: 'include' });
      expect(sorted(page.hits.map((h) => h.mention.sourceId))).toEqual(sorted(expected));
      expect(await store.count({ query, duplicates: 'include' })).toBe(expected.length);
    });
  });

  describe(`MentionStore contract: ${name}: aggregations`, () => {
    const { store } = withCorpus();

    it('timeline by day: chronological UTC buckets with count and mean tone, empty days filled', async () => {
      const buckets = await store().timeline({ interval: 'day', from: '2026-01-05', to: '2026-01-16' });
      expect(buckets.map((b) => b.start)).toEqual([
        '2026-01-05T00:00:00.000Z', '2026-01-06T00:00:00.000Z', '2026-01-07T00:00:00.000Z', '2026-01-08T00:00:00.000Z',
        '2026-01-09T00:00:00.000Z', '2026-01-10T00:00:00.000Z', '2026-01-11T00:00:00.000Z', '2026-01-12T00:00:00.000Z',
        '2026-01-13T00:00:00.000Z', '2026-01-14T00:00:00.000Z', '2026-01-15T00:00:00.000Z',
      ]);
      expect(buckets.map((b) => b.count)).toEqual([2, 1, 1, 0, 0, 0, 0, 1, 1, 2, 1]);
      expect(buckets[0]!.meanTone).toBeCloseTo(-0.65, 6);
      expect(buckets[1]!.meanTone).toBeCloseTo(0.8, 6);
      expect(buckets[3]!.meanTone).toBeNull();
      expect(buckets[9]!.meanTone).toBeCloseTo(0.025, 6);
    });

    it('timeline without bounds spans the first to the last hit; with a query and filters', async () => {
      const buckets = await store().timeline({ interval: 'day', query: 'delivery' });
      expect(buckets.map((b) => [b.start.slice(0, 10), b.count])).toEqual([
        ['2026-01-05', 1], ['2026-01-06', 1], ['2026-01-07', 0], ['2026-01-08', 0], ['2026-01-09', 0],
        ['2026-01-10', 0], ['2026-01-11', 0], ['2026-01-12', 0], ['2026-01-13', 0], ['2026-01-14', 1],
      ]);
      const fr = await store().timeline({ interval: 'day', lang: 'fr', from: '2026-01-13', to: '2026-01-14' });
      expect(fr).toEqual([{ start: '2026-01-13T00:00:00.000Z', count: 1, meanTone: 0.9 }]);
      expect(await store().timeline({ interval: 'day', query: 'nothingmatchesthis' })).toEqual([]);
    });

    it('timeline by week: weeks start on Monday', async () => {
      const buckets = await store().timeline({ interval: 'week' });
      expect(buckets.map((b) => b.start)).toEqual(['2026-01-05T00:00:00.000Z', '2026-01-12T00:00:00.000Z']);
      expect(buckets.map((b) => b.count)).toEqual([4, 5]);
      expect(buckets[0]!.meanTone).toBeCloseTo((-0.6 - 0.7 + 0.8 + 0.1) / 4, 6);
      expect(buckets[1]!.meanTone).toBeCloseTo((-0.5 + 0.9 + 0 + 0.05 - 0.4) / 5, 6);
      // A range starting mid-week still buckets by the Monday of that week.
      const mid = await store().timeline({ interval: 'week', from: '2026-01-07', to: '2026-01-20' });
      expect(mid.map((b) => [b.start, b.count])).toEqual([
        ['2026-01-05T00:00:00.000Z', 1],
        ['2026-01-12T00:00:00.000Z', 5],
        ['2026-01-19T00:00:00.000Z', 0],
      ]);
    });

    it('timeline by hour', async () => {
      const buckets = await store().timeline({ interval: 'hour', from: '2026-01-05T08:00:00Z', to: '2026-01-05T11:00:00Z' });
      expect(buckets).toEqual([
        { start: '2026-01-05T08:00:00.000Z', count: 0, meanTone: null },
        { start: '2026-01-05T09:00:00.000Z', count: 1, meanTone: -0.6 },
        { start: '2026-01-05T10:00:00.000Z', count: 0, meanTone: null },
      ]);
    });

    it('top terms: summed counts and mention counts, by count then term', async () => {
      const terms = await store().topTerms({});
      expect(terms.slice(0, 5)).toEqual([
        { term: 'refund', label: 'refund', count: 5, mentions: 2 },
        { term: 'delivery', label: 'delivery', count: 3, mentions: 3 },
        { term: 'customer service', label: 'customer service', count: 2, mentions: 2 },
        { term: 'magasin', label: 'magasin', count: 2, mentions: 1 },
        { term: 'price', label: 'price', count: 2, mentions: 2 },
      ]);
      expect(terms).toHaveLength(20);
      expect((await store().topTerms({ size: 2 })).map((t) => t.term)).toEqual(['refund', 'delivery']);
    });

    it('top terms follow the query and filters', async () => {
      expect(await store().topTerms({ query: 'delivery', size: 3 })).toEqual([
        { term: 'delivery', label: 'delivery', count: 3, mentions: 3 },
        { term: 'customer service', label: 'customer service', count: 2, mentions: 2 },
        { term: 'broken', label: 'broken', count: 1, mentions: 1 },
      ]);
      expect(await store().topTerms({ brand: 'globex' })).toEqual([
        { term: 'magasin', label: 'magasin', count: 2, mentions: 1 },
        { term: 'customer service', label: 'customer service', count: 1, mentions: 1 },
        { term: 'delivery', label: 'delivery', count: 1, mentions: 1 },
        { term: 'fast', label: 'fast', count: 1, mentions: 1 },
        { term: 'globex', label: 'globex', count: 1, mentions: 1 },
        { term: 'price', label: 'price', count: 1, mentions: 1 },
      ]);
      expect(await store().topTerms({ lang: 'fr', from: '2026-01-13' })).toEqual([
        { term: 'application', label: 'application', count: 1, mentions: 1 },
        { term: 'service client', label: 'service client', count: 1, mentions: 1 },
      ]);
      await expect(store().topTerms({ size: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });

  describe(`MentionStore contract: ${name}: GDPR erasure`, () => {
    const { store } = withCorpus();

    it('eraseAuthor deletes every mention of the author from search, counts and aggregations', async () => {
      expect(await store().eraseAuthor('author-a')).toBe(2);
      expect(await store().get('fr-livraison')).toBeUndefined();
      expect(await store().get('en-crash')).toBeUndefined();
      expect(await store().existing(['fr-livraison', 'en-crash', 'en-broken'])).toEqual(new Set(['en-broken']));
      expect(await ids(store(), { query: 'livraison' })).toEqual([]);
      expect(await ids(store(), { query: 'crashing' })).toEqual([]);
      expect(await store().count()).toBe(ALL_IDS.length - 2);
      expect(await ids(store(), { query: 'NOT delivery' })).not.toContain('fr-livraison');
      const terms = (await store().topTerms({ size: 100 })).map((t) => t.term);
      expect(terms).not.toContain('livraison');
      expect(terms).not.toContain('crash');
      const week = await store().timeline({ interval: 'week' });
      expect(week.map((b) => b.count)).toEqual([3, 4]);
      expect(await store().eraseAuthor('author-a')).toBe(0);
      expect(await store().eraseAuthor('nobody')).toBe(0);
    });

    it('an erased mention can be indexed again (a new mention by the same author)', async () => {
      const m = makeMention({ id: 'fr-livraison', authorKey: 'author-a', lang: 'fr', text: 'Nouvelle livraison parfaite' });
      expect((await store().upsert([m])).items).toEqual([{ id: 'fr-livraison', status: 'created' }]);
      expect(await ids(store(), { query: 'livraison' })).toEqual(['fr-livraison']);
    });
  });

  describe(`MentionStore contract: ${name}: near-duplicates`, () => {
    let store: MentionStore;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureSchema();
      const result = await store.upsert(duplicatesCorpus());
      expect(result.failed).toBe(0);
    });
    afterAll(async () => {
      await store?.close();
    });

    const originals = ['story-c', 'story-b', 'story-a']; // newest first
    const everything = ['story-c', 'copy-a2', 'copy-b1', 'story-b', 'copy-a1', 'story-a'];

    it('count: copies are left out by default; include counts every mention, only the copies', async () => {
      expect(await store.count()).toBe(3);
      expect(await store.count({ duplicates: 'exclude' })).toBe(3);
      expect(await store.count({ duplicates: 'include' })).toBe(6);
      expect(await store.count({ duplicates: 'only' })).toBe(3);
      // With a query and with filters, in each mode.
      expect(await store.count({ query: 'espresso' })).toBe(2);
      expect(await store.count({ query: 'espresso', duplicates: 'include' })).toBe(4);
      expect(await store.count({ query: 'espresso', duplicates: 'only' })).toBe(2);
      expect(await store.count({ source: 'rss' })).toBe(1);
      expect(await store.count({ source: 'rss', duplicates: 'include' })).toBe(3);
      expect(await store.count({ source: 'rss', duplicates: 'only' })).toBe(2);
      expect(await store.count({ query: 'NOT espresso', duplicates: 'only' })).toBe(1);
    });

    it('search: each story once by default; include shows the copies too, only the copies with duplicateOf', async () => {
      const byDefault = await store.search({ limit: 100 });
      expect(byDefault.hits.map((h) => h.mention.id)).toEqual(originals);
      expect(byDefault.total).toBe(3);
      expect(await ids(store, { duplicates: 'exclude' })).toEqual(originals);
      const all = await store.search({ limit: 100, duplicates: 'include' });
      expect(all.hits.map((h) => h.mention.id)).toEqual(everything);
      expect(all.total).toBe(6);
      const only = await store.search({ limit: 100, duplicates: 'only' });
      expect(only.hits.map((h) => [h.mention.id, h.mention.duplicateOf])).toEqual([
        ['copy-a2', 'story-a'],
        ['copy-b1', 'story-b'],
        ['copy-a1', 'story-a'],
      ]);
      expect(only.total).toBe(3);
      // With a query, relevance order and filters.
      expect(await ids(store, { query: 'recalls' })).toEqual(['story-a']);
      expect(sorted(await ids(store, { query: 'recalls', sort: 'relevance', duplicates: 'include' }))).toEqual(['copy-a1', 'copy-a2', 'story-a']);
      expect(await ids(store, { query: 'recalls', sort: 'relevance', duplicates: 'only' })).toHaveLength(2);
      expect(await ids(store, { lang: 'fr', duplicates: 'include' })).toEqual(['copy-b1', 'story-b']);
      expect(await ids(store, { lang: 'fr', duplicates: 'only' })).toEqual(['copy-b1']);
      // get and existing see every mention, copies included.
      expect((await store.get('copy-a1'))?.duplicateOf).toBe('story-a');
      expect(await store.existing(['story-a', 'copy-a1', 'copy-a2'])).toEqual(new Set(['story-a', 'copy-a1', 'copy-a2']));
    });

    it('search pages through each mode exactly once, and a cursor of one mode is refused in another', async () => {
      for (const duplicates of ['exclude', 'include', 'only'] as const) {
        const all = await ids(store, { duplicates });
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.search({ duplicates, limit: 2, ...(cursor && { cursor }) });
          expect(page.total).toBe(all.length);
          seen.push(...page.hits.map((h) => h.mention.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(all);
      }
      const first = await store.search({ limit: 1 });
      await expect(store.search({ limit: 1, duplicates: 'include', cursor: first.nextCursor! })).rejects.toMatchObject({ code: 'BAD_CURSOR' });
    });

    it('timeline: counts and mean tone of the originals by default, of every mention or of the copies on request', async () => {
      const range = { interval: 'day' as const, from: '2026-02-02', to: '2026-02-05' };
      const byDefault = await store.timeline(range);
      expect(byDefault.map((b) => b.count)).toEqual([1, 1, 1]);
      expect(byDefault.map((b) => b.meanTone)).toEqual([-0.6, 0.5, 0.2]);
      expect(await store.timeline({ ...range, duplicates: 'exclude' })).toEqual(byDefault);
      const all = await store.timeline({ ...range, duplicates: 'include' });
      expect(all.map((b) => b.count)).toEqual([2, 2, 2]);
      expect(all[0]!.meanTone).toBeCloseTo(-0.5, 6);
      expect(all[1]!.meanTone).toBeCloseTo(0.4, 6);
      expect(all[2]!.meanTone).toBeCloseTo(-0.3, 6);
      const only = await store.timeline({ ...range, duplicates: 'only' });
      expect(only.map((b) => [b.count, b.meanTone])).toEqual([[1, -0.4], [1, 0.3], [1, -0.8]]);
      expect((await store.timeline({ interval: 'week', query: 'recalls', duplicates: 'include' })).map((b) => b.count)).toEqual([3]);
      expect((await store.timeline({ interval: 'week', query: 'recalls' })).map((b) => b.count)).toEqual([1]);
    });

    it('top terms: a copied story’s words count once by default', async () => {
      expect(await store.topTerms({})).toEqual([
        { term: 'espresso', label: 'espresso', count: 2, mentions: 2 },
        { term: 'boutique', label: 'boutique', count: 1, mentions: 1 },
        { term: 'recall', label: 'recall', count: 1, mentions: 1 },
      ]);
      expect(await store.topTerms({ duplicates: 'exclude' })).toEqual(await store.topTerms({}));
      expect(await store.topTerms({ duplicates: 'include' })).toEqual([
        { term: 'recall', label: 'recall', count: 4, mentions: 3 },
        { term: 'espresso', label: 'espresso', count: 3, mentions: 3 },
        { term: 'boutique', label: 'boutique', count: 2, mentions: 2 },
      ]);
      expect(await store.topTerms({ duplicates: 'only' })).toEqual([
        { term: 'recall', label: 'recall', count: 3, mentions: 2 },
        { term: 'boutique', label: 'boutique', count: 1, mentions: 1 },
        { term: 'espresso', label: 'espresso', count: 1, mentions: 1 },
      ]);
      expect(await store.topTerms({ source: 'rss', duplicates: 'only' })).toEqual([
        { term: 'boutique', label: 'boutique', count: 1, mentions: 1 },
        { term: 'espresso', label: 'espresso', count: 1, mentions: 1 },
        { term: 'recall', label: 'recall', count: 1, mentions: 1 },
      ]);
    });

    it('significant terms follow the same mode (copies left out by default)', async () => {
      const period = { from: '2026-02-02', to: '2026-02-05', minMentions: 1 };
      const byDefault = await store.significantTerms(period);
      expect(byDefault.find((t) => t.term === 'recall')).toMatchObject({ mentions: 1 });
      const all = await store.significantTerms({ ...period, duplicates: 'include' });
      expect(all.find((t) => t.term === 'recall')).toMatchObject({ mentions: 3 });
    });

    it('an unknown mode is a bad request, whichever read', async () => {
      const bad = { duplicates: 'some' } as unknown as { duplicates: 'include' };
      const failure = { code: 'BAD_REQUEST', message: /duplicates: must be one of exclude, include, only/ };
      await expect(store.count(bad)).rejects.toMatchObject(failure);
      await expect(store.search(bad)).rejects.toMatchObject(failure);
      await expect(store.timeline({ interval: 'day', ...bad })).rejects.toMatchObject(failure);
      await expect(store.topTerms(bad)).rejects.toMatchObject(failure);
    });

    it('an update can mark a mention a copy or an original again; bad duplicateOf values fail alone', async () => {
      const later = makeMention({ id: 'story-d', text: 'Acme recalls more espresso machines.', publishedAt: '2026-02-06T10:00:00Z', terms: { recall: 1 } });
      await store.upsert([later]);
      expect(await store.count({ query: 'recalls' })).toBe(2);
      expect((await store.upsert([{ ...later, duplicateOf: 'story-a' }])).items).toEqual([{ id: 'story-d', status: 'updated' }]);
      expect(await store.count({ query: 'recalls' })).toBe(1);
      expect(await ids(store, { query: 'recalls', duplicates: 'only' })).toEqual(['story-d', 'copy-a2', 'copy-a1']);
      await store.upsert([later]);
      expect(await store.count({ query: 'recalls' })).toBe(2);
      expect(await store.count({ query: 'recalls', duplicates: 'only' })).toBe(2);

      const number = { ...makeMention({ id: 'dup-number' }), duplicateOf: 42 } as unknown as AnalyzedMention;
      const empty = makeMention({ id: 'dup-empty', duplicateOf: '' });
      const self = makeMention({ id: 'dup-self', duplicateOf: 'dup-self' });
      const fine = makeMention({ id: 'dup-fine', duplicateOf: 'story-b' });
      const result = await store.upsert([number, empty, self, fine]);
      expect(result.items.map((i) => [i.id, i.status])).toEqual([
        ['dup-number', 'failed'],
        ['dup-empty', 'failed'],
        ['dup-self', 'failed'],
        ['dup-fine', 'created'],
      ]);
      for (const item of result.items.slice(0, 3)) expect(item.error).toMatchObject({ code: 'STORE_ITEM_INVALID', message: /duplicateOf/, retriable: false });
      expect(await store.existing(['dup-number', 'dup-empty', 'dup-self', 'dup-fine'])).toEqual(new Set(['dup-fine']));
    });
  });

  describe(`MentionStore contract: ${name}: significant terms`, () => {
    let store: MentionStore;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureSchema();
      const day = (d: number, h: number) => new Date(Date.UTC(2026, 2, d, h)).toISOString();
      const mentions = [];
      for (let i = 0; i < 10; i++) {
        // Week of 2 March: coffee and price as usual.
        mentions.push(makeMention({ id: `before-${i}`, publishedAt: day(2 + (i % 7), 9), terms: { coffee: 1, ...(i < 3 && { price: 1 }) }, brands: ['acme'] }));
        // Week of 9 March: the same, plus a wave of refunds and lateness.
        mentions.push(
          makeMention({ id: `during-${i}`, publishedAt: day(9 + (i % 7), 9), terms: { coffee: 1, ...(i < 3 && { price: 1 }), ...(i < 6 && { refund: 2 }), ...(i >= 5 && { late: 1 }) }, brands: ['acme'] }),
        );
      }
      mentions.push(makeMention({ id: 'other-brand', publishedAt: day(10, 9), terms: { refund: 1, strike: 1 }, brands: ['globex'] }));
      expect((await store.upsert(mentions)).failed).toBe(0);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('ranks the terms that rose against the previous period of the same length, by G²', async () => {
      const terms = await store.significantTerms({ from: '2026-03-09', to: '2026-03-16', brand: 'acme' });
      expect(terms.map((t) => t.term)).toEqual(['refund', 'late']);
      expect(terms[0]).toMatchObject({ term: 'refund', mentions: 6, backgroundMentions: 0 });
      expect(terms[0]!.score).toBeGreaterThan(3.84);
      expect(terms[0]!.score).toBeGreaterThan(terms[1]!.score);
    });

    it('follows filters, and rejects an empty period', async () => {
      const all = await store.significantTerms({ from: '2026-03-09', to: '2026-03-16', minMentions: 1 });
      expect(all.map((t) => t.term)).toContain('strike');
      expect(await store.significantTerms({ from: '2026-03-09', to: '2026-03-16', brand: 'acme', size: 1 })).toHaveLength(1);
      await expect(store.significantTerms({ from: '2026-03-16', to: '2026-03-09' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });

  describe(`MentionStore contract: ${name}: what the dashboard reads (facets, fields, share of voice, labels)`, () => {
    let store: MentionStore;
    const at = (d: number, h = 9) => new Date(Date.UTC(2026, 3, d, h)).toISOString();
    const field = (tone: number) => ({ hits: 1, tone });
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureSchema();
      const mentions = [
        makeMention({
          id: 'face-1', lang: 'fr', source: 'trustpilot', brands: ['acme'], score: -0.6, publishedAt: at(6),
          text: 'Le service client ne répond pas, livraison en retard.',
          terms: { servic: 1, client: 1, 'servic client': 1, livraison: 1 },
          analysis: { labels: { servic: 'service', 'servic client': 'service client' }, fields: { customer_service: field(-0.8), delivery: field(-0.4) } },
        }),
        makeMention({
          id: 'face-2', lang: 'fr', source: 'trustpilot', brands: ['acme', 'globex'], score: 0.8, publishedAt: at(6, 15),
          text: 'Services clients très réactifs chez les deux.',
          terms: { servic: 1, client: 1, 'servic client': 1 },
          analysis: { labels: { servic: 'services', client: 'clients', 'servic client': 'services clients' }, fields: { customer_service: field(0.6) } },
        }),
        makeMention({
          id: 'face-3', lang: 'fr', source: 'rss', brands: ['acme'], score: 0.2, publishedAt: at(7),
          text: 'Acme améliore son service client.',
          terms: { servic: 1, client: 1, 'servic client': 1 },
          analysis: { labels: { servic: 'service', 'servic client': 'service client' }, fields: { customer_service: field(0.2) } },
        }),
        makeMention({
          id: 'face-4', lang: 'en', source: 'reddit', brands: ['globex'], score: -0.4, publishedAt: at(7, 12),
          text: 'Globex delivered late again.',
          terms: { deliver: 1, late: 1 },
          analysis: { labels: { deliver: 'delivered' }, fields: { delivery: field(-0.5) } },
        }),
        makeMention({
          id: 'face-5', lang: 'en', source: 'reddit', brands: ['initech'], score: 0, publishedAt: at(8),
          text: 'Initech posts its results.', terms: { result: 1 },
        }),
        makeMention({
          id: 'face-6', lang: 'en', source: 'reddit', brands: ['acme'], score: 1, publishedAt: at(13),
          text: 'Acme delivers on time, always.', terms: { deliver: 1, time: 1 },
          analysis: { labels: { deliver: 'delivers' }, fields: { delivery: field(0.9) } },
        }),
      ];
      expect((await store.upsert(mentions)).failed).toBe(0);
      await store.refresh();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('facets: counts per source, language, tone, semantic field and brand, by count then value', async () => {
      expect(await store.facets({})).toEqual({
        source: [{ value: 'reddit', count: 3 }, { value: 'trustpilot', count: 2 }, { value: 'rss', count: 1 }],
        lang: [{ value: 'en', count: 3 }, { value: 'fr', count: 3 }],
        sentiment: [{ value: 'negative', count: 2 }, { value: 'neutral', count: 2 }, { value: 'positive', count: 2 }],
        field: [{ value: 'customer_service', count: 3 }, { value: 'delivery', count: 3 }],
        brand: [{ value: 'acme', count: 4 }, { value: 'globex', count: 2 }, { value: 'initech', count: 1 }],
      });
    });

    it('facets follow the query and filters, and cut each list to size', async () => {
      expect(await store.facets({ brand: 'globex' })).toEqual({
        source: [{ value: 'reddit', count: 1 }, { value: 'trustpilot', count: 1 }],
        lang: [{ value: 'en', count: 1 }, { value: 'fr', count: 1 }],
        sentiment: [{ value: 'negative', count: 1 }, { value: 'positive', count: 1 }],
        field: [{ value: 'customer_service', count: 1 }, { value: 'delivery', count: 1 }],
        brand: [{ value: 'globex', count: 1 + 1 }, { value: 'acme', count: 1 }],
      });
      const small = await store.facets({ size: 1, lang: 'en' });
      expect(small.source).toEqual([{ value: 'reddit', count: 3 }]);
      expect(small.brand).toEqual([{ value: 'acme', count: 1 }]);
      const none = await store.facets({ query: 'nothingmatchesthis' });
      expect(none).toEqual({ source: [], lang: [], sentiment: [], field: [], brand: [] });
      await expect(store.facets({ size: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });

    it('fieldStats: mentions, share of the matching mentions and mean tone per semantic field', async () => {
      const stats = await store.fieldStats({});
      expect(stats.map((s) => [s.field, s.mentions])).toEqual([['customer_service', 3], ['delivery', 3]]);
      expect(stats[0]!.share).toBeCloseTo(3 / 6, 9);
      expect(stats[0]!.meanTone).toBeCloseTo((-0.8 + 0.6 + 0.2) / 3, 9);
      expect(stats[1]!.meanTone).toBeCloseTo((-0.4 - 0.5 + 0.9) / 3, 9);
      const acme = await store.fieldStats({ brand: 'acme', from: at(6, 0), to: at(8, 0) });
      expect(acme.map((s) => [s.field, s.mentions])).toEqual([['customer_service', 3], ['delivery', 1]]);
      expect(acme[1]!.share).toBeCloseTo(1 / 3, 9);
      expect(acme[1]!.meanTone).toBeCloseTo(-0.4, 9);
      expect(await store.fieldStats({ query: 'nothingmatchesthis' })).toEqual([]);
    });

    it('shareOfVoice: each brand’s mentions and tone-weighted share against the others, in the order asked', async () => {
      const sov = await store.shareOfVoice({ brands: ['acme', 'globex', 'umbrella'] });
      expect(sov.buckets).toBeUndefined();
      expect(sov.totals.map((t) => [t.brand, t.mentions])).toEqual([['acme', 4], ['globex', 2], ['umbrella', 0]]);
      expect(sov.totals[0]!.share).toBeCloseTo(4 / 6, 9);
      expect(sov.totals[1]!.share).toBeCloseTo(2 / 6, 9);
      expect(sov.totals[2]).toEqual({ brand: 'umbrella', mentions: 0, share: 0, toneWeightedShare: 0, meanTone: null });
      // Weights (1 + tone) / 2: acme 0.2 + 0.9 + 0.6 + 1 = 2.7, globex 0.9 + 0.3 = 1.2.
      expect(sov.totals[0]!.toneWeightedShare).toBeCloseTo(2.7 / 3.9, 9);
      expect(sov.totals[1]!.toneWeightedShare).toBeCloseTo(1.2 / 3.9, 9);
      expect(sov.totals[0]!.meanTone).toBeCloseTo((-0.6 + 0.8 + 0.2 + 1) / 4, 9);
      expect(sov.totals[1]!.meanTone).toBeCloseTo((0.8 - 0.4) / 2, 9);
    });

    it('shareOfVoice over time: one bucket per interval, every brand in each, empty ones filled', async () => {
      const sov = await store.shareOfVoice({ brands: ['acme', 'globex'], interval: 'day', from: at(6, 0), to: at(9, 0), lang: 'fr' });
      expect(sov.totals.map((t) => [t.brand, t.mentions])).toEqual([['acme', 3], ['globex', 1]]);
      expect(sov.buckets).toEqual([
        { start: '2026-04-06T00:00:00.000Z', counts: { acme: 2, globex: 1 } },
        { start: '2026-04-07T00:00:00.000Z', counts: { acme: 1, globex: 0 } },
        { start: '2026-04-08T00:00:00.000Z', counts: { acme: 0, globex: 0 } },
      ]);
      const weekly = await store.shareOfVoice({ brands: ['acme', 'initech'], interval: 'week', query: 'source:reddit' });
      expect(weekly.buckets).toEqual([
        { start: '2026-04-06T00:00:00.000Z', counts: { acme: 0, initech: 1 } },
        { start: '2026-04-13T00:00:00.000Z', counts: { acme: 1, initech: 0 } },
      ]);
      await expect(store.shareOfVoice({ brands: [] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /brands/ });
      await expect(store.shareOfVoice({ brands: ['acme', ''] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /brands\[1\]/ });
      await expect(store.shareOfVoice({ brands: ['acme'], interval: 'month' as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });

    it('top and significant terms carry the most frequent surface form of each lemma as their label', async () => {
      const top = await store.topTerms({ size: 4 });
      expect(top).toEqual([
        { term: 'client', label: 'client', count: 3, mentions: 3 },
        { term: 'deliver', label: 'delivered', count: 2, mentions: 2 },
        { term: 'servic', label: 'service', count: 3, mentions: 3 },
        { term: 'servic client', label: 'service client', count: 3, mentions: 3 },
      ].sort((a, b) => b.count - a.count || (a.term < b.term ? -1 : 1)));
      // In the second week only "delivers" was written.
      expect((await store.topTerms({ from: at(13, 0), size: 1 }))[0]).toMatchObject({ term: 'deliver', label: 'delivers' });
      const rising = await store.significantTerms({ from: at(6, 0), to: at(8, 0), minMentions: 1 });
      expect(rising.find((t) => t.term === 'servic client')).toMatchObject({ label: 'service client', mentions: 3 });
    });

    it('a mention whose labels are not strings fails alone, naming the term', async () => {
      const bad = makeMention({ id: 'face-bad-labels', publishedAt: at(20), analysis: { labels: { servic: 3 as unknown as string } } });
      const result = await store.upsert([bad]);
      expect(result.items[0]).toMatchObject({ status: 'failed', error: { code: 'STORE_ITEM_INVALID', message: expect.stringMatching(/analysis\.labels\["servic"\]/) } });
    });

    it('an update replaces the facets, fields and labels of the mention; erasure removes them', async () => {
      const mention = makeMention({
        id: 'face-7', lang: 'fr', source: 'rss', brands: ['umbrella'], authorKey: 'face-eraser', score: -1, publishedAt: at(9),
        text: 'Remboursements refusés.', terms: { rembours: 1 },
        analysis: { labels: { rembours: 'remboursements' }, fields: { refund: field(-1) } },
      });
      await store.upsert([mention]);
      await store.upsert([{ ...mention, analysis: { ...mention.analysis, labels: { rembours: 'remboursement' }, fields: { billing: field(-1) } } }]);
      await store.refresh();
      const facets = await store.facets({ brand: 'umbrella' });
      expect(facets.field).toEqual([{ value: 'billing', count: 1 }]);
      expect(await store.topTerms({ brand: 'umbrella' })).toEqual([{ term: 'rembours', label: 'remboursement', count: 1, mentions: 1 }]);
      expect(await store.eraseAuthor('face-eraser')).toBe(1);
      await store.refresh();
      expect((await store.facets({})).field).toEqual([{ value: 'customer_service', count: 3 }, { value: 'delivery', count: 3 }]);
      expect((await store.shareOfVoice({ brands: ['umbrella'] })).totals[0]!.mentions).toBe(0);
    });
  });
}
