// The appstore connector: customer reviews of one app in one App Store country, from Apple's public
// reviews feed in JSON (https://itunes.apple.com/{country}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json):
// up to 10 pages of 50 reviews, most recent first, each with its star rating (normalized to 0..1).
import type { RawMention } from '../../core/types.js';
import { MalformedResponseError, describeUrl } from '../http/errors.js';
import { pagedPoll, PollingConnector, type Item, type Page, type PagedCursor, type PageEntry, type PollResult } from '../poller.js';
import { inputOf, isoDate } from '../text.js';
import type { ConnectorDefinition } from '../types.js';
import { AppStoreConnectorSchema, type AppStoreConnectorConfig } from './config.js';

export { AppStoreConnectorSchema };
export type { AppStoreConnectorConfig };

/** The feed has no more than 10 pages. */
const LAST_PAGE = 10;

type Label = { label?: string; attributes?: Record<string, string> };

/** One entry of the feed, in Apple's label-wrapped JSON. */
export interface AppStoreEntry {
  id?: Label;
  updated?: Label;
  title?: Label;
  content?: Label;
  author?: { name?: Label; uri?: Label };
  'im:rating'?: Label;
  'im:version'?: Label;
  'im:voteCount'?: Label;
  'im:voteSum'?: Label;
  link?: { attributes?: { href?: string; rel?: string } } | { attributes?: { href?: string; rel?: string } }[];
  [key: string]: unknown;
}

const label = (value: unknown): string | undefined => {
  const l = (value as Label | undefined)?.label;
  return typeof l === 'string' && l.trim() !== '' ? l.trim() : undefined;
};

/** Maps one review entry to a mention; `context` names the app and storefront. */
export function parseAppStoreReview(entry: AppStoreEntry, context: { appId: string; country: string }): Item {
  const id = label(entry.id);
  const stars = Number(label(entry['im:rating']));
  const publishedAt = isoDate(label(entry.updated));
  const text = label(entry.content) ?? label(entry.title);
  if (!id || !publishedAt) return { ok: false, reason: 'review without id or updated date', input: inputOf(entry) };
  if (!Number.isInteger(stars) || stars < 1 || stars > 5) return { ok: false, reason: `review ${id}: im:rating must be 1 to 5 stars`, input: inputOf(entry) };
  if (!text) return { ok: false, reason: `review ${id} has no text`, input: inputOf(entry) };
  const name = label(entry.author?.name) ?? 'anonymous';
  const links = Array.isArray(entry.link) ? entry.link : entry.link ? [entry.link] : [];
  const title = label(entry.title);
  const votes = Number(label(entry['im:voteCount']));
  const mention: RawMention = {
    source: 'appstore',
    sourceId: id,
    url: links.find((l) => l.attributes?.href)?.attributes?.href ?? `https://apps.apple.com/${context.country}/app/id${context.appId}?see-all=reviews`,
    author: { id: label(entry.author?.uri) ?? name, name },
    ...(title && label(entry.content) && { title }),
    text,
    publishedAt,
    rating: (stars - 1) / 4,
    ...(Number.isFinite(votes) && { metrics: { likes: Number(label(entry['im:voteSum']) ?? 0) } }),
    raw: { appId: context.appId, country: context.country, stars, ...(label(entry['im:version']) && { version: label(entry['im:version']) }) },
  };
  return { ok: true, mention };
}

/** One page of the feed to entries (most recent first) and the next page number. */
export function parseAppStorePage(data: unknown, page: number, context: { appId: string; country: string }, where: string): Page<number> {
  const feed = (data as { feed?: { entry?: unknown; link?: unknown } } | null)?.feed;
  if (!feed || typeof feed !== 'object') throw new MalformedResponseError(where, 'no "feed" object');
  // One review comes as an object, none as no "entry" at all.
  const raw = feed.entry === undefined ? [] : Array.isArray(feed.entry) ? feed.entry : [feed.entry];
  // An old form of the feed puts the app itself first on page 1: it has no rating, it is not a review.
  const reviews = (raw as AppStoreEntry[]).filter((e) => e && typeof e === 'object' && !('im:name' in e && !('im:rating' in e)));
  const entries: PageEntry[] = reviews.map((e) => ({
    id: label(e.id) ?? '',
    t: Date.parse(label(e.updated) ?? ''),
    item: parseAppStoreReview(e, context),
  }));
  const lastLink = (Array.isArray(feed.link) ? feed.link : []).find((l: { attributes?: { rel?: string } }) => l?.attributes?.rel === 'last') as { attributes?: { href?: string } } | undefined;
  const last = Math.min(LAST_PAGE, Number(/page=(\d+)/.exec(lastLink?.attributes?.href ?? '')?.[1] ?? LAST_PAGE));
  return { entries, ...(entries.length > 0 && page < last && { next: page + 1 }) };
}

export const appStoreConnector: ConnectorDefinition<AppStoreConnectorConfig> = {
  type: 'appstore',
  kind: 'pull',
  config: AppStoreConnectorSchema,
  defaultName: (config) => `appstore:${config.country}:${config.app_id}`,
  // What the product uses of raw; nothing that names a person.
  rawKeys: ['appId', 'country', 'stars', 'version'],
  description: 'App Store customer reviews with star ratings (public JSON reviews feed).',
  create(config, context) {
    return new AppStoreConnector(config, context);
  },
};

export class AppStoreConnector extends PollingConnector<AppStoreConnectorConfig> {
  protected definition(): ConnectorDefinition<AppStoreConnectorConfig> {
    return appStoreConnector;
  }

  protected hosts(): string[] {
    return [new URL(this.config.api_url).host];
  }

  protected async poll(): Promise<PollResult> {
    const context = { appId: this.config.app_id, country: this.config.country };
    return pagedPoll<number>({
      cursor: this.loadCursor<PagedCursor<number>>(),
      maxPages: Math.min(this.config.max_pages, LAST_PAGE),
      commit: (items, cursor) => this.commit(items, cursor),
      fetchPage: async (next) => {
        const page = next ?? 1;
        const url = `${this.config.api_url.replace(/\/$/, '')}/${this.config.country}/rss/customerreviews/page=${page}/id=${this.config.app_id}/sortby=mostrecent/json`;
        const { data } = await this.getJson(url);
        return parseAppStorePage(data, page, context, describeUrl(url));
      },
    });
  }
}
