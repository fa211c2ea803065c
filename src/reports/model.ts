// The report's numbers (the JSON format is exactly this): every figure the HTML, PDF and Markdown
// show comes from here, and every one of them comes from a MentionStore aggregation (or the
// AlertStore, or the image analysis), never from reading mentions one by one.
import type { Incident, Severity } from '../alerts/types.js';
import type { ImageAnalysis } from '../image/types.js';
import type { Interval, SignificantTerm, TermCount, TimelineBucket } from '../store/types.js';
import type { Period } from './period.js';

export type ReportLang = 'en' | 'fr';

/** A headline figure against the previous period. */
export interface Change {
  current: number | null;
  previous: number | null;
  /** current − previous (null when either is unknown). */
  delta: number | null;
  /** delta / |previous| (null when previous is 0 or unknown). */
  relative: number | null;
  direction: 'up' | 'down' | 'flat';
}

export interface Headline {
  volume: Change;
  /** Mean tone, −1..1. */
  meanTone: Change;
  /** Share of the mentions labelled negative, 0..1. */
  negativeShare: Change;
  uniqueAuthors: Change;
}

export interface Share {
  value: string;
  count: number;
  share: number;
}

export interface NotableMention {
  id: string;
  source: string;
  publishedAt: string;
  title?: string;
  /** The text, cut to a readable length (escaped by each renderer, never here). */
  text: string;
  url?: string;
  sentiment: number;
  lang: string;
}

export interface ReportAlert {
  id: string;
  rule: string;
  metric: string;
  severity: Severity;
  windowStart: string;
  firedAt: string;
  summary: string;
}

export interface SourceNote {
  source: string;
  mentions: number;
  covers: string;
}

export interface AccuracyRow {
  set: string;
  lang: string;
  n: number;
  metric: string;
  value: string;
}

export interface ReportData {
  version: 1;
  brand: { id: string; name: string };
  lang: ReportLang;
  period: Period & { timeZone: string };
  previous: { from: string; to: string };
  generatedAt: string;
  /** True when the period has no mention of the brand: the report is then one line, `message`. */
  empty: boolean;
  message?: string;
  headline: Headline;
  timeline: { interval: Interval; buckets: TimelineBucket[] };
  shareOfVoice: { brand: string; name: string; mentions: number; share: number; toneWeightedShare: number; meanTone: number | null }[];
  topTerms: TermCount[];
  /** Terms that stand out against the previous period (log-likelihood G²). */
  emergingTerms: SignificantTerm[];
  image: ImageAnalysis | null;
  /** Why there is no image analysis (it failed), when image is null. */
  imageError?: string;
  notable: { positive: NotableMention[]; negative: NotableMention[] };
  alerts: { configured: boolean; alerts: ReportAlert[]; incidents: Pick<Incident, 'id' | 'status' | 'severity' | 'openedAt' | 'resolvedAt' | 'summary'>[] };
  breakdown: { sources: Share[]; languages: Share[]; sentiment: Share[] };
  methodology: { accuracy: AccuracyRow[]; sources: SourceNote[] };
}
