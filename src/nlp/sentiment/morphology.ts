// Negating prefixes: a word no lexicon lists but whose stem one does takes the stem's valence,
// flipped and dampened like a negation ("uninteresting", "unrecommended", "inintéressant",
// "malhonnête"). Lexicons list the common ones; reviews coin the rest ("unwatchable",
// "charmless" aside), and each is as clear to a reader as "not interesting".
import type { Lang } from '../../core/types.js';
import { frenchValence, type LanguageLexicon } from '../lexicon.js';
import { englishWordLemma } from '../tokenize.js';

const EN_PREFIXES = ['non-', 'non', 'un', 'dis', 'in', 'im', 'ir', 'il'];
const FR_PREFIXES = ['non-', 'in', 'im', 'ir', 'il', 'mal', 'dés', 'dé'];
/** Words whose look-alike stem would mislead ("unlike" is not "not like"). */
const NOT_PREFIXED = new Set(['unlike', 'unless', 'until', 'display', 'disease', 'impress', 'improve', 'invaluable', 'inflammable', 'dislike']);
const MIN_STEM = 4;
const FLIP = -0.74;

const cache = { en: new Map<string, number | null>(), fr: new Map<string, number | null>() };
const CACHE_MAX = 50_000;

function stemValence(lex: LanguageLexicon, lang: 'en' | 'fr', stem: string): number | undefined {
  if (lang === 'fr') return frenchValence(lex, stem);
  return lex.words.get(stem) ?? lex.words.get(englishWordLemma(stem));
}

/**
 * Valence of a word read through a negating prefix, or undefined. Only asked for words without
 * a valence of their own.
 */
export function prefixedValence(lex: LanguageLexicon, lang: Lang, lower: string): number | undefined {
  if (lang !== 'en' && lang !== 'fr') return undefined;
  const memo = cache[lang];
  const hit = memo.get(lower);
  if (hit !== undefined) return hit ?? undefined;
  let value: number | undefined;
  if (!NOT_PREFIXED.has(lower) && /^\p{L}[\p{L}-]*$/u.test(lower)) {
    for (const prefix of lang === 'en' ? EN_PREFIXES : FR_PREFIXES) {
      if (!lower.startsWith(prefix) || lower.length - prefix.length < MIN_STEM) continue;
      const v = stemValence(lex, lang, lower.slice(prefix.length));
      if (v !== undefined && v !== 0) {
        value = v * FLIP;
        break;
      }
    }
  }
  if (memo.size >= CACHE_MAX) memo.clear();
  memo.set(lower, value ?? null);
  return value;
}
