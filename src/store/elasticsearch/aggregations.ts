// Aggregations: the timeline (counts and mean tone per hour, day or week), facets, per-field stats
// and share of voice. Top and significant terms: terms.ts.
import type { estypes } from '@elastic/elasticsearch';
import { bucketStart, fillBuckets } from '../buckets.js';
import { resolveFilters, resolveInterval, resolveQuery } from '../request.js';
import type {
  FacetName,
  Facets,
  FacetsRequest,
  FieldStat,
  FieldStatsRequest,
  Interval,
  ShareOfVoice,
  SearchFilters,
  ShareOfVoiceRequest,
  TimelineBucket,
  TimelineRequest,
} from '../types.js';
import { emptyFacets, fieldStatsOf, resolveBrands, resolveFacetSize, resolveOptionalInterval, shareOfVoiceBuckets, shareOfVoiceTotals, sortCounts } from '../aggregate.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS } from './schema.js';
import { flippedFor, labelAggs, labelCountsOf, toneSumAggs, toneSumOf } from './brand-tone.js';
import type { Service } from './service.js';

/** The part every aggregation request shares: the read alias, the query, no hits, and a total only when asked. */
function aggregationsOnly(service: Service, query: estypes.QueryDslQueryContainer, trackTotalHits = false) {
  return { ...service.readTarget(), query, size: 0, track_total_hits: trackTotalHits };
}

const CALENDAR: Record<Interval, estypes.AggregationsCalendarInterval> = { hour: '1h', day: '1d', week: '1w' };

export async function timeline(service: Service, request: TimelineRequest): Promise<TimelineBucket[]> {
  const interval = resolveInterval(request.interval);
  const filters = resolveFilters(request);
  const query = filteredQuery(resolveQuery(request.query), filters);
  let buckets: ({ key: number; doc_count: number; tone?: { value: number | null } } & Record<string, unknown>)[];
  // Issue 16: a brand's timeline means the tone toward the brand (brand-tone.ts).
  const brand = filters.brand;
  try {
    const response = await service.client.search({
      ...aggregationsOnly(service, query),
      aggs: {
        timeline: {
          // Only non-empty buckets come back (min_doc_count 1): the empty ones are filled by the
          // shared fillBuckets, exactly as for the embedded store. With min_doc_count 0 a long
          // range of small buckets would hit search.max_buckets (65 536) on the server before
          // our own, clearer limit.
          date_histogram: { field: FIELDS.publishedMs, calendar_interval: CALENDAR[interval], time_zone: 'UTC', min_doc_count: 1 },
          aggs: brand === undefined ? { tone: { avg: { field: FIELDS.tone } } } : toneSumAggs(brand),
        },
      },
    });
    buckets = (response.aggregations?.timeline as { buckets?: typeof buckets } | undefined)?.buckets ?? [];
  } catch (error) {
    throw service.failure('timeline', error);
  }
  const hits = new Map<number, { count: number; meanTone: number | null }>();
  for (const b of buckets) {
    const meanTone = brand === undefined ? (b.tone?.value ?? null) : b.doc_count > 0 ? toneSumOf(b) / b.doc_count : null;
    hits.set(bucketStart(b.key, interval), { count: b.doc_count, meanTone });
  }
  return fillBuckets(hits, interval, filters.fromMs, filters.toMs);
}

/** Terms aggregations over many shards are exact only when every shard returns every candidate. */
const shardSize = (size: number): number => Math.max(size * 10, 500);
const BY_COUNT = [{ _count: 'desc' as const }, { _key: 'asc' as const }];

type KeyBuckets = { buckets?: { key: string | number; doc_count: number }[] };

