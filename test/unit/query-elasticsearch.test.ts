// The Elasticsearch translator without a server: the DSL of each AST construct, and that the DSL,
// run over the fields the store derives (src/store/elasticsearch/schema.ts), means exactly what the
// in-memory matcher means. The real server runs it in test/contract/store.elasticsearch.test.ts.
import { describe, expect, it } from 'vitest';
import type { AnalyzedMention } from '../../src/core/types.js';
import { foldedWords } from '../../src/nlp/normalize.js';
import { derive } from '../../src/store/elasticsearch/schema.js';
import type { QueryNode } from '../../src/query/ast.js';
import { compileElasticsearch, isScored, type EsQuery } from '../../src/query/compile/elasticsearch.js';
import { compileMatcher } from '../../src/query/match.js';
import { parseQuery } from '../../src/query/parse.js';
import { makeMention } from '../helpers/mentions.js';

const es = (query: string) => compileElasticsearch(parseQuery(query));

describe('compileElasticsearch', () => {
  it('the empty query is match_all', () => {
    expect(es('')).toEqual({ match_all: {} });
    expect(compileElasticsearch({ type: 'all' })).toEqual({ match_all: {} });
  });

  it('a term: its folded word in the text, or one of its indexed forms among the lemmas', () => {
    expect(es('Deliveries')).toEqual({
      bool: {
        should: [{ match_phrase: { 'ecoute.text': 'deliveries' } }, { terms: { 'ecoute.lemmas': ['delivery', 'deliver'] } }],
        minimum_should_match: 1,
      },
    });
    expect(es('élevé')).toEqual({
      bool: { should: [{ match_phrase: { 'ecoute.text': 'eleve' } }, { terms: { 'ecoute.lemmas': ['eleve', 'elev'] } }], minimum_should_match: 1 },
    });
  });

  it('a phrase: consecutive folded words of the text; a word the tokenizer splits is a phrase too', () => {
    expect(es('"Service  CLIENT"')).toEqual({ match_phrase: { 'ecoute.text': 'service client' } });
    expect(es("l'appli")).toEqual({ match_phrase: { 'ecoute.text': 'l appli' } });
    expect(compileElasticsearch({ type: 'phrase', words: ['!!'] })).toEqual({ match_none: {} });
  });

  it('fields are exact terms on keyword fields', () => {
    expect(es('lang:FR')).toEqual({ term: { 'analysis.lang': 'fr' } });
    expect(es('source:reddit')).toEqual({ term: { source: 'reddit' } });
    expect(es('brand:acme')).toEqual({ term: { brands: 'acme' } });
    expect(es('sentiment:negative')).toEqual({ term: { 'analysis.sentiment.label': 'negative' } });
  });

  it('AND: text in must, fields in filter, negations in must_not', () => {
    expect(es('"a b" lang:fr -"c d" -source:rss')).toEqual({
      bool: {
        must: [{ match_phrase: { 'ecoute.text': 'a b' } }],
        filter: [{ term: { 'analysis.lang': 'fr' } }],
        must_not: [{ match_phrase: { 'ecoute.text': 'c d' } }, { term: { source: 'rss' } }],
      },
    });
    // One scored clause alone is itself.
    expect(compileElasticsearch({ type: 'and', children: [{ type: 'phrase', words: ['a', 'b'] }, { type: 'all' }] })).toEqual({
      match_phrase: { 'ecoute.text': 'a b' },
    });
  });

  it('OR: should with minimum_should_match 1; branches without text match with score 0 (filter)', () => {
    expect(es('"a b" OR "c d"')).toEqual({
      bool: { should: [{ match_phrase: { 'ecoute.text': 'a b' } }, { match_phrase: { 'ecoute.text': 'c d' } }], minimum_should_match: 1 },
    });
    expect(es('"a b" OR lang:fr OR NOT "c d"')).toEqual({
      bool: {
        should: [
          { match_phrase: { 'ecoute.text': 'a b' } },
          { bool: { filter: [{ term: { 'analysis.lang': 'fr' } }] } },
          { bool: { filter: [{ bool: { must_not: [{ match_phrase: { 'ecoute.text': 'c d' } }] } }] } },
        ],
        minimum_should_match: 1,
      },
    });
    expect(compileElasticsearch({ type: 'or', children: [{ type: 'phrase', words: ['a'] }, { type: 'all' }] })).toEqual({ match_all: {} });
  });

  it('NOT: must_not (a bool with only must_not matches every other document)', () => {
    expect(es('NOT "a b"')).toEqual({ bool: { must_not: [{ match_phrase: { 'ecoute.text': 'a b' } }] } });
    expect(es('NOT ("a b" OR lang:fr)')).toEqual({
      bool: {
        must_not: [
          { bool: { should: [{ match_phrase: { 'ecoute.text': 'a b' } }, { bool: { filter: [{ term: { 'analysis.lang': 'fr' } }] } }], minimum_should_match: 1 } },
        ],
      },
    });
    expect(compileElasticsearch({ type: 'and', children: [{ type: 'not', child: { type: 'field', field: 'lang', value: 'en' } }] })).toEqual({
      bool: { must_not: [{ term: { 'analysis.lang': 'en' } }] },
    });
  });

  it('hostile text is only ever a value', () => {
    const q = JSON.stringify(es('source:"x\' OR 1=1 --" "NEAR(a b)" "title:* OR _id:x"'));
    expect(q).toContain('"source":"x\' OR 1=1 --"');
    expect(q).toContain('"ecoute.text":"near a b"');
    expect(q).toContain('"ecoute.text":"title or id x"');
    expect(q).not.toContain('query_string');
    expect(JSON.stringify(es('"field.name"'))).toContain('"ecoute.text":"field name"');
  });

  it('isScored: a positive term or phrase outside any NOT', () => {
    const cases: [string, boolean][] = [
      ['', false], ['lang:fr', false], ['-lang:en', false], ['NOT refund', false], ['refund', true], ['"a b"', true],
      ['refund lang:fr', true], ['refund OR lang:fr', true], ['NOT (NOT refund)', true], ['-refund -delivery', false],
    ];
    for (const [query, scored] of cases) expect([query, isScored(parseQuery(query))]).toEqual([query, scored]);
  });
});

