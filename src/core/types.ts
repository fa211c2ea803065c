// Domain types shared by every stage. A connector produces RawMention and nothing else; the analyze
// stage turns it into AnalyzedMention; the store indexes AnalyzedMention. Keys on the wire (topics,
// store documents) are these camelCase names; user-facing formats (mention files, --json output)
// are snake_case and are mapped at the edges.

export type Lang = 'en' | 'fr' | 'other';

export interface Author {
  id: string;
  name: string;
  followers?: number;
}

export interface RawMention {
  /** The kind of place the mention comes from: `rss`, `reddit`, `appstore`, `file`, ... */
  source: string;
  /** The mention's id at its source; with `source`, it decides the mention id. */
  sourceId: string;
  url?: string;
  author: Author;
  title?: string;
  text: string;
  /** ISO 8601 instant. */
  publishedAt: string;
  /** Star rating normalized to 0..1 (1 star of 5 = 0, 5 of 5 = 1). */
  rating?: number;
  /** Language hint from the source, when it gives one. */
  lang?: string;
  metrics?: { likes?: number; shares?: number; comments?: number };
  raw?: unknown;
  /**
   * contentHash() of what the source gave, set by connectors that fill in defaults (the mention
   * file format: a missing published_at is not content); otherwise the analyze stage computes it.
   * Stores compare it to tell a duplicate (same hash: nothing changes) from an update.
   */
  contentHash?: string;
}

export type SentimentLabel = 'positive' | 'neutral' | 'negative' | 'mixed';

export interface SentimentDriver {
  /** The word or phrase that moved the score, as written (lower-cased). */
  text: string;
  weight: number;
}

export interface Sentiment {
  /** -1 (very negative) .. 1 (very positive). */
  score: number;
  label: SentimentLabel;
  /** 0..1: how sure the label is. */
  confidence: number;
  drivers: SentimentDriver[];
  /**
   * Issue 16: the tone toward each brand (by id) when the mention names several ("Globex is
   * better than Acme": Globex positive, Acme negative). Absent otherwise, and in older documents:
   * then the mention's tone is the brand's.
   */
  byBrand?: Record<string, BrandSentiment>;
}

/** Tone toward one brand of a mention (issue 16). */
export interface BrandSentiment {
  score: number;
  label: SentimentLabel;
  confidence: number;
}

export interface FieldHit {
  /** How many times words or phrases of the field occur. */
  hits: number;
  /** -1..1: mean tone of the clauses holding those hits. */
  tone: number;
}

/** Signals about a mention beyond its tone (see src/nlp/flags.ts). */
export interface AnalysisFlags {
  /** Praise that probably means the opposite: "merci pour rien", "Great, late again 🙄". */
  ironySuspected: boolean;
  /** It asks something: "?", "est-ce que", "how do I...", "Pouvez-vous...". */
  question: boolean;
  /** Swearing or vulgar insults (EN/FR lists in config/lexicons/flags/). */
  profanity: boolean;
}

export interface Analysis {
  lang: Lang;
  langConfidence: number;
  tokens: number;
  /** Lemmas (English) or stems (French) of the content words, in text order, accents kept. */
  lemmas: string[];
  /** Term counts without stop words: lemmas and frequent n-grams ("service client"). */
  terms: Record<string, number>;
  /**
   * Surface forms of the terms whose key differs from the words as written: term → the words as
   * first written in the mention, lower-cased ("servic client" → "service client"). The stores show
   * the most frequent one as the term's label. Absent in documents written before labels existed.
   */
  labels?: Record<string, string>;
  sentiment: Sentiment;
  /** Semantic fields found (config/lexicons/fields/ and brand overrides): field name → hits and tone. */
  fields: Record<string, FieldHit>;
  /** Set by analyze(); optional only for documents written before flags existed. */
  flags?: AnalysisFlags;
}

/**
 * What the analyze stage publishes and the store keeps. `author` (the handle) is present only when
 * the config keeps handles (privacy.keep_author_handles); by default only `authorKey` identifies
 * the author, so the analyzed topic and the store hold no handle.
 */
export interface AnalyzedMention extends Omit<RawMention, 'author'> {
  author?: Author;
  /** Stable hash of source + sourceId. */
  id: string;
  /** Ids of the brands whose query matches the mention. */
  brands: string[];
  analysis: Analysis;
  /** Keyed hash of the author (HMAC of source and author id): what is stored and searched instead of the handle. */
  authorKey: string;
  duplicateOf?: string;
  /** When the analyze stage produced it (ISO 8601). */
  analyzedAt: string;
}
