import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { USER_AGENT } from '../../src/connectors/http/index.js';
import { parseRedditComments, parseRedditSearch, RedditConnector, RedditConnectorSchema } from '../../src/connectors/reddit/index.js';
import { harness, jsonFixture, pollOnce, startServer, type Harness, type Reply, type SeenRequest, type TestServer } from '../helpers/connectors.js';

const listing = (name: string) => jsonFixture<Record<string, unknown>>('reddit', name);

describe('reddit: parse', () => {
  it('maps posts: self text with its title, link posts by their title', () => {
    const page = parseRedditSearch(listing('search-page1.json'), 'search');
    expect(page.next).toBe('t3_1abc02');
    expect(page.entries.map((e) => e.item)).toMatchObject([
      {
        ok: true,
        mention: {
          source: 'reddit',
          sourceId: 't3_1abc03',
          url: 'https://www.reddit.com/r/BuyItForLife/comments/1abc03/acme_kettle_died_after_months/',
          title: 'Acme kettle died after 3 months',
          text: 'Bought an Acme kettle in August, the switch broke. Anyone else?',
          publishedAt: '2026-11-03T12:30:00.000Z',
          author: { id: 't2_1abc03a', name: 'user_1abc03' },
          metrics: { likes: 57, comments: 2 },
          raw: { kind: 'post', subreddit: 'BuyItForLife' },
        },
      },
      { ok: true, mention: { sourceId: 't3_1abc02', text: 'Acme recalls its blenders', raw: { link: 'https://news.example.com/acme-recall' } } },
    ]);
    expect(parseRedditSearch(listing('search-page2.json'), 'search').next).toBeUndefined();
  });

  it('flattens a comment tree, skipping removed comments and "more" stubs', () => {
    const comments = parseRedditComments(jsonFixture('reddit', 'comments-1abc03.json'), 'comments');
    expect(comments.map((c) => c.item)).toMatchObject([
      { ok: true, mention: { sourceId: 't1_c4', text: 'Push back, it is covered by the 2-year warranty in the EU.', raw: { kind: 'comment', postId: 't3_1abc03', parentId: 't1_c3' } } },
      { ok: true, mention: { sourceId: 't1_c3' } },
    ]);
  });

  it('names a body that is not a Listing', () => {
    expect(() => parseRedditSearch({ error: 403, message: 'Blocked' }, 'reddit /search')).toThrow(/reddit \/search: malformed response: not a Listing/);
    expect(() => parseRedditComments({}, 'reddit /comments/x')).toThrow(/not a \[post, comments\] pair/);
  });
});

