// The storage seam. Search, aggregations and GDPR erasure go through MentionStore; the embedded
// (SQLite FTS5) and Elasticsearch implementations pass the same contract suite
// (test/contract/store.contract.ts).
import type { AnalyzedMention, SentimentLabel } from '../core/types.js';
import type { ErrorCode } from '../core/errors.js';

/**
 * The rule for a repeated id: the same content (the same contentHash) is `unchanged`, nothing
 * stored changes; other content is `updated`, the stored mention replaced (last write wins).
 */
export type ItemStatus = 'created' | 'updated' | 'unchanged' | 'failed';

export interface BulkItemResult {
  id: string;
  status: ItemStatus;
  /** Why the item failed; set only when status is `failed`. */
  error?: { code: ErrorCode; message: string; retriable: boolean };
}

export interface BulkResult {
  items: BulkItemResult[];
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/**
 * Near-duplicates (syndicated news, reposts, copy-paste reviews) carry `duplicateOf`, the id of the
 * first-seen mention of the story (set by the analyze stage, src/streams/near-duplicates). Stores keep
 * every copy; this says which ones a read sees:
 * - `exclude` (the default everywhere: count, search, timeline, topTerms, significantTerms): only
 *   the mentions that are not copies, so each story counts and shows once;
 * - `include`: every mention, copies too (what was actually published, e.g. reach);
 * - `only`: the copies alone (what was set aside, and where each one was seen).
 * A mention without `duplicateOf` is not a duplicate.
 */
export type DuplicatesMode = 'exclude' | 'include' | 'only';

export interface SearchFilters {
  brand?: string;
  lang?: string;
  source?: string;
  sentiment?: SentimentLabel;
  /** Inclusive lower bound on publishedAt (ISO 8601). */
  from?: string;
  /** Exclusive upper bound on publishedAt (ISO 8601). */
  to?: string;
  /** Which near-duplicates the read sees; default `exclude` (see DuplicatesMode). */
  duplicates?: DuplicatesMode;
}

export interface SearchRequest extends SearchFilters {
  /** Boolean query (see src/query); empty or absent matches everything. */
  query?: string;
  sort?: 'newest' | 'relevance';
  /** Page size, 1..1000. */
  limit?: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
}

export interface SearchHit {
  mention: AnalyzedMention;
  /** Relevance score where sort is `relevance` (higher is better). */
  score?: number;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Number of mentions matching the query and filters (whole result, not this page). */
  total: number;
  /** Present when there may be more hits. */
  nextCursor?: string;
}

export type Interval = 'hour' | 'day' | 'week';

export interface TimelineRequest extends SearchFilters {
  query?: string;
  interval: Interval;
}

export interface TimelineBucket {
  /** Start of the bucket, ISO 8601 UTC (weeks start on Monday). */
  start: string;
  count: number;
  /** Mean sentiment score of the bucket's mentions; null for an empty bucket. */
  meanTone: number | null;
}

export interface TopTermsRequest extends SearchFilters {
  query?: string;
  /** How many terms, default 20. */
  size?: number;
}

export interface TermCount {
  /** The lemma key (what a query matches). */
  term: string;
  /** The most frequent surface form of the lemma ("service client", never "servic client"), for display. */
  label: string;
  /** Occurrences across matching mentions. */
  count: number;
  /** Number of matching mentions holding the term. */
  mentions: number;
}

export interface SignificantTermsRequest extends Omit<SearchFilters, 'from' | 'to'> {
  query?: string;
  /** The period whose terms are compared with the period of the same length just before it. */
  from: string;
  to: string;
  /** How many terms, default 20. */
  size?: number;
  /** Ignore terms in fewer mentions of the period than this (default 2). */
  minMentions?: number;
}

export interface SignificantTerm {
  /** The lemma key (what a query matches). */
  term: string;
  /** The most frequent surface form of the lemma, for display. */
  label: string;
  /** Mentions of the period holding the term. */
  mentions: number;
  /** Mentions of the previous period holding it. */
  backgroundMentions: number;
  /** Log-likelihood G² (above 3.84: significant at p < 0.05). */
  score: number;
}

export type FacetName = 'source' | 'lang' | 'sentiment' | 'field' | 'brand';
export const FACET_NAMES: readonly FacetName[] = ['source', 'lang', 'sentiment', 'field', 'brand'];

export interface FacetsRequest extends SearchFilters {
  query?: string;
  /** values per facet, default 10 */
  size?: number;
}

/** Each facet's values sorted by count desc, then value. */
export type Facets = Record<FacetName, { value: string; count: number }[]>;

export interface FieldStatsRequest extends SearchFilters {
  query?: string;
}

export interface FieldStat {
  field: string;
  mentions: number;
  /** share of the matching mentions that have the field */
  share: number;
  /** mean tone of the field in those mentions, -1..1; null if none */
  meanTone: number | null;
}

export interface ShareOfVoiceRequest extends Omit<SearchFilters, 'brand'> {
  query?: string;
  brands: string[];
  interval?: Interval;
}

export interface ShareOfVoice {
  totals: {
    brand: string;
    mentions: number;
    share: number;
    /** share of (mentions weighted by (1 + tone)/2) */
    toneWeightedShare: number;
    meanTone: number | null;
  }[];
  /** only when interval is given: one entry per bucket start (ISO), with each brand's mentions */
  buckets?: { start: string; counts: Record<string, number> }[];
}

export interface SignalScanRequest {
  brand: string;
  /** Inclusive lower bound on publishedAt (ISO 8601). */
  from: string;
  /** Exclusive upper bound on publishedAt (ISO 8601). */
  to: string;
  /** Only the mentions matching this query (query language). */
  query?: string;
  /** Largest page, default 5000. */
  pageSize?: number;
  /**
   * speed-embedded (backtest): false when the caller reads only the window metrics (tone, label,
   * author, copy-of), so a store may leave `terms` and `labels` empty instead of reading them
   * (default true). A store that ignores it still answers correctly.
   */
  terms?: boolean;
}

/** One mention as the alert engine needs it: no lemmas, no JSON to parse, the text cut short. */
export interface MentionSignal {
  id: string;
  publishedMs: number;
  authorKey: string;
  score: number;
  label: SentimentLabel;
  lang: string;
  source: string;
  /** Semantic fields present (hits > 0). */
  fields: string[];
  /** Term keys (each once) and, where it differs, the label shown for it. */
  terms: string[];
  labels?: Record<string, string>;
  duplicateOf?: string;
  /** Title and text, cut to 300 characters (for an alert's examples). */
  text: string;
  url?: string;
}

export interface MentionStore {
  ensureSchema(): Promise<void>;
  /** Idempotent by mention id; one result per item, in input order; never throws for one bad item. */
  upsert(mentions: AnalyzedMention[]): Promise<BulkResult>;
  /** Which of these ids are stored. */
  existing(ids: string[]): Promise<Set<string>>;
  /** The contentHash of each of these ids that is stored (null: stored without one). */
  contentHashes(ids: string[]): Promise<Map<string, string | null>>;
  get(id: string): Promise<AnalyzedMention | undefined>;
  count(filters?: SearchFilters & { query?: string }): Promise<number>;
  /**
   * Makes every write that resolved before the call visible to search and count (Elasticsearch
   * shows writes only after a refresh; SQLite at once). For a reader that must see all that was
   * indexed, e.g. `ecoute run`'s summary; not needed per write.
   */
  refresh(): Promise<void>;
  search(request: SearchRequest): Promise<SearchPage>;
  /**
   * Every mention matching the query and filters, newest first, each exactly once, in pages of
   * about `pageSize` (each store has its default and limit), in constant memory: for exports.
   * A mention written while the export runs does not make another's row appear twice.
   */
  exportPages(request: SearchFilters & { query?: string }, options?: { pageSize?: number }): AsyncGenerator<AnalyzedMention[]>;
  timeline(request: TimelineRequest): Promise<TimelineBucket[]>;
  topTerms(request: TopTermsRequest): Promise<TermCount[]>;
  /** Terms that stand out in a period against the period of the same length just before it. */
  significantTerms(request: SignificantTermsRequest): Promise<SignificantTerm[]>;
  /** Counts per value of source, language, tone, semantic field and brand over the matching mentions. */
  facets(request: FacetsRequest): Promise<Facets>;
  /** Per semantic field: how many matching mentions have it, their share and the field's mean tone. */
  fieldStats(request: FieldStatsRequest): Promise<FieldStat[]>;
  /** Each brand's mentions (and tone-weighted) against the others', in total and per bucket. */
  shareOfVoice(request: ShareOfVoiceRequest): Promise<ShareOfVoice>;
  /**
   * Number of distinct authors (authorKey) of the matching mentions, exact (the reports' headline
   * "unique authors": one loud person is one author).
   */
  uniqueAuthors(filters?: SearchFilters & { query?: string }): Promise<number>;
  /** Per semantic field, each author counted once (mentions, authors, their mean tones): the perceived image. */
  fieldAuthors(request: FieldAuthorsRequest): Promise<FieldAuthors>;
  /** GDPR: deletes every mention of the author; returns how many. */
  eraseAuthor(authorKey: string): Promise<number>;
  /** Privacy (issue 14, H4): deletes these mentions (retention); returns how many were stored. */
  eraseMentions(ids: readonly string[]): Promise<number>;
  /** Compact records of a brand's mentions (copies included), oldest first, in pages: what alerts replay (restart, backtest). */
  scanSignals(request: SignalScanRequest): AsyncGenerator<MentionSignal[]>;
  close(): Promise<void>;
}

// --- Per-author field stats (issue 13, the perceived image; src/store/field-authors.ts) ---------

export interface FieldAuthorsRequest extends SearchFilters {
  query?: string;
}

/**
 * One semantic field over the matching mentions, each author counted once: an author's tone on
 * the field is the mean of their mentions' tones on it, so one loud person weighs as one voice.
 */
export interface FieldAuthorStat {
  field: string;
  /** Matching mentions holding the field. */
  mentions: number;
  /** Distinct authors (authorKey) of those mentions. */
  authors: number;
  /** Authors with a tone on the field, and the sum of their mean tones (the mean is toneSum / tonedAuthors). */
  tonedAuthors: number;
  toneSum: number;
  /**
   * The authors' mean tones as a histogram, for resampling: [bin, authors] pairs sorted by bin, bin
   * = round((tone + 1) × 100), 0..200 (tone −1 → 0, 0 → 100, +1 → 200). Sums to tonedAuthors.
   */
  tones: [number, number][];
}

export interface FieldAuthors {
  /** Matching mentions (with or without a field). */
  mentions: number;
  /** Distinct authors of the matching mentions. */
  authors: number;
  /** Fields sorted by authors desc, then name. */
  fields: FieldAuthorStat[];
}

/** Width of FieldAuthorStat.tones bins on the −1..1 tone scale. */
export const TONE_BIN_WIDTH = 0.01;
