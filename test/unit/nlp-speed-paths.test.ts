// The fast paths of the NLP (cached look-ups, the trigram scorer standing in for franc, the
// tokenizer without part-of-speech tags) must give what the slow paths gave.
import { francAll } from 'franc';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';
import { trigramScores } from '../../src/nlp/language.js';
import { prepareText } from '../../src/nlp/normalize.js';
import { fieldsOf } from '../../src/nlp/fields.js';
import { flagsOf } from '../../src/nlp/flags.js';
import { ruleSentiment, scoreSentiment } from '../../src/nlp/sentiment.js';
import { sentimentFeatures } from '../../src/nlp/sentiment/features.js';
import { termsAndLabelsOf } from '../../src/nlp/terms.js';
import { tokenizeEnglish, tokenizeFrench, type Token } from '../../src/nlp/tokenize.js';

const CANDIDATES = ['eng', 'fra', 'spa', 'por', 'ita', 'deu', 'nld'];

describe('NLP fast paths', () => {
  it.each([
    'The delivery was late again and nobody answered my emails.',
    "Franchement le service client est nul, j'attends depuis trois semaines",
    'Das ist wirklich sehr gut, danke!',
    'muy bueno el producto, gracias 123 !!!',
    'ok',
    'Très bien — ça marche ★★★ “oui” vraiment, merci', // characters past U+0400: trigrams keyed by text
  ])('trigram scores equal franc\'s: %s', (text) => {
    const franc = francAll(text, { only: CANDIDATES, minLength: 1 });
    const ours = trigramScores(text);
    for (const [code, score] of franc) {
      if (code === 'und') continue;
      expect(ours[CANDIDATES.indexOf(code)]).toBeCloseTo(score, 12);
    }
  });

  it('reads "like" as a verb after a subject or an auxiliary, as a preposition elsewhere', () => {
    const pos = (text: string): string | undefined => tokenizeEnglish(text).find((t) => t.lower === 'like')?.pos;
    expect(pos('I like it')).toBe('VERB');
    expect(pos("I don't like it")).toBe('VERB');
    expect(pos('It looks like a toy')).toBe('ADP');
    expect(pos('Like the first one, it broke')).toBe('ADP');
    expect(analyze('It looks like a toy', { lang: 'en' }).sentiment.drivers.some((d) => d.text.includes('like'))).toBe(false);
    expect(analyze('I really like it', { lang: 'en' }).sentiment.label).toBe('positive');
  });

  it('keeps contractions\' lemmas without part-of-speech tags', () => {
    const lemmas = (text: string): string[] => tokenizeEnglish(text).map((t) => t.lemma);
    expect(lemmas("I can't believe it's not working")).toEqual(['i', 'can', 'not', 'believe', 'it', 'be', 'not', 'work']);
    expect(lemmas("John's car won't start")).toEqual(['john', '', 'car', 'will', 'not', 'start']);
  });

  it('tokenizes a French text the same way the second time (chunk cache), spaces included', () => {
    const text = prepareText("L'appli ne marche plus, c'est nul!! Fonctionne-t-il chez vous ? l'appli");
    const first = tokenizeFrench(text);
    const second = tokenizeFrench(text);
    expect(second).toEqual(first);
    expect(first.filter((t) => t.lower === "l'").map((t) => t.space)).toEqual([true, true]);
    expect(first.find((t) => t.lower === 'appli')?.space).toBe(false);
  });

  it('analyses plain ASCII and non-ASCII text alike (clean-up fast path)', () => {
    expect(analyze("It's great").lemmas).toEqual(analyze('It’s great').lemmas);
    expect(analyze('good\u00A0job').lemmas).toEqual(['good', 'job']);
  });

  // perf20: the steps keep what they work out about a word on its WordInfo, shared by every token
  // of the word. Tokens without one (built elsewhere) go through the steps' own caches: both must
  // read a text alike, whichever text made the word's WordInfo first.
  it.each([
    ['en', 'It looks like a toy, but I like it: unbearably slow delivery, not bad customer service!!'],
    ['en', "I can't believe it's not working, the price is a scam"],
    ['fr', "Franchement le service client est nul, mais la livraison était rapide et pas chère"],
    ['fr', "L'appli ne marche plus, c'est inadmissible !! Fonctionne-t-il chez vous ?"],
  ] as const)('reads a word the same through its shared WordInfo as without one (%s: %s)', (lang, text) => {
    const prepared = prepareText(text);
    const read = (): Token[] => (lang === 'en' ? tokenizeEnglish(prepared) : tokenizeFrench(prepared));
    const withInfo = read();
    expect(withInfo.some((t) => t.info !== undefined)).toBe(true);
    const bare = read().map(({ info: _info, ...t }) => t as Token);
    const steps = (tokens: Token[]) => {
      const rules = ruleSentiment(tokens, lang);
      const sentiment = scoreSentiment(tokens, lang);
      return { rules, sentiment, features: sentimentFeatures(tokens, lang, rules), terms: termsAndLabelsOf(tokens, lang), fields: fieldsOf(tokens, lang, { sentiment }), flags: flagsOf({ raw: text, tokens, lang, sentiment }) };
    };
    // Twice with the WordInfo: the second reads what the first stored.
    const first = steps(withInfo);
    expect(steps(read())).toEqual(first);
    expect(steps(bare)).toEqual(first);
  });

  it('keeps the preposition "like" out of the valence its WordInfo stores for the verb', () => {
    expect(analyze('It looks like a toy', { lang: 'en' }).sentiment.drivers.some((d) => d.text.includes('like'))).toBe(false);
    expect(analyze('I like it', { lang: 'en' }).sentiment.drivers.some((d) => d.text.includes('like'))).toBe(true);
    expect(analyze('It looks like a toy', { lang: 'en' }).sentiment.drivers.some((d) => d.text.includes('like'))).toBe(false);
  });
});
