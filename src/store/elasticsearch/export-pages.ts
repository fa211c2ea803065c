// Every matching mention, newest first, in pages, for exports (MentionStore.exportPages): one point
// in time over the whole read, so a mention written or moved between months meanwhile is neither
// missed nor read twice (the export is the data as it was when it started); search_after on
// (published_at desc, _shard_doc), the tie-breaker a point in time gives for free and the
// cheapest one to sort on. Only _source comes back: no scores, no totals, no highlights. The
// next page is asked for while the caller works on the current one (one page ahead: the memory
// of two pages, whatever the size of the export).
//
// Month by month (speed-es): a page's search is restricted to one month's range of published_at,
// newest month first, so one monthly index answers it and the others skip it (their range does
// not overlap: Elasticsearch's pre-filter, or a query rewritten to nothing), instead of every
// month collecting and sorting its own `size` best hits for each page. The ranges are split at
// the months the store's indices hold and cover all time (open-ended before the oldest and after
// the newest), so which indices exist only decides the split, never which mentions are read. A
// page is filled across a month's end, so pages keep the size asked.
import { errors, type estypes } from '@elastic/elasticsearch';
import { EcouteError } from '../../core/errors.js';
import type { AnalyzedMention } from '../../core/types.js';
import { badRequest } from '../errors.js';
import { resolveFilters, resolveQuery } from '../request.js';
import type { SearchFilters } from '../types.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS, indexPattern, isMonthlyIndex } from './schema.js';
import type { Service } from './service.js';

export const DEFAULT_EXPORT_PAGE = 5000;
/** Above index.max_result_window's default (10 000) Elasticsearch refuses a page. */
export const MAX_EXPORT_PAGE = 10_000;
const KEEP_ALIVE = '2m';

type Page = estypes.SearchResponse<AnalyzedMention>;

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
    ranges = (await monthRanges(service)).filter(
      (r) => !(r.lt !== undefined && filters.fromMs !== undefined && r.lt <= filters.fromMs) && !(r.gte !== undefined && filters.toMs !== undefined && r.gte >= filters.toMs),
    );
  } catch (error) {
    await client.closePointInTime({ id: pit }).catch(() => undefined);
    throw service.failure('export', error);
  }
  const search = async (range: PublishedRange, want: number, after: estypes.SortResults | undefined): Promise<Page> => {
    try {
      const page = await client.search<AnalyzedMention>({
        // No filter_path: with one, Elasticsearch parses and re-writes every _source to filter the
        // response (it cannot copy the stored bytes through a filtering writer), which took half of
        // the export's time; the few extra keys per hit (_index, _score) cost far less.
        pit: { id: pit, keep_alive: KEEP_ALIVE },
        query: { bool: { filter: [query, { range: { [FIELDS.publishedMs]: range } }] } },
        size: want,
        sort: [{ [FIELDS.publishedMs]: { order: 'desc' } }, { _shard_doc: 'desc' }],
        track_total_hits: false,
        ...(after && { search_after: after }),
      });
      if (page.pit_id) pit = page.pit_id;
      return page;
    } catch (error) {
      throw service.failure('export', error);
    }
  };
  // Where the reading is: the range, and the last hit's sort values in it.
  let at = 0;
  let after: estypes.SortResults | undefined;
  /** Up to `size` hits, from as many ranges as it takes; fewer only at the very end. */
  const read = async (): Promise<Page['hits']['hits']> => {
    const hits: Page['hits']['hits'] = [];
    while (hits.length < size && at < ranges.length) {
      const want = size - hits.length;
      const page = await search(ranges[at]!, want, after);
      const got = page.hits?.hits ?? [];
      hits.push(...got);
      const last = got[got.length - 1];
      if (got.length < want || !last?.sort) {
        at++;
        after = undefined;
      } else {
        after = last.sort;
      }
    }
    return hits;
  };
  let next: Promise<Page['hits']['hits']> | undefined = read();
  // An unconsumed page must not become an unhandled rejection when the caller stops early.
  next.catch(() => undefined);
  try {
    while (next) {
      const hits: Page['hits']['hits'] = await next;
      next = hits.length === size && at < ranges.length ? read() : undefined;
      next?.catch(() => undefined);
      if (hits.length > 0) {
        const mentions: AnalyzedMention[] = new Array<AnalyzedMention>(hits.length);
        for (let k = 0; k < hits.length; k++) {
          const source = hits[k]!._source;
          if (!source) throw new EcouteError('STORE_UNAVAILABLE', `export: Elasticsearch returned a hit without its document (${hits[k]!._id ?? '?'})`, { retriable: false });
          mentions[k] = source;
        }
        yield mentions;
      }
    }
  } finally {
    await next?.catch(() => undefined);
    await client.closePointInTime({ id: pit }).catch(() => undefined);
  }
}

/** A range of published_at (epoch ms): from gte (inclusive) to lt (exclusive); open where absent. */
interface PublishedRange {
  gte?: number;
  lt?: number;
}

/**
 * All time, newest first, split at the start of each month the store has an index for:
 * [newest month, ∞), each month, then (−∞, oldest month).
 */
async function monthRanges(service: Service): Promise<PublishedRange[]> {
  const { prefix } = service.config.layout;
  const resolved = await service.client.indices.resolveIndex({ name: indexPattern(prefix), expand_wildcards: 'open' });
  const starts = resolved.indices
    .map((i) => i.name)
    .filter((name) => isMonthlyIndex(prefix, name))
    .map((name) => Date.UTC(Number(name.slice(prefix.length + 1, prefix.length + 5)), Number(name.slice(prefix.length + 6)) - 1, 1))
    .sort((a, b) => b - a);
  if (starts.length === 0) return [{}];
  const ranges: PublishedRange[] = [{ gte: starts[0]! }];
  for (let k = 1; k < starts.length; k++) ranges.push({ gte: starts[k]!, lt: starts[k - 1]! });
  ranges.push({ lt: starts[starts.length - 1]! });
  return ranges;
}
