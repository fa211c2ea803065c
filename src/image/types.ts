// The perceived-versus-intended image (issue 13): what analyzeImage (src/image/index.ts) returns.
// This file is the contract with the reports (src/reports/, CONTRACT12.md): fields may be added
// (optional), never renamed or removed.
export type Interval = [low: number, high: number];
export interface IntendedField { field: string; weight: number; /** normalized: sums to 1 */ share: number; tone?: number }
export interface FieldImage {
  field: string; label: string;
  mentions: number; uniqueAuthors: number;
  share: number; shareCi: Interval;            // perceived share of field mentions (Wilson)
  tone: number | null; toneCi: Interval | null; // mean tone (bootstrap)
  intendedShare?: number; intendedTone?: number;
  shareGap?: number; shareGapCi?: Interval; toneGap?: number; toneGapCi?: Interval;
  status: 'aligned' | 'over' | 'under' | 'missing' | 'inverted' | 'unplanned';
  drift?: { share: number; tone: number | null; significant: boolean };
  /** Query-language query (for the dashboard's link to the mentions behind the row). */
  query: string;
}
export interface EmergingTerm { term: string; label: string; count: number; keyness: number; against: 'competitors' | 'previous' }
export interface ImageAnalysis {
  brand: string; from: string; to: string;
  mentions: number; uniqueAuthors: number;
  intended: IntendedField[] | null;
  /** When intended is null: how to declare it or derive it from texts. */
  hint?: string;
  fields: FieldImage[];
  congruence?: { score: number; ci: Interval; toneWeighted: number; toneWeightedCi: Interval };
  inverted: string[]; missing: string[];
  emerging: EmergingTerm[];
  previous?: { from: string; to: string; congruence?: number; congruenceChangeSignificant?: boolean };
  competitors: ImageAnalysis[];   // each with competitors: []
  /** Plain-language lines ("Delivery is perceived 3× more than intended, and negatively"), in `lang`. */
  summary: string[];
}
export interface ImageRequest { brand: string; from: string; to: string; lang?: 'en' | 'fr'; competitors?: boolean }
// src/image/index.ts exports:
// analyzeImage(store: MentionStore, brands: readonly BrandConfig[], request: ImageRequest): Promise<ImageAnalysis>
