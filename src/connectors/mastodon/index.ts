// The mastodon connector: public statuses of hashtag timelines (/api/v1/timelines/tag/:hashtag) and,
// with an access token, full-text search (/api/v2/search, type=statuses), on any instance. Both are
// read newest first with since_id (lower bound, the cursor) and max_id (paging down); ids are the
// instance's own, so ordering and bounds use them, never dates (a federated status arrives long
// after it was written). A status is identified by its ActivityPub uri, the same on every instance.
import { readSecret, type Secret } from '../../core/config/secret.js';
import type { RawMention } from '../../core/types.js';
import { MalformedResponseError, describeUrl } from '../http/errors.js';
import { pagedPoll, PollingConnector, type Item, type Page, type PagedCursor, type PageEntry, type PollResult } from '../poller.js';
import { htmlToText, inputOf, isoDate } from '../text.js';
import type { ConnectorDefinition } from '../types.js';
import { MastodonConnectorSchema, type MastodonConnectorConfig } from './config.js';

export { MastodonConnectorSchema };
export type { MastodonConnectorConfig };

const PAGE_SIZE = 40;

/** The fields of a Status (https://docs.joinmastodon.org/entities/Status/) this connector reads. */
export interface MastodonStatus {
  id?: string;
  uri?: string;
  url?: string | null;
  created_at?: string;
  content?: string;
  spoiler_text?: string;
  language?: string | null;
  replies_count?: number;
  reblogs_count?: number;
  favourites_count?: number;
  in_reply_to_id?: string | null;
  reblog?: MastodonStatus | null;
  account?: { id?: string; username?: string; acct?: string; display_name?: string; url?: string; followers_count?: number };
  tags?: { name: string }[];
}

/** Compares two Mastodon ids (decimal strings, too large for a number). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Maps a status (a boost maps to the boosted status) to a mention. `instanceHost` completes local account names. */
export function parseMastodonStatus(status: MastodonStatus, instanceHost: string): Item {
  const s = status.reblog ?? status;
  const publishedAt = isoDate(s.created_at);
  if (!s.uri || !publishedAt) return { ok: false, reason: 'status without uri or created_at', input: inputOf(status) };
  const text = htmlToText(s.content ?? '');
  const warning = s.spoiler_text?.trim() || undefined;
  if (!text && !warning) return { ok: false, reason: `status ${s.uri} has no text`, input: inputOf(status) };
  const acct = s.account?.acct ?? s.account?.username ?? 'unknown';
  const handle = acct.includes('@') ? acct : `${acct}@${instanceHost}`;
  const mention: RawMention = {
    source: 'mastodon',
    sourceId: s.uri,
    url: s.url ?? s.uri,
    author: { id: handle, name: s.account?.display_name?.trim() || s.account?.username || handle, ...(typeof s.account?.followers_count === 'number' && { followers: s.account.followers_count }) },
    ...(warning && text && { title: warning }),
    text: text || (warning as string),
    publishedAt,
    ...(s.language && { lang: s.language.toLowerCase() }),
    metrics: {
      ...(typeof s.favourites_count === 'number' && { likes: s.favourites_count }),
      ...(typeof s.reblogs_count === 'number' && { shares: s.reblogs_count }),
      ...(typeof s.replies_count === 'number' && { comments: s.replies_count }),
    },
    raw: { instance: instanceHost, ...(s.tags && { tags: s.tags.map((t) => t.name) }), ...(s.in_reply_to_id && { inReplyTo: s.in_reply_to_id }) },
  };
  return { ok: true, mention };
}

