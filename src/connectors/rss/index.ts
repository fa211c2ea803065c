// The rss connector: one RSS or Atom feed, polled with conditional GET (If-None-Match,
// If-Modified-Since). A feed is one page: its entries not yet published are published, then the
// cursor (validators, ids seen, first-seen dates) is saved once the bus confirmed them.
import { RssConnectorSchema, type RssConnectorConfig } from './config.js';
import { PollingConnector, type PollResult } from '../poller.js';
import type { ConnectorDefinition } from '../types.js';
import { parseFeed } from './parse.js';

export { RssConnectorSchema, parseFeed };
export type { RssConnectorConfig };

export interface RssCursor {
  etag?: string;
  lastModified?: string;
  /** Ids already published (newest feed first), bounded. */
  seen: string[];
  /** First-seen dates of entries without a date, by id: kept so a re-read gives the same date. */
  firstSeen: Record<string, string>;
}

const MIN_MEMORY = 500;

export const rssConnector: ConnectorDefinition<RssConnectorConfig> = {
  type: 'rss',
  kind: 'pull',
  config: RssConnectorSchema,
  defaultName: (config) => `rss:${config.url}`,
  // What the product uses of raw; nothing that names a person.
  rawKeys: ['feed', 'feedTitle'],
  description: 'An RSS 2.0 or Atom feed (news, blogs, Google Alerts), with conditional GET.',
  create(config, context) {
    return new RssConnector(config, context);
  },
};

export class RssConnector extends PollingConnector<RssConnectorConfig> {
  protected definition(): ConnectorDefinition<RssConnectorConfig> {
    return rssConnector;
  }

  protected hosts(): string[] {
    return [new URL(this.config.url).host];
  }

  protected async poll(): Promise<PollResult> {
    const cursor: RssCursor = { seen: [], firstSeen: {}, ...this.loadCursor<RssCursor>() };
    const headers: Record<string, string> = { accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1' };
    if (cursor.etag) headers['if-none-match'] = cursor.etag;
    if (cursor.lastModified) headers['if-modified-since'] = cursor.lastModified;
    const response = await this.send(this.config.url, { headers, accept: [304] });
    if (response.status === 304) return { caughtUp: true };

    const now = new Date().toISOString();
    const firstSeen = { ...cursor.firstSeen };
    let assigned = false;
    const feed = parseFeed(response.text, this.config.url, (id) => {
      if (!firstSeen[id]) {
        firstSeen[id] = now;
        assigned = true;
      }
      return firstSeen[id];
    }, { baseUrl: response.url });
    const current = new Set(feed.entries.map((e) => e.id));
    // Dates only for entries still in the feed (or still remembered as seen).
    const remembered = (ids: Iterable<string>) => Object.fromEntries([...ids].filter((id) => firstSeen[id]).map((id) => [id, firstSeen[id] as string]));
    const seen = new Set(cursor.seen);
    const fresh = feed.entries.filter((e) => !seen.has(e.id));
    // A first-seen date is written before what carries it is published: a crash in between
    // re-publishes the entry with the same date, not a new one.
    if (assigned && fresh.some((e) => !e.dated)) {
      this.context.cursors.set(this.name, { ...cursor, firstSeen: remembered(new Set([...cursor.seen, ...current])) } satisfies RssCursor);
    }
    // Oldest first, so a reader of the topic sees the feed in order.
    // Entries without a readable date are counted in the status (`undated`).
    const items = fresh.map((e) => (e.dated || !e.item.ok ? e.item : { ...e.item, undated: true })).reverse();
    const memory = Math.max(MIN_MEMORY, 2 * feed.entries.length);
    const nextSeen = [...new Set([...feed.entries.map((e) => e.id), ...cursor.seen])].slice(0, memory);
    const next: RssCursor = {
      ...(response.headers.etag && { etag: response.headers.etag }),
      ...(response.headers['last-modified'] && { lastModified: response.headers['last-modified'] }),
      seen: nextSeen,
      firstSeen: remembered(nextSeen),
    };
    await this.commit(items, next);
    return { caughtUp: true };
  }
}
