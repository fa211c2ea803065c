// Language identification: English, French or other, with a confidence.
//
// franc (trigram profiles) is good on a paragraph and unreliable under ~20 characters, which is a
// large share of social mentions ("Trop bien !", "love it"). So its vote is weighed by the amount
// of text and added to cues that work on a few words: function words of each language, French
// elisions (l' d' qu' j' n' c'), English contractions (n't 's 'm), and French accents. franc's
// scoring is re-implemented on its own data (trigramScores: same figures, a fifth of the cost),
// and skipped altogether when the cues settle the question.
import { data as francData } from 'franc/data.js';
import type { Lang } from '../core/types.js';

export interface LanguageResult {
  lang: Lang;
  /** 0..1 */
  confidence: number;
}

/** The first characters are enough to tell the language; franc's cost grows with the length. */
const DETECT_CHARS = 600;

// Function words that are frequent in one language and rare in the other (ambiguous ones such as
// "on", "a", "me", "plus", "son", "as", "an" are left out). Weight 1 each.
const ENGLISH_CUES = [
  'the', 'and', 'is', 'are', 'was', 'were', 'it', 'its', 'this', 'that', 'with', 'for', 'you', 'your',
  'my', 'i', 'not', 'but', 'have', 'has', 'had', 'they', 'we', 'of', 'to', 'in', 'very', 'so', 'what',
  'just', 'be', 'been', 'would', 'will', 'can', 'do', 'does', 'did', 'from', 'at', 'by', 'or', 'if',
  'all', 'no', 'our', 'their', 'there', 'about', 'when', 'how', 'why', 'who', 'get', 'got', 'out',
  'up', 'too', 'really', 'never', 'love', 'great', 'good', 'bad', 'thanks', 'please', 'after', 'still',
  'again', 'since', 'now', 'he', 'she', 'him', 'her', 'them', 'which', 'should', 'could', 'any',
  'some', 'than', 'then', 'only', 'because', 'into', 'over', 'worst', 'best', 'awesome', 'terrible',
  'awful', 'customer', 'service', 'delivery', 'order', 'app', 'dont', 'cant', 'im', 'ive',
];
const FRENCH_CUES = [
  'le', 'la', 'les', 'des', 'un', 'une', 'est', 'et', 'pas', 'je', 'tu', 'il', 'elle', 'nous', 'vous',
  'ils', 'ce', 'cette', 'ces', 'ça', 'ca', 'que', 'qui', 'pour', 'avec', 'dans', 'sur', 'très', 'tres',
  'mais', 'du', 'au', 'aux', 'ne', 'mon', 'ma', 'mes', 'ton', 'ta', 'votre', 'vos', 'notre', 'nos',
  'leur', 'sont', 'été', 'être', 'avoir', 'fait', 'faire', 'trop', 'bien', 'rien', 'jamais', 'toujours',
  'encore', 'déjà', 'deja', 'aussi', 'alors', 'donc', 'car', 'quand', 'comme', 'merci', 'bonjour',
  'nul', 'nulle', 'génial', 'super', 'vraiment', 'tout', 'tous', 'toute', 'par', 'chez', 'depuis',
  'livraison', 'commande', 'colis', 'client', 'après', 'apres', 'sans', 'moi', 'toi', 'lui', 'où',
  'ou', 'oui', 'non', 'peu', 'beaucoup', 'cest', 'jai', 'suis', 'es', 'sommes', 'êtes', 'ont',
  'avait', 'était', 'etait', 'même', 'meme', 'quoi', 'pourquoi', 'comment', 'rapide', 'déçu', 'decu',
  'bof', 'nickel', 'genial', 'arnaque', 'remboursement', 'injoignable', 'svp', 'mdr',
];
// Function words of the other languages franc is asked about (Spanish, Portuguese, Italian,
// German, Dutch) that are not English or French words: a short text full of them is 'other'.
const FOREIGN_CUES = new Set([
  'el', 'los', 'las', 'muy', 'y', 'con', 'por', 'pero', 'es', 'está', 'esta', 'bueno', 'buena', 'malo',
  'gracias', 'una', 'del', 'al', 'lo', 'hay', 'más', 'não', 'é', 'muito', 'obrigado', 'obrigada', 'um',
  'uma', 'com', 'mais', 'di', 'che', 'è', 'per', 'della', 'molto', 'sono', 'ma', 'grazie', 'anche',
  'der', 'die', 'das', 'und', 'ist', 'nicht', 'sehr', 'gut', 'ein', 'eine', 'mit', 'danke', 'ich',
  'auch', 'aber', 'het', 'een', 'niet', 'zeer', 'goed', 'ik', 'dank', 'maar', 'ook', 'van', 'zijn',
]);
// Shared with French or English, so not counted: 'es', 'mais', 'ma', 'van' are removed below.
for (const w of ['es', 'mais', 'ma', 'van']) FOREIGN_CUES.delete(w);

