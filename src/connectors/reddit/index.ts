// The reddit connector: posts matching a search (/search.json, newest first) and the comments of
// those posts. With a client id and secret it uses OAuth client credentials
// (https://github.com/reddit-archive/reddit/wiki/OAuth2, "application only"): a token from
// /api/v1/access_token, requests to oauth.reddit.com, a new token before expiry or on a 401.
// Always a descriptive User-Agent, as Reddit's API rules ask; X-Ratelimit-Remaining/Reset pause the
// host when the budget is spent.
import { EcouteError } from '../../core/errors.js';
import { readSecret, type Secret } from '../../core/config/secret.js';
import type { RawMention } from '../../core/types.js';
import { HttpError, MalformedResponseError, describeUrl, parseJson } from '../http/index.js';
import { pagedPoll, PollingConnector, type Item, type Mark, type Page, type PagedCursor, type PageEntry, type PollResult } from '../poller.js';
import { inputOf } from '../text.js';
import type { ConnectorDefinition } from '../types.js';
import { RedditConnectorSchema, type RedditConnectorConfig } from './config.js';

export { RedditConnectorSchema };
export type { RedditConnectorConfig };

/** A "thing" of a Listing: t3 is a post (link), t1 a comment, "more" a stub of unloaded comments. */
export interface RedditThing {
  kind?: string;
  data?: {
    id?: string;
    name?: string;
    title?: string;
    selftext?: string;
    body?: string;
    author?: string;
    author_fullname?: string;
    created_utc?: number;
    permalink?: string;
    url?: string;
    subreddit?: string;
    score?: number;
    num_comments?: number;
    is_self?: boolean;
    link_id?: string;
    parent_id?: string;
    replies?: RedditListing | '';
    [key: string]: unknown;
  };
}

export interface RedditListing {
  kind?: 'Listing';
  data?: { after?: string | null; before?: string | null; children?: RedditThing[] };
}

const GONE = new Set(['[deleted]', '[removed]']);

/** Maps a post (t3) or a comment (t1) to a mention; undefined for a removed comment (nothing left to hear). */
export function parseRedditThing(thing: RedditThing): Item | undefined {
  const d = thing.data;
  const kind = thing.kind;
  if (!d || (kind !== 't3' && kind !== 't1')) return { ok: false, reason: `not a post or comment (kind ${String(kind)})`, input: inputOf(thing) };
  const name = d.name ?? (d.id ? `${kind}_${d.id}` : undefined);
  if (!name || typeof d.created_utc !== 'number') return { ok: false, reason: 'item without name or created_utc', input: inputOf(thing) };
  const title = kind === 't3' ? d.title?.trim() || undefined : undefined;
  const body = (kind === 't3' ? d.selftext : d.body)?.trim() ?? '';
  if (kind === 't1' && GONE.has(body)) return undefined;
  const text = (GONE.has(body) ? '' : body) || title;
  if (!text) return { ok: false, reason: `${name} has no text`, input: inputOf(thing) };
  const author = d.author ?? '[deleted]';
  const mention: RawMention = {
    source: 'reddit',
    sourceId: name,
    ...(d.permalink && { url: `https://www.reddit.com${d.permalink}` }),
    author: { id: d.author_fullname ?? author, name: author },
    ...(title && text !== title && { title }),
    text,
    publishedAt: new Date(d.created_utc * 1000).toISOString(),
    metrics: {
      ...(typeof d.score === 'number' && { likes: d.score }),
      ...(typeof d.num_comments === 'number' && { comments: d.num_comments }),
    },
    raw: {
      kind: kind === 't3' ? 'post' : 'comment',
      ...(d.subreddit && { subreddit: d.subreddit }),
      ...(kind === 't3' && d.is_self === false && d.url && { link: d.url }),
      ...(kind === 't1' && { postId: d.link_id, parentId: d.parent_id }),
    },
  };
  return { ok: true, mention };
}

function entryOf(thing: RedditThing): PageEntry | undefined {
  const item = parseRedditThing(thing);
  if (!item) return undefined;
  const d = thing.data;
  return { id: String(d?.name ?? ''), t: typeof d?.created_utc === 'number' ? d.created_utc * 1000 : Number.NaN, item };
}

