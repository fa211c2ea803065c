// Every matching mention, newest first, in pages, for exports (MentionStore.exportPages): keyset
// paging by (published_at, id) through the store's own search and its cursors, so each page is one
// indexed range read whatever the depth, and the memory is one page's. A mention written meanwhile
// keeps its place in that order (same publishedAt, same id): it is read once, as it is when its
// page is read.
import type { AnalyzedMention } from '../../core/types.js';
import { badRequest } from '../errors.js';
import { MAX_LIMIT } from '../request.js';
import type { MentionStore, SearchFilters } from '../types.js';

export async function* exportPages(store: Pick<MentionStore, 'search'>, request: SearchFilters & { query?: string }, options: { pageSize?: number } = {}): AsyncGenerator<AnalyzedMention[]> {
  const limit = options.pageSize ?? MAX_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw badRequest(`pageSize: must be a whole number from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  const base = { ...request, sort: 'newest' as const, limit };
  let cursor: string | undefined;
  do {
    const page = await store.search({ ...base, ...(cursor !== undefined && { cursor }) });
    if (page.hits.length > 0) yield page.hits.map((h) => h.mention);
    cursor = page.hits.length > 0 ? page.nextCursor : undefined;
  } while (cursor !== undefined);
}
