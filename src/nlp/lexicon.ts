// Sentiment lexicons, loaded once on first use. All valences are on VADER's scale (-4 .. 4).
//
//  - English: AFINN-165 as shipped by the `sentiment` package (integers -5..5, × 0.8), then
//    config/lexicons/sentiment-en.tsv (our overrides and phrases).
//  - French: config/lexicons/vader_fr_lexicon.txt (MIT, see vader_fr_LICENSE.txt), then
//    config/lexicons/sentiment-fr.tsv.
//  - Emoji and emoticons: config/lexicons/sentiment-emoji.tsv, then the `sentiment` package's
//    Emoji Sentiment Ranking (× 0.6) for emoji we do not list.
import { createRequire } from 'node:module';
import { fold } from './normalize.js';
import { readValenceFile } from './resources.js';
import { isStopWord } from './terms.js';
import { setEmoticons, tokenizeEnglish, tokenizeFrench, type Token } from './tokenize.js';
import { remember } from '../core/bounded-cache.js';

const require = createRequire(import.meta.url);

export interface Phrase {
  valence: number;
  /** Number of words. */
  length: number;
  /** The phrase holds its own negation ("does not work", "pas terrible"): not negated again. */
  negated: boolean;
}

export interface LanguageLexicon {
  words: Map<string, number>;
  /** Phrases by their words' keys joined with a space. */
  phrases: Map<string, Phrase>;
  /** Words that start a phrase: avoids building keys for every token. */
  phraseStarts: Set<string>;
  /** The first 2 … n-1 words of each phrase: a match is extended only while it can still grow. */
  phrasePrefixes: Set<string>;
  maxPhraseLength: number;
  /** French: accent-less look-up ("decu" → "déçu"). */
  folded?: Map<string, number>;
}

export interface Lexicons {
  en: LanguageLexicon;
  fr: LanguageLexicon;
  emoji: Map<string, number>;
}

const NEGATION_WORDS = new Set([
  'not', "n't", 'no', 'never', 'without', 'nothing', 'ne', "n'", 'pas', 'jamais', 'rien', 'aucun',
  'aucune', 'sans', 'plus', 'ni',
]);

/**
 * A token's key in a phrase: its lemma (English) or lower-cased word (French), except English
 * comparatives and superlatives, kept as written: "never been happier" is praise, "never been
 * happy" a complaint, and the lemma of "happier" is "happy".
 */
export function phraseKey(t: Token): string {
  // French keys are the lower-cased words already; English words in -er/-est whose lemma differs
  // are comparatives and superlatives ("happier", "slowest"; nouns and verbs keep their -er).
  if (t.lemma !== t.lower && t.lemma !== '' && /(?:er|est)$/.test(t.lower)) return t.lower;
  return t.key;
}

function phraseKeys(phrase: string, lang: 'en' | 'fr'): string[] {
  const tokens = lang === 'en' ? tokenizeEnglish(phrase) : tokenizeFrench(phrase);
  return tokens.filter((t) => t.kind === 'word' || t.kind === 'number').map(phraseKey);
}

