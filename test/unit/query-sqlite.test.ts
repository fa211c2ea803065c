// The SQLite translator: its output shape and escaping, and that it means exactly what the
// in-memory matcher means (brand matching and search must agree on every query).
import { describe, expect, it } from 'vitest';
import type { AnalyzedMention } from '../../src/core/types.js';
import { foldedWords } from '../../src/nlp/normalize.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { compileMatcher } from '../../src/query/match.js';
import { parseQuery } from '../../src/query/parse.js';
import { compileSqlite, ftsString } from '../../src/query/compile/sqlite.js';
import { makeMention } from '../helpers/mentions.js';

describe('compileSqlite', () => {
  it('a term searches its folded word in text and its indexed forms in lemmas', () => {
    expect(compileSqlite(parseQuery('Deliveries'))).toEqual({
      match: '(text : "deliveries" OR lemmas : "delivery" OR lemmas : "deliver")',
    });
    expect(compileSqlite(parseQuery('élevé'))).toEqual({ match: '(text : "eleve" OR lemmas : "eleve" OR lemmas : "elev")' });
  });

  it('a phrase searches consecutive words of the text', () => {
    expect(compileSqlite(parseQuery('"Service  client"'))).toEqual({ match: 'text : "service client"' });
  });

  it('AND / OR / NOT of text stay in one MATCH; NOT is binary in FTS5', () => {
    expect(compileSqlite(parseQuery('"a b" "c d"')).match).toBe('(text : "a b" AND text : "c d")');
    expect(compileSqlite(parseQuery('"a b" OR "c d"')).match).toBe('(text : "a b" OR text : "c d")');
    expect(compileSqlite(parseQuery('"a b" -"c d" -"e f"')).match).toBe('(text : "a b" NOT (text : "c d" OR text : "e f"))');
  });

  it('a query that is only negative becomes an SQL NOT IN over the FTS table', () => {
    expect(compileSqlite(parseQuery('-"a b"'))).toEqual({
      where: { sql: 'm.doc NOT IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)', params: ['text : "a b"'] },
    });
  });

  it('fields are bound parameters, never SQL text', () => {
    const q = compileSqlite(parseQuery('"a b" source:"x\' OR 1=1 --" brand:acme'));
    expect(q.match).toBe('text : "a b"');
    expect(q.where?.params).toEqual(["x' OR 1=1 --", 'acme']);
    expect(q.where?.sql).not.toContain('1=1');
    expect(q.where?.sql).toBe('(m.source = ?) AND (m.doc IN (SELECT doc FROM mention_brands WHERE brand = ?))');
  });

  it('OR across text and a field becomes SQL', () => {
    const q = compileSqlite(parseQuery('"a b" OR lang:fr'));
    expect(q.match).toBeUndefined();
    expect(q.where).toEqual({
      sql: '(m.doc IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)) OR (m.lang = ?)',
      params: ['text : "a b"', 'fr'],
    });
  });

  it('the empty query has no condition', () => {
    expect(compileSqlite(parseQuery(''))).toEqual({});
  });

  it('quotes inside FTS strings are doubled', () => {
    expect(ftsString('a"b')).toBe('"a""b"');
  });
});

describe('the SQLite store and the in-memory matcher agree', () => {
  const corpus: AnalyzedMention[] = [
    makeMention({ id: 'fr1', lang: 'fr', source: 'rss', brands: ['acme'], score: -0.6, text: 'Livraisons toujours en retard, prix élevé' }),
    makeMention({ id: 'fr2', lang: 'fr', source: 'appstore', brands: ['globex'], score: 0.7, title: 'Super appli', text: 'Le service client répond vite' }),
    makeMention({ id: 'en1', lang: 'en', source: 'reddit', brands: ['acme', 'globex'], score: -0.5, text: 'Two deliveries arrived broken; customer service is slow' }),
    makeMention({ id: 'en2', lang: 'en', source: 'rss', brands: [], score: 0.9, text: 'Fast delivery, great prices, lovely e-mail updates' }),
    makeMention({ id: 'en3', lang: 'en', source: 'reddit', brands: ['acme'], score: 0, text: 'Refunds take 24/7 support calls' }),
  ];
  const queries = [
    '', 'livraison', 'delivery', 'deliveries', 'eleve', 'PRIX', 'price', '"customer service"', '"service customer"',
    'e-mail', '24/7', 'refund', 'delivery OR livraison', 'delivery AND broken', 'delivery -broken', 'NOT delivery',
    '-delivery -livraison', 'lang:fr', 'lang:fr OR refund', 'NOT (delivery AND lang:en)', 'source:reddit -refund',
    'brand:globex', 'sentiment:negative OR "service client"', '(delivery OR livraison) AND NOT sentiment:positive',
    'appli', 'super', 'delivery OR NOT source:rss', 'NOT (NOT refund OR lang:fr)',
  ];

  it.each(queries)('%j', async (query) => {
    const store = new EmbeddedMentionStore({ file: ':memory:' });
    await store.ensureSchema();
    await store.upsert(corpus);
    const matcher = compileMatcher(parseQuery(query));
    const expected = corpus
      .filter((m) =>
        matcher({
          words: foldedWords(m.title ? `${m.title} ${m.text}` : m.text),
          lemmas: m.analysis.lemmas,
          fields: { lang: m.analysis.lang, source: m.source, brands: m.brands, sentiment: m.analysis.sentiment.label },
        }),
      )
      .map((m) => m.id)
      .sort();
    const page = await store.search({ query, limit: 100 });
    expect(page.hits.map((h) => h.mention.id).sort()).toEqual(expected);
    await store.close();
  });
});