const CUES = new Map<string, number>();
for (const w of ENGLISH_CUES) CUES.set(w, 1);
for (const w of FRENCH_CUES) CUES.set(w, (CUES.get(w) ?? 0) - 1);

const FRENCH_ELISION_RE = /^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)'\p{L}/u;
const ENGLISH_CONTRACTION_RE = /\p{L}(?:n't|'(?:s|re|ve|ll|m|d))$/u;
const FRENCH_ACCENT_RE = /[éèêàçùûôîïœë]/;
const LETTER_RE = /\p{L}/u;
const LATIN_LETTER_RE = /\p{Script=Latin}/u;
const WORD_RE = /[\p{L}']+/gu;

/** Letters, and Latin letters among them (one pass; ASCII letters are the common case). */
function countLetters(text: string): { letters: number; latin: number } {
  let letters = 0;
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      letters++;
      latin++;
    } else if (c > 127) {
      const ch = text.charAt(i);
      if (LETTER_RE.test(ch)) {
        letters++;
        if (LATIN_LETTER_RE.test(ch)) latin++;
      }
    }
  }
  return { letters, latin };
}

/** Normalizes a language hint: 'en', 'eng', 'en-GB', 'English' → 'en'; unknown → undefined. */
export function langFromHint(hint: string | undefined): Lang | 'foreign' | undefined {
  if (typeof hint !== 'string') return undefined;
  const h = hint.trim().toLowerCase().replace(/_/g, '-');
  if (h === '') return undefined;
  const base = h.split('-')[0] ?? '';
  if (base === 'en' || base === 'eng' || base === 'english') return 'en';
  if (base === 'fr' || base === 'fra' || base === 'fre' || base === 'french' || base === 'français' || base === 'francais') return 'fr';
  if (base === 'und' || base === 'mul' || base === 'zxx') return undefined;
  // A code of another language ('de', 'spa', 'pt-BR'): it decides, so it must be a real one (ICU's
  // language names know every ISO 639 code); a made-up 'xx' is ignored like any invalid hint.
  if (/^[a-z]{2,3}$/.test(base) && isLanguageCode(base)) return 'foreign';
  return undefined;
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

function isLanguageCode(code: string): boolean {
  try {
    return LANGUAGE_NAMES.of(code) !== undefined;
  } catch {
    return false;
  }
}

/** Evidence for English (positive) or French (negative), in "cue words". */
function cueEvidence(text: string): { evidence: number; cues: number; foreign: number; words: number } {
  let evidence = 0;
  let cues = 0;
  let foreign = 0;
  let accented = 0;
  const words = text.toLowerCase().match(WORD_RE) ?? [];
  for (const raw of words) {
    let w = raw;
    if (w.includes("'")) {
      if (FRENCH_ELISION_RE.test(w)) {
        evidence -= 1.5;
        cues++;
      } else if (ENGLISH_CONTRACTION_RE.test(w)) {
        evidence += 1.5;
        cues++;
      }
      w = w.replace(/^'+|'+$/g, '');
    }
    const v = CUES.get(w);
    if (v !== undefined && v !== 0) {
      evidence += v;
      cues++;
    } else if (FOREIGN_CUES.has(w)) {
      foreign++;
    }
    // Accents: a word or two may be a borrowing ("café", "déjà vu"); many are French.
    if (accented < 6 && FRENCH_ACCENT_RE.test(w)) accented++;
  }
  evidence -= accented * 0.7;
  return { evidence, cues, foreign, words: words.length };
}

const CANDIDATES = ['eng', 'fra', 'spa', 'por', 'ita', 'deu', 'nld'];
const ENG = 0;
const FRA = 1;

/**
 * franc's trigram weights of the candidate languages: trigram → weight per candidate (-1: absent).
 * A trigram of three characters below U+0400 (every Latin letter, accented or not) is keyed by
 * the number its three codes make (trigramCode): counting the trigrams of a text then allocates
 * no string and hashes no string. Any other trigram is keyed by itself in `byText`.
 */
interface TrigramWeights {
  byCode: Map<number, Int16Array>;
  byText: Map<string, Int16Array>;
}
let trigramWeights: TrigramWeights | undefined;

const CODE_BITS = 10;
const CODE_LIMIT = 1 << CODE_BITS;

/** The number three characters below U+0400 make (30 bits: a small integer), or -1. */
function trigramCode(a: number, b: number, c: number): number {
  return a < CODE_LIMIT && b < CODE_LIMIT && c < CODE_LIMIT ? (a << (2 * CODE_BITS)) | (b << CODE_BITS) | c : -1;
}

function weights(): TrigramWeights {
  if (trigramWeights === undefined) {
    const table: TrigramWeights = { byCode: new Map(), byText: new Map() };
    const latin = francData.Latin ?? {};
    CANDIDATES.forEach((code, k) => {
      const model = (latin[code] ?? '').split('|');
      for (let w = 0; w < model.length; w++) {
        const trigram = model[w]!;
        const key = trigram.length === 3 ? trigramCode(trigram.charCodeAt(0), trigram.charCodeAt(1), trigram.charCodeAt(2)) : -1;
        let row = key >= 0 ? table.byCode.get(key) : table.byText.get(trigram);
        if (row === undefined) {
          row = new Int16Array(CANDIDATES.length).fill(-1);
          if (key >= 0) table.byCode.set(key, row);
          else table.byText.set(trigram, row);
        }
        // franc keeps the last index of a trigram listed twice
        if (row[k]! < 0 || w > row[k]!) row[k] = w;
      }
    });
    trigramWeights = table;
  }
  return trigramWeights;
}

const MAX_DIFFERENCE = 300;
const FRANC_NOISE_RE = /[\u0021-\u0040]+/g;
const WHITESPACE_RE = /\s+/g;

/**
 * franc's scores (franc 6, `francAll(sample, { only: CANDIDATES, minLength: 1 })`) of Latin-script
 * text for the candidate languages, computed the same way, in one pass over the trigrams and one
 * Map look-up per distinct trigram (franc itself costs several times more: it was a fifth of
 * analyze()). Index order of CANDIDATES; the best is 1.
 */
export function trigramScores(sample: string): Float64Array {
  const clean = ` ${sample.replace(FRANC_NOISE_RE, ' ').replace(WHITESPACE_RE, ' ').trim().toLowerCase()} `;
  const byCode = new Map<number, number>();
  let byText: Map<string, number> | undefined;
  for (let i = 0; i + 3 <= clean.length; i++) {
    const key = trigramCode(clean.charCodeAt(i), clean.charCodeAt(i + 1), clean.charCodeAt(i + 2));
    if (key >= 0) byCode.set(key, (byCode.get(key) ?? 0) + 1);
    else {
      const g = clean.slice(i, i + 3);
      byText ??= new Map();
      byText.set(g, (byText.get(g) ?? 0) + 1);
    }
  }
  const table = weights();
  const n = CANDIDATES.length;
  const distances = new Float64Array(n);
  const add = (row: Int16Array | undefined, count: number): void => {
    for (let k = 0; k < n; k++) {
      const w = row === undefined ? -1 : row[k]!;
      distances[k]! += w < 0 ? MAX_DIFFERENCE : Math.abs(count - w - 1);
    }
  };
  for (const [key, count] of byCode) add(table.byCode.get(key), count);
  if (byText !== undefined) for (const [g, count] of byText) add(table.byText.get(g), count);
  let min = Infinity;
  for (let k = 0; k < n; k++) min = Math.min(min, distances[k]!);
  const max = sample.length * MAX_DIFFERENCE - min;
  const scores = new Float64Array(n);
  for (let k = 0; k < n; k++) scores[k] = 1 - (distances[k]! - min) / max || 0;
  return scores;
}

/**
 * Detects the language of prepared text. `allowed` restricts the answer: a text that is clearly in
 * a language outside it is 'other'; a short, ambiguous one takes the allowed language.
 */
export function detectLanguage(text: string, hint?: string, allowed: readonly Lang[] = ['en', 'fr']): LanguageResult {
  const allow = allowed.filter((l) => l === 'en' || l === 'fr');
  const candidates: ('en' | 'fr')[] = allow.length > 0 ? allow as ('en' | 'fr')[] : ['en', 'fr'];
  if (!LETTER_RE.test(text)) return { lang: 'other', confidence: 0 };

  const fromHint = langFromHint(hint);
  if (fromHint === 'en' || fromHint === 'fr') {
    return candidates.includes(fromHint) ? { lang: fromHint, confidence: 1 } : { lang: 'other', confidence: 0.9 };
  }
  // The source declared another language (a German feed's <language>de</language>): it wins over
  // detection, as an en/fr hint does; detection only decides when the source says nothing.
  if (fromHint === 'foreign') return { lang: 'other', confidence: 0.9 };

  const sample = text.length > DETECT_CHARS ? text.slice(0, DETECT_CHARS) : text;
  const { letters, latin } = countLetters(sample);
  // Mostly non-Latin script (Cyrillic, Arabic, CJK...): neither English nor French.
  if (latin < letters * 0.5) return { lang: 'other', confidence: round(Math.min(1, 0.6 + 0.4 * (1 - latin / letters))) };

  const { evidence, cues, foreign: foreignWords, words } = cueEvidence(sample);

  // franc's vote, trusted more as the text grows (nothing under 12 letters, fully from ~80).
  let francVote = 0;
  let foreign = 0;
  const reliability = Math.max(0, Math.min(1, (latin - 12) / 68));
  // franc is most of the cost of analyze(): skip it when the cues already settle the question
  // (many cue words, all pointing one way, none of another language).
  const settled = Math.abs(evidence) >= 3 && cues / Math.max(1, words) >= 0.2 && foreignWords === 0;
  if (reliability > 0 && !settled) {
    const scores = trigramScores(sample);
    const eng = scores[ENG]!;
    const fra = scores[FRA]!;
    francVote = (eng - fra) * 12 * reliability;
    // Another language ahead of both English and French: how far ahead, weighed by reliability.
    let top = 0;
    for (let k = 1; k < scores.length; k++) if (scores[k]! > scores[top]!) top = k;
    if (top !== ENG && top !== FRA && scores[top]! > Math.max(eng, fra)) {
      foreign = (1 - Math.max(eng, fra)) * reliability;
    }
  }

  const logit = 0.9 * evidence + francVote;
  const pEnglish = 1 / (1 + Math.exp(-logit));
  let lang: 'en' | 'fr' = pEnglish >= 0.5 ? 'en' : 'fr';
  let confidence = Math.max(pEnglish, 1 - pEnglish);
  // No evidence either way ("iPhone 15 Pro"): the first allowed language, unsure.
  if (evidence === 0 && reliability === 0) {
    lang = candidates[0]!;
    confidence = 0.5;
  }

  // 'other': franc puts another language far ahead; or somewhat ahead with few English/French
  // cues; or the words are function words of another language.
  const cueShare = cues / Math.max(1, words);
  const foreignShare = foreignWords / Math.max(1, words);
  if (
    foreign > 0.3 ||
    (foreign > 0.08 && cueShare < 0.25) ||
    (foreignWords >= 1 && foreignShare >= 0.3 && foreignWords > cues)
  ) {
    const strength = Math.max(foreign * 3, foreignShare);
    return { lang: 'other', confidence: round(Math.min(0.95, 0.5 + strength * 0.5)) };
  }
  if (!candidates.includes(lang)) {
    // Clearly a language the caller does not want: other. Ambiguous: the allowed one.
    if (confidence >= 0.75) return { lang: 'other', confidence: round(confidence) };
    return { lang: candidates[0]!, confidence: 0.5 };
  }
  return { lang, confidence: round(confidence) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