function buildLanguage(words: Map<string, number>, lang: 'en' | 'fr'): LanguageLexicon {
  const single = new Map<string, number>();
  const phrases = new Map<string, Phrase>();
  const phraseStarts = new Set<string>();
  const phrasePrefixes = new Set<string>();
  let maxPhraseLength = 1;
  for (const [term, valence] of words) {
    if (!/[\s']/.test(term) || !/\p{L}/u.test(term)) {
      single.set(term, valence);
      continue;
    }
    // Phrases are keyed the way the tokenizer will see them in text ("doesn't work" → "do not work").
    const keys = phraseKeys(term, lang);
    if (keys.length === 0) continue;
    if (keys.length === 1) {
      single.set(keys[0]!, valence);
      continue;
    }
    phrases.set(keys.join(' '), { valence, length: keys.length, negated: keys.some((k) => NEGATION_WORDS.has(k)) });
    phraseStarts.add(keys[0]!);
    for (let k = 2; k < keys.length; k++) phrasePrefixes.add(keys.slice(0, k).join(' '));
    maxPhraseLength = Math.max(maxPhraseLength, keys.length);
  }
  return { words: single, phrases, phraseStarts, phrasePrefixes, maxPhraseLength };
}

function loadEnglish(): LanguageLexicon {
  const afinn = require('sentiment/languages/en/labels.json') as Record<string, number>;
  const words = new Map<string, number>();
  for (const [w, v] of Object.entries(afinn)) words.set(w.toLowerCase(), v * 0.8);
  for (const [w, v] of readValenceFile('sentiment-en.tsv')) words.set(w, v);
  return buildLanguage(words, 'en');
}

function loadFrench(): LanguageLexicon {
  const words = readValenceFile('vader_fr_lexicon.txt');
  for (const [w, v] of readValenceFile('sentiment-fr.tsv')) words.set(w, v);
  const lexicon = buildLanguage(words, 'fr');

  // Accent-less fall-back; an accented entry wins over a folded collision.
  const folded = new Map<string, number>();
  for (const [w, v] of lexicon.words) {
    if (!/^\p{L}+$/u.test(w)) continue;
    const f = fold(w);
    if (f !== w && !lexicon.words.has(f) && !folded.has(f)) folded.set(f, v);
  }
  lexicon.folded = folded;
  return lexicon;
}

function loadEmoji(): Map<string, number> {
  const emoji = new Map<string, number>();
  const ranking = require('sentiment/build/emoji.json') as Record<string, number>;
  for (const [e, v] of Object.entries(ranking)) emoji.set(e.replace(/[\uFE0E\uFE0F]/g, ''), v * 0.6);
  for (const [e, v] of readValenceFile('sentiment-emoji.tsv')) emoji.set(e, v);
  return emoji;
}

let lexicons: Lexicons | undefined;
let secondary: { en: Map<string, number>; fr: Map<string, number> } | undefined;

/**
 * Second opinions, read by the sentiment model as features of their own (not by the rules):
 * English, the VADER lexicon (config/lexicons/vader_en_lexicon.tsv, MIT); French, the adjectives
 * of the Pattern lexicon shipped in `natural` (BSD, polarity -1..1, × 4). Keys lower-cased; French
 * keys also without accents.
 */
export function getSecondaryLexicons(): { en: Map<string, number>; fr: Map<string, number> } {
  // Each language on first use (issue 15, start15: an English text loads no French).
  secondary ??= {
    get en() { return (secondaryEn ??= readValenceFile('vader_en_lexicon.tsv')); },
    get fr() { return (secondaryFr ??= secondaryFrench()); },
  };
  return secondary;
}

let secondaryEn: Map<string, number> | undefined;
let secondaryFr: Map<string, number> | undefined;

function secondaryFrench(): Map<string, number> {
  const fr = new Map<string, number>();
  const pattern = require('natural/lib/natural/sentiment/French/pattern-sentiment-fr.json') as Record<string, { polarity: string }>;
  for (const [w, e] of Object.entries(pattern)) {
    const v = Number(e.polarity) * 4;
    if (!Number.isFinite(v) || v === 0) continue;
    const key = w.toLowerCase();
    fr.set(key, v);
    const f = fold(key);
    if (!fr.has(f)) fr.set(f, v);
  }
  return fr;
}

export function getLexicons(): Lexicons {
  if (lexicons === undefined) {
    const emoji = loadEmoji();
    // The French tokenizer must know the emoticons before French phrases are tokenized.
    setEmoticons([...emoji.keys()].filter((k) => !/\p{Extended_Pictographic}/u.test(k)));
    // Each language's lexicon is built on first use (issue 15, start15: an English text loads no French).
    let en: LanguageLexicon | undefined;
    let fr: LanguageLexicon | undefined;
    lexicons = { get en() { return (en ??= loadEnglish()); }, get fr() { return (fr ??= loadFrench()); }, emoji };
  }
  return lexicons;
}

// Inflections back to a form the lexicon lists: plural, feminine, "-aux" → "-al", "-ive" → "-if",
// "-euse" → "-eux". Deliberately not the Porter stem: stems conflate too much ("pourriez" and
// "pourri" share "pourr").
const FRENCH_INFLECTIONS: readonly [RegExp, string][] = [
  [/(?<=\p{L}{2})[sx]$/u, ''],
  [/(?<=\p{L}{2})es$/u, ''],
  [/(?<=\p{L}{2})e$/u, ''],
  [/(?<=\p{L}{2})aux$/u, 'al'],
  [/(?<=\p{L}{2})ives?$/u, 'if'],
  [/(?<=\p{L}{2})euses?$/u, 'eux'],
  [/(?<=\p{L}{2})(?:elle|elles)$/u, 'el'],
  [/(?<=\p{L}{2})(?:enne|ennes)$/u, 'en'],
];

function frenchLookup(lex: LanguageLexicon, word: string): number | undefined {
  return lex.words.get(word) ?? lex.folded?.get(word);
}

/**
 * Valence of a French word: as written, then without accents, then un-inflected. A word written
 * without accents is looked up as its accented form ("decu" → "déçu"), except stop words: "sur"
 * is not "sûr", "ou" is not "où".
 */
export function frenchValence(lex: LanguageLexicon, lower: string): number | undefined {
  // Cached per lexicon (the rules ask for every word of every mention; the fall-backs below are
  // most of the cost of the French rules). Bounded: unique garbage words must not grow it forever.
  let cache = valenceCache.get(lex);
  if (cache === undefined) valenceCache.set(lex, (cache = new Map()));
  const hit = cache.get(lower);
  if (hit !== undefined) return hit === null ? undefined : hit;
  const v = frenchValenceUncached(lex, lower);
  remember(cache, lower, v ?? null, VALENCE_CACHE_MAX);
  return v;
}

const valenceCache = new WeakMap<LanguageLexicon, Map<string, number | null>>();
const VALENCE_CACHE_MAX = 100_000;

function frenchValenceUncached(lex: LanguageLexicon, lower: string): number | undefined {
  const exact = lex.words.get(lower);
  if (exact !== undefined) return exact;
  if (isStopWord('fr', lower)) return undefined;
  const accented = lex.folded?.get(lower);
  if (accented !== undefined) return accented;
  const folded = fold(lower);
  if (folded !== lower) {
    const v = frenchLookup(lex, folded);
    if (v !== undefined) return v;
  }
  if (lower.length < 4) return undefined;
  for (const [re, replacement] of FRENCH_INFLECTIONS) {
    if (!re.test(lower)) continue;
    const base = lower.replace(re, replacement);
    const v = frenchLookup(lex, base) ?? frenchLookup(lex, fold(base));
    if (v !== undefined) return v;
  }
  return undefined;
}
