import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFeed, RssConnector, RssConnectorSchema } from '../../src/connectors/rss/index.js';
import type { CursorStore } from '../../src/connectors/cursors.js';
import { mentionId } from '../../src/core/ids.js';
import { fixture, harness, pollOnce, startServer, type Harness, type Reply, type TestServer } from '../helpers/connectors.js';

const FIRST_SEEN = '2026-11-04T08:00:00.000Z';

describe('rss: parseFeed', () => {
  it('reads RSS 2.0: guids, dates, language, HTML to text, authors, entries without dates', () => {
    const feed = parseFeed(fixture('rss', 'rss2.xml'), 'https://journal.example.fr/rss', () => FIRST_SEEN);
    expect(feed.title).toBe('Le Journal du Commerce');
    expect(feed.lang).toBe('fr');
    const [first, second, third] = feed.entries;
    expect(first?.item).toMatchObject({
      ok: true,
      mention: {
        source: 'rss',
        // A guid that is not a URI is unique only within its feed.
        sourceId: 'https://journal.example.fr/rss#48213',
        title: 'Acme ouvre un entrepôt à Lyon',
        text: 'Le groupe Acme promet une livraison en 24 h dans toute la région.\nLes syndicats sont prudents.',
        publishedAt: '2026-11-03T13:05:00.000Z',
        url: 'https://journal.example.fr/2026/11/acme-lyon',
        lang: 'fr',
        author: { name: 'Claire Martin' },
      },
    });
    expect(second?.id).toBe('https://journal.example.fr/2026/11/acme-retards');
    expect(second?.item).toMatchObject({ ok: true, mention: { author: { name: 'La rédaction' }, publishedAt: '2026-11-02T09:00:00.000Z' } });
    // No guid, no date: the link is its id and the first-seen time its date.
    expect(third).toMatchObject({ id: 'https://journal.example.fr/breves/acme-recrute', dated: false });
    expect(third?.item).toMatchObject({ ok: true, mention: { publishedAt: FIRST_SEEN, author: { name: 'Le Journal du Commerce' } } });
  });

  it('reads Atom (a Google Alerts feed): tag ids, HTML titles, unwrapped links', () => {
    const feed = parseFeed(fixture('rss', 'atom.xml'), 'https://www.google.com/alerts/feeds/1/2', () => FIRST_SEEN);
    expect(feed.entries).toHaveLength(2);
    expect(feed.entries[0]?.item).toMatchObject({
      ok: true,
      mention: {
        sourceId: 'tag:google.com,2013:googlealerts/feed:10000000000000000001',
        title: 'Acme delivery delays frustrate customers',
        text: 'Customers say Acme parcels arrive a week late …',
        url: 'https://news.example.com/acme-delays',
        publishedAt: '2026-11-03T12:40:00.000Z',
        author: { name: 'Google Alert - acme' },
      },
    });
  });

  it('names what is wrong with a body that is not a feed', () => {
    expect(() => parseFeed('<html><body>Maintenance</body></html>', 'https://x.example/feed', () => FIRST_SEEN)).toThrow(
      /x\.example\/feed: malformed response: not an RSS or Atom feed \(root element: html\)/,
    );
    expect(() => parseFeed('{"not": "xml"}', 'https://x.example/feed', () => FIRST_SEEN)).toThrow(/malformed response/);
  });

  it('sends an entry with neither title nor text to the dead-letter topic, keeping the rest', () => {
    const xml = `<rss version="2.0"><channel><title>T</title><item><guid>urn:a</guid><title>Fine</title></item><item><guid>urn:b</guid></item></channel></rss>`;
    const feed = parseFeed(xml, 'https://x.example/feed', () => FIRST_SEEN);
    expect(feed.entries.map((e) => e.item.ok)).toEqual([true, false]);
    expect(feed.entries[1]?.item).toMatchObject({ ok: false, reason: 'entry has neither title nor text' });
  });
});

