// Aggregations over the in-memory columns (columns.ts) of a set of matching docs: one loop each,
// the same arithmetic as the SQL they replace (counts, SQLite's compensated sum for tones, the
// shared bucket and sort helpers), so either path gives the same answer.
import { sortCounts } from '../aggregate.js';
import { bucketStart, intervalMs, intervalOrigin, MAX_BUCKETS } from '../buckets.js';
import type { Facets, Interval } from '../types.js';
import { CompensatedSum, type Dictionary, type DocColumns } from './columns.js';

/** Per bucket start: how many docs and their mean tone (SQLite's avg). */
export function bucketsOf(c: DocColumns, docs: Int32Array, interval: Interval): Map<number, { count: number; meanTone: number | null }> {
  const width = intervalMs(interval);
  const origin = intervalOrigin(interval);
  const index = new Map<number, number>();
  const counts: number[] = [];
  const sums: CompensatedSum[] = [];
  const { published, score } = c;
  // Docs are in doc order, which is mostly time order: remember the last bucket to skip the Map.
  let lastStart = NaN;
  let lastEnd = NaN;
  let last = -1;
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    const p = published[d]!;
    if (!(p >= lastStart && p < lastEnd)) {
      lastStart = p - ((((p - origin) % width) + width) % width);
      lastEnd = lastStart + width;
      let k = index.get(lastStart);
      if (k === undefined) {
        k = counts.length;
        index.set(lastStart, k);
        counts.push(0);
        sums.push(new CompensatedSum());
      }
      last = k;
    }
    counts[last]!++;
    sums[last]!.add(score[d]!);
  }
  const out = new Map<number, { count: number; meanTone: number | null }>();
  for (const [start, k] of index) out.set(bucketStart(start, interval), { count: counts[k]!, meanTone: sums[k]!.value / counts[k]! });
  return out;
}

export function facetsOf(c: DocColumns, docs: Int32Array, size: number): Facets {
  const codes = (column: Uint16Array | Uint8Array, dict: Dictionary): { value: string; count: number }[] => {
    const n = new Float64Array(dict.size);
    for (let i = 0; i < docs.length; i++) n[column[docs[i]!]!]!++;
    return sortCounts(dict.values.map((value, k) => ({ value, count: n[k]! })), size);
  };
  const bits = (column: Uint32Array, dict: Dictionary): { value: string; count: number }[] => {
    const n = new Float64Array(dict.size);
    for (let i = 0; i < docs.length; i++) {
      let set = column[docs[i]!]!;
      while (set !== 0) {
        const b = 31 - Math.clz32(set);
        n[b]!++;
        set = (set & ~(1 << b)) >>> 0;
      }
    }
    return sortCounts(dict.values.map((value, k) => ({ value, count: n[k]! })), size);
  };
  return {
    source: codes(c.source, c.sources),
    lang: codes(c.lang, c.langs),
    sentiment: codes(c.sentiment, c.sentiments),
    field: bits(c.fields, c.fieldNames),
    brand: bits(c.brands, c.brandNames),
  };
}

