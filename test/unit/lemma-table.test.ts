// The English lemma table (config/lexicons/lemmas-en.tsv, src/nlp/lemma-table.ts): its lemmas are
// the tagged wink-nlp instance's, it names the installed model, and it covers every word the
// English lists lemmatize when a process starts (a list edited without `npm run derivations`
// fails here: its new words would load the tagged instance at every start).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { englishModelWords, listsWords } from '../../scripts/build-derivations.js';
import { LEMMA_TABLE_FILE, lemmaTableHeader, listedEnglishLemma } from '../../src/nlp/lemma-table.js';
import { lexiconPath } from '../../src/nlp/resources.js';
import { englishWordLemma, taggedEnglishLemma } from '../../src/nlp/tokenize.js';

const lines = readFileSync(lexiconPath(LEMMA_TABLE_FILE), 'utf8').split('\n');

describe('English lemma table', () => {
  it('names the installed wink model', () => {
    expect(lines[0]).toBe(lemmaTableHeader());
  });

  // First: listsWords() lists every word lemmatized in this process so far.
  it('covers the words the English lists lemmatize at start', () => {
    const missing = listsWords().filter((word) => word !== '' && !word.includes('\t') && listedEnglishLemma(word) === undefined);
    expect(missing).toEqual([]);
  });

  it('gives the tagged instance lemma for the listed words and for a sample of the model words', () => {
    englishWordLemma('warm-up'); // loads the model's lexicon
    const listed = lines.slice(1).filter((line) => line !== '').map((line) => line.split('\t')[0]!);
    const words = englishModelWords().filter((word, i) => i % 10 === 0 && word === word.toLowerCase() && word !== '');
    const wrong: string[] = [];
    for (const word of [...listed, ...words]) {
      const expected = taggedEnglishLemma(word);
      if (listedEnglishLemma(word) !== expected) wrong.push(`${word}: ${listedEnglishLemma(word)} instead of ${expected}`);
    }
    expect(wrong).toEqual([]);
    expect(listed.length + words.length).toBeGreaterThan(25_000);
    expect(listedEnglishLemma('delivered')).toBe('deliver');
    expect(listedEnglishLemma('xqzvbrand')).toBeUndefined(); // unknown to the model: tagged
  });
});
