// Every matching mention, newest first, in pages, for exports (MentionStore.exportPages): one point
// in time over the whole read, so a mention written or moved between months meanwhile is neither
// missed nor read twice (the export is the data as it was when it started); search_after on
// (published_at desc, _shard_doc), the tie-breaker a point in time gives for free and the
// cheapest one to sort on. Only _source comes back: no scores, no totals, no highlights.
//
// In ranges, two at a time (speed-es): the export's time is Elasticsearch fetching each hit's
// stored document, one search thread per request, so one request at a time used one core of two.
// Under the point in time a histogram of published_at counts the matching mentions, which splits
// all time into ranges of at most a page each; each range is read by its own search (one monthly
// index answers it, the others skip it), and up to PARALLEL ranges have a request out while the
// pages are handed on in order, re-cut to the size asked. Memory: PARALLEL pages in flight plus
// one being cut, whatever the size of the export. The ranges cover all time (the first open
// above, the last open below), so the counts only decide where to split, never what is read.
import { errors, type estypes } from '@elastic/elasticsearch';
import { EcouteError } from '../../core/errors.js';
import type { AnalyzedMention } from '../../core/types.js';
import { badRequest } from '../errors.js';
import { resolveFilters, resolveQuery } from '../request.js';
import type { SearchFilters } from '../types.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS } from './schema.js';
import type { Service } from './service.js';

// es18 (issue 11, RSS during the export): 2,000 rather than 5,000. The memory is the pages in
// flight, each whole response body held and parsed at once (PARALLEL + 1 pages): at a million rows
// the client peaked at 298 MB with pages of 2,000 against 429 MB with 5,000, the same peak as at
// 100,000 rows either way (bounded, not growing with the export), and the rate was no lower
// (22,000 against 19,700 rows/s). Reading only a row's parts of each document (a _source filter)
// was tried: the client parsed a third, but Elasticsearch spent 3.6 times the CPU (8.8 against
// 2.4 s per 100,000 rows) parsing and re-writing every source, and the rate fell to 13,000 rows/s.
export const DEFAULT_EXPORT_PAGE = 2000;
/** Above index.max_result_window's default (10 000) Elasticsearch refuses a page. */
export const MAX_EXPORT_PAGE = 10_000;
const KEEP_ALIVE = '2m';

type Hit = estypes.SearchHit<AnalyzedMention>;
/** Ranges with a request out at once: Elasticsearch fetches the next ones while the first is sent on. */
const PARALLEL = 2;

