// Search: one page of hits, sorted newest first or by relevance, with a cursor (keyset over the sort
// values) to the next page; deep pages read a point in time so paging sees one state of the data.
import { createHmac, randomBytes } from 'node:crypto';
import { errors, type estypes } from '@elastic/elasticsearch';
import { EcouteError } from '../../core/errors.js';
import type { AnalyzedMention } from '../../core/types.js';
import { decodeCursor, encodeCursor, requestFingerprint } from '../cursor.js';
import { badCursor } from '../errors.js';
import { isScored } from '../../query/compile/elasticsearch.js';
import { resolveFilters, resolveLimit, resolveQuery, resolveSort } from '../request.js';
import type { SearchHit, SearchPage, SearchRequest } from '../types.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS, isMonthlyIndex } from './schema.js';
import type { Service } from './service.js';

export async function search(service: Service, request: SearchRequest): Promise<SearchPage> {
  const { client, config } = service;
  const node = resolveQuery(request.query);
  const filters = resolveFilters(request);
  const limit = resolveLimit(request.limit);
  // Relevance needs a text part to score; without one it falls back to newest first.
  const byRelevance = resolveSort(request.sort) === 'relevance' && isScored(node);
  const sortKey = byRelevance ? 'r' : 'n';
  const fingerprint = requestFingerprint([node, filters, sortKey]);

  let after: [number, string] | undefined;
  let pit: string | undefined;
  /** The total counted under the cursor's point in time, when the cursor carries it (signed). */
  let pitTotal: number | undefined;
  if (request.cursor !== undefined) {
    const c = decodeCursor(request.cursor);
    if (c.f !== fingerprint || c.s !== sortKey) {
      throw badCursor('cursor: it belongs to another query, filters or sort order; start again without a cursor');
    }
    if (typeof c.i !== 'string' || typeof c.k !== 'number' || !Number.isFinite(c.k)) throw badCursor('cursor: malformed');
    if (c.p !== undefined && typeof c.p !== 'string') throw badCursor('cursor: malformed');
    after = [c.k, c.i];
    pit = c.p as string | undefined;
    if (pit !== undefined && typeof c.t === 'number' && typeof c.ts === 'string' && c.ts === totalSignature(pit, fingerprint, c.t)) pitTotal = c.t;
  }

  const body: estypes.SearchRequest = {
    query: filteredQuery(node, filters, byRelevance),
    sort: byRelevance ? [{ _score: { order: 'desc' } }, { [FIELDS.id]: { order: 'asc' } }] : [{ [FIELDS.publishedMs]: { order: 'desc' } }, { [FIELDS.id]: { order: 'desc' } }],
    size: limit + 1,
    track_total_hits: true,
    ...(after && { search_after: after }),
  };
  // Deep paging reads a point in time from the second page on: later pages then see the data as
  // it was when paging went deep, whatever is written meanwhile (relevance scores included). The
  // first page opens none: most searches stop there, and open contexts are a bounded resource.
  // The keyset (sort values) stays in the cursor, so an expired point in time is replaced by a
  // fresh one and paging goes on where it was.
  const usePit = after !== undefined && config.pitKeepAlive !== undefined;
  let response: estypes.SearchResponse<AnalyzedMention>;
  try {
    if (usePit) {
      const fromCursor = pit !== undefined;
      try {
        pit ??= await openPit(service);
        // Under one point in time the total cannot change: counted on its first page, carried
        // (signed) by the cursor to the next ones, which then skip counting every match (speed-es:
        // a broad query's deep pages spent most of their time re-counting a million hits).
        response = await searchPit(service, pitTotal === undefined ? body : { ...body, track_total_hits: false }, pit);
      } catch (error) {
        // The cursor's point in time is unusable (expired, its node restarted, or not one): the
        // keyset in the cursor is enough to go on from a fresh one. A second failure is real.
        if (!(error instanceof errors.ResponseError) || pit === undefined || !fromCursor) throw error;
        pit = await openPit(service);
        pitTotal = undefined;
        response = await searchPit(service, body, pit);
      }
      pit = response.pit_id ?? pit;
    } else {
      response = await client.search<AnalyzedMention>({ ...service.readTarget(), ...body });
    }
  } catch (error) {
    if (error instanceof EcouteError) throw error;
    throw service.failure('search', error);
  }

  const rows = response.hits.hits;
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const hits: SearchHit[] = page.map((h) => {
    const hit: SearchHit = { mention: h._source! };
    if (byRelevance) hit.score = Number(h.sort?.[0] ?? h._score ?? 0);
    return hit;
  });
  const total = pitTotal ?? (typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0));
  const result: SearchPage = { hits, total };
  const last = page[page.length - 1];
  if (more && last?.sort) {
    const carried = pit !== undefined && usePit ? { p: pit, t: total, ts: totalSignature(pit, fingerprint, total) } : pit ? { p: pit } : {};
    result.nextCursor = encodeCursor({ s: sortKey, f: fingerprint, k: Number(last.sort[0]), i: String(last.sort[1]), ...carried });
  } else if (pit) {
    // Last page: release the point in time now rather than at its keep-alive.
    client.closePointInTime({ id: pit }).catch(() => undefined);
  }
  return result;
}

/**
 * A cursor's total is trusted only with this process's signature over it, its point in time and
 * its request: an edited cursor (or one from before a restart) has its total counted again.
 */
const TOTAL_KEY = randomBytes(32);
function totalSignature(pit: string, fingerprint: string, total: number): string {
  return createHmac('sha256', TOTAL_KEY).update(`${pit}\n${fingerprint}\n${total}`).digest('base64url').slice(0, 22);
}

async function openPit(service: Service): Promise<string> {
  const opened = await service.client.openPointInTime({ index: service.config.alias, keep_alive: service.config.pitKeepAlive!, ignore_unavailable: true });
  return opened.id;
}

async function searchPit(service: Service, body: estypes.SearchRequest, id: string): Promise<estypes.SearchResponse<AnalyzedMention>> {
  const response = await service.client.search<AnalyzedMention>({ ...body, pit: { id, keep_alive: service.config.pitKeepAlive! } });
  // A point-in-time id names its indices: one from a cursor must be over this store's indices.
  if (response.hits.hits.some((h) => !isMonthlyIndex(service.config.layout.prefix, h._index))) {
    throw badCursor('cursor: malformed (its point in time is not over this store)');
  }
  return response;
}
