// Text folding shared by analysis, brand matching and the store, so that a query word and the text
// it should find are compared in the same form; and the clean-up every mention goes through before
// language detection, tokenization and sentiment (`prepareText`).
import { decodeHTML } from 'entities';
import { remember } from '../core/bounded-cache.js';

/** Lower-cases and strips diacritics: "Livraisons Élevées" → "livraisons elevees". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

const NON_ASCII = /[^\x00-\x7F]/;
const foldCache = new Map<string, string>();
const FOLD_CACHE_MAX = 50_000;

/**
 * fold() of one word, with a fast path for the (already lower-cased) ASCII words most tokens are,
 * and a bounded cache for the others (French words with accents recur: "été", "qualité", "très").
 */
export function foldWord(lower: string): string {
  if (!NON_ASCII.test(lower)) return lower.toLowerCase();
  return foldCache.get(lower) ?? remember(foldCache, lower, fold(lower), FOLD_CACHE_MAX);
}

/** Words (letters and digits, inner apostrophes and hyphens split), folded. */
export function foldedWords(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * How much of a mention is analysed. A 1 MB paste must neither hang the pipeline nor blow its
 * memory, and the tone and vocabulary of a mention are settled long before 30,000 characters (a
 * long news article); the rest is ignored. Counts and lemmas describe the analysed part only.
 */
export const MAX_ANALYZED_CHARS = 30_000;

/** Cuts `text` to at most `max` characters, at a whitespace when one is near the limit. */
export function capText(text: string, max: number = MAX_ANALYZED_CHARS): string {
  if (text.length <= max) return text;
  let cut = max;
  // Do not split a surrogate pair or a word when a space is close by.
  const space = text.lastIndexOf(' ', max);
  if (space > max - 200) cut = space;
  else if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut -= 1;
  return text.slice(0, cut);
}

/**
 * Decodes the HTML entities feeds and APIs leave in text (`&amp;`, `&#39;`, `&eacute;`, `&bdquo;`):
 * the whole HTML5 set, case-sensitive, from the maintained `entities` decoder (as the connectors
 * use). Control code points written as numeric references become a space: they would only add
 * garbage, and a space keeps the words apart.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return decodeHTML(text).replace(CONTROL_OR_REPLACEMENT, ' ');
}

// C0 controls other than tab/newline, and the U+FFFD the decoder gives for invalid references.
// eslint-disable-next-line no-control-regex
const CONTROL_OR_REPLACEMENT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/g;

/** Splits a hashtag body into words: "CustomerService" → "Customer Service", "sav_free" → "sav free". */
export function splitHashtag(tag: string): string {
  return tag
    .replace(/_+/g, ' ')
    // lower→Upper ("customerService"), but not after a single leading letter ("iPhone", "eBay").
    .replace(/(\p{Ll}{2,})(?=\p{Lu})/gu, '$1 ')
    // "SNCFFail" → "SNCF Fail"
    .replace(/(\p{Lu}+)(?=\p{Lu}\p{Ll}{2,})/gu, '$1 ')
    .trim();
}

/**
 * Collapses letters repeated three times or more ("sooo", "nuuuul") to two, then to one when the
 * two-letter form is not a known word but the one-letter form is ("soo" → "so", "loove" → "love",
 * "goood" → "good"). `known` says whether a lower-cased word is in a vocabulary we trust.
 */
export function collapseElongations(text: string, known: (word: string) => boolean): string {
  if (!/(\p{L})\1\1/u.test(text)) return text;
  return text.replace(/\p{L}*(\p{L})\1\1\p{L}*/gu, (word) => {
    const two = word.replace(/(\p{L})\1{2,}/gu, '$1$1');
    if (known(two.toLowerCase())) return two;
    // Try de-doubling each run that was elongated (at most 3 runs: 8 candidates).
    const runs: number[] = [];
    const re = /(\p{L})\1{2,}/gu;
    let m: RegExpExecArray | null;
    let shift = 0;
    while ((m = re.exec(word)) !== null && runs.length < 3) {
      // position of the run in `two`: every earlier run lost (its length - 2) characters
      runs.push(m.index - shift);
      shift += m[0].length - 2;
    }
    let best = two;
    for (let mask = 1; mask < 1 << runs.length; mask++) {
      let candidate = two;
      for (let i = runs.length - 1; i >= 0; i--) {
        if (mask & (1 << i)) {
          const at = runs[i]!;
          candidate = candidate.slice(0, at) + candidate.slice(at + 1);
        }
      }
      if (known(candidate.toLowerCase())) { best = candidate; break; }
    }
    return best;
  });
}

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const EMAIL_RE = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const HANDLE_RE = /(^|[^\p{L}\p{N}_@])@[\p{L}\p{N}_.]{1,40}/gu;
const HASHTAG_RE = /(^|[^\p{L}\p{N}_&#])#(\p{L}[\p{L}\p{N}_]*)/gu;
const TAG_RE = /<\/?[a-zA-Z][^<>]{0,500}>/g;
// C0/C1 controls except tab and newline, zero-width characters and the byte-order mark.
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200C\u2060\uFEFF]/g;
// Lone surrogates (binary garbage read as text) would reach the tokenizers as "letters".
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Emoji presentation selectors and skin tones: "❤️" and "👍🏽" are looked up as "❤" and "👍".
const EMOJI_MODIFIER_RE = /[\uFE0E\uFE0F]|\uD83C[\uDFFB-\uDFFF]|\u200D/g;
const APOSTROPHE_RE = /[\u2019\u2018\u02BC\u02BB\u0060\u00B4\u2032\uFF07]/g;
const SPACE_RE = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;
/** A character any of the six clean-ups above may change: not printable ASCII (backtick included), or \r. */
const NOT_PLAIN_RE = /[^\x20-\x5F\x61-\x7E\n]/;

/**
 * Cleans a mention for analysis: caps its length, decodes HTML entities and drops tags, unifies
 * apostrophes ("’" → "'") and spaces, removes URLs, e-mail addresses and @handles (they are not
 * words of the mention), turns hashtags into words ("#CustomerService" → "Customer Service"),
 * drops control characters and lone surrogates, and collapses elongations (see
 * `collapseElongations`). Never throws.
 */
export function prepareText(raw: string, known: (word: string) => boolean = () => false): string {
  let text = capText(raw).normalize('NFC');
  text = decodeEntities(text);
  if (text.includes('<')) text = text.replace(TAG_RE, ' ');
  // Plain printable ASCII (most English mentions) has nothing for the next six expressions.
  if (NOT_PLAIN_RE.test(text)) text = text
    .replace(LONE_SURROGATE_RE, ' ')
    .replace(CONTROL_RE, ' ')
    .replace(EMOJI_MODIFIER_RE, '')
    .replace(APOSTROPHE_RE, "'")
    .replace(SPACE_RE, ' ')
    .replace(/\r\n?/g, '\n');
  text = text.replace(URL_RE, ' ');
  if (text.includes('@')) text = text.replace(EMAIL_RE, ' ').replace(HANDLE_RE, '$1 ');
  if (text.includes('#')) text = text.replace(HASHTAG_RE, (_m, before: string, tag: string) => `${before}${splitHashtag(tag)}`);
  return collapseElongations(text, known);
}
