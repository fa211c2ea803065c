// The youtube connector: videos matching a query (YouTube Data API v3 search.list, newest first),
// then the comment threads of those videos (commentThreads.list, newest first) for
// comment_window_ms after each video. An API key is all it needs. Quota, not rate, is what binds
// (search.list costs 100 units, commentThreads.list 1, 10,000 a day by default): a quotaExceeded
// answer pauses the connector until the quota resets (midnight Pacific time).
import { EcouteError } from '../../core/errors.js';
import { requireSecret, type Secret } from '../../core/config/secret.js';
import type { RawMention } from '../../core/types.js';
import { HttpError, MalformedResponseError } from '../http/index.js';
import { pagedPoll, PollingConnector, type Item, type Page, type PagedCursor, type PageEntry, type PollResult } from '../poller.js';
import { RateLimitedError } from '../scheduler.js';
import { decodeEntities, htmlToText, inputOf, isoDate } from '../text.js';
import type { ConnectorDefinition } from '../types.js';
import { YouTubeConnectorSchema, type YouTubeConnectorConfig } from './config.js';

export { YouTubeConnectorSchema };
export type { YouTubeConnectorConfig };

/** Videos whose comments are read per poll, newest first. */
const MAX_TRACKED_VIDEOS = 50;

export interface YouTubeSearchResult {
  id?: { kind?: string; videoId?: string };
  snippet?: { publishedAt?: string; channelId?: string; title?: string; description?: string; channelTitle?: string; liveBroadcastContent?: string };
}

export interface YouTubeCommentThread {
  id?: string;
  snippet?: {
    videoId?: string;
    totalReplyCount?: number;
    topLevelComment?: {
      id?: string;
      snippet?: {
        authorDisplayName?: string;
        authorChannelId?: { value?: string };
        textDisplay?: string;
        textOriginal?: string;
        likeCount?: number;
        publishedAt?: string;
        updatedAt?: string;
        videoId?: string;
      };
    };
  };
}

/** A video found by search.list to a mention (title and description; snippets are HTML-escaped). */
export function parseYouTubeVideo(result: YouTubeSearchResult): Item {
  const id = result.id?.videoId;
  const s = result.snippet;
  const publishedAt = isoDate(s?.publishedAt);
  if (!id || !publishedAt) return { ok: false, reason: 'search result without videoId or publishedAt', input: inputOf(result) };
  const title = s?.title ? decodeEntities(s.title).trim() : undefined;
  const description = s?.description ? decodeEntities(s.description).trim() : '';
  const text = description || title;
  if (!text) return { ok: false, reason: `video ${id} has neither title nor description`, input: inputOf(result) };
  const mention: RawMention = {
    source: 'youtube',
    sourceId: id,
    url: `https://www.youtube.com/watch?v=${id}`,
    author: { id: s?.channelId ?? 'unknown', name: s?.channelTitle ? decodeEntities(s.channelTitle) : s?.channelId ?? 'unknown' },
    ...(title && description && { title }),
    text,
    publishedAt,
    raw: { kind: 'video', ...(s?.liveBroadcastContent && s.liveBroadcastContent !== 'none' && { live: s.liveBroadcastContent }) },
  };
  return { ok: true, mention };
}

/** A comment thread (its top-level comment) to a mention. */
export function parseYouTubeComment(thread: YouTubeCommentThread): Item {
  const comment = thread.snippet?.topLevelComment;
  const s = comment?.snippet;
  const id = comment?.id ?? thread.id;
  const videoId = thread.snippet?.videoId ?? s?.videoId;
  const publishedAt = isoDate(s?.publishedAt);
  if (!id || !publishedAt || !videoId) return { ok: false, reason: 'comment thread without id, videoId or publishedAt', input: inputOf(thread) };
  const text = (s?.textOriginal ?? htmlToText(s?.textDisplay ?? '')).trim();
  if (!text) return { ok: false, reason: `comment ${id} has no text`, input: inputOf(thread) };
  const author = s?.authorDisplayName ?? 'unknown';
  const mention: RawMention = {
    source: 'youtube',
    sourceId: id,
    url: `https://www.youtube.com/watch?v=${videoId}&lc=${id}`,
    author: { id: s?.authorChannelId?.value ?? author, name: author },
    text,
    publishedAt,
    metrics: {
      ...(typeof s?.likeCount === 'number' && { likes: s.likeCount }),
      ...(typeof thread.snippet?.totalReplyCount === 'number' && { comments: thread.snippet.totalReplyCount }),
    },
    raw: { kind: 'comment', videoId },
  };
  return { ok: true, mention };
}

