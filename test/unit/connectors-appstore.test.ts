import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppStoreConnector, AppStoreConnectorSchema, parseAppStorePage } from '../../src/connectors/appstore/index.js';
import { harness, jsonFixture, pollOnce, startServer, type Harness, type Reply, type TestServer } from '../helpers/connectors.js';

const context = { appId: '284882215', country: 'us' };

describe('appstore: parse', () => {
  it('maps reviews with star ratings normalized to 0..1', () => {
    const page = parseAppStorePage(jsonFixture('appstore', 'page1.json'), 1, context, 'feed');
    expect(page.next).toBe(2);
    expect(page.entries.map((e) => e.item)).toMatchObject([
      {
        ok: true,
        mention: {
          source: 'appstore',
          sourceId: '11000000003',
          title: 'Crashes at checkout',
          text: 'Since the last update the app crashes every time I pay. Support never answers.',
          publishedAt: '2026-11-03T12:40:00.000Z',
          rating: 0,
          author: { id: 'https://itunes.apple.com/us/reviews/id11000100003', name: 'angry_buyer' },
          raw: { appId: '284882215', country: 'us', stars: 1, version: '5.2.0' },
        },
      },
      { ok: true, mention: { sourceId: '11000000002', rating: 1 } },
    ]);
  });

  it('reads a single review (an object) and an empty page (no entry)', () => {
    const two = parseAppStorePage(jsonFixture('appstore', 'page2.json'), 2, context, 'feed');
    expect(two.entries).toHaveLength(1);
    expect(two.entries[0]?.item).toMatchObject({ ok: true, mention: { rating: 0.5 } });
    const empty = parseAppStorePage(jsonFixture('appstore', 'page3-empty.json'), 3, context, 'feed');
    expect(empty).toEqual({ entries: [] });
  });

  it('rejects a rating out of range and a body without a feed', () => {
    const page = parseAppStorePage(jsonFixture('appstore', 'newer.json'), 1, context, 'feed');
    expect(page.entries[1]?.item).toMatchObject({ ok: false, reason: 'review 11000000004: im:rating must be 1 to 5 stars' });
    expect(() => parseAppStorePage({ errors: ['no'] }, 1, context, 'itunes.apple.com/us/rss')).toThrow(/itunes\.apple\.com\/us\/rss: malformed response: no "feed" object/);
  });
});

describe('appstore connector', () => {
  let h: Harness;
  let server: TestServer;
  let pages: Record<string, string>;
  let scripted: Reply[];
  const config = (extra: Record<string, unknown> = {}) => AppStoreConnectorSchema.parse({ type: 'appstore', app_id: '284882215', country: 'US', api_url: server.url, allow_private_networks: true, ...extra });

  beforeEach(async () => {
    h = harness();
    pages = { '1': 'page1.json', '2': 'page2.json' };
    scripted = [];
    server = await startServer((req) => {
      const next = scripted.shift();
      if (next) return next;
      const match = /^\/us\/rss\/customerreviews\/page=(\d+)\/id=284882215\/sortby=mostrecent\/json$/.exec(req.path);
      if (!match) return { status: 404, body: 'not found' };
      const name = pages[match[1] as string] ?? 'page3-empty.json';
      return { body: jsonFixture('appstore', name) };
    });
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  it('reads pages until an empty one, then only new reviews; a restart never duplicates', async () => {
    let status = await pollOnce(new AppStoreConnector(config(), h.context));
    expect(status.name).toBe('appstore:us:284882215');
    expect(status.fetched).toBe(3);
    expect(server.requests.map((r) => r.path.split('/')[4])).toEqual(['page=1', 'page=2', 'page=3']);

    pages = { '1': 'newer.json' };
    status = await pollOnce(new AppStoreConnector(config(), h.context));
    // The page reached a review already read: the round stops there, page 2 is not asked for.
    expect(server.requests.slice(3).map((r) => r.path.split('/')[4])).toEqual(['page=1']);
    expect(status).toMatchObject({ fetched: 1, rejected: 1 });
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['11000000003', '11000000002', '11000000001', '11000000005']);
    expect((await h.deadLetters())[0]?.reason).toMatch(/im:rating must be 1 to 5 stars/);
  });

  it('retries a 500 and honours a 429, and reports a malformed body without losing reviews', async () => {
    scripted.push({ status: 503, body: 'Service Unavailable' }, { status: 429, headers: { 'retry-after': '0' } });
    let status = await pollOnce(new AppStoreConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    expect(status.fetched).toBe(3);

    pages = { '1': 'newer.json' };
    scripted.push({ body: '<html>Apple is down</html>', headers: { 'content-type': 'text/html' } });
    status = await pollOnce(new AppStoreConnector(config(), h.context));
    expect(status.lastError?.message).toMatch(/customerreviews\/page=1\/id=284882215\/sortby=mostrecent\/json: malformed response: not JSON/);
    status = await pollOnce(new AppStoreConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['11000000003', '11000000002', '11000000001', '11000000005']);
  });
});
