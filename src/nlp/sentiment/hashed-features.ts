// What the hashed sentiment model (issue 16, format ecoute-sentiment-hash/2) reads of a text: the
// fastText recipe over every word rather than only the lexicons' opinion words, plus what the
// lexicons and rules found as dense inputs (the rules inform the model; they no longer override it).
//
//  - words: English lemma or French accent-less stem, prefixed by the language, marked NOT_ inside
//    a negation scope as the rules draw it ("en:NOT_good");
//  - word pairs: two adjacent words of a clause ("fr:pas_terrible", "en:customer_service");
//  - character 3- and 4-grams of each word, with boundary marks ("<dé", "çu>"), shared by the
//    languages: they carry what a word's spelling says to words never seen in training (French
//    inflections, typos, "unwatchable", "inregardable");
//  - emoji and emoticons, shared by the languages;
//  - the dense features of features.ts (rule score, lexicon sums and counts...), shared and per
//    language, at fixed slots before the hashed ones.
// Each sparse group is scaled by 1/√(its size), so a long review does not outweigh a tweet by its
// length alone. Sparse names are hashed (FNV-1a, 32 bits) into 2^bits buckets: no vocabulary to
// store, and a bounded model file whatever the training data.
import type { Lang } from '../../core/types.js';
import { remember } from '../../core/bounded-cache.js';
import { foldWord } from '../normalize.js';
import type { Token } from '../tokenize.js';
import { DENSE, denseValues } from './features.js';
import type { RuleResult } from './rules/index.js';

/** Dense slots: shared, then English, then French. */
export const DENSE_SLOTS = DENSE.length * 3;

export interface HashedFeatures {
  idx: number[];
  val: number[];
}

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const gramCache = new Map<string, number[]>();

/** Hashes (unmasked) of a word's character 3- and 4-grams, "<" and ">" marking its ends. */
function charGrams(word: string): number[] {
  const cached = gramCache.get(word);
  if (cached !== undefined) return cached;
  const w = `<${word}>`;
  const out: number[] = [];
  if (word.length >= 3) {
    for (let n = 3; n <= 4; n++) for (let i = 0; i + n <= w.length; i++) out.push(fnv1a(`c:${w.slice(i, i + n)}`));
  }
  return remember(gramCache, word, out, 200_000);
}

/** Weight of the character n-grams against the words (their group scale is multiplied by it). */
const GRAM_WEIGHT = 0.5;

export function hashedFeatures(tokens: readonly Token[], lang: Lang, rules: RuleResult, bits: number): HashedFeatures {
  const mask = (1 << bits) - 1;
  const prefix = `${lang}:`;
  const words: number[] = [];
  const grams: number[] = [];
  let previous: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word') {
      const base = t.lemma || t.lower;
      const w = lang === 'fr' ? foldWord(base) : base;
      if (w === '') continue;
      words.push(fnv1a(rules.negated[i] ? `${prefix}NOT_${w}` : prefix + w));
      if (previous !== undefined) words.push(fnv1a(`${prefix}${previous}_${w}`));
      for (const g of charGrams(lang === 'fr' ? w : foldWord(t.lower))) grams.push(g);
      previous = w;
    } else if (t.kind === 'emoji' || t.kind === 'emoticon') {
      words.push(fnv1a(`e:${t.lower}`));
      previous = undefined;
    } else if (t.kind === 'punct') {
      previous = undefined;
    }
  }
  const acc = new Map<number, number>();
  const add = (hashes: readonly number[], scale: number): void => {
    for (const h of hashes) {
      const k = DENSE_SLOTS + (h & mask);
      acc.set(k, (acc.get(k) ?? 0) + scale);
    }
  };
  if (words.length > 0) add(words, 1 / Math.sqrt(words.length));
  if (grams.length > 0) add(grams, GRAM_WEIGHT / Math.sqrt(grams.length));
  const idx: number[] = [];
  const val: number[] = [];
  const dense = denseValues(rules, tokens, lang);
  const langSlot = lang === 'en' ? 1 : lang === 'fr' ? 2 : -1;
  for (let d = 0; d < DENSE.length; d++) {
    const v = dense[d]!;
    if (v === 0) continue;
    idx.push(d);
    val.push(v);
    if (langSlot > 0) {
      idx.push(langSlot * DENSE.length + d);
      val.push(v);
    }
  }
  for (const [k, v] of acc) {
    idx.push(k);
    val.push(v);
  }
  return { idx, val };
}
