// Words no lexicon lists, read through their make-up:
//  - a negating prefix flips and dampens the stem's valence, like a negation ("uninteresting",
//    "unrecommended", "inintéressant", "malhonnête"): lexicons list the common ones, reviews coin
//    the rest, and each is as clear to a reader as "not interesting";
//  - an English adverb in -ly has its adjective's valence ("ineptly", "blandly", "unbearably").
//    Not French -ment adverbs: they intensify as often as they judge ("terriblement efficace").
import type { Lang } from '../../core/types.js';
import { frenchValence, type LanguageLexicon } from '../lexicon.js';
import { englishWordLemma } from '../tokenize.js';
import { remember } from '../../core/bounded-cache.js';

const EN_PREFIXES = ['non-', 'non', 'un', 'dis', 'in', 'im', 'ir', 'il'];
const FR_PREFIXES = ['non-', 'in', 'im', 'ir', 'il', 'mal', 'dés', 'dé'];
/** Words whose look-alike stem would mislead ("unlike" is not "not like"). */
const NOT_PREFIXED = new Set(['unlike', 'unless', 'until', 'display', 'disease', 'impress', 'improve', 'invaluable', 'inflammable', 'dislike']);
const MIN_STEM = 4;
/** -ly words whose look-alike adjective misleads ("likely" is not "like"). */
const NOT_ADVERBS = new Set(['likely', 'unlikely', 'lately', 'only', 'early', 'daily', 'weekly', 'monthly', 'yearly', 'family', 'apply', 'reply', 'supply', 'rely', 'holy', 'jelly', 'belly', 'bully', 'fly', 'july', 'italy', 'ally', 'rally', 'silly', 'friendly', 'lovely', 'lonely', 'ugly']);
/** Adjective forms of an adverb, most likely first: "badly" → "bad", "happily" → "happy", "unbearably" → "unbearable", "tragically" → "tragic". */
function adjectivesOf(adverb: string): string[] {
  const out: string[] = [];
  if (adverb.endsWith('ically')) out.push(adverb.slice(0, -4), adverb.slice(0, -2));
  else if (adverb.endsWith('ily')) out.push(adverb.slice(0, -3) + 'y');
  else if (adverb.endsWith('bly')) out.push(adverb.slice(0, -1) + 'e');
  else if (adverb.endsWith('lly')) out.push(adverb.slice(0, -2), adverb.slice(0, -1));
  out.push(adverb.slice(0, -2));
  return out;
}
const FLIP = -0.74;

const cache = { en: new Map<string, number | null>(), fr: new Map<string, number | null>() };
const CACHE_MAX = 50_000;

function stemValence(lex: LanguageLexicon, lang: 'en' | 'fr', stem: string): number | undefined {
  if (lang === 'fr') return frenchValence(lex, stem);
  return lex.words.get(stem) ?? lex.words.get(englishWordLemma(stem));
}

/**
 * Valence of a word read through a negating prefix or an adverb ending, or undefined. Only asked
 * for words without a valence of their own.
 */
export function derivedValence(lex: LanguageLexicon, lang: Lang, lower: string): number | undefined {
  if (lang !== 'en' && lang !== 'fr') return undefined;
  const memo = cache[lang];
  const hit = memo.get(lower);
  if (hit !== undefined) return hit ?? undefined;
  let value: number | undefined;
  if (lang === 'en' && lower.endsWith('ly') && lower.length - 2 >= MIN_STEM && !NOT_ADVERBS.has(lower)) {
    for (const adjective of adjectivesOf(lower)) {
      const v = lex.words.get(adjective) ?? derivedValence(lex, lang, adjective);
      if (v !== undefined && v !== 0) {
        value = v;
        break;
      }
    }
  }
  if (value === undefined && !NOT_PREFIXED.has(lower) && /^\p{L}[\p{L}-]*$/u.test(lower)) {
    for (const prefix of lang === 'en' ? EN_PREFIXES : FR_PREFIXES) {
      if (!lower.startsWith(prefix) || lower.length - prefix.length < MIN_STEM) continue;
      const v = stemValence(lex, lang, lower.slice(prefix.length));
      if (v !== undefined && v !== 0) {
        value = v * FLIP;
        break;
      }
    }
  }
  remember(memo, lower, value ?? null, CACHE_MAX);
  return value;
}
