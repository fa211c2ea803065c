// Lemmas and term counts. `lemmas` keeps every word's index form, stop words included, so that a
// search for "great" or "pas" still finds the mention; `terms` are what a mention is about: lemma
// counts without stop words, numbers and one-letter words, plus bigrams of adjacent content words
// ("customer service", French stems "servic client").
import { createRequire } from 'node:module';
import type { Lang } from '../core/types.js';
import { fold } from './normalize.js';
import type { Token } from './tokenize.js';
import { remember } from '../core/bounded-cache.js';
import { infoFor } from './word-info.js';

const require = createRequire(import.meta.url);

// stopwords-iso is broad (its English list holds "great", "problem", "website"; its French one
// "bon", "merci", "retour"): these words say what a mention is about, so they stay terms.
const KEEP_EN = [
  'good', 'great', 'greater', 'greatest', 'best', 'better', 'new', 'newer', 'newest', 'old', 'older',
  'help', 'thanks', 'thank', 'problem', 'problems', 'work', 'works', 'worked', 'working', 'useful',
  'home', 'homepage', 'information', 'system', 'place', 'places', 'room', 'rooms', 'computer',
  'microsoft', 'website', 'web', 'webpage', 'page', 'pages', 'order', 'ordered', 'orders', 'value',
  'test', 'free', 'open', 'important', 'interesting', 'serious', 'sorry', 'welcome', 'proud', 'poorly',
  'quickly', 'promptly', 'bill', 'buy', 'research', 'big', 'small', 'high', 'low', 'fire', 'cry',
  'miss', 'stop', 'click', 'name', 'date', 'member', 'members', 'group', 'world', 'line', 'long',
  'short', 'early', 'late', 'young', 'large', 'love', 'like', 'liked', 'want', 'clear', 'sure',
  'successfully', 'strongly', 'sincere', 'secure', 'unfortunately', 'welcome', 'value', 'card',
];
const KEEP_FR = [
  'bon', 'bonne', 'bien', 'beau', 'bravo', 'cher', 'chers', 'chère', 'chères', 'merci', 'nul', 'pire',
  'remarquable', 'nouveau', 'nouveaux', 'retour', 'valeur', 'essai', 'pièce', 'état', 'ouvert',
  'ouverte', 'naturel', 'naturelle', 'unique', 'rare', 'ouf', 'parole', 'sujet', 'début', 'juste',
];

function buildStopSet(words: readonly string[], keep: readonly string[], extra: readonly string[]): Set<string> {
  const keepSet = new Set(keep);
  const set = new Set<string>();
  for (const w of [...words, ...extra]) {
    const lower = w.toLowerCase();
    if (keepSet.has(lower)) continue;
    set.add(lower);
    // Social French often drops accents ("tres", "deja"); match both.
    set.add(fold(lower));
  }
  return set;
}

let stops: { en: Set<string>; fr: Set<string> } | undefined;

function stopSets(): { en: Set<string>; fr: Set<string> } {
  if (stops === undefined) {
    const iso = require('stopwords-iso') as Record<string, string[]>;
    stops = {
      en: buildStopSet(iso.en ?? [], KEEP_EN, ["n't", 'not', 'be', 'do', 'have', 'get', 'go', 'can', 'will', 'would', 'gonna', 'wanna', 'lol', 'u', 'ur', 'pls', 'plz', 'amp']),
      // Elided and expanded forms ("l'" → "le") and what the stemmer makes of common words.
      fr: buildStopSet(iso.fr ?? [], KEEP_FR, ['ne', 'le', 'de', 'je', 'que', 'ce', 'se', 'me', 'te', 'jusque', 'lorsque', 'puisque', 'quoique', 'cest', 'jai', 'ya', 'y a', 'tres', 'ca', 'etre', 'avoir', 'fait', 'faire', 'vraiment', 'hui', 'aujourd', 'mdr', 'lol', 'svp', 'stp']),
    };
  }
  return stops;
}

/** Whether a word is a stop word in `lang` (checked on the word as written and on its lemma). */
export function isStopWord(lang: Lang, lower: string, lemma: string = lower): boolean {
  if (lang === 'other') return false;
  const set = stopSets()[lang];
  return set.has(lower) || set.has(lemma);
}

/** Lemmas of the word tokens, in text order: the index forms the store searches. */
export function lemmasOf(tokens: readonly Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) if (t.kind === 'word' && t.lemma !== '') out.push(t.lemma);
  return out;
}

/**
 * Term counts: content lemmas and bigrams of two content lemmas next to each other in the text
 * (nothing in between, not even punctuation), keyed "a b".
 */
export function termsOf(tokens: readonly Token[], lang: Lang): Record<string, number> {
  return termsAndLabelsOf(tokens, lang).terms;
}

/**
 * Term counts (see termsOf) and, for each term whose key is not the words as written, its surface
 * form as first written (lower-cased): the label a person reads ("service client" for the French
 * stems "servic client"). Same single pass; labels equal to their key are left out to keep
 * documents small.
 */
export function termsAndLabelsOf(tokens: readonly Token[], lang: Lang): { terms: Record<string, number>; labels: Record<string, string> } {
  // Counted straight into a prototype-less object: no Object.prototype key ("constructor",
  // "__proto__") can collide with a term, and no Map has to be copied out (that copy was a
  // twentieth of analyze()'s time on tweets).
  const terms = Object.create(null) as Record<string, number>;
  const labels = Object.create(null) as Record<string, string>;
  let prev: string | undefined;
  let prevLower = '';
  for (const t of tokens) {
    const content = t.kind === 'word' && isContentCached(t, lang);
    if (!content) {
      prev = undefined;
      continue;
    }
    const lemma = t.lemma;
    const seen = terms[lemma];
    terms[lemma] = (seen ?? 0) + 1;
    if (seen === undefined && t.lower !== lemma) labels[lemma] = t.lower;
    if (prev !== undefined && prev !== lemma) {
      const bigram = `${prev} ${lemma}`;
      const seenBigram = terms[bigram];
      terms[bigram] = (seenBigram ?? 0) + 1;
      if (seenBigram === undefined) {
        const surface = `${prevLower} ${t.lower}`;
        if (surface !== bigram) labels[bigram] = surface;
      }
    }
    prev = lemma;
    prevLower = t.lower;
  }
  return { terms, labels };
}

const contentCache = { en: new Map<string, boolean>(), fr: new Map<string, boolean>(), other: new Map<string, boolean>() };
const CONTENT_CACHE_MAX = 100_000;

/**
 * isContent, cached by word: a word's lemma depends on the word alone, except for English
 * contractions ("'s" is "be" or a possessive), which are not cached.
 */
function isContentCached(t: Token, lang: Lang): boolean {
  const info = infoFor(t, lang);
  if (info !== undefined) return (info.content ??= isContent(t, lang));
  if (t.lower.includes("'")) return isContent(t, lang);
  const cache = contentCache[lang];
  const key = t.lower;
  return cache.get(key) ?? remember(cache, key, isContent(t, lang), CONTENT_CACHE_MAX);
}

function isContent(t: Token, lang: Lang): boolean {
  const lemma = t.lemma;
  if (lemma.length < 2 || t.lower.length < 2) return false;
  if (!/\p{L}/u.test(lemma)) return false;
  // "4g" and "5ème" are words; "2024" is not a word token at all.
  return !isStopWord(lang, t.lower, lemma);
}