/** A search Listing to entries (newest first) and the `after` token of the next page. */
export function parseRedditSearch(data: unknown, where: string): Page<string> {
  const listing = data as RedditListing | null;
  const children = listing?.data?.children;
  if (!listing || listing.kind !== 'Listing' || !Array.isArray(children)) throw new MalformedResponseError(where, 'not a Listing');
  const entries = children.map(entryOf).filter((e): e is PageEntry => e !== undefined);
  const after = listing.data?.after;
  return { entries, ...(typeof after === 'string' && after !== '' && { next: after }) };
}

/** The comments of a post (/comments/<id>: [post listing, comment listing]), the whole loaded tree, flattened. */
export function parseRedditComments(data: unknown, where: string): PageEntry[] {
  if (!Array.isArray(data) || data.length < 2) throw new MalformedResponseError(where, 'not a [post, comments] pair of Listings');
  const out: PageEntry[] = [];
  const walk = (listing: RedditListing | '' | undefined) => {
    if (!listing || !Array.isArray(listing.data?.children)) return;
    for (const child of listing.data.children) {
      // "more" stubs stand for comments not loaded in this response; they are read on a later poll once newer ones settle.
      if (child.kind !== 't1') continue;
      const entry = entryOf(child);
      if (entry) out.push(entry);
      walk(child.data?.replies);
    }
  };
  walk(data[1] as RedditListing);
  return out.sort((a, b) => b.t - a.t);
}

interface TrackedPost {
  /** When the post was created (epoch ms): its comments are read for comment_window_ms after. */
  created: number;
  /** Comments read up to here. */
  since?: Mark;
}

export interface RedditCursor {
  search?: PagedCursor<string>;
  posts: Record<string, TrackedPost>;
}

export const redditConnector: ConnectorDefinition<RedditConnectorConfig> = {
  type: 'reddit',
  kind: 'pull',
  config: RedditConnectorSchema,
  defaultName: (config) => `reddit:${config.subreddit ? `r/${config.subreddit}:` : ''}${config.query}`,
  // What the product uses of raw; nothing that names a person.
  rawKeys: ['kind', 'subreddit', 'link', 'postId', 'parentId'],
  description: 'Reddit posts matching a search and their comments (OAuth client credentials when configured).',
  create(config, context) {
    return new RedditConnector(config, context);
  },
};

export class RedditConnector extends PollingConnector<RedditConnectorConfig> {
  protected definition(): ConnectorDefinition<RedditConnectorConfig> {
    return redditConnector;
  }

  private clientId: Secret | undefined;
  private clientSecret: Secret | undefined;
  private token: { value: string; expiresAt: number } | undefined;
  private credentialsRead = false;

  protected override httpOptions(): { userAgent?: string } {
    return this.config.user_agent ? { userAgent: this.config.user_agent } : {};
  }

  protected hosts(): string[] {
    return [...new Set([this.config.api_url, this.config.oauth_api_url, this.config.token_url].map((u) => new URL(u).host))];
  }

  private get oauth(): boolean {
    return this.clientId !== undefined;
  }

  protected async poll(): Promise<PollResult> {
    if (!this.credentialsRead) {
      // Read at the first poll, so a missing variable is a status error, not a crash at start.
      this.clientId = readSecret(this.config, 'client_id');
      this.clientSecret = this.clientId ? readSecret(this.config, 'client_secret') : undefined;
      this.secrets = [this.clientId, this.clientSecret];
      this.credentialsRead = true;
    }
    const state: RedditCursor = { posts: {}, ...this.loadCursor<RedditCursor>() };
    const result = await pagedPoll<string>({
      cursor: state.search,
      maxPages: this.config.max_pages,
      fetchPage: async (after) => {
        const params = new URLSearchParams({ q: this.config.query, sort: 'new', limit: '100', raw_json: '1', type: 'link' });
        if (this.config.subreddit) params.set('restrict_sr', '1');
        if (after) params.set('after', after);
        const path = `${this.config.subreddit ? `/r/${this.config.subreddit}` : ''}/search`;
        return parseRedditSearch(await this.api(path, params), `reddit ${path}`);
      },
      commit: async (items, search) => {
        state.search = search;
        for (const item of items) {
          if (item.ok) state.posts[item.mention.sourceId.replace(/^t3_/, '')] ??= { created: Date.parse(item.mention.publishedAt) };
        }
        await this.commit(items, { ...state, posts: this.prune(state.posts) });
      },
    });
    if (this.config.comments) await this.readComments(state);
    return result;
  }

