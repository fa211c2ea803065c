// What a store accepts from upsert, checked the same way by every backend so that the same item is
// rejected (per item, with a reason) whichever store is configured.
import type { AnalyzedMention, SentimentLabel } from '../core/types.js';

export const SENTIMENT_LABELS: readonly SentimentLabel[] = ['positive', 'neutral', 'negative', 'mixed'];

/** ISO 8601 instant with a time zone: a zone-less time would be read in the host's local zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Epoch milliseconds of an ISO 8601 instant, or undefined when it is not one. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !INSTANT.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export interface ValidMention {
  mention: AnalyzedMention;
  publishedMs: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The mention's id if it has a usable one (for per-item results), else ''. */
export function itemId(value: unknown): string {
  return isRecord(value) && typeof value.id === 'string' ? value.id : '';
}

/** Checks what the store indexes; returns the reason an item cannot be stored, or the parsed parts. */
export function validateMention(value: unknown): ValidMention | { error: string } {
  if (!isRecord(value)) return { error: 'mention is not an object' };
  const m = value;
  if (typeof m.id !== 'string' || m.id.trim() === '') return { error: 'id: missing or empty' };
  if (m.id.length > 512) return { error: 'id: longer than 512 characters' };
  for (const key of ['source', 'sourceId'] as const) {
    if (typeof m[key] !== 'string' || (m[key] as string) === '') return { error: `${key}: missing or empty` };
  }
  if (typeof m.text !== 'string') return { error: 'text: missing or not a string' };
  if (m.title !== undefined && typeof m.title !== 'string') return { error: 'title: not a string' };
  const publishedMs = parseInstant(m.publishedAt);
  if (publishedMs === undefined) {
    return { error: `publishedAt: ${JSON.stringify(m.publishedAt)} is not an ISO 8601 instant with a time zone` };
  }
  if (typeof m.authorKey !== 'string') return { error: 'authorKey: missing or not a string' };
  if (m.contentHash !== undefined && (typeof m.contentHash !== 'string' || m.contentHash === '')) return { error: 'contentHash: not a non-empty string' };
  // Absent (or null) means "not a near-duplicate". Anything else must name another mention: an
  // empty or self reference would hide the mention from every default count in one store and not
  // in the other (Elasticsearch indexes '' as a value), so it is refused, not guessed at.
  if (m.duplicateOf !== undefined && m.duplicateOf !== null) {
    if (typeof m.duplicateOf !== 'string' || m.duplicateOf.trim() === '') return { error: 'duplicateOf: not a mention id (a non-empty string)' };
    if (m.duplicateOf.length > 512) return { error: 'duplicateOf: longer than 512 characters' };
    if (m.duplicateOf === m.id) return { error: 'duplicateOf: a mention cannot be a near-duplicate of itself' };
  }
  if (!Array.isArray(m.brands) || !m.brands.every((b) => typeof b === 'string')) {
    return { error: 'brands: not an array of strings' };
  }
  const a = m.analysis;
  if (!isRecord(a)) return { error: 'analysis: missing' };
  if (typeof a.lang !== 'string' || a.lang === '') return { error: 'analysis.lang: missing' };
  if (!Array.isArray(a.lemmas) || !a.lemmas.every((l) => typeof l === 'string')) {
    return { error: 'analysis.lemmas: not an array of strings' };
  }
  if (!isRecord(a.terms)) return { error: 'analysis.terms: not an object' };
  for (const [term, count] of Object.entries(a.terms)) {
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      return { error: `analysis.terms[${JSON.stringify(term)}]: ${String(count)} is not a finite count >= 0` };
    }
  }
  if (a.labels !== undefined) {
    if (!isRecord(a.labels)) return { error: 'analysis.labels: not an object' };
    for (const [term, label] of Object.entries(a.labels)) {
      if (typeof label !== 'string') return { error: `analysis.labels[${JSON.stringify(term)}]: ${String(label)} is not a string` };
    }
  }
  const s = a.sentiment;
  if (!isRecord(s)) return { error: 'analysis.sentiment: missing' };
  if (typeof s.score !== 'number' || !Number.isFinite(s.score) || s.score < -1 || s.score > 1) {
    return { error: `analysis.sentiment.score: ${String(s.score)} is not a finite number in -1..1` };
  }
  if (!SENTIMENT_LABELS.includes(s.label as SentimentLabel)) {
    return { error: `analysis.sentiment.label: ${JSON.stringify(s.label)} is not one of ${SENTIMENT_LABELS.join(', ')}` };
  }
  return { mention: m as unknown as AnalyzedMention, publishedMs };
}
