// The one NLP facade: text in, Analysis out. Pure and synchronous, used by the analyze stage, the
// CLI, the benchmarks and the tests. Heavy resources (wink's model, lexicons, stop words) load
// once, on the first call; after that a tweet-length mention costs a fraction of a millisecond.
//
//   prepareText → detectLanguage → tokenize (en: wink-nlp, fr: natural + our rules) →
//   lemmas + terms → sentiment (lexicons + rules + rating)
//
// Only the first MAX_ANALYZED_CHARS characters of a mention are analysed (see normalize.ts).
import type { Analysis, Lang } from '../core/types.js';
import { detectLanguage } from './language.js';
import { getLexicons } from './lexicon.js';
import { prepareText } from './normalize.js';
import { scoreSentiment } from './sentiment.js';
import { lemmasOf, isStopWord, termsOf } from './terms.js';
import { tokenizeEnglish, tokenizeFrench, tokenizeOther, type Token } from './tokenize.js';

export { MAX_ANALYZED_CHARS } from './normalize.js';

export interface AnalyzeHints {
  /** Language given by the source ('en', 'fr', 'eng', 'fra', 'en-GB'...). A valid en/fr hint wins. */
  lang?: string;
  /** Languages the result may take (default ['en', 'fr']); a text clearly in another is 'other'. */
  languages?: readonly Lang[];
  /** Star rating normalized to 0..1 (1 star of 5 = 0, 5 of 5 = 1): pulls the sentiment toward it. */
  rating?: number;
}

const DEFAULT_LANGUAGES: readonly Lang[] = ['en', 'fr'];

let knownWords: ((word: string) => boolean) | undefined;

/** Vocabulary for collapsing elongations ("sooo" → "so"): lexicon entries and stop words. */
function known(): (word: string) => boolean {
  if (knownWords === undefined) {
    const lex = getLexicons();
    knownWords = (w) =>
      lex.en.words.has(w) || lex.fr.words.has(w) || lex.en.phraseStarts.has(w) || isStopWord('en', w) || isStopWord('fr', w);
  }
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
  };
}

/**
 * Analyses one mention. Never throws: any input (empty, binary garbage, megabytes) gives an
 * Analysis; an internal failure degrades to a neutral 'other' analysis rather than failing the
 * mention.
 */
export function analyze(text: string, hints: AnalyzeHints = {}): Analysis {
  try {
    return analyzeUnsafe(typeof text === 'string' ? text : String(text ?? ''), hints ?? {});
  } catch {
    return emptyAnalysis();
  }
}

function analyzeUnsafe(raw: string, hints: AnalyzeHints): Analysis {
  const languages = Array.isArray(hints.languages) && hints.languages.length > 0 ? hints.languages : DEFAULT_LANGUAGES;
  const rating = typeof hints.rating === 'number' && Number.isFinite(hints.rating) ? hints.rating : undefined;
  const text = prepareText(raw, known());
  const { lang, confidence } = detectLanguage(text, hints.lang, languages);
  const tokens = tokenize(text, lang);

  let wordCount = 0;
  for (const t of tokens) if (t.kind === 'word' || t.kind === 'number') wordCount++;

  return {
    lang,
    langConfidence: confidence,
    tokens: wordCount,
    lemmas: lemmasOf(tokens),
    terms: termsOf(tokens, lang),
    sentiment: scoreSentiment(tokens, lang, rating),
    // Semantic fields come with a later issue.
    fields: {},
  };
}
