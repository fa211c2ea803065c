import { describe, expect, it } from 'vitest';
import { foldedWords } from '../../src/nlp/normalize.js';
import { compileMatcher, type MatchDoc } from '../../src/query/match.js';
import { parseQuery, QuerySyntaxError, type QueryNode } from '../../src/query/parse.js';

const t = (word: string): QueryNode => ({ type: 'term', word });
const p = (...words: string[]): QueryNode => ({ type: 'phrase', words });
const and = (...children: QueryNode[]): QueryNode => ({ type: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ type: 'or', children });
const not = (child: QueryNode): QueryNode => ({ type: 'not', child });
const f = (field: 'lang' | 'source' | 'brand' | 'sentiment', value: string): QueryNode => ({ type: 'field', field, value });

function syntaxError(query: string): QuerySyntaxError {
  try {
    parseQuery(query);
  } catch (error) {
    expect(error).toBeInstanceOf(QuerySyntaxError);
    return error as QuerySyntaxError;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(query)}`);
}

describe('parseQuery', () => {
  it('the empty query matches everything', () => {
    expect(parseQuery('')).toEqual({ type: 'all' });
    expect(parseQuery('   \n ')).toEqual({ type: 'all' });
  });

  it('words: lower-cased, accents kept', () => {
    expect(parseQuery('livraison')).toEqual(t('livraison'));
    expect(parseQuery('Élevé')).toEqual(t('élevé'));
    expect(parseQuery('#Acme')).toEqual(t('acme'));
  });

  it('quoted phrases, folded', () => {
    expect(parseQuery('"Service Client"')).toEqual(p('service', 'client'));
    // The written words are kept when accents differ: a proximity stems them ("élevé" → "elev").
    expect(parseQuery('"prix élevé"')).toEqual({ ...p('prix', 'eleve'), written: ['prix', 'élevé'] });
    expect(parseQuery('"why?"')).toEqual(p('why'));
  });

  it('a word the text tokenizer splits is a phrase', () => {
    expect(parseQuery('e-mail')).toEqual(p('e', 'mail'));
    expect(parseQuery("l'appli")).toEqual(p('l', 'appli'));
    expect(parseQuery('24/7')).toEqual(p('24', '7'));
    expect(parseQuery('/r/france')).toEqual(p('r', 'france'));
  });

  it('AND, && and implicit AND', () => {
    expect(parseQuery('a AND b')).toEqual(and(t('a'), t('b')));
    expect(parseQuery('a && b')).toEqual(and(t('a'), t('b')));
    expect(parseQuery('a b c')).toEqual(and(t('a'), t('b'), t('c')));
  });

  it('OR and ||', () => {
    expect(parseQuery('a OR b')).toEqual(or(t('a'), t('b')));
    expect(parseQuery('a || b OR c')).toEqual(or(t('a'), t('b'), t('c')));
  });

  it('NOT, AND NOT, OR NOT, leading - and !', () => {
    expect(parseQuery('NOT a')).toEqual(not(t('a')));
    expect(parseQuery('-a')).toEqual(not(t('a')));
    expect(parseQuery('!a')).toEqual(not(t('a')));
    expect(parseQuery('+a')).toEqual(t('a'));
    expect(parseQuery('a NOT b')).toEqual(and(t('a'), not(t('b'))));
    expect(parseQuery('a AND NOT b')).toEqual(and(t('a'), not(t('b'))));
    expect(parseQuery('a OR NOT b')).toEqual(or(t('a'), not(t('b'))));
    expect(parseQuery('a -b -"c d"')).toEqual(and(t('a'), not(t('b')), not(p('c', 'd'))));
    expect(parseQuery('NOT a AND b')).toEqual(and(not(t('a')), t('b')));
    expect(parseQuery('NOT -a')).toEqual(t('a'));
  });

  it('operators are upper-case; lower-case and/or/not are words', () => {
    expect(parseQuery('rock and roll')).toEqual(and(t('rock'), t('and'), t('roll')));
    expect(parseQuery('this or that')).toEqual(and(t('this'), t('or'), t('that')));
    expect(parseQuery('not bad')).toEqual(and(t('not'), t('bad')));
  });

  it('AND binds tighter than OR', () => {
    expect(parseQuery('a OR b AND c')).toEqual(or(t('a'), and(t('b'), t('c'))));
    expect(parseQuery('a AND b OR c')).toEqual(or(and(t('a'), t('b')), t('c')));
    expect(parseQuery('a b OR c d')).toEqual(or(and(t('a'), t('b')), and(t('c'), t('d'))));
    expect(parseQuery('a OR b NOT c')).toEqual(or(t('a'), and(t('b'), not(t('c')))));
  });

  it('parentheses group, and can be negated', () => {
    expect(parseQuery('(a OR b) AND c')).toEqual(and(or(t('a'), t('b')), t('c')));
    expect(parseQuery('a AND (b OR c)')).toEqual(and(t('a'), or(t('b'), t('c'))));
    expect(parseQuery('((a))')).toEqual(t('a'));
    expect(parseQuery('x -(a OR b)')).toEqual(and(t('x'), not(or(t('a'), t('b')))));
    expect(parseQuery('NOT(a OR b)')).toEqual(not(or(t('a'), t('b'))));
    expect(parseQuery('x AND(a OR b)')).toEqual(and(t('x'), or(t('a'), t('b'))));
    expect(parseQuery('!(a b)')).toEqual(not(and(t('a'), t('b'))));
    expect(parseQuery('+(a b) c')).toEqual(and(t('a'), t('b'), t('c')));
  });

  it('extra whitespace does not change the meaning', () => {
    expect(parseQuery('  a   AND\n NOT   b ')).toEqual(and(t('a'), not(t('b'))));
    expect(parseQuery('a  OR\tNOT b')).toEqual(or(t('a'), not(t('b'))));
  });

  it('fields: lang, source, brand, sentiment', () => {
    expect(parseQuery('lang:fr')).toEqual(f('lang', 'fr'));
    expect(parseQuery('LANG:FR')).toEqual(f('lang', 'fr'));
    expect(parseQuery('source:reddit')).toEqual(f('source', 'reddit'));
    expect(parseQuery('brand:acme')).toEqual(f('brand', 'acme'));
    expect(parseQuery('sentiment:Negative')).toEqual(f('sentiment', 'negative'));
    expect(parseQuery('source:"app store"')).toEqual(f('source', 'app store'));
    expect(parseQuery('lang:(fr OR en)')).toEqual(or(f('lang', 'fr'), f('lang', 'en')));
    expect(parseQuery('delivery AND -source:rss')).toEqual(and(t('delivery'), not(f('source', 'rss'))));
    expect(parseQuery('-lang:en')).toEqual(not(f('lang', 'en')));
    expect(parseQuery('x -lang:(fr OR en)')).toEqual(and(t('x'), not(or(f('lang', 'fr'), f('lang', 'en')))));
    expect(parseQuery('livraison lang:fr')).toEqual(and(t('livraison'), f('lang', 'fr')));
  });

  describe('errors', () => {
    it('are QuerySyntaxError with code QUERY_SYNTAX and the offset', () => {
      const e = syntaxError('delivery AND foo:bar');
      expect(e.code).toBe('QUERY_SYNTAX');
      expect(e.retriable).toBe(false);
      expect(e.offset).toBe(13);
      expect(e.message).toBe('unknown field "foo" in query (known fields: lang, source, brand, sentiment, author, field, title, site, rating, date, flag) at column 14');
      expect(e.column).toBe(14);
    });

    it('give the line in a multi-line query', () => {
      expect(syntaxError('a OR\nfoo:bar').message).toMatch(/unknown field "foo".* at line 2, column 1$/);
    });

    it('unsupported syntax: wildcards, fuzzy, proximity, boosts, ranges, regular expressions', () => {
      expect(syntaxError('de*liv').message).toMatch(/wildcards are only supported as one "\*" at the end of a word.*at column 1/);
      expect(syntaxError('a why?').message).toMatch(/wildcards.*at column 3/);
      expect(syntaxError('colour~').message).toMatch(/fuzzy search/);
      expect(syntaxError('"late delivery"~3').message).toMatch(/proximity search/);
      expect(syntaxError('refund^2').message).toMatch(/boosts/);
      expect(syntaxError('x:[1 TO 5]').message).toBe('ranges are not supported at column 1');
      expect(syntaxError('{a TO b}').message).toMatch(/ranges/);
      expect(syntaxError('/deliver(y|ies)/').message).toBe('regular expressions are not supported (/deliver(y|ies)/) at column 1');
      expect(syntaxError('a -/b c/').message).toMatch(/regular expressions are not supported .* at column 3/);
    });

    it('unknown fields and values', () => {
      expect(syntaxError('foo:bar').message).toMatch(/^unknown field "foo" in query/);
      expect(syntaxError('foo:(a OR b)').message).toMatch(/^unknown field "foo"/);
      expect(syntaxError('sentiment:great').message).toMatch(/unknown sentiment "great"/);
      expect(syntaxError('lang:(source:x)').message).toMatch(/field "source" inside the group of field "lang"/);
    });

    it('unbalanced parentheses and quotes', () => {
      expect(syntaxError('(a OR b').message).toBe('"(" is never closed at column 1');
      expect(syntaxError('a OR b)').message).toBe('")" has no matching "(" at column 7');
      expect(syntaxError('a "open phrase').message).toBe('unclosed quote opened at column 3');
    });

    it('operators without operands', () => {
      expect(syntaxError('AND a').message).toBe('AND has nothing on its left at column 1');
      expect(syntaxError('a OR').message).toBe('OR has nothing on its right at column 3');
      expect(syntaxError('a AND OR b').message).toBe('AND has nothing on its right at column 3');
      expect(syntaxError('(OR a)').message).toMatch(/OR has nothing on its left at column 2/);
      expect(syntaxError('a NOT').message).toMatch(/NOT must be followed by a word.*at column 3/);
      expect(syntaxError('NOT NOT a').message).toMatch(/NOT must be followed/);
      expect(syntaxError('a - b').message).toMatch(/"-" must be followed by a word.*at column 3/);
    });

    it('empty phrases and terms without letters', () => {
      expect(syntaxError('""').message).toMatch(/phrase "" has no words/);
      expect(syntaxError('a ...').message).toMatch(/"\.\.\." has no letters or digits at column 3/);
    });

    it('lucene parse errors carry the position', () => {
      const e = syntaxError('a:b:c');
      expect(e.message).toMatch(/^unexpected ":" at column 4$/);
      expect(e.offset).toBe(3);
    });
  });
});

describe('compileMatcher', () => {
  function doc(text: string, lemmas: string[], fields?: MatchDoc['fields']): MatchDoc {
    return { words: foldedWords(text), lemmas, ...(fields && { fields }) };
  }
  const match = (query: string, d: MatchDoc) => compileMatcher(parseQuery(query))(d);

  const fr = doc('Livraisons toujours en retard, le prix est élevé.', ['livraison', 'toujour', 'en', 'retard', 'le', 'prix', 'est', 'élev'], {
    lang: 'fr',
    source: 'trustpilot',
    brands: ['acme'],
    sentiment: 'negative',
  });
  const en = doc('Two deliveries arrived broken. Customer service never answered.', [
    'two', 'delivery', 'arrive', 'break', 'customer', 'service', 'never', 'answer',
  ]);

  it('a term matches its folded word in the text', () => {
    expect(match('LIVRAISONS', fr)).toBe(true);
    expect(match('eleve', fr)).toBe(true);
    expect(match('élevé', fr)).toBe(true);
    expect(match('cher', fr)).toBe(false);
  });

  it('a term matches its indexed forms in the lemmas', () => {
    expect(match('livraison', fr)).toBe(true); // French stem
    expect(match('delivery', en)).toBe(true); // English lemma of "deliveries"
    expect(match('deliveries', en)).toBe(true);
    expect(match('élevée', fr)).toBe(true); // same French stem, élev
    expect(match('delivery', fr)).toBe(false);
  });

  it('a phrase matches consecutive folded words only', () => {
    expect(match('"customer service"', en)).toBe(true);
    expect(match('"Customer  Service"', en)).toBe(true);
    expect(match('"service customer"', en)).toBe(false);
    expect(match('"prix est eleve"', fr)).toBe(true);
    expect(match('"arrived"', en)).toBe(true);
    expect(match('"arrive"', en)).toBe(false); // phrases do not expand to lemmas
  });

  it('AND, OR, NOT and the empty query', () => {
    expect(match('customer AND broken', en)).toBe(true);
    expect(match('customer AND livraison', en)).toBe(false);
    expect(match('livraison OR delivery', en)).toBe(true);
    expect(match('livraison OR delivery', fr)).toBe(true);
    expect(match('NOT delivery', fr)).toBe(true);
    expect(match('delivery -broken', en)).toBe(false);
    expect(match('(livraison OR delivery) -"customer service"', en)).toBe(false);
    expect(match('', en)).toBe(true);
  });

  it('field nodes compare the doc fields, and do not match when they are absent', () => {
    expect(match('lang:fr', fr)).toBe(true);
    expect(match('lang:en', fr)).toBe(false);
    expect(match('source:trustpilot AND brand:acme AND sentiment:negative', fr)).toBe(true);
    expect(match('brand:globex', fr)).toBe(false);
    expect(match('lang:fr', en)).toBe(false);
    expect(match('delivery -lang:fr', en)).toBe(true);
  });

  it('compiles once and evaluates many documents', () => {
    const matcher = compileMatcher(parseQuery('livraison OR "customer service"'));
    expect([fr, en, doc('nothing relevant', ['nothing', 'relevant'])].map(matcher)).toEqual([true, true, false]);
  });
});
