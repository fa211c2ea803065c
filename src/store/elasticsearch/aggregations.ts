// Aggregations: the timeline (counts and mean tone per hour, day or week) and the top terms.
import type { estypes } from '@elastic/elasticsearch';
import { bucketStart, fillBuckets } from '../buckets.js';
import { DEFAULT_TERMS, resolveFilters, resolveInterval, resolveLimit, resolveQuery } from '../request.js';
import type { Interval, TermCount, TimelineBucket, TimelineRequest, TopTermsRequest } from '../types.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS } from './schema.js';
import type { Service } from './service.js';

const CALENDAR: Record<Interval, estypes.AggregationsCalendarInterval> = { hour: '1h', day: '1d', week: '1w' };

export async function timeline(service: Service, request: TimelineRequest): Promise<TimelineBucket[]> {
  const interval = resolveInterval(request.interval);
  const filters = resolveFilters(request);
  const query = filteredQuery(resolveQuery(request.query), filters);
  let buckets: { key: number; doc_count: number; tone?: { value: number | null } }[];
  try {
    const response = await service.client.search({
      ...service.readTarget(),
      query,
      size: 0,
      track_total_hits: false,
      aggs: {
        timeline: {
          // Only non-empty buckets come back (min_doc_count 1): the empty ones are filled by the
          // shared fillBuckets, exactly as for the embedded store. With min_doc_count 0 a long
          // range of small buckets would hit search.max_buckets (65 536) on the server before
          // our own, clearer limit.
          date_histogram: { field: FIELDS.publishedMs, calendar_interval: CALENDAR[interval], time_zone: 'UTC', min_doc_count: 1 },
          aggs: { tone: { avg: { field: FIELDS.tone } } },
        },
      },
    });
    buckets = (response.aggregations?.timeline as { buckets?: typeof buckets } | undefined)?.buckets ?? [];
  } catch (error) {
    throw service.failure('timeline', error);
  }
  const hits = new Map<number, { count: number; meanTone: number | null }>();
  for (const b of buckets) hits.set(bucketStart(b.key, interval), { count: b.doc_count, meanTone: b.tone?.value ?? null });
  return fillBuckets(hits, interval, filters.fromMs, filters.toMs);
}

export async function topTerms(service: Service, request: TopTermsRequest): Promise<TermCount[]> {
  const size = resolveLimit(request.size, 'size', DEFAULT_TERMS);
  const query = filteredQuery(resolveQuery(request.query), resolveFilters(request));
  try {
    const response = await service.client.search({
      ...service.readTarget(),
      query,
      size: 0,
      track_total_hits: false,
      aggs: {
        terms: {
          nested: { path: FIELDS.terms },
          aggs: {
            top: {
              terms: {
                field: FIELDS.termName,
                size,
                // Ordered by a sub-aggregation, a terms aggregation over several shards (one per
                // month) is exact only for terms every shard returns: ask each for many more.
                shard_size: Math.max(size * 10, 500),
                order: [{ count: 'desc' }, { _key: 'asc' }],
              },
              aggs: { count: { sum: { field: FIELDS.termCount } } },
            },
          },
        },
      },
    });
    const nested = response.aggregations?.terms as { top?: { buckets?: { key: string; doc_count: number; count: { value: number } }[] } } | undefined;
    return (nested?.top?.buckets ?? []).map((b) => ({ term: String(b.key), count: b.count.value, mentions: b.doc_count }));
  } catch (error) {
    throw service.failure('topTerms', error);
  }
}