function listOf(data: unknown, kind: string, where: string): { items: unknown[]; next?: string } {
  const body = data as { kind?: unknown; items?: unknown; nextPageToken?: unknown } | null;
  if (!body || !Array.isArray(body.items) || (body.kind !== undefined && body.kind !== kind)) throw new MalformedResponseError(where, `not a ${kind}`);
  return { items: body.items, ...(typeof body.nextPageToken === 'string' && body.nextPageToken !== '' && { next: body.nextPageToken }) };
}

export function parseYouTubeSearch(data: unknown, where: string): Page<string> {
  const { items, next } = listOf(data, 'youtube#searchListResponse', where);
  const entries: PageEntry[] = (items as YouTubeSearchResult[])
    .filter((r) => r?.id?.kind === undefined || r.id.kind === 'youtube#video')
    .map((r) => ({ id: r?.id?.videoId ?? '', t: Date.parse(r?.snippet?.publishedAt ?? ''), item: parseYouTubeVideo(r ?? {}) }));
  return { entries, ...(next !== undefined && entries.length > 0 && { next }) };
}

export function parseYouTubeComments(data: unknown, where: string): Page<string> {
  const { items, next } = listOf(data, 'youtube#commentThreadListResponse', where);
  const entries: PageEntry[] = (items as YouTubeCommentThread[]).map((t) => {
    const c = t?.snippet?.topLevelComment;
    return { id: c?.id ?? t?.id ?? '', t: Date.parse(c?.snippet?.publishedAt ?? ''), item: parseYouTubeComment(t ?? {}) };
  });
  return { entries, ...(next !== undefined && entries.length > 0 && { next }) };
}

/** The reason code of a Google API error body ({ error: { errors: [{ reason }] } }). */
export function googleReason(error: HttpError): string | undefined {
  try {
    const body = JSON.parse(error.body ?? '') as { error?: { errors?: { reason?: string }[] } };
    return body.error?.errors?.[0]?.reason;
  } catch {
    return undefined;
  }
}

/** When the daily quota resets: the next midnight in America/Los_Angeles. */
export function nextQuotaReset(now = Date.now()): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .formatToParts(new Date(now))
      .map((p) => [p.type, Number(p.value)]),
  ) as { hour: number; minute: number; second: number };
  const elapsed = ((parts.hour * 60 + parts.minute) * 60 + parts.second) * 1000;
  return now - elapsed + 24 * 3600_000 - (now % 1000);
}

interface TrackedVideo {
  published: number;
  comments?: PagedCursor<string>;
}

export interface YouTubeCursor {
  search?: PagedCursor<string>;
  videos: Record<string, TrackedVideo>;
}

export const youTubeConnector: ConnectorDefinition<YouTubeConnectorConfig> = {
  type: 'youtube',
  kind: 'pull',
  config: YouTubeConnectorSchema,
  defaultName: (config) => `youtube:${config.query}`,
  // What the product uses of raw; nothing that names a person.
  rawKeys: ['kind', 'live', 'videoId'],
  description: 'YouTube videos matching a query and their comment threads (Data API v3, API key).',
  create(config, context) {
    return new YouTubeConnector(config, context);
  },
};

export class YouTubeConnector extends PollingConnector<YouTubeConnectorConfig> {
  protected definition(): ConnectorDefinition<YouTubeConnectorConfig> {
    return youTubeConnector;
  }

  private key: Secret | undefined;

  protected hosts(): string[] {
    return [new URL(this.config.api_url).host];
  }