/** Per brand asked for: mentions and sum of tone; and per (bucket, brand) counts when an interval is given. */
export function shareOfVoiceOf(
  c: DocColumns,
  docs: Int32Array,
  brands: readonly string[],
  interval: Interval | undefined,
): { sums: Map<string, { mentions: number; toneSum: number }>; rows: { bucketMs: number; brand: string; count: number }[] } {
  const asked = brands.map((brand) => ({ brand, bit: bitOf(c.brandNames, brand), mentions: 0, tone: new CompensatedSum() })).filter((b) => b.bit !== 0);
  const { published, score, brands: sets } = c;
  let any = 0;
  for (const b of asked) any |= b.bit;
  // Bucket counts in one array (bucket × brand) from the first bucket of the docs.
  const width = interval ? intervalMs(interval) : 1;
  const origin = interval ? intervalOrigin(interval) : 0;
  let first = Infinity;
  let last = -Infinity;
  if (interval) {
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i]!;
      if ((sets[d]! & any) === 0) continue;
      const p = published[d]!;
      if (p < first) first = p;
      if (p > last) last = p;
    }
  }
  const lo = interval && docs.length > 0 && first !== Infinity ? first - ((((first - origin) % width) + width) % width) : 0;
  const buckets = interval && first !== Infinity ? Math.floor((last - lo) / width) + 1 : 0;
  if (buckets > MAX_BUCKETS) {
    // Too many buckets: shareOfVoiceBuckets refuses the range (the same error as the SQL path)
    // from its first and last bucket alone.
    const b = asked[0]!.brand;
    return { sums: new Map(), rows: [{ bucketMs: lo, brand: b, count: 1 }, { bucketMs: last, brand: b, count: 1 }] };
  }
  const counts = new Float64Array(buckets * asked.length);
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    const set = sets[d]!;
    if ((set & any) === 0) continue;
    const row = interval ? Math.floor((published[d]! - lo) / width) * asked.length : 0;
    for (let k = 0; k < asked.length; k++) {
      const b = asked[k]!;
      if ((set & b.bit) === 0) continue;
      b.mentions++;
      // Issue 16: the tone toward this brand where the mention has one.
      b.tone.add(c.brandToneOf(d, b.brand)?.score ?? score[d]!);
      if (interval) counts[row + k]!++;
    }
  }
  const sums = new Map(asked.filter((b) => b.mentions > 0).map((b) => [b.brand, { mentions: b.mentions, toneSum: b.tone.value }]));
  const rows: { bucketMs: number; brand: string; count: number }[] = [];
  for (let j = 0; j < buckets; j++) {
    for (let k = 0; k < asked.length; k++) {
      const n = counts[j * asked.length + k]!;
      if (n > 0) rows.push({ bucketMs: lo + j * width, brand: asked[k]!.brand, count: n });
    }
  }
  return { sums, rows };
}

/**
 * The docs that may be among the `k` newest: every doc published at or after the k-th newest
 * instant (ties on that instant are all kept; the caller orders them by id).
 */
export function newestCandidates(c: DocColumns, docs: Int32Array, k: number): Int32Array {
  if (docs.length <= k) return docs;
  const values = new Float64Array(docs.length);
  for (let i = 0; i < docs.length; i++) values[i] = c.published[docs[i]!]!;
  const threshold = kthLargest(values, k);
  const out: number[] = [];
  for (let i = 0; i < docs.length; i++) if (c.published[docs[i]!]! >= threshold) out.push(docs[i]!);
  return Int32Array.from(out);
}

/** The k-th largest value (1-based) by quickselect; reorders `a`. */
function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}

function bitOf(dict: Dictionary, value: string): number {
  const code = dict.find(value);
  return code === undefined || code >= 32 ? 0 : (1 << code) >>> 0;
}

/**
 * SQLite's BINARY order of two texts (their UTF-8 bytes), e.g. for ids. UTF-8 keeps code point
 * order, so at the first differing UTF-16 unit below the surrogates (U+D800) the units decide;
 * only a difference at a surrogate or above (where UTF-16 and UTF-8 orders part) encodes the texts
 * (sorting authors per field with an encoding per comparison was most of the perceived image's time).
 */
export function compareBinary(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x < y ? -1 : 1;
    // From the start of the code point (a pair's high half is shared when only the low halves differ).
    const k = i > 0 && (a.charCodeAt(i - 1) & 0xfc00) === 0xd800 ? i - 1 : i;
    return Buffer.compare(Buffer.from(a.slice(k), 'utf8'), Buffer.from(b.slice(k), 'utf8'));
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** How many distinct authors the docs have (SQLite's count(DISTINCT author_key): keys are compared exactly). */
export function distinctAuthors(c: DocColumns, docs: Int32Array): number {
  const seen = new Uint8Array(c.authorKeys.size);
  const { author } = c;
  let n = 0;
  for (let i = 0; i < docs.length; i++) {
    const a = author[docs[i]!]!;
    if (seen[a] === 0) {
      seen[a] = 1;
      n++;
    }
  }
  return n;
}