describe('rss connector', () => {
  let h: Harness;
  let server: TestServer;
  let replies: ((etag?: string) => Reply)[];
  const config = (extra: Record<string, unknown> = {}) => RssConnectorSchema.parse({ type: 'rss', url: `${server.url}/feed.xml`, allow_private_networks: true, ...extra });

  beforeEach(async () => {
    h = harness();
    replies = [];
    server = await startServer((req) => {
      const next = replies.shift();
      if (!next) return { status: 304 };
      return next(req.headers['if-none-match'] as string | undefined);
    });
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  const feedReply = (xml: string, etag = '"v1"'): ((etag?: string) => Reply) => (sent) => (sent === etag ? { status: 304 } : { headers: { etag, 'last-modified': 'Tue, 03 Nov 2026 13:30:00 GMT', 'content-type': 'application/rss+xml' }, body: xml });

  it('publishes a feed once, then uses conditional GET, then publishes only new entries; restarts resume without duplicates', async () => {
    const xml = fixture('rss', 'rss2.xml');
    replies.push(feedReply(xml));
    let status = await pollOnce(new RssConnector(config(), h.context));
    expect(status.fetched).toBe(3);
    expect(status.lastError).toBeUndefined();
    const first = await h.mentions();
    expect(first.map((m) => m.title ?? m.text)).toEqual(['Brève : Acme recrute', "Livraisons : les clients d'Acme s'impatientent", 'Acme ouvre un entrepôt à Lyon']);
    const undatedAt = first[0]?.publishedAt;

    // A fresh instance (a restart) sends the validators and gets a 304.
    replies.push(feedReply(xml));
    status = await pollOnce(new RssConnector(config(), h.context));
    expect(server.requests[1]?.headers['if-none-match']).toBe('"v1"');
    expect(server.requests[1]?.headers['if-modified-since']).toBe('Tue, 03 Nov 2026 13:30:00 GMT');
    expect(status.lastSuccessAt).toBeDefined();
    expect(await h.mentions()).toHaveLength(3);

    // The feed changed: one new entry on top; the undated one keeps its first-seen date.
    const updated = xml.replace('<item>', '<item><title>Acme: nouveau PDG</title><guid>urn:uuid:5f1c</guid><pubDate>Wed, 04 Nov 2026 10:00:00 GMT</pubDate><description>Nomination.</description></item><item>');
    replies.push(feedReply(updated, '"v2"'));
    status = await pollOnce(new RssConnector(config(), h.context));
    const all = await h.mentions();
    expect(all).toHaveLength(4);
    expect(all[3]).toMatchObject({ sourceId: 'urn:uuid:5f1c', publishedAt: '2026-11-04T10:00:00.000Z' });
    expect(h.cursors.get<{ firstSeen: Record<string, string> }>(status.name)?.firstSeen).toEqual({ 'https://journal.example.fr/breves/acme-recrute': undatedAt });
  });

  it('a crash after the bus confirmed but before the cursor moved re-reads the page: same ids, same dates', async () => {
    const xml = fixture('rss', 'rss2.xml');
    // The cursor write after publishing is lost, as if the process died right then.
    const crashing: CursorStore = {
      get: (k) => h.cursors.get(k),
      set: (k, v) => {
        if ((v as { seen: string[] }).seen.length === 0) h.cursors.set(k, v);
      },
      close: () => undefined,
    };
    replies.push(feedReply(xml));
    await pollOnce(new RssConnector(config(), { ...h.context, cursors: crashing }));
    replies.push(feedReply(xml));
    await pollOnce(new RssConnector(config(), h.context));
    const all = await h.mentions();
    expect(all).toHaveLength(6);
    const ids = all.map((m) => mentionId(m.source, m.sourceId));
    expect(new Set(ids).size).toBe(3);
    // The undated entry got the same first-seen date both times: the store's upsert is a no-op.
    expect(all[0]?.publishedAt).toBe(all[3]?.publishedAt);
    // A third read publishes nothing.
    replies.push(feedReply(xml, '"v3"'));
    await pollOnce(new RssConnector(config(), h.context));
    expect(await h.mentions()).toHaveLength(6);
  });

  it('a malformed body is a clear error; the connector keeps running and loses nothing', async () => {
    const xml = fixture('rss', 'rss2.xml');
    replies.push(() => ({ headers: { 'content-type': 'text/html' }, body: '<html><body>502 Bad Gateway</body></html>' }));
    replies.push(feedReply(xml));
    const connector = new RssConnector(config({ interval_ms: 10 }), h.context);
    await connector.caughtUp;
    expect(connector.status().lastError?.message).toMatch(/feed\.xml: malformed response: not an RSS or Atom feed \(root element: html\)/);
    expect(await h.mentions()).toHaveLength(0);
    // The next poll gets the feed.
    await waitForCount(h, 3);
    await connector.stop();
    expect(connector.status().fetched).toBe(3);
    const saved = h.statusStore.read(connector.name);
    expect(saved?.status.lastError?.message).toMatch(/malformed response/);
    expect(saved?.fetchedLastHour).toBe(3);
  });

  it('retries a 500, honours a 429 with Retry-After, then publishes', async () => {
    replies.push(() => ({ status: 500, body: 'oops' }));
    replies.push(() => ({ status: 429, headers: { 'retry-after': '0' }, body: 'slow down' }));
    replies.push(feedReply(fixture('rss', 'atom.xml')));
    const status = await pollOnce(new RssConnector(config(), h.context));
    expect(server.requests).toHaveLength(3);
    expect(status.lastError).toBeUndefined();
    expect(status.fetched).toBe(2);
  });

  it('an empty feed publishes nothing and is not an error', async () => {
    replies.push(feedReply('<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>'));
    const status = await pollOnce(new RssConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    expect(status.caughtUpAt).toBeDefined();
    expect(await h.mentions()).toHaveLength(0);
  });

  it('refuses a feed on a private address unless allowed', async () => {
    replies.push(feedReply(fixture('rss', 'rss2.xml')));
    const status = await pollOnce(new RssConnector(config({ allow_private_networks: false }), h.context));
    expect(status.lastError?.message).toMatch(/refused to connect to 127\.0\.0\.1: loopback address; set allow_private_networks: true/);
    expect(server.requests).toHaveLength(0);
  });
});

async function waitForCount(h: Harness, n: number): Promise<void> {
  const until = Date.now() + 5000;
  while ((await h.mentions()).length < n) {
    if (Date.now() > until) throw new Error(`expected ${n} mentions`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