export async function facets(service: Service, request: FacetsRequest): Promise<Facets> {
  const size = resolveFacetSize(request.size);
  const filters = resolveFilters(request);
  const query = filteredQuery(resolveQuery(request.query), filters);
  // Issue 16: a brand's tone facet counts the tone toward the brand.
  const brand = filters.brand;
  const keyword = (field: string): estypes.AggregationsAggregationContainer => ({
    terms: { field, size, shard_size: shardSize(size), order: BY_COUNT },
  });
  let aggs: Record<string, unknown> | undefined;
  try {
    const response = await service.client.search({
      ...aggregationsOnly(service, query),
      aggs: {
        source: keyword(FIELDS.source),
        lang: keyword(FIELDS.lang),
        ...(brand === undefined ? { sentiment: keyword(FIELDS.sentiment) } : labelAggs(brand, size)),
        brand: keyword(FIELDS.brands),
        // Each field's name once per mention (schema version 3): the doc count is the number of mentions.
        field: keyword(FIELDS.fieldNames),
      },
    });
    aggs = response.aggregations as Record<string, unknown> | undefined;
  } catch (error) {
    throw service.failure('facets', error);
  }
  const out = emptyFacets();
  const read = (b: KeyBuckets | undefined): { value: string; count: number }[] =>
    sortCounts((b?.buckets ?? []).map((x) => ({ value: String(x.key), count: x.doc_count })), size);
  for (const name of ['source', 'lang', 'sentiment', 'brand', 'field'] as FacetName[]) out[name] = read(aggs?.[name] as KeyBuckets | undefined);
  if (brand !== undefined) out.sentiment = sortCounts(labelCountsOf(aggs, brand), size);
  return out;
}

/** Semantic fields come from the lexicons: a bounded set, all returned. */
const MAX_FIELDS = 1000;

export async function fieldStats(service: Service, request: FieldStatsRequest): Promise<FieldStat[]> {
  const filters = resolveFilters(request);
  const query = filteredQuery(resolveQuery(request.query), filters);
  const nestedFields: estypes.AggregationsAggregationContainer = {
    nested: { path: FIELDS.fields },
    aggs: {
      names: {
        terms: { field: FIELDS.fieldName, size: MAX_FIELDS, order: BY_COUNT },
        aggs: { toned: { value_count: { field: FIELDS.fieldTone } }, tone: { sum: { field: FIELDS.fieldTone } } },
      },
    },
  };
  // Issue 16: for a brand, the field tones of the mentions where they read reversed toward it
  // (ecoute.brand_flip) are summed apart and taken off.
  const brand = filters.brand;
  try {
    const response = await service.client.search({
      ...aggregationsOnly(service, query, true),
      aggs: {
        fields: nestedFields,
        ...(brand !== undefined && { flipped: { filter: flippedFor(brand), aggs: { fields: nestedFields } } }),
      },
    });
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    type Bucket = { key: string; doc_count: number; toned: { value: number }; tone: { value: number } };
    const buckets = (response.aggregations?.fields as { names?: { buckets?: Bucket[] } } | undefined)?.names?.buckets ?? [];
    const flippedSums = new Map<string, number>();
    const flipped = (response.aggregations?.flipped as { fields?: { names?: { buckets?: Bucket[] } } } | undefined)?.fields?.names?.buckets ?? [];
    for (const b of flipped) flippedSums.set(String(b.key), b.tone.value);
    return fieldStatsOf(
      buckets.map((b) => ({ field: String(b.key), mentions: b.doc_count, toned: b.toned.value, toneSum: b.tone.value - 2 * (flippedSums.get(String(b.key)) ?? 0) })),
      total,
    );
  } catch (error) {
    throw service.failure('fieldStats', error);
  }
}

