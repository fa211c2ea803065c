// The query language of issue 11: wildcards, proximity, the new fields, errors with their column,
// and a fuzz test (random strings, deep nesting, 10,000 terms) that only ever gets QUERY_SYNTAX.
import { analyze } from '../../src/nlp/analyze.js';
import { describe, expect, it } from 'vitest';
import { EcouteError } from '../../src/core/errors.js';
import { foldedWords } from '../../src/nlp/normalize.js';
import { QUERY_LIMITS } from '../../src/query/ast.js';
import { compileMatcher, type MatchDoc, type MatchFields } from '../../src/query/match.js';
import { parseQuery, QuerySyntaxError, type QueryNode } from '../../src/query/parse.js';

function syntaxError(query: string): QuerySyntaxError {
  try {
    parseQuery(query);
  } catch (error) {
    expect(error).toBeInstanceOf(QuerySyntaxError);
    return error as QuerySyntaxError;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(query)}`);
}

const doc = (text: string, fields: MatchFields = {}, lemmas: string[] = []): MatchDoc => ({ words: foldedWords(text), lemmas, fields });
const matches = (query: string, d: MatchDoc): boolean => compileMatcher(parseQuery(query))(d);

describe('query language: trees', () => {
  it('suffix wildcards of 3 characters or more, folded', () => {
    expect(parseQuery('Livr*')).toEqual({ type: 'prefix', prefix: 'livr' });
    expect(parseQuery('éco*')).toEqual({ type: 'prefix', prefix: 'eco' });
    expect(parseQuery('-livr*')).toEqual({ type: 'not', child: { type: 'prefix', prefix: 'livr' } });
  });

  it('NEAR/n and ONEAR/n between words, phrases and groups, tighter than AND and OR', () => {
    expect(parseQuery('(livraison OR delivery) NEAR/5 (retard OR late)')).toEqual({
      type: 'near',
      distance: 5,
      ordered: false,
      children: [
        { type: 'or', children: [{ type: 'term', word: 'livraison' }, { type: 'term', word: 'delivery' }] },
        { type: 'or', children: [{ type: 'term', word: 'retard' }, { type: 'term', word: 'late' }] },
      ],
    });
    expect(parseQuery('"service client" ONEAR/2 nul* acme')).toEqual({
      type: 'and',
      children: [
        { type: 'near', distance: 2, ordered: true, children: [{ type: 'phrase', words: ['service', 'client'] }, { type: 'prefix', prefix: 'nul' }] },
        { type: 'term', word: 'acme' },
      ],
    });
    expect(parseQuery('a NEAR/1 b OR c').type).toBe('or');
  });

  it('fields: author, field, title, site, rating (stars), date (UTC days), flag', () => {
    expect(parseQuery('field:Delivery')).toEqual({ type: 'field', field: 'field', value: 'delivery' });
    expect(parseQuery('flag:question')).toEqual({ type: 'field', field: 'flag', value: 'question' });
    expect(parseQuery('site:WWW.Example.com')).toEqual({ type: 'field', field: 'site', value: 'www.example.com' });
    expect(parseQuery('author:@Bob')).toEqual({ type: 'field', field: 'author', value: '@Bob' });
    expect(parseQuery('title:"Super Appli"')).toEqual({ type: 'title', words: ['super', 'appli'] });
    const r = parseQuery('rating:<=2') as Extract<QueryNode, { type: 'range' }>;
    expect(r.min).toBeUndefined();
    expect(r.max).toBeCloseTo(0.25, 6);
    const d = parseQuery('date:2026-11-01..2026-11-15') as Extract<QueryNode, { type: 'range' }>;
    expect(d).toEqual({ type: 'range', field: 'date', min: Date.UTC(2026, 10, 1), max: Date.UTC(2026, 10, 16) });
    expect(parseQuery('date:2026-11')).toEqual({ type: 'range', field: 'date', min: Date.UTC(2026, 10, 1), max: Date.UTC(2026, 11, 1) });
  });
});

describe('query language: errors name the column and what is expected', () => {
  it.each([
    ['li*', /wildcard needs at least 3 letters before "\*".* at column 1$/],
    ['acme AND l*', /at least 3 letters.* at column 10$/],
    ['delivery NEAR/x late', /^NEAR\/ needs a number \(NEAR\/3\) at column 10$/],
    ['late ONEAR/ x', /^ONEAR\/ needs a number.* at column 6$/],
    ['a NEAR b', /^NEAR needs a distance: write NEAR\/n.* at column 3$/],
    ['a NEAR/500 b', /too far \(at most NEAR\/100\) at column 3$/],
    ['NEAR/3 b', /NEAR\/3 has nothing on its left at column 1$/],
    ['a NEAR/3', /NEAR\/3 has nothing on its right at column 3$/],
    ['a NEAR/3 -b', /NEAR\/3 joins words.*not a NOT at column 3$/],
    ['a NEAR/3 lang:fr', /not a field \(lang:\) at column 3$/],
    ['(a b) NEAR/3 c', /not an AND group/],
    ['rating:9', /rating:9 has 9 stars, outside 1..5 \(expected stars 1..5/],
    ['rating:good', /not a number of stars/],
    ['date:2026-02-30', /not a calendar date/],
    ['date:2026-11-15..2026-11-01', /start after its end/],
    ['flag:angry', /unknown flag "angry" \(expected question, irony, profanity\)/],
    ['site:"not a host"', /is not a host name/],
    ['source:red*', /wildcards are not supported in field source/],
  ])('%s', (query, message) => {
    const e = syntaxError(query);
    expect(e.code).toBe('QUERY_SYNTAX');
    expect(e.message).toMatch(message);
    const column = /column (\d+)$/.exec(e.message);
    if (column) expect(e.column).toBe(Number(column[1]));
  });
});

describe('query language: matching', () => {
  const text = 'Acme livraison encore en retard, la livraisons arrive tard';
  it('wildcards match words and lemmas', () => {
    expect(matches('livr*', doc(text))).toBe(true);
    expect(matches('deliver*', doc('nothing here', {}, ['delivery']))).toBe(true);
    expect(matches('retards*', doc(text))).toBe(false);
  });

  it('proximity counts the words between, in either order or in order, on the lemmas', () => {
    const fr = doc(text, {}, analyze(text, { lang: 'fr' }).lemmas);
    expect(matches('livraison NEAR/2 retard', fr)).toBe(true); // "encore en" between
    expect(matches('livraison NEAR/0 retard', fr)).toBe(false);
    expect(matches('livraison NEAR/1 retard', fr)).toBe(true); // "retard, la livraisons": the lemma "livraison"
    expect(matches('retard NEAR/2 livraison', fr)).toBe(true);
    expect(matches('tard ONEAR/2 livraison', fr)).toBe(false);
    expect(matches('retard ONEAR/2 livraisons', fr)).toBe(true); // ", la" → one word between
    expect(matches('retard ONEAR/2 livraison', fr)).toBe(true); // "livraisons" has the lemma "livraison"
    expect(matches('(delivery OR livraison) NEAR/5 (late OR retard)', fr)).toBe(true);
    expect(matches('"encore en" ONEAR/0 retard', fr)).toBe(true);
    expect(matches('acme NEAR/0 livr* NEAR/3 retard', fr)).toBe(true);
    // The words of the text alone (no lemmas) are not what proximity counts on.
    expect(matches('livraison NEAR/2 retard', doc(text))).toBe(false);
  });

  it('proximity matches the lemmas and the derivational family: "deliveries NEAR/3 late" finds "the delivery was late"', () => {
    const en = (t: string) => doc(t, {}, analyze(t, { lang: 'en' }).lemmas);
    expect(matches('deliveries NEAR/3 late', en('the delivery was late'))).toBe(true);
    expect(matches('delivered NEAR/3 late', en('the delivery was late'))).toBe(true);
    expect(matches('late ONEAR/1 delivered', en('late deliveries again'))).toBe(true);
    expect(matches('deliveries NEAR/3 late', en('the deliverance was late'))).toBe(false);
    // Words, not characters: three words between is NEAR/3, not NEAR/2.
    expect(matches('payment NEAR/2 refunded', en('the payments were all quickly refunded'))).toBe(false);
    expect(matches('payment NEAR/3 refunded', en('the payments were all quickly refunded'))).toBe(true);
    expect(matches('pay NEAR/3 refund', en('the payments were not refunded'))).toBe(true);
    // French: the written accents give the stems ("arrivée" → "arriv"), in a phrase too.
    const fr = (t: string) => doc(t, {}, analyze(t, { lang: 'fr' }).lemmas);
    expect(matches('"arrivée en" NEAR/1 retard', fr('la commande est arrivée en grand retard'))).toBe(true);
    expect(matches('livrer NEAR/2 retard', fr('une livraison très en retard'))).toBe(true);
    expect(matches('livraison NEAR/2 retard', fr('colis livré en retard'))).toBe(true);
    expect(matches('livraison NEAR/2 retard', fr('un permis délivré en retard'))).toBe(false);
  });

  it('fields', () => {
    const fields: MatchFields = {
      title: 'Super Appli', url: 'https://www.trustpilot.example/r/1', rating: 0.25, publishedMs: Date.UTC(2026, 10, 3, 10),
      authorKey: 'k1', authorHandle: 'Bob', semanticFields: ['delivery'], flags: { question: true },
    };
    const d = doc('x', fields);
    for (const q of ['title:appli', 'title:"super appli"', 'site:trustpilot.example', 'site:www.trustpilot.example', 'rating:2', 'rating:<=2', 'rating:1..2', 'date:2026-11-03', 'date:2026-11-01..2026-11-15', 'date:>=2026-11', 'author:k1', 'author:@bob', 'field:delivery', 'flag:question']) {
      expect(matches(q, d), q).toBe(true);
    }
    for (const q of ['title:"appli super"', 'site:pilot.example', 'site:example', 'rating:<2', 'rating:>=3', 'date:2026-11-04..2026-11-05', 'date:<2026-11-03', 'author:alice', 'field:price', 'flag:irony']) {
      expect(matches(q, d), q).toBe(false);
    }
  });
});

describe('query language: fuzz', () => {
  /** A deterministic pseudo-random generator (mulberry32), so that a failure can be replayed. */
  function random(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const pieces = ['a', 'livr*', 'li*', '"x y"', '"', '(', ')', 'AND', 'OR', 'NOT', '-', '!', '+', 'NEAR/3', 'ONEAR/1', 'NEAR/', 'NEAR', ':', 'lang:', 'rating:', 'rating:<=2', 'date:2026-11-01..', 'title:', 'site:x.y', '*', '?', '~', '^2', '[', ']', '{', '}', '\\', '/', '//', '&&', '||', ' ', '\n', 'é', '😀', '\u0000', 'field:delivery', 'flag:question', 'author:@b'];

  /** parseQuery either returns or throws a QUERY_SYNTAX EcouteError; nothing else. */
  function check(query: string): void {
    try {
      const node = parseQuery(query);
      compileMatcher(node)(doc('a x y livraison'));
    } catch (error) {
      expect(error).toBeInstanceOf(EcouteError);
      expect((error as EcouteError).code).toBe('QUERY_SYNTAX');
    }
  }

  it('random strings and random token soups', () => {
    const rnd = random(11);
    for (let n = 0; n < 3000; n++) {
      const len = Math.floor(rnd() * 40);
      let q = '';
      if (n % 2 === 0) for (let k = 0; k < len; k++) q += String.fromCharCode(Math.floor(rnd() * 128));
      else for (let k = 0; k < len; k++) q += pieces[Math.floor(rnd() * pieces.length)]! + (rnd() < 0.6 ? ' ' : '');
      check(q);
    }
  });

  it('deep nesting and huge queries are refused with a clear error, quickly', () => {
    expect(syntaxError(`${'('.repeat(5000)}a${')'.repeat(5000)}`).message).toMatch(/too many nested parentheses \(at most 32 levels\)/);
    expect(syntaxError(`${'NOT ('.repeat(100)}a${')'.repeat(100)}`).message).toMatch(/too many nested/);
    expect(syntaxError(Array.from({ length: 10_000 }, (_, k) => `w${k}`).join(' OR ')).message).toMatch(/too many terms \(10000; at most 1000\)/);
    expect(syntaxError(Array.from({ length: 10_000 }, (_, k) => `w${k}`).join(' ')).message).toMatch(/too many terms/);
    expect(syntaxError('a'.repeat(QUERY_LIMITS.maxLength + 1)).message).toMatch(/too long/);
    // At the limits, it parses.
    check(`${'('.repeat(QUERY_LIMITS.maxDepth)}a${')'.repeat(QUERY_LIMITS.maxDepth)}`);
    expect(parseQuery(Array.from({ length: QUERY_LIMITS.maxOperands }, (_, k) => `w${k}`).join(' OR ')).type).toBe('or');
    expect(parseQuery(Array.from({ length: QUERY_LIMITS.maxDepth + 1 }, (_, k) => `w${k}`).join(' NEAR/2 ')).type).toBe('near');
    // Past that, a chain of proximities nests too deep for Elasticsearch's request parser.
    expect(syntaxError(Array.from({ length: 500 }, (_, k) => `w${k}`).join(' NEAR/2 ')).message).toMatch(
      /^too many proximities chained: NEAR\/2 nests more than 32 of them at column \d+$/,
    );
  });
});

describe('query language: what the stores are sent', () => {
  it('SQLite: FTS5 prefix and NEAR where FTS5 can say it, the matcher (in SQL) where it cannot', async () => {
    const { compileSqlite } = await import('../../src/query/compile/sqlite.js');
    expect(compileSqlite(parseQuery('livr*')).match).toBe('(text : "livr" * OR lemmas : "livr" *)');
    // On the lemma tokens: each pair of the sides' forms (the word, its stem, its family's forms).
    // ("retardation" is the English family of "retard", "livr" the French one of "livraison".)
    expect(compileSqlite(parseQuery('livraison NEAR/3 "en retard"'))).toEqual({
      match: '(lemmas : NEAR("livraison" "en retard", 3) OR lemmas : NEAR("livr" "en retard", 3))',
    });
    expect(compileSqlite(parseQuery('livraison NEAR/3 retard')).match).toBe(
      '(lemmas : NEAR("livraison" "retard", 3) OR lemmas : NEAR("livraison" "retardation", 3) OR lemmas : NEAR("livr" "retard", 3) OR lemmas : NEAR("livr" "retardation", 3))',
    );
    const ordered = compileSqlite(parseQuery('livraison ONEAR/3 retard'));
    expect(ordered.match).toBe('((lemmas : "livraison" OR lemmas : "livr") AND (lemmas : "retard" OR lemmas : "retardation"))');
    expect(ordered.where?.sql).toBe('ecoute_query_match(?, m.json) = 1');
  });

  it('Elasticsearch: prefix and intervals (core modules only)', async () => {
    const { compileElasticsearch } = await import('../../src/query/compile/elasticsearch.js');
    const rule = (query: string) => ({ match: { query, ordered: true, max_gaps: 0 } });
    expect(compileElasticsearch(parseQuery('(livraison OR delivery) ONEAR/5 retard'))).toEqual({
      intervals: {
        'ecoute.lemma_text': {
          all_of: {
            ordered: true,
            max_gaps: 5,
            intervals: [
              {
                any_of: {
                  intervals: [
                    { any_of: { intervals: [rule('livraison'), rule('livr')] } },
                    { any_of: { intervals: [rule('delivery'), rule('deliver')] } },
                  ],
                },
              },
              { any_of: { intervals: [rule('retard'), rule('retardation')] } },
            ],
          },
        },
      },
    });
    expect(JSON.stringify(compileElasticsearch(parseQuery('livr*')))).toContain('"prefix":{"ecoute.lemmas":"livr"}');
  });
});
