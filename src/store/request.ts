// Request checks shared by every MentionStore: the same request is accepted or rejected (with the
// same message) whichever backend answers it.
import type { SentimentLabel } from '../core/types.js';
import { parseQuery } from '../query/parse.js';
import type { QueryNode } from '../query/ast.js';
import { badRequest } from './errors.js';
import type { DuplicatesMode, Interval, SearchFilters } from './types.js';
import { SENTIMENT_LABELS } from './validate.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
export const DEFAULT_TERMS = 20;
export const INTERVALS: readonly Interval[] = ['hour', 'day', 'week'];
export const DUPLICATES_MODES: readonly DuplicatesMode[] = ['exclude', 'include', 'only'];

export interface ResolvedFilters {
  brand?: string;
  lang?: string;
  source?: string;
  sentiment?: SentimentLabel;
  /** Inclusive, epoch ms. */
  fromMs?: number;
  /** Exclusive, epoch ms. */
  toMs?: number;
  /** Always set (default `exclude`), so it is part of every cursor's fingerprint. */
  duplicates: DuplicatesMode;
}

/** `2026-11-03` (UTC midnight) or an ISO 8601 instant with a zone → epoch ms. */
export function parseBound(name: string, value: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(iso) ? Date.parse(iso) : NaN;
  if (!Number.isFinite(ms)) {
    throw badRequest(`${name}: ${JSON.stringify(value)} is not a date (YYYY-MM-DD) or an ISO 8601 instant with a time zone`);
  }
  return ms;
}

export function resolveFilters(f: SearchFilters): ResolvedFilters {
  const out: ResolvedFilters = { duplicates: resolveDuplicates(f.duplicates) };
  for (const key of ['brand', 'lang', 'source'] as const) {
    const v = f[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw badRequest(`${key}: must be a non-empty string`);
    out[key] = v;
  }
  if (f.sentiment !== undefined) {
    if (!SENTIMENT_LABELS.includes(f.sentiment)) {
      throw badRequest(`sentiment: ${JSON.stringify(f.sentiment)} is not one of ${SENTIMENT_LABELS.join(', ')}`);
    }
    out.sentiment = f.sentiment;
  }
  if (f.from !== undefined) out.fromMs = parseBound('from', f.from);
  if (f.to !== undefined) out.toMs = parseBound('to', f.to);
  return out;
}

export function resolveDuplicates(value: string | undefined): DuplicatesMode {
  if (value === undefined) return 'exclude';
  if (!DUPLICATES_MODES.includes(value as DuplicatesMode)) {
    throw badRequest(`duplicates: must be one of ${DUPLICATES_MODES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as DuplicatesMode;
}

export function resolveQuery(query: string | undefined): QueryNode {
  if (query === undefined) return { type: 'all' };
  if (typeof query !== 'string') throw badRequest('query: must be a string');
  return parseQuery(query);
}

export function resolveLimit(value: number | undefined, name = 'limit', fallback = DEFAULT_LIMIT): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw badRequest(`${name}: must be a whole number from 1 to ${MAX_LIMIT}, got ${String(value)}`);
  }
  return value;
}

export function resolveSort(value: string | undefined): 'newest' | 'relevance' {
  if (value === undefined) return 'newest';
  if (value !== 'newest' && value !== 'relevance') throw badRequest(`sort: must be newest or relevance, got ${JSON.stringify(value)}`);
  return value;
}

export function resolveInterval(value: string): Interval {
  if (!INTERVALS.includes(value as Interval)) throw badRequest(`interval: must be one of ${INTERVALS.join(', ')}, got ${JSON.stringify(value)}`);
  return value as Interval;
}