export async function* exportPages(service: Service, request: SearchFilters & { query?: string }, options: { pageSize?: number } = {}): AsyncGenerator<AnalyzedMention[]> {
  const size = options.pageSize ?? DEFAULT_EXPORT_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_EXPORT_PAGE) throw badRequest(`pageSize: must be a whole number from 1 to ${MAX_EXPORT_PAGE}, got ${String(size)}`);
  // Checked before the first request: a broken query is the caller's error, not the store's.
  const filters = resolveFilters(request);
  const query = filteredQuery(resolveQuery(request.query), filters);
  const { client } = service;
  let pit: string;
  try {
    pit = (await client.openPointInTime({ index: service.config.alias, keep_alive: KEEP_ALIVE, ignore_unavailable: true })).id;
  } catch (error) {
    // Before the first write there is no index (nor alias): nothing to export, no error.
    if (error instanceof errors.ResponseError && error.statusCode === 404) return;
    throw service.failure('export', error);
  }
  let ranges: PublishedRange[];
  try {
    ranges = await pageRanges(service, pit, query, size);
  } catch (error) {
    await client.closePointInTime({ id: pit }).catch(() => undefined);
    throw service.failure('export', error);
  }
  const search = async (range: PublishedRange, after: estypes.SortResults | undefined): Promise<Hit[]> => {
    try {
      const page = await client.search<AnalyzedMention>({
        // No filter_path: with one, Elasticsearch parses and re-writes every _source to filter the
        // response (it cannot copy the stored bytes through a filtering writer), which took half of
        // the export's time; the few extra keys per hit (_index, _score) cost far less.
        pit: { id: pit, keep_alive: KEEP_ALIVE },
        query: { bool: { filter: [query, { range: { [FIELDS.publishedMs]: range } }] } },
        size,
        sort: [{ [FIELDS.publishedMs]: { order: 'desc' } }, { _shard_doc: 'desc' }],
        track_total_hits: false,
        ...(after && { search_after: after }),
      });
      return page.hits?.hits ?? [];
    } catch (error) {
      throw service.failure('export', error);
    }
  };
  // One reader per range, in order; up to PARALLEL of them have a request out. A range holds at
  // most a page (unless one histogram bucket holds more), so most readers make one request.
  interface Reader {
    range: PublishedRange;
    after?: estypes.SortResults;
    done: boolean;
    next: Promise<Hit[]>;
  }
  const fetchNext = (reader: Reader): Promise<Hit[]> => {
    const next = search(reader.range, reader.after).then((hits) => {
      const last = hits[hits.length - 1];
      if (hits.length < size || !last?.sort) reader.done = true;
      else reader.after = last.sort;
      return hits;
    });
    // A request out when the caller stops early must not become an unhandled rejection.
    next.catch(() => undefined);
    return next;
  };
  const readers: Reader[] = [];
  let started = 0;
  const fill = (): void => {
    while (readers.length < PARALLEL && started < ranges.length) {
      const reader: Reader = { range: ranges[started++]!, done: false, next: Promise.resolve([]) };
      reader.next = fetchNext(reader);
      readers.push(reader);
    }
  };
  // Hits read but not yielded yet, as the readers returned them (no copies): pages keep the size
  // asked across the ranges' ends.
  const queue: Hit[][] = [];
  let offset = 0;
  let queued = 0;
  const take = (n: number): AnalyzedMention[] => {
    const mentions: AnalyzedMention[] = new Array<AnalyzedMention>(n);
    for (let k = 0; k < n; k++) {
      const hit = queue[0]![offset++]!;
      if (offset === queue[0]!.length) {
        queue.shift();
        offset = 0;
      }
      if (!hit._source) throw new EcouteError('STORE_UNAVAILABLE', `export: Elasticsearch returned a hit without its document (${hit._id ?? '?'})`, { retriable: false });
      mentions[k] = hit._source;
    }
    queued -= n;
    return mentions;
  };
  try {
    fill();
    while (readers.length > 0) {
      const head = readers[0]!;
      const hits = await head.next;
      if (head.done) {
        readers.shift();
        fill();
      } else {
        head.next = fetchNext(head);
      }
      if (hits.length > 0) {
        queue.push(hits);
        queued += hits.length;
      }
      while (queued >= size) yield take(size);
    }
    if (queued > 0) yield take(queued);
  } finally {
    for (const reader of readers) await reader.next.catch(() => undefined);
    await client.closePointInTime({ id: pit }).catch(() => undefined);
  }
}

/** A range of published_at (epoch ms): from gte (inclusive) to lt (exclusive); open where absent. */
interface PublishedRange {
  gte?: number;
  lt?: number;
}

/** Buckets of the histogram that splits an export into ranges (far below search.max_buckets). */
const HISTOGRAM_BUCKETS = 4000;

/**
 * All time, newest first, split into ranges of published_at holding at most `size` matching
 * mentions each (more only when one histogram bucket does): counted under the export's point in
 * time, so exactly what the pages will read. The first range is open above, the last open below:
 * together they cover all time, so the counts only decide where to split, never what is read.
 */
async function pageRanges(service: Service, pit: string, query: estypes.QueryDslQueryContainer, size: number): Promise<PublishedRange[]> {
  const { client } = service;
  const span = await client.search({
    pit: { id: pit, keep_alive: KEEP_ALIVE },
    query,
    size: 0,
    track_total_hits: false,
    aggs: { min: { min: { field: FIELDS.publishedMs } }, max: { max: { field: FIELDS.publishedMs } } },
  });
  const min = (span.aggregations?.min as { value: number | null } | undefined)?.value;
  const max = (span.aggregations?.max as { value: number | null } | undefined)?.value;
  if (typeof min !== 'number' || typeof max !== 'number') return [{}];
  const interval = Math.max(1000, Math.ceil((max - min + 1) / HISTOGRAM_BUCKETS));
  const histogram = await client.search({
    pit: { id: pit, keep_alive: KEEP_ALIVE },
    query,
    size: 0,
    track_total_hits: false,
    aggs: { h: { histogram: { field: FIELDS.publishedMs, interval, offset: min % interval, min_doc_count: 1 } } },
  });
  const buckets = (histogram.aggregations?.h as { buckets?: { key: number; doc_count: number }[] } | undefined)?.buckets ?? [];
  const ranges: PublishedRange[] = [];
  let upper: number | undefined;
  let held = 0;
  for (let k = buckets.length - 1; k >= 0; k--) {
    const b = buckets[k]!;
    if (held > 0 && held + b.doc_count > size) {
      // Split at the start of the bucket after this one: [that start, upper).
      const at = buckets[k + 1]!.key;
      ranges.push(upper === undefined ? { gte: at } : { gte: at, lt: upper });
      upper = at;
      held = 0;
    }
    held += b.doc_count;
  }
  ranges.push(upper === undefined ? {} : { lt: upper });
  return ranges;
}
