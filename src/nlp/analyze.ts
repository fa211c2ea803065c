// The one NLP facade: text in, Analysis out. Pure and synchronous, used by the analyze stage, the
// CLI, the benchmarks and the tests. Heavy resources (wink's model, lexicons, stop words) load
// once, on the first call; after that a tweet-length mention costs a fraction of a millisecond.
//
//   prepareText → detectLanguage → tokenize (en: wink-nlp, fr: natural + our rules) →
//   lemmas + terms → sentiment (lexicons + rules + model + brand calibration + rating) → semantic fields (each with the tone
//   of its clause) → flags (irony suspected, question, profanity)
//
// Only the first MAX_ANALYZED_CHARS characters of a mention are analysed (see normalize.ts).
import type { Analysis, Lang } from '../core/types.js';
import { fieldsOf, TokenForms, type FieldSet } from './fields.js';
import { flagsOf, NO_FLAGS } from './flags.js';
import { detectLanguage } from './language.js';
import { getLexicons } from './lexicon.js';
import { prepareText } from './normalize.js';
import { scoreSentiment } from './sentiment.js';
import type { Calibration } from './sentiment/calibration.js';
import { toneByTarget, type ToneTarget } from './sentiment/brand-tone.js';
import { lemmasOf, isStopWord, termsAndLabelsOf } from './terms.js';
import { tokenizeEnglish, tokenizeFrench, tokenizeOther, type Token } from './tokenize.js';

export { MAX_ANALYZED_CHARS } from './normalize.js';

export interface AnalyzeHints {
  /** Language given by the source ('en', 'fr', 'eng', 'fra', 'en-GB'...). A valid en/fr hint wins. */
  lang?: string;
  /** Languages the result may take (default ['en', 'fr']); a text clearly in another is 'other'. */
  languages?: readonly Lang[];
  /** Star rating normalized to 0..1 (1 star of 5 = 0, 5 of 5 = 1): pulls the sentiment toward it. */
  rating?: number;
  /**
   * Semantic fields to look for (default: the shipped ones, config/lexicons/fields/), or a
   * function choosing them from the mention's lemmas and language, called once before the fields
   * are computed: the analyze stage matches brands on the lemmas this way (a brand query may say
   * `lang:fr`) and applies their field overrides without analysing the text twice.
   */
  fields?: FieldSet | ((lemmas: readonly string[], lang: Lang) => FieldSet | undefined);
  /**
   * A brand's sentiment calibration (`ecoute sentiment calibrate`, sentiment/calibration.ts), or a
   * function choosing it from the mention's lemmas and language, called once before the sentiment
   * is scored: the analyze stage matches brands on the lemmas this way and passes the calibration
   * of the one brand a mention is about.
   */
  calibration?: Calibration | ((lemmas: readonly string[], lang: Lang) => Calibration | undefined);
  /**
   * Issue 16: the brands whose tone is wanted one by one (their query words locate them), or a
   * function choosing them from the lemmas and language; with two or more, the sentiment gets
   * `byBrand` (sentiment/brand-tone.ts).
   */
  targets?: readonly ToneTarget[] | ((lemmas: readonly string[], lang: Lang) => readonly ToneTarget[] | undefined);
}

const DEFAULT_LANGUAGES: readonly Lang[] = ['en', 'fr'];

/**
 * Vocabulary for collapsing elongations ("sooo" → "so"): lexicon entries and stop words. The
 * lexicons load when a text has an elongation to collapse, not before (issue 15, start15).
 */
const knownWords = (w: string): boolean => {
  const lex = getLexicons();
  return lex.en.words.has(w) || lex.fr.words.has(w) || lex.en.phraseStarts.has(w) || isStopWord('en', w) || isStopWord('fr', w);
};

function known(): (word: string) => boolean {
  // Loads the emoji lexicon, whose emoticons the tokenizers must know (setEmoticons), not yet the languages'.
  getLexicons();
  return knownWords;
}

function tokenize(text: string, lang: Lang): Token[] {
  if (lang === 'en') return tokenizeEnglish(text);
  if (lang === 'fr') return tokenizeFrench(text);
  return tokenizeOther(text);
}

function emptyAnalysis(lang: Lang = 'other', langConfidence = 0): Analysis {
  return {
    lang,
    langConfidence,
    tokens: 0,
    lemmas: [],
    terms: {},
    sentiment: { score: 0, label: 'neutral', confidence: lang === 'other' ? 0.4 : 0.7, drivers: [] },
    fields: {},
    flags: { ...NO_FLAGS },
  };
}

/**
 * Analyses one mention. Never throws: any input (empty, binary garbage, megabytes) gives an
 * Analysis; an internal failure degrades to a neutral 'other' analysis rather than failing the
 * mention.
 */
export function analyze(text: string, hints: AnalyzeHints = {}): Analysis {
  try {
    return analyzeStrict(text, hints);
  } catch {
    return emptyAnalysis();
  }
}

/**
 * The same analysis, but an internal failure throws instead of degrading. The analyze stage uses
 * this: a bug in the NLP must send mentions to the dead-letter topic with its reason, not index
 * them all silently as neutral text in no language.
 */
export function analyzeStrict(text: string, hints: AnalyzeHints = {}): Analysis {
  return analyzeUnsafe(typeof text === 'string' ? text : String(text ?? ''), hints ?? {});
}

/**
 * The text as analyze() reads it: cleaned, its language and its tokens. The sentiment training
 * and calibration read texts through this too, so the model learns from what it will see.
 */
export function readText(raw: string, hints: Pick<AnalyzeHints, 'lang' | 'languages'> = {}): { lang: Lang; confidence: number; tokens: Token[] } {
  const languages = Array.isArray(hints.languages) && hints.languages.length > 0 ? hints.languages : DEFAULT_LANGUAGES;
  const text = prepareText(raw, known());
  const { lang, confidence } = detectLanguage(text, hints.lang, languages);
  return { lang, confidence, tokens: tokenize(text, lang) };
}

function analyzeUnsafe(raw: string, hints: AnalyzeHints): Analysis {
  const rating = typeof hints.rating === 'number' && Number.isFinite(hints.rating) ? hints.rating : undefined;
  const { lang, confidence, tokens } = readText(raw, hints);

  let wordCount = 0;
  for (const t of tokens) if (t.kind === 'word' || t.kind === 'number') wordCount++;

  const lemmas = lemmasOf(tokens);
  const calibration = typeof hints.calibration === 'function' ? hints.calibration(lemmas, lang) : hints.calibration;
  const sentiment = scoreSentiment(tokens, lang, rating, calibration ?? undefined);
  const targets = typeof hints.targets === 'function' ? hints.targets(lemmas, lang) : hints.targets;
  if (targets !== undefined && targets.length >= 2) {
    sentiment.byBrand = toneByTarget(tokens, lang, targets, sentiment, (span) => scoreSentiment(span, lang));
  }
  const fieldSet = typeof hints.fields === 'function' ? hints.fields(lemmas, lang) : hints.fields;
  // Folded word forms, computed once for the fields and the flags.
  const forms = new TokenForms(tokens);
  const { terms, labels } = termsAndLabelsOf(tokens, lang);
  return {
    lang,
    langConfidence: confidence,
    tokens: wordCount,
    lemmas,
    terms,
    labels,
    sentiment,
    fields: fieldsOf(tokens, lang, { set: fieldSet, rating, sentiment, forms }),
    flags: flagsOf({ raw, tokens, lang, sentiment, forms }),
  };
}
