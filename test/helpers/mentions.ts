// AnalyzedMention fixtures for tests. Lemmas are derived the way analyze() indexes them (English
// lemma or French stem of every word, see src/nlp/forms.ts) unless given, so that search tests do
// not depend on the NLP stage.
import type { AnalyzedMention, Lang, SentimentLabel } from '../../src/core/types.js';
import { englishLemma, frenchStem } from '../../src/nlp/forms.js';
import { fold } from '../../src/nlp/normalize.js';

export interface MentionSeed extends Partial<Omit<AnalyzedMention, 'analysis'>> {
  lang?: Lang;
  /** Sentiment score, -1..1 (default 0). */
  score?: number;
  /** Default: from the score (> 0.25 positive, < -0.25 negative, else neutral). */
  label?: SentimentLabel;
  lemmas?: string[];
  /** Default: counts of the lemmas of three letters or more. */
  terms?: Record<string, number>;
  analysis?: Partial<AnalyzedMention['analysis']>;
}

let counter = 0;

/** Lemmas as analyze() would index them for this language: one per word, accents kept by French stems. */
export function lemmasOf(text: string, lang: Lang): string[] {
  const words = text.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  return words.map((w) => (lang === 'en' ? englishLemma(w.toLowerCase()) : lang === 'fr' ? frenchStem(w) : fold(w)));
}

export function makeMention(seed: MentionSeed = {}): AnalyzedMention {
  counter++;
  const { lang = 'en', score = 0, label, lemmas, terms, analysis, ...rest } = seed;
  const id = rest.id ?? `m-${counter}`;
  const text = rest.text ?? `mention number ${counter}`;
  const allLemmas = lemmas ?? lemmasOf(rest.title ? `${rest.title} ${text}` : text, lang);
  const termCounts: Record<string, number> = {};
  if (terms) Object.assign(termCounts, terms);
  else for (const l of allLemmas) if (l.length >= 3) termCounts[l] = (termCounts[l] ?? 0) + 1;
  return {
    source: 'file',
    sourceId: id,
    author: { id: `author-of-${id}`, name: 'Someone' },
    publishedAt: new Date(Date.UTC(2026, 0, 1) + counter * 60_000).toISOString(),
    authorKey: `key-of-${id}`,
    brands: [],
    analyzedAt: '2026-02-01T00:00:00.000Z',
    ...rest,
    id,
    text,
    analysis: {
      lang,
      langConfidence: 0.9,
      tokens: text.split(/\s+/).length,
      lemmas: allLemmas,
      terms: termCounts,
      sentiment: {
        score,
        label: label ?? (score > 0.25 ? 'positive' : score < -0.25 ? 'negative' : 'neutral'),
        confidence: 0.8,
        drivers: [],
      },
      fields: {},
      ...analysis,
    },
  };
}

/**
 * A near-duplicate of `original` as the analyze stage marks it: the same words (syndicated news, a
 * repost, a copy-paste review) under another id, `duplicateOf` the original's id.
 */
export function copyOf(original: AnalyzedMention, seed: MentionSeed = {}): AnalyzedMention {
  return makeMention({
    text: original.text,
    ...(original.title !== undefined && { title: original.title }),
    brands: [...original.brands],
    lang: original.analysis.lang,
    terms: { ...original.analysis.terms },
    ...seed,
    duplicateOf: original.id,
  });
}
