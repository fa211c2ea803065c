// What facets, fieldStats and shareOfVoice share between the stores: request checks (the same
// request is accepted or refused with the same message by either backend) and the arithmetic
// from raw per-group sums to the contract's shapes, so both stores give the same numbers.
import { badRequest } from './errors.js';
import { bucketStart, fillBuckets } from './buckets.js';
import { resolveInterval } from './request.js';
import type { FacetName, Facets, FieldStat, Interval, ShareOfVoice } from './types.js';

export const DEFAULT_FACET_SIZE = 10;
export const MAX_FACET_SIZE = 1000;
/** Share of voice compares a brand with its competitors: a handful, not a catalogue. */
export const MAX_SOV_BRANDS = 100;

export function resolveFacetSize(size: number | undefined): number {
  if (size === undefined) return DEFAULT_FACET_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_FACET_SIZE) {
    throw badRequest(`size: must be a whole number from 1 to ${MAX_FACET_SIZE}, got ${String(size)}`);
  }
  return size;
}

/** The brands of a share-of-voice request, checked and deduplicated in the order given. */
export function resolveBrands(brands: unknown): string[] {
  if (!Array.isArray(brands) || brands.length === 0) throw badRequest('brands: must be a non-empty list of brand ids');
  const out: string[] = [];
  for (const [i, b] of brands.entries()) {
    if (typeof b !== 'string' || b === '') throw badRequest(`brands[${i}]: must be a non-empty string`);
    if (!out.includes(b)) out.push(b);
  }
  if (out.length > MAX_SOV_BRANDS) throw badRequest(`brands: at most ${MAX_SOV_BRANDS}, got ${out.length}`);
  return out;
}

export function resolveOptionalInterval(interval: Interval | undefined): Interval | undefined {
  return interval === undefined ? undefined : resolveInterval(interval);
}

/** Sorted by count desc, then value (code-point order, as SQLite's BINARY and Lucene's bytes), cut to size. */
export function sortCounts(rows: { value: string; count: number }[], size: number): { value: string; count: number }[] {
  return rows
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, size);
}

export function emptyFacets(): Facets {
  const out = {} as Facets;
  for (const name of ['source', 'lang', 'sentiment', 'field', 'brand'] as FacetName[]) out[name] = [];
  return out;
}

/** Per-field rows (mentions holding the field, sum of its tone over those with a tone) → FieldStat[]. */
export function fieldStatsOf(rows: { field: string; mentions: number; toned: number; toneSum: number }[], total: number): FieldStat[] {
  return rows
    .filter((r) => r.mentions > 0)
    .map((r) => ({
      field: r.field,
      mentions: r.mentions,
      share: total > 0 ? r.mentions / total : 0,
      meanTone: r.toned > 0 ? r.toneSum / r.toned : null,
    }))
    .sort((a, b) => b.mentions - a.mentions || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

/**
 * Per-brand sums (mentions, sum of tone) → totals. Shares are over the brands asked for: a mention
 * of two of them counts for each. Tone-weighted: each mention weighs (1 + tone) / 2 (0 for -1, 1
 * for +1), so the sum of weights is (mentions + sum of tone) / 2.
 */
export function shareOfVoiceTotals(brands: readonly string[], sums: ReadonlyMap<string, { mentions: number; toneSum: number }>): ShareOfVoice['totals'] {
  let all = 0;
  let allWeight = 0;
  for (const b of brands) {
    const s = sums.get(b);
    if (!s) continue;
    all += s.mentions;
    allWeight += (s.mentions + s.toneSum) / 2;
  }
  return brands.map((brand) => {
    const s = sums.get(brand) ?? { mentions: 0, toneSum: 0 };
    const weight = (s.mentions + s.toneSum) / 2;
    return {
      brand,
      mentions: s.mentions,
      share: all > 0 ? s.mentions / all : 0,
      toneWeightedShare: allWeight > 0 ? weight / allWeight : 0,
      meanTone: s.mentions > 0 ? s.toneSum / s.mentions : null,
    };
  });
}

/** Per-(bucket, brand) counts → every bucket from `fromMs` (else the first hit) to `toMs`, each brand in it (0 when none). */
export function shareOfVoiceBuckets(
  brands: readonly string[],
  rows: readonly { bucketMs: number; brand: string; count: number }[],
  interval: Interval,
  fromMs?: number,
  toMs?: number,
): NonNullable<ShareOfVoice['buckets']> {
  const byBucket = new Map<number, Record<string, number>>();
  const totals = new Map<number, { count: number; meanTone: number | null }>();
  for (const r of rows) {
    const start = bucketStart(r.bucketMs, interval);
    let counts = byBucket.get(start);
    if (!counts) byBucket.set(start, (counts = {}));
    counts[r.brand] = (counts[r.brand] ?? 0) + r.count;
    const t = totals.get(start) ?? { count: 0, meanTone: null };
    t.count += r.count;
    totals.set(start, t);
  }
  return fillBuckets(totals, interval, fromMs, toMs).map((b) => {
    const hit = byBucket.get(Date.parse(b.start)) ?? {};
    const counts: Record<string, number> = {};
    for (const brand of brands) counts[brand] = hit[brand] ?? 0;
    return { start: b.start, counts };
  });
}