describe('reddit connector', () => {
  let h: Harness;
  let server: TestServer;
  let searchPages: Record<string, string>;
  let scripted: Reply[];
  let tokens: number;
  let revoked: Set<string>;
  let rateHeaders: Record<string, string>;
  let tokenLifetimeS: number;

  const route = (req: SeenRequest): Reply => {
    const next = scripted.shift();
    if (next) return next;
    if (req.path === '/api/v1/access_token') {
      const expected = `Basic ${Buffer.from('my-client-id:my-client-secret').toString('base64')}`;
      if (req.headers.authorization !== expected || req.body !== 'grant_type=client_credentials') return { status: 401, body: { message: 'Unauthorized', error: 401 } };
      tokens++;
      return { body: { ...jsonFixture<Record<string, unknown>>('reddit', 'token.json'), access_token: `token-${tokens}`, expires_in: tokenLifetimeS } };
    }
    if (req.headers.authorization !== undefined) {
      const token = req.headers.authorization.replace(/^bearer /, '');
      if (revoked.has(token) || !token.startsWith('token-')) return { status: 401, body: { message: 'Unauthorized', error: 401 } };
    }
    if (/^\/search(\.json)?$/.test(req.path)) return { headers: rateHeaders, body: listing(searchPages[req.query.get('after') ?? ''] ?? 'search-empty.json') };
    const comments = /^\/comments\/(\w+)(\.json)?$/.exec(req.path);
    if (comments) {
      if (comments[1] === '1abc03') return { body: jsonFixture('reddit', 'comments-1abc03.json') };
      return { body: [listing('search-empty.json'), listing('search-empty.json')] };
    }
    return { status: 404, body: { message: 'Not Found', error: 404 } };
  };

  const config = (extra: Record<string, unknown> = {}) =>
    RedditConnectorSchema.parse({
      type: 'reddit',
      query: 'acme',
      api_url: server.url,
      oauth_api_url: server.url,
      token_url: `${server.url}/api/v1/access_token`,
      allow_private_networks: true,
      // The fixtures are from November 2026: keep reading their comments whenever the test runs.
      comment_window_ms: 100 * 365 * 24 * 3600_000,
      ...extra,
    });
  const oauth = { client_id_env: 'TEST_REDDIT_ID', client_secret_env: 'TEST_REDDIT_SECRET' };

  beforeEach(async () => {
    h = harness();
    searchPages = { '': 'search-page1.json', t3_1abc02: 'search-page2.json' };
    scripted = [];
    tokens = 0;
    tokenLifetimeS = 86400;
    revoked = new Set();
    rateHeaders = { 'x-ratelimit-used': '3', 'x-ratelimit-remaining': '97.0', 'x-ratelimit-reset': '420' };
    process.env.TEST_REDDIT_ID = 'my-client-id';
    process.env.TEST_REDDIT_SECRET = 'my-client-secret';
    server = await startServer(route);
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  it('without OAuth: pages through the search, reads comments of the posts, then only what is new', async () => {
    let status = await pollOnce(new RedditConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    expect(server.hits('/search.json').map((r) => [r.query.get('q'), r.query.get('sort'), r.query.get('after')])).toEqual([
      ['acme', 'new', null],
      ['acme', 'new', 't3_1abc02'],
    ]);
    expect(server.requests.every((r) => r.headers['user-agent'] === USER_AGENT && r.headers.authorization === undefined)).toBe(true);
    expect(server.hits('/comments/').map((r) => r.path).sort()).toEqual(['/comments/1abc01.json', '/comments/1abc02.json', '/comments/1abc03.json']);
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['t3_1abc03', 't3_1abc02', 't3_1abc01', 't1_c4', 't1_c3']);

    // A restart: one new post (and a malformed one); old comments are not published again.
    searchPages = { '': 'search-newer.json' };
    status = await pollOnce(new RedditConnector(config(), h.context));
    expect(status).toMatchObject({ fetched: 1, rejected: 1 });
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['t3_1abc03', 't3_1abc02', 't3_1abc01', 't1_c4', 't1_c3', 't3_1abc04']);
    expect((await h.deadLetters())[0]?.reason).toMatch(/item without name or created_utc/);
  });

  it('with OAuth: client credentials, bearer token on oauth requests, a new token after a 401', async () => {
    let status = await pollOnce(new RedditConnector(config({ ...oauth, comments: false }), h.context));
    expect(status.lastError).toBeUndefined();
    expect(tokens).toBe(1);
    expect(server.hits('/search').every((r) => r.path === '/search' && r.headers.authorization === 'bearer token-1')).toBe(true);

    // The token is revoked (or expired early): a 401, a new token, the same request again.
    revoked.add('token-2');
    searchPages = { '': 'search-newer.json' };
    const connector = new RedditConnector(config({ ...oauth, comments: false }), h.context);
    tokens = 1;
    status = await pollOnce(connector);
    expect(status.lastError).toBeUndefined();
    expect(tokens).toBe(3);
    expect(status.fetched).toBe(1);
  });

  it('asks for a new token before the old one expires', async () => {
    tokenLifetimeS = 30;
    const status = await pollOnce(new RedditConnector(config(oauth), h.context));
    expect(status.lastError).toBeUndefined();
    // 30 s is inside the one-minute margin: every request gets a fresh token.
    expect(server.hits('/api/v1/access_token').length).toBeGreaterThan(2);
  });

  it('refused credentials are a clear error that never shows the secret', async () => {
    process.env.TEST_REDDIT_SECRET = 'wrong-secret-value';
    const status = await pollOnce(new RedditConnector(config(oauth), h.context));
    expect(status.lastError?.message).toBe('reddit refused the client id and secret (environment variable TEST_REDDIT_ID, environment variable TEST_REDDIT_SECRET): HTTP 401');
    expect(JSON.stringify(h.statusStore.read(status.name))).not.toContain('wrong-secret-value');
  });

  it('a missing environment variable is named in the status', async () => {
    delete process.env.TEST_REDDIT_SECRET;
    const status = await pollOnce(new RedditConnector(config(oauth), h.context));
    expect(status.lastError?.message).toBe('client_secret_env: environment variable TEST_REDDIT_SECRET is not set');
    expect(server.requests).toHaveLength(0);
  });

  it('pauses the host when X-Ratelimit-Remaining reaches 0, until X-Ratelimit-Reset', async () => {
    rateHeaders = { 'x-ratelimit-used': '100', 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '300' };
    const before = Date.now();
    const connector = new RedditConnector(config({ comments: false }), h.context);
    await connector.caughtUp;
    // The first page came back with a spent budget: the second waits for the reset.
    expect(h.scheduler.pausedUntil(new URL(server.url).host)).toBeGreaterThanOrEqual(before + 300_000);
    expect(connector.status().backingOffUntil).toBeDefined();
    await connector.stop();
    expect(server.hits('/search.json')).toHaveLength(1);
    // Nothing was lost: page 1 is durable and its cursor saved with the round pending.
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['t3_1abc03', 't3_1abc02']);
  });

  it('retries a 500, honours a 429 with Retry-After, and survives a malformed body', async () => {
    scripted.push({ status: 500, body: 'upstream' }, { status: 429, headers: { 'retry-after': '0' } });
    let status = await pollOnce(new RedditConnector(config({ comments: false }), h.context));
    expect(status.lastError).toBeUndefined();
    expect(status.fetched).toBe(3);
    scripted.push({ headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>Blocked</title>' });
    searchPages = { '': 'search-newer.json' };
    status = await pollOnce(new RedditConnector(config({ comments: false }), h.context));
    expect(status.lastError?.message).toMatch(/\/search\.json: malformed response: not JSON/);
    status = await pollOnce(new RedditConnector(config({ comments: false }), h.context));
    expect(status.lastError).toBeUndefined();
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['t3_1abc03', 't3_1abc02', 't3_1abc01', 't3_1abc04']);
  });
});
