// Issue 16 (tone toward each brand in brand-level aggregates): what the stores keep of
// `analysis.sentiment.byBrand`. A brand's timeline, share of voice, tone facet and filter, alert
// signals and perceived image read the tone toward the brand where the mention has one, and the
// mention's own tone otherwise (a mention of one brand, a document written before issue 16).
import type { AnalyzedMention, Sentiment, SentimentLabel } from '../core/types.js';
import { SENTIMENT_LABELS } from './validate.js';

/** The tone toward one brand of a mention, as the stores keep it. */
export interface StoredBrandTone {
  score: number;
  label: SentimentLabel;
  /**
   * −1 when the tone toward the brand and the mention's own tone have opposite signs (the brand is
   * the losing side of a comparison, a switch or a contrast): the mention's semantic-field tones are
   * then read reversed for this brand ("Globex's support is far better than Acme's": service
   * positive for Globex, negative for Acme). 1 otherwise.
   */
  fieldSign: 1 | -1;
}

/** Below this, a tone has no sign (the labels' own threshold, nlp/sentiment). */
const POLAR = 0.1;

/**
 * The tone toward `brand` of a mention whose sentiment is `s`, where it differs from the mention's
 * own; undefined otherwise (no byBrand, no entry for the brand, an entry that is not a valid tone).
 */
export function toneToward(s: Pick<Sentiment, 'score' | 'label' | 'byBrand'>, brand: string): StoredBrandTone | undefined {
  const byBrand = s.byBrand;
  if (byBrand === null || typeof byBrand !== 'object' || !Object.hasOwn(byBrand, brand)) return undefined;
  const t = byBrand[brand] as { score?: unknown; label?: unknown } | null;
  if (t === null || typeof t !== 'object') return undefined;
  const score = t.score;
  const label = t.label as SentimentLabel;
  if (typeof score !== 'number' || !Number.isFinite(score) || score < -1 || score > 1 || !SENTIMENT_LABELS.includes(label)) return undefined;
  if (score === s.score && label === s.label) return undefined;
  const fieldSign = score * s.score < 0 && Math.abs(score) >= POLAR && Math.abs(s.score) >= POLAR ? -1 : 1;
  return { score, label, fieldSign };
}

/** The tone toward each of the mention's brands that differs from the mention's own (only those: the others read the mention's tone anyway). */
export function brandTonesOf(m: AnalyzedMention): Map<string, StoredBrandTone> {
  const out = new Map<string, StoredBrandTone>();
  for (const brand of m.brands) {
    const t = toneToward(m.analysis.sentiment, brand);
    if (t !== undefined) out.set(brand, t);
  }
  return out;
}