export async function shareOfVoice(service: Service, request: ShareOfVoiceRequest): Promise<ShareOfVoice> {
  const brands = resolveBrands(request.brands);
  const interval = resolveOptionalInterval(request.interval);
  const { brand: _ignored, ...rest } = request as ShareOfVoiceRequest & { brand?: string };
  const filters = resolveFilters(rest);
  const base = filteredQuery(resolveQuery(request.query), filters);
  const query = { bool: { filter: [base, { terms: { [FIELDS.brands]: brands } }] } };
  // Only the brands asked for, each its own bucket (a mention of two counts for both).
  const byBrand = (aggs?: Record<string, estypes.AggregationsAggregationContainer>): estypes.AggregationsAggregationContainer => ({
    terms: { field: FIELDS.brands, include: brands, size: brands.length },
    ...(aggs && { aggs }),
  });
  type BrandBucket = { key: string; doc_count: number; tone?: { value: number } };
  try {
    const response = await service.client.search({
      ...aggregationsOnly(service, query),
      aggs: {
        totals: byBrand(),
        // Issue 16: each brand's sum of the tones toward it (brand-tone.ts), one filter per brand asked.
        ...Object.fromEntries(brands.map((b, i) => [`toward_${i}`, { filter: { term: { [FIELDS.brands]: b } }, aggs: toneSumAggs(b) }])),
        ...(interval !== undefined && {
          timeline: {
            date_histogram: { field: FIELDS.publishedMs, calendar_interval: CALENDAR[interval], time_zone: 'UTC', min_doc_count: 1 },
            aggs: { brands: byBrand() },
          },
        }),
      },
    });
    const aggs = response.aggregations as Record<string, unknown> | undefined;
    const totals = (aggs?.totals as { buckets?: BrandBucket[] } | undefined)?.buckets ?? [];
    const result: ShareOfVoice = {
      totals: shareOfVoiceTotals(
        brands,
        new Map(totals.map((b) => [String(b.key), { mentions: b.doc_count, toneSum: toneSumOf(aggs?.[`toward_${brands.indexOf(String(b.key))}`]) }])),
      ),
    };
    if (interval !== undefined) {
      const rows: { bucketMs: number; brand: string; count: number }[] = [];
      const timeline = (aggs?.timeline as { buckets?: { key: number; brands?: { buckets?: BrandBucket[] } }[] } | undefined)?.buckets ?? [];
      for (const t of timeline) for (const b of t.brands?.buckets ?? []) rows.push({ bucketMs: t.key, brand: String(b.key), count: b.doc_count });
      result.buckets = shareOfVoiceBuckets(brands, rows, interval, filters.fromMs, filters.toMs);
    }
    return result;
  } catch (error) {
    throw service.failure('shareOfVoice', error);
  }
}

/**
 * Authors per composite page: one page holds all the authors of most reads (a page is a pass over
 * every matching mention, so pages of 10,000 read a million mentions six times); under
 * search.max_buckets (65,536 by default), which counts a composite page's buckets.
 */
export const AUTHOR_PAGE = 60_000;

/**
 * Exact distinct authors: a composite aggregation over authorKey, paged until its last page (the
 * cardinality aggregation is an estimate past a few thousand values, and a count users read must
 * be exactly true). Only the page's length and last key are read back (filter_path).
 */
export function distinctAuthors(service: Service, query: estypes.QueryDslQueryContainer): Promise<number> {
  // es17: the same count asked twice at once (a report's headline and its image analysis) is read once.
  return service.shared(`distinctAuthors\u0000${JSON.stringify(query)}`, () => countDistinctAuthors(service, query));
}

async function countDistinctAuthors(service: Service, query: estypes.QueryDslQueryContainer): Promise<number> {
  let after: Record<string, string | number | null> | undefined;
  let total = 0;
  for (;;) {
    const response = await service.client.search({
      ...aggregationsOnly(service, query),
      filter_path: ['aggregations.authors.after_key', 'aggregations.authors.buckets.doc_count'],
      aggs: { authors: { composite: { size: AUTHOR_PAGE, sources: [{ a: { terms: { field: FIELDS.authorKey } } }], ...(after && { after }) } } },
    });
    const agg = response.aggregations?.authors as { buckets?: unknown[]; after_key?: Record<string, string | number | null> } | undefined;
    const n = agg?.buckets?.length ?? 0;
    total += n;
    if (n < AUTHOR_PAGE || !agg?.after_key) return total;
    after = agg.after_key;
  }
}

export async function uniqueAuthors(service: Service, filters: SearchFilters & { query?: string }): Promise<number> {
  const query = filteredQuery(resolveQuery(filters.query), resolveFilters(filters));
  try {
    return await distinctAuthors(service, query);
  } catch (error) {
    throw service.failure('uniqueAuthors', error);
  }
}