  /** Keeps the posts still inside the comment window. */
  private prune(posts: Record<string, TrackedPost>): Record<string, TrackedPost> {
    const oldest = Date.now() - this.config.comment_window_ms;
    return Object.fromEntries(Object.entries(posts).filter(([, p]) => p.created >= oldest));
  }

  private async readComments(state: RedditCursor): Promise<void> {
    const posts = Object.entries(this.prune(state.posts))
      .sort(([, a], [, b]) => b.created - a.created)
      .slice(0, this.config.max_comment_posts);
    for (const [id, post] of posts) {
      if (this.stopping.signal.aborted) return;
      const params = new URLSearchParams({ sort: 'new', limit: '100', raw_json: '1' });
      const entries = parseRedditComments(await this.api(`/comments/${id}`, params), `reddit /comments/${id}`);
      const since = post.since;
      const fresh = since ? entries.filter((e) => e.t > since.t || (e.t === since.t && !since.ids.includes(e.id))) : entries;
      const newest = entries[0];
      const nextSince: Mark | undefined = newest
        ? since && since.t >= newest.t
          ? { t: since.t, ids: [...new Set([...since.ids, ...entries.filter((e) => e.t === since.t).map((e) => e.id)])] }
          : { t: newest.t, ids: entries.filter((e) => e.t === newest.t).map((e) => e.id) }
        : since;
      state.posts = this.prune({ ...state.posts, [id]: { ...post, ...(nextSince && { since: nextSince }) } });
      await this.commit(
        fresh.map((e) => e.item),
        state,
      );
    }
  }

  /** A GET to the API, with a token when OAuth is configured (a 401 gets one new token and one more try). */
  private async api(path: string, params: URLSearchParams): Promise<unknown> {
    const url = this.oauth ? `${this.config.oauth_api_url.replace(/\/$/, '')}${path}?${params}` : `${this.config.api_url.replace(/\/$/, '')}${path}.json?${params}`;
    const send = async () => {
      const response = await this.send(url, { headers: { accept: 'application/json', ...(await this.authorization()) } });
      this.honourRateLimit(response);
      return parseJson(response);
    };
    try {
      return await send();
    } catch (error) {
      if (!(this.oauth && error instanceof HttpError && error.status === 401)) throw error;
      this.token = undefined;
      return send();
    }
  }

  private async authorization(): Promise<Record<string, string>> {
    if (!this.clientId || !this.clientSecret) return {};
    // A minute of margin: a token must not expire between being checked and being used.
    if (!this.token || this.token.expiresAt - 60_000 <= Date.now()) this.token = await this.fetchToken(this.clientId, this.clientSecret);
    return { authorization: `bearer ${this.token.value}` };
  }

  private async fetchToken(id: Secret, secret: Secret): Promise<{ value: string; expiresAt: number }> {
    const basic = Buffer.from(`${id.reveal()}:${secret.reveal()}`).toString('base64');
    let response;
    try {
      response = await this.send(this.config.token_url, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: 'grant_type=client_credentials',
      });
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
        throw new EcouteError('SOURCE_AUTH', `reddit refused the client id and secret (${id.origin}, ${secret.origin}): HTTP ${error.status}`, { cause: error });
      }
      throw error;
    }
    const data = parseJson<{ access_token?: string; expires_in?: number; error?: string }>(response);
    if (typeof data.access_token !== 'string' || data.access_token === '') {
      throw new EcouteError('SOURCE_AUTH', `${describeUrl(this.config.token_url)} gave no access_token${data.error ? ` (${data.error})` : ''}`);
    }
    return { value: data.access_token, expiresAt: Date.now() + (typeof data.expires_in === 'number' ? data.expires_in : 3600) * 1000 };
  }
}
