import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HackerNewsConnector, HackerNewsConnectorSchema, parseHackerNewsPage, type HnHit } from '../../src/connectors/hackernews/index.js';
import type { PagedCursor } from '../../src/connectors/poller.js';
import { harness, jsonFixture, pollOnce, startServer, type Harness, type Reply, type SeenRequest, type TestServer } from '../helpers/connectors.js';

const hitsOf = (name: string) => jsonFixture<{ hits: HnHit[] }>('hackernews', name).hits;

describe('hackernews: parse', () => {
  it('maps stories and comments, HTML to text, with points and comment counts', () => {
    const page = parseHackerNewsPage(jsonFixture('hackernews', 'page0.json'), 'hn');
    expect(page.next).toBe(1);
    expect(page.entries.map((e) => e.id)).toEqual(['41000004', '41000003']);
    expect(page.entries[0]?.item).toMatchObject({
      ok: true,
      mention: {
        source: 'hackernews',
        sourceId: '41000004',
        url: 'https://news.ycombinator.com/item?id=41000004',
        text: 'Their support told me to "wait". Switched to Globex.',
        publishedAt: '2026-11-03T12:10:00.000Z',
        author: { id: 'throwaway41000004', name: 'throwaway41000004' },
        raw: { kind: 'comment', storyId: 41000001, storyTitle: 'Acme raises prices again' },
      },
    });
    expect(page.entries[1]?.item).toMatchObject({ ok: true, mention: { title: 'Ask HN: Is Acme down for anyone else?', text: 'Checkout fails with a 502 since this morning.', metrics: { likes: 8, comments: 3 } } });
    const link = parseHackerNewsPage(jsonFixture('hackernews', 'page1.json'), 'hn');
    expect(link.next).toBeUndefined();
    expect(link.entries[0]?.item).toMatchObject({ ok: true, mention: { text: 'Acme raises prices again', raw: { kind: 'story', link: 'https://acme.example.com/blog/41000001' } } });
    expect((link.entries[0]?.item as { mention: { title?: string } }).mention.title).toBeUndefined();
  });

  it('rejects a hit without a date and a body without hits', () => {
    const page = parseHackerNewsPage(jsonFixture('hackernews', 'newer.json'), 'hn');
    expect(page.entries[1]?.item).toMatchObject({ ok: false, reason: 'hit without objectID or created_at_i' });
    expect(() => parseHackerNewsPage({ message: 'oops' }, 'hn.algolia.com/api/v1/search_by_date')).toThrow(/search_by_date: malformed response: no "hits" array/);
  });
});

/** A small Algolia: filters by numericFilters on created_at_i, newest first, pages of hitsPerPage. */
function algolia(data: () => HnHit[], request: SeenRequest): Reply {
  const filters = (request.query.get('numericFilters') ?? '').split(',').filter(Boolean);
  const hits = data()
    .filter((h) =>
      filters.every((f) => {
        const [, op, value] = /^created_at_i(>=|<=|>|<)(\d+)$/.exec(f) ?? [];
        // A broken record (no created_at_i) matches everything, so it shows up in the result.
        if (h.created_at_i === undefined) return true;
        const t = h.created_at_i;
        const v = Number(value);
        return op === '>=' ? t >= v : op === '<=' ? t <= v : op === '>' ? t > v : op === '<' ? t < v : true;
      }),
    )
    .sort((a, b) => (b.created_at_i ?? Number.MAX_SAFE_INTEGER) - (a.created_at_i ?? Number.MAX_SAFE_INTEGER));
  const per = Number(request.query.get('hitsPerPage') ?? 20);
  const page = Number(request.query.get('page') ?? 0);
  return { body: { hits: hits.slice(page * per, page * per + per), page, nbPages: Math.ceil(hits.length / per), hitsPerPage: per, nbHits: hits.length } };
}

