// The hackernews connector: stories and comments matching a query, from the Algolia HN search API
// (https://hn.algolia.com/api), newest first (search_by_date). A round is bounded below by the
// cursor (numericFilters=created_at_i>=since) and above by the newest item when it started, so
// its page numbers stay stable while new items arrive.
import type { RawMention } from '../../core/types.js';
import { MalformedResponseError, describeUrl } from '../http/errors.js';
import { pagedPoll, PollingConnector, type Item, type Page, type PagedCursor, type PageEntry, type PollResult } from '../poller.js';
import { htmlToText, inputOf } from '../text.js';
import type { ConnectorDefinition } from '../types.js';
import { HackerNewsConnectorSchema, type HackerNewsConnectorConfig } from './config.js';

export { HackerNewsConnectorSchema };
export type { HackerNewsConnectorConfig };

/** One hit of /search_by_date, as documented at https://hn.algolia.com/api. */
export interface HnHit {
  objectID?: string;
  created_at?: string;
  created_at_i?: number;
  author?: string;
  title?: string | null;
  url?: string | null;
  story_text?: string | null;
  comment_text?: string | null;
  points?: number | null;
  num_comments?: number | null;
  story_id?: number | null;
  story_title?: string | null;
  story_url?: string | null;
  parent_id?: number | null;
  _tags?: string[];
}

export interface HnSearchResponse {
  hits: HnHit[];
  page: number;
  nbPages: number;
  hitsPerPage?: number;
  nbHits?: number;
}

/** Maps one hit to a mention (or to why it cannot be one). */
export function parseHackerNewsHit(hit: HnHit): Item {
  const id = hit.objectID;
  const created = typeof hit.created_at_i === 'number' ? new Date(hit.created_at_i * 1000).toISOString() : undefined;
  if (!id || !created) return { ok: false, reason: 'hit without objectID or created_at_i', input: inputOf(hit) };
  const isComment = hit._tags?.includes('comment') ?? hit.comment_text != null;
  const body = htmlToText((isComment ? hit.comment_text : hit.story_text) ?? '');
  const title = isComment ? undefined : hit.title?.trim() || undefined;
  const text = body || title;
  if (!text) return { ok: false, reason: `item ${id} has no text`, input: inputOf(hit) };
  const author = hit.author ?? 'anonymous';
  const mention: RawMention = {
    source: 'hackernews',
    sourceId: id,
    url: `https://news.ycombinator.com/item?id=${id}`,
    author: { id: author, name: author },
    ...(title && body && { title }),
    text,
    publishedAt: created,
    metrics: {
      ...(typeof hit.points === 'number' && { likes: hit.points }),
      ...(typeof hit.num_comments === 'number' && { comments: hit.num_comments }),
    },
    raw: {
      kind: isComment ? 'comment' : 'story',
      ...(hit.url && { link: hit.url }),
      ...(isComment && hit.story_id != null && { storyId: hit.story_id, storyTitle: hit.story_title ?? undefined, parentId: hit.parent_id ?? undefined }),
    },
  };
  return { ok: true, mention };
}

/** A search_by_date page to entries (newest first) and the next page number. */
export function parseHackerNewsPage(data: unknown, where: string): Page<number> {
  const body = data as Partial<HnSearchResponse> | null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.hits)) throw new MalformedResponseError(where, 'no "hits" array');
  const page = typeof body.page === 'number' ? body.page : 0;
  const pages = typeof body.nbPages === 'number' ? body.nbPages : 0;
  const entries: PageEntry[] = body.hits.map((hit) => ({
    id: String(hit?.objectID ?? ''),
    t: typeof hit?.created_at_i === 'number' ? hit.created_at_i * 1000 : Number.NaN,
    item: parseHackerNewsHit(hit ?? {}),
  }));
  return { entries, ...(page + 1 < pages && { next: page + 1 }) };
}

export const hackerNewsConnector: ConnectorDefinition<HackerNewsConnectorConfig> = {
  type: 'hackernews',
  kind: 'pull',
  config: HackerNewsConnectorSchema,
  defaultName: (config) => `hackernews:${config.query}`,
  // What the product uses of raw; nothing that names a person.
  rawKeys: ['kind', 'link', 'storyId', 'storyTitle', 'parentId'],
  description: 'Hacker News stories and comments (Algolia HN search API).',
  create(config, context) {
    return new HackerNewsConnector(config, context);
  },
};

export class HackerNewsConnector extends PollingConnector<HackerNewsConnectorConfig> {
  protected definition(): ConnectorDefinition<HackerNewsConnectorConfig> {
    return hackerNewsConnector;
  }

  protected hosts(): string[] {
    return [new URL(this.config.api_url).host];
  }

  protected async poll(): Promise<PollResult> {
    return pagedPoll<number>({
      cursor: this.loadCursor<PagedCursor<number>>(),
      maxPages: this.config.max_pages,
      commit: (items, cursor) => this.commit(items, cursor),
      fetchPage: async (page, { since, top }) => {
        const url = new URL(`${this.config.api_url.replace(/\/$/, '')}/search_by_date`);
        url.searchParams.set('query', this.config.query);
        url.searchParams.set('tags', this.config.tags === 'both' ? '(story,comment)' : this.config.tags);
        url.searchParams.set('hitsPerPage', String(this.config.hits_per_page));
        url.searchParams.set('page', String(page ?? 0));
        const filters: string[] = [];
        // >= and not >: items sharing the cursor's second are kept, the ones already read dropped by id.
        if (since) filters.push(`created_at_i>=${Math.floor(since.t / 1000)}`);
        if (top) filters.push(`created_at_i<=${Math.floor(top.t / 1000)}`);
        if (filters.length > 0) url.searchParams.set('numericFilters', filters.join(','));
        const { data } = await this.getJson(url);
        return parseHackerNewsPage(data, describeUrl(url));
      },
    });
  }
}