/** The max_id of the rel="next" link of a Link header (how Mastodon pages: https://docs.joinmastodon.org/api/guidelines/#pagination). */
export function nextMaxId(link: string | undefined): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) {
      try {
        return new URL(match[1] as string).searchParams.get('max_id') ?? undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * A page of statuses (newest first) to entries, dropping what is at or below `sinceId`. The next
 * page is the Link header's rel="next" (search has none: then below the last id of a full page).
 */
export function parseMastodonPage(data: unknown, instanceHost: string, where: string, sinceId?: string, link?: string): Page<string> {
  const list = Array.isArray(data) ? data : (data as { statuses?: unknown } | null)?.statuses;
  if (!Array.isArray(list)) throw new MalformedResponseError(where, 'not a list of statuses');
  const statuses = (list as MastodonStatus[]).filter((s) => s && typeof s === 'object');
  const withIds = statuses.filter((s) => typeof s.id === 'string').sort((a, b) => compareIds(b.id as string, a.id as string));
  const fresh = sinceId ? withIds.filter((s) => compareIds(s.id as string, sinceId) > 0) : withIds;
  const entries: PageEntry[] = fresh.map((s) => ({
    id: s.id as string,
    t: Date.parse(s.created_at ?? ''),
    pagingId: s.id as string,
    item: parseMastodonStatus(s, instanceHost),
  }));
  // A status without an id cannot be paged past; it is rejected with its page.
  for (const s of statuses.filter((x) => typeof x.id !== 'string')) entries.push({ id: '', t: Number.NaN, item: { ok: false, reason: 'status without id', input: inputOf(s) } });
  const last = withIds[withIds.length - 1]?.id;
  // Below since_id there is nothing left to read on this round.
  const more = fresh.length === withIds.length && withIds.length > 0;
  const next = link !== undefined ? nextMaxId(link) : withIds.length >= PAGE_SIZE ? last : undefined;
  return { entries, ...(more && next !== undefined && { next }) };
}

export interface MastodonCursor {
  tags: Record<string, PagedCursor<string>>;
  search?: PagedCursor<string>;
}

export const mastodonConnector: ConnectorDefinition<MastodonConnectorConfig> = {
  type: 'mastodon',
  kind: 'pull',
  config: MastodonConnectorSchema,
  defaultName: (config) => `mastodon:${new URL(config.instance).host}:${[...config.hashtags.map((t) => `#${t.replace(/^#/, '')}`), ...(config.query ? [config.query] : [])].join(',')}`,
  // What the product uses of raw; nothing that names a person.
  rawKeys: ['instance', 'tags', 'inReplyTo'],
  description: 'Mastodon hashtag timelines and, with a token, status search, on any instance.',
  create(config, context) {
    return new MastodonConnector(config, context);
  },
};

export class MastodonConnector extends PollingConnector<MastodonConnectorConfig> {
  protected definition(): ConnectorDefinition<MastodonConnectorConfig> {
    return mastodonConnector;
  }

  private token: Secret | undefined;
  private credentialsRead = false;

  protected hosts(): string[] {
    return [new URL(this.config.instance).host];
  }

  protected async poll(): Promise<PollResult> {
    if (!this.credentialsRead) {
      this.token = readSecret(this.config, 'access_token');
      this.secrets = [this.token];
      this.credentialsRead = true;
    }
    const state: MastodonCursor = { tags: {}, ...this.loadCursor<MastodonCursor>() };
    const base = this.config.instance.replace(/\/$/, '');
    const host = new URL(base).host;
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token.reveal()}` } : {};
    let caughtUp = true;
    const read = async (cursor: PagedCursor<string> | undefined, url: (params: URLSearchParams) => URL, save: (c: PagedCursor<string>) => void) => {
      const result = await pagedPoll<string>({
        cursor,
        maxPages: this.config.max_pages,
        serverFiltersSince: true,
        fetchPage: async (maxId, { since }) => {
          const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
          if (since?.id) params.set('since_id', since.id);
          if (maxId) params.set('max_id', maxId);
          const target = url(params);
          const { data, response } = await this.getJson(target, { headers });
          return parseMastodonPage(data, host, describeUrl(target), since?.id, response.headers.link);
        },
        commit: async (items, next) => {
          save(next);
          await this.commit(items, state);
        },
      });
      caughtUp &&= result.caughtUp;
    };
    for (const raw of this.config.hashtags) {
      const tag = raw.replace(/^#/, '');
      await read(state.tags[tag], (p) => new URL(`${base}/api/v1/timelines/tag/${encodeURIComponent(tag)}?${p}`), (c) => (state.tags[tag] = c));
    }
    if (this.config.query) {
      const query = this.config.query;
      await read(
        state.search,
        (p) => {
          p.set('q', query);
          p.set('type', 'statuses');
          // /api/v2/search has no since_id; min_id is its lower bound.
          const since = p.get('since_id');
          if (since) {
            p.delete('since_id');
            p.set('min_id', since);
          }
          return new URL(`${base}/api/v2/search?${p}`);
        },
        (c) => (state.search = c),
      );
    }
    return { caughtUp };
  }
}