// --- the DSL's meaning, evaluated as Elasticsearch would on the derived fields -------------------

interface IndexedDoc {
  /** ecoute.text under the whitespace analyzer. */
  text: string[];
  keywords: Record<string, string[]>;
}

function indexed(m: AnalyzedMention): IndexedDoc {
  const d = derive(m, Date.parse(m.publishedAt));
  return {
    text: d.text.split(/\s+/).filter(Boolean),
    keywords: {
      'ecoute.lemmas': d.lemmas,
      'analysis.lang': [m.analysis.lang],
      source: [m.source],
      brands: m.brands,
      'analysis.sentiment.label': [m.analysis.sentiment.label],
    },
  };
}

function phraseIn(tokens: string[], phrase: string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let k = 0; k < phrase.length; k++) if (tokens[i + k] !== phrase[k]) continue outer;
    return phrase.length > 0;
  }
  return false;
}

/** Runs the subset of the query DSL the translator emits; anything else fails the test. */
function run(q: EsQuery, doc: IndexedDoc): boolean {
  const [kind, body] = Object.entries(q as Record<string, unknown>)[0] as [string, Record<string, unknown>];
  switch (kind) {
    case 'match_all':
      return true;
    case 'match_none':
      return false;
    case 'match_phrase': {
      const [field, text] = Object.entries(body)[0] as [string, string];
      expect(field).toBe('ecoute.text');
      return phraseIn(doc.text, text.split(/\s+/));
    }
    case 'term': {
      const [field, value] = Object.entries(body)[0] as [string, string];
      return (doc.keywords[field] ?? []).includes(value);
    }
    case 'terms': {
      const [field, values] = Object.entries(body)[0] as [string, string[]];
      return values.some((v) => (doc.keywords[field] ?? []).includes(v));
    }
    case 'bool': {
      const b = body as { must?: EsQuery[]; filter?: EsQuery[]; should?: EsQuery[]; must_not?: EsQuery[]; minimum_should_match?: number };
      const required = [...(b.must ?? []), ...(b.filter ?? [])];
      if (!required.every((c) => run(c, doc))) return false;
      if ((b.must_not ?? []).some((c) => run(c, doc))) return false;
      const should = b.should ?? [];
      const min = b.minimum_should_match ?? (should.length > 0 && required.length === 0 ? 1 : 0);
      return should.filter((c) => run(c, doc)).length >= min;
    }
    default:
      throw new Error(`unexpected query kind ${kind}`);
  }
}

describe('the Elasticsearch DSL and the in-memory matcher agree', () => {
  const corpus: AnalyzedMention[] = [
    makeMention({ id: 'fr1', lang: 'fr', source: 'rss', brands: ['acme'], score: -0.6, text: 'Livraisons toujours en retard, prix élevé' }),
    makeMention({ id: 'fr2', lang: 'fr', source: 'appstore', brands: ['globex'], score: 0.7, title: 'Super appli', text: "Le service client répond vite, l'appli aussi" }),
    makeMention({ id: 'en1', lang: 'en', source: 'reddit', brands: ['acme', 'globex'], score: -0.5, text: 'Two deliveries arrived broken; customer service is slow' }),
    makeMention({ id: 'en2', lang: 'en', source: 'rss', brands: [], score: 0.9, text: "Fast delivery, great prices, lovely e-mail updates, don't worry" }),
    makeMention({ id: 'en3', lang: 'en', source: 'reddit', brands: ['acme'], score: 0, text: 'Refunds take 24/7 support calls' }),
  ];
  const docs = new Map(corpus.map((m) => [m.id, indexed(m)]));
  const queries = [
    '', 'livraison', 'delivery', 'deliveries', 'eleve', 'PRIX', 'price', '"customer service"', '"service customer"',
    'e-mail', '24/7', 'refund', 'delivery OR livraison', 'delivery AND broken', 'delivery -broken', 'NOT delivery',
    '-delivery -livraison', 'lang:fr', 'lang:fr OR refund', 'NOT (delivery AND lang:en)', 'source:reddit -refund',
    'brand:globex', 'sentiment:negative OR "service client"', '(delivery OR livraison) AND NOT sentiment:positive',
    'appli', "l'appli", 'super', 'delivery OR NOT source:rss', 'NOT (NOT refund OR lang:fr)', "don't", 'dont', 'appli vite',
    '"appli service"', // across title and text, as in the embedded FTS column
  ];

  it.each(queries)('%j', (query) => {
    const node: QueryNode = parseQuery(query);
    const matcher = compileMatcher(node);
    const expected = corpus
      .filter((m) =>
        matcher({
          words: foldedWords(m.title ? `${m.title} ${m.text}` : m.text),
          lemmas: m.analysis.lemmas,
          fields: { lang: m.analysis.lang, source: m.source, brands: m.brands, sentiment: m.analysis.sentiment.label },
        }),
      )
      .map((m) => m.id);
    const dsl = compileElasticsearch(node);
    const got = corpus.filter((m) => run(dsl, docs.get(m.id)!)).map((m) => m.id);
    expect(got).toEqual(expected);
  });
});