  protected async poll(): Promise<PollResult> {
    this.key ??= requireSecret(this.config, 'api_key');
    this.secrets = [this.key];
    const state: YouTubeCursor = { videos: {}, ...this.loadCursor<YouTubeCursor>() };
    const result = await pagedPoll<string>({
      cursor: state.search,
      maxPages: this.config.max_pages,
      fetchPage: async (pageToken, { since }) => {
        const params = new URLSearchParams({ part: 'snippet', q: this.config.query, type: 'video', order: 'date', maxResults: String(this.config.max_videos) });
        if (since) params.set('publishedAfter', new Date(since.t).toISOString());
        if (pageToken) params.set('pageToken', pageToken);
        if (this.config.region_code) params.set('regionCode', this.config.region_code.toUpperCase());
        if (this.config.lang) params.set('relevanceLanguage', this.config.lang);
        return parseYouTubeSearch(await this.api('search', params), `youtube search.list`);
      },
      commit: async (items, search) => {
        state.search = search;
        for (const item of items) if (item.ok) state.videos[item.mention.sourceId] ??= { published: Date.parse(item.mention.publishedAt) };
        state.videos = this.prune(state.videos);
        await this.commit(items, state);
      },
    });
    if (this.config.comments) await this.readComments(state);
    return result;
  }

  private prune(videos: Record<string, TrackedVideo>): Record<string, TrackedVideo> {
    const oldest = Date.now() - this.config.comment_window_ms;
    return Object.fromEntries(
      Object.entries(videos)
        .filter(([, v]) => v.published >= oldest)
        .sort(([, a], [, b]) => b.published - a.published)
        .slice(0, MAX_TRACKED_VIDEOS),
    );
  }

  private async readComments(state: YouTubeCursor): Promise<void> {
    for (const videoId of Object.keys(state.videos)) {
      if (this.stopping.signal.aborted) return;
      try {
        await pagedPoll<string>({
          cursor: state.videos[videoId]?.comments,
          maxPages: this.config.max_pages,
          fetchPage: async (pageToken) => {
            const params = new URLSearchParams({ part: 'snippet', videoId, order: 'time', maxResults: '100', textFormat: 'plainText' });
            if (pageToken) params.set('pageToken', pageToken);
            return parseYouTubeComments(await this.api('commentThreads', params), `youtube commentThreads.list (video ${videoId})`);
          },
          commit: async (items, comments) => {
            const video = state.videos[videoId];
            if (video) video.comments = comments;
            await this.commit(items, state);
          },
        });
      } catch (error) {
        // A video with comments turned off (or gone) is dropped, not retried every poll.
        if (error instanceof HttpError && (error.status === 403 || error.status === 404) && ['commentsDisabled', 'videoNotFound'].includes(googleReason(error) ?? '')) {
          delete state.videos[videoId];
          this.context.cursors.set(this.name, state);
          continue;
        }
        throw error;
      }
    }
  }

  private async api(resource: 'search' | 'commentThreads', params: URLSearchParams): Promise<unknown> {
    params.set('key', (this.key as Secret).reveal());
    const url = `${this.config.api_url.replace(/\/$/, '')}/${resource}?${params}`;
    try {
      return (await this.getJson(url)).data;
    } catch (error) {
      if (error instanceof HttpError && error.status === 403) {
        const reason = googleReason(error);
        if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded') throw new RateLimitedError(new URL(url).host, nextQuotaReset(), error);
        if (reason === 'keyInvalid' || reason === 'forbidden' || reason === 'accessNotConfigured') {
          throw new EcouteError('SOURCE_AUTH', `youtube refused the API key (${(this.key as Secret).origin}): ${reason}`, { cause: error });
        }
      }
      // An invalid key is a 400 whose details say API_KEY_INVALID.
      if (error instanceof HttpError && error.status === 400 && (googleReason(error) === 'keyInvalid' || (error.body ?? '').includes('API_KEY_INVALID'))) {
        throw new EcouteError('SOURCE_AUTH', `youtube refused the API key (${(this.key as Secret).origin}): API key not valid`, { cause: error });
      }
      throw error;
    }
  }

  /** Used by describeUrl-based errors: the key is in the query string, which errors never show. */
  protected override scrub(message: string): string {
    return super.scrub(message.replace(/([?&]key=)[^&\s]+/g, '$1[secret]'));
  }
}

