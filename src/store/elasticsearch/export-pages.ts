// Every matching mention, newest first, in pages, for exports (MentionStore.exportPages): one point
// in time over the whole read, so a mention written or moved between months meanwhile is neither
// missed nor read twice (the export is the data as it was when it started); search_after on
// (published_at desc, _shard_doc), the tie-breaker a point in time gives for free and the
// cheapest one to sort on. Only _source comes back: no scores, no totals, no highlights. The
// next page is asked for while the caller works on the current one (one page ahead: the memory
// of two pages, whatever the size of the export).
import { errors, type estypes } from '@elastic/elasticsearch';
import { EcouteError } from '../../core/errors.js';
import type { AnalyzedMention } from '../../core/types.js';
import { badRequest } from '../errors.js';
import { resolveFilters, resolveQuery } from '../request.js';
import type { SearchFilters } from '../types.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS } from './schema.js';
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
  const query = filteredQuery(resolveQuery(request.query), resolveFilters(request));
  const { client } = service;
  let pit: string;
  try {
    pit = (await client.openPointInTime({ index: service.config.alias, keep_alive: KEEP_ALIVE, ignore_unavailable: true })).id;
  } catch (error) {
    // Before the first write there is no index (nor alias): nothing to export, no error.
    if (error instanceof errors.ResponseError && error.statusCode === 404) return;
    throw service.failure('export', error);
  }
  const read = async (after: estypes.SortResults | undefined): Promise<Page> => {
    try {
      const page = await client.search<AnalyzedMention>({
        // No filter_path: with one, Elasticsearch parses and re-writes every _source to filter the
        // response (it cannot copy the stored bytes through a filtering writer), which took half of
        // the export's time; the few extra keys per hit (_index, _score) cost far less.
        pit: { id: pit, keep_alive: KEEP_ALIVE },
        query,
        size,
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
  let next: Promise<Page> | undefined = read(undefined);
  // An unconsumed page must not become an unhandled rejection when the caller stops early.
  next.catch(() => undefined);
  try {
    while (next) {
      const page: Page = await next;
      const hits = page.hits?.hits ?? [];
      const last = hits[hits.length - 1];
      next = hits.length === size && last?.sort ? read(last.sort) : undefined;
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