describe('hackernews connector', () => {
  let h: Harness;
  let server: TestServer;
  let data: HnHit[];
  let scripted: Reply[];
  const config = (extra: Record<string, unknown> = {}) =>
    HackerNewsConnectorSchema.parse({ type: 'hackernews', query: 'acme', hits_per_page: 2, api_url: `${server.url}/api/v1`, allow_private_networks: true, ...extra });

  beforeEach(async () => {
    h = harness();
    data = [...hitsOf('page0.json'), ...hitsOf('page1.json')];
    scripted = [];
    server = await startServer((req) => scripted.shift() ?? algolia(() => data, req));
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  it('pages through a search, then reads only what is new; restarts never duplicate', async () => {
    let status = await pollOnce(new HackerNewsConnector(config(), h.context));
    expect(status.fetched).toBe(3);
    expect(server.requests.map((r) => [r.path, r.query.get('page'), r.query.get('tags'), r.query.get('numericFilters')])).toEqual([
      ['/api/v1/search_by_date', '0', '(story,comment)', null],
      ['/api/v1/search_by_date', '1', '(story,comment)', `created_at_i<=${Date.parse('2026-11-03T12:10:00Z') / 1000}`],
    ]);
    expect(h.cursors.get<PagedCursor<number>>(status.name)).toEqual({ since: { t: Date.parse('2026-11-03T12:10:00Z'), ids: ['41000004'] } });

    // Nothing new: the item at the cursor's second comes back and is dropped by id.
    status = await pollOnce(new HackerNewsConnector(config(), h.context));
    expect(server.requests[2]?.query.get('numericFilters')).toBe(`created_at_i>=${Date.parse('2026-11-03T12:10:00Z') / 1000}`);
    expect(status.fetched).toBe(0);
    expect(status.lastError).toBeUndefined();

    // New items, one of them malformed: the good one is published, the bad one dead-lettered.
    data.push(...hitsOf('newer.json'));
    status = await pollOnce(new HackerNewsConnector(config(), h.context));
    expect(status).toMatchObject({ fetched: 1, rejected: 1 });
    const mentions = await h.mentions();
    expect(mentions.map((m) => m.sourceId)).toEqual(['41000004', '41000003', '41000001', '41000006']);
    const dead = await h.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.reason).toMatch(/^hackernews:acme: hit without objectID or created_at_i/);
  });

  it('an empty result is a quiet success', async () => {
    data = [];
    const status = await pollOnce(new HackerNewsConnector(config(), h.context));
    expect(status).toMatchObject({ fetched: 0 });
    expect(status.lastError).toBeUndefined();
    expect(status.caughtUpAt).toBeDefined();
    expect(h.cursors.get(status.name)).toBeUndefined();
  });

  it('resumes a round cut by max_pages (or a crash) at the next page, without duplicates', async () => {
    const older = Date.parse('2026-11-01T00:00:00Z');
    h.cursors.set('hackernews:acme', { since: { t: older, ids: [] } });
    let status = await pollOnce(new HackerNewsConnector(config({ max_pages: 1 }), h.context));
    expect(status.fetched).toBe(2);
    expect(h.cursors.get<PagedCursor<number>>('hackernews:acme')).toEqual({ since: { t: older, ids: [] }, pending: { top: { t: Date.parse('2026-11-03T12:10:00Z'), ids: ['41000004'] }, next: 1 } });
    status = await pollOnce(new HackerNewsConnector(config({ max_pages: 1 }), h.context));
    expect(status.fetched).toBe(1);
    expect(server.requests[1]?.query.get('page')).toBe('1');
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['41000004', '41000003', '41000001']);
    expect(h.cursors.get<PagedCursor<number>>('hackernews:acme')?.pending).toBeUndefined();
  });

  it('retries a 500 and a 429 with Retry-After, then succeeds', async () => {
    scripted.push({ status: 500, body: 'Internal Server Error' }, { status: 429, headers: { 'retry-after': '0' }, body: '{"message":"rate limited"}' });
    const status = await pollOnce(new HackerNewsConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    expect(status.fetched).toBe(3);
  });

  it('a malformed body is a clear error and loses nothing: the next poll reads everything', async () => {
    scripted.push({ headers: { 'content-type': 'application/json' }, body: '{"hits": [' });
    const connector = new HackerNewsConnector(config({ interval_ms: 10 }), h.context);
    await connector.caughtUp;
    expect(connector.status().lastError?.message).toMatch(/search_by_date: malformed response: not JSON/);
    const until = Date.now() + 5000;
    while (connector.status().fetched < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    await connector.stop();
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['41000004', '41000003', '41000001']);
  });

  it('a 4xx is not retried and is shown as the last error', async () => {
    scripted.push({ status: 400, body: '{"message":"invalid numericFilters"}' });
    const status = await pollOnce(new HackerNewsConnector(config(), h.context));
    expect(server.requests).toHaveLength(1);
    expect(status.lastError?.message).toMatch(/HTTP 400 Bad Request — \{"message":"invalid numericFilters"\}/);
  });
});
