import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlueskyConnector, BlueskyConnectorSchema, jwtExpiry, parseBlueskySearch } from '../../src/connectors/bluesky/index.js';
import { harness, jsonFixture, pollOnce, startServer, type Harness, type Reply, type TestServer } from '../helpers/connectors.js';

const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"typ":"at+jwt","alg":"ES256K"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;

describe('bluesky: parse', () => {
  it('maps posts: at:// uri as id, bsky.app links, language, counts; the cursor pages', () => {
    const page = parseBlueskySearch(jsonFixture('bluesky', 'search-page1.json'), 'search');
    expect(page.next).toBe('2');
    expect(page.entries.map((e) => e.item)).toMatchObject([
      {
        ok: true,
        mention: {
          source: 'bluesky',
          sourceId: 'at://did:plc:dana000000000000000/app.bsky.feed.post/3lb2aaaaaaa03',
          url: 'https://bsky.app/profile/dana.bsky.social/post/3lb2aaaaaaa03',
          author: { id: 'did:plc:dana000000000000000', name: 'Dana' },
          text: 'Acme app keeps logging me out. Third time today 😤',
          publishedAt: '2026-11-03T12:30:00.000Z',
          lang: 'en',
          metrics: { likes: 12, shares: 4, comments: 1 },
        },
      },
      { ok: true, mention: { lang: 'fr' } },
    ]);
    expect(parseBlueskySearch(jsonFixture('bluesky', 'search-page2.json'), 'search').next).toBeUndefined();
    expect(parseBlueskySearch(jsonFixture('bluesky', 'search-newer.json'), 'search').entries[1]?.item).toMatchObject({ ok: false, reason: /has no text/ });
    expect(() => parseBlueskySearch({ error: 'InternalServerError' }, 'bsky.social/xrpc/app.bsky.feed.searchPosts')).toThrow(/searchPosts: malformed response: no "posts" array/);
  });

  it('reads the expiry of a JWT', () => {
    expect(jwtExpiry(jwt({ exp: 1_800_000_000 }))).toBe(1_800_000_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
  });
});

describe('bluesky connector', () => {
  let h: Harness;
  let server: TestServer;
  let pages: Record<string, string>;
  let scripted: Reply[];
  let issued: number;
  let accessLifetimeS: number;
  /** Access tokens the PDS now answers ExpiredToken to. */
  let expired: Set<string>;
  let refreshExpired: boolean;
  let valid: Set<string>;

  const issue = () => {
    issued++;
    const access = jwt({ scope: 'com.atproto.appPass', sub: 'did:plc:acmelistener0000000000000', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + accessLifetimeS, n: issued });
    const refresh = jwt({ scope: 'com.atproto.refresh', sub: 'did:plc:acmelistener0000000000000', exp: Math.floor(Date.now() / 1000) + 90 * 86400, n: issued });
    valid.add(access);
    return { body: { ...jsonFixture('bluesky', 'session.json'), accessJwt: access, refreshJwt: refresh } };
  };
  const config = (extra: Record<string, unknown> = {}) =>
    BlueskyConnectorSchema.parse({ type: 'bluesky', query: 'acme', identifier: 'acme-listener.bsky.social', app_password_env: 'TEST_BSKY_PASSWORD', service: server.url, allow_private_networks: true, ...extra });

  beforeEach(async () => {
    h = harness();
    pages = { '': 'search-page1.json', '2': 'search-page2.json' };
    scripted = [];
    issued = 0;
    accessLifetimeS = 7200;
    expired = new Set();
    refreshExpired = false;
    valid = new Set();
    process.env.TEST_BSKY_PASSWORD = 'abcd-efgh-ijkl-mnop';
    server = await startServer((req) => {
      const next = scripted.shift();
      if (next) return next;
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      switch (req.path) {
        case '/xrpc/com.atproto.server.createSession': {
          const body = JSON.parse(req.body) as { identifier?: string; password?: string };
          if (body.identifier !== 'acme-listener.bsky.social' || body.password !== 'abcd-efgh-ijkl-mnop') {
            return { status: 401, body: { error: 'AuthenticationRequired', message: 'Invalid identifier or password' } };
          }
          return issue();
        }
        case '/xrpc/com.atproto.server.refreshSession':
          if (refreshExpired || !token) return { status: 400, body: jsonFixture('bluesky', 'expired-token.json') };
          return issue();
        case '/xrpc/app.bsky.feed.searchPosts':
          if (!valid.has(token)) return { status: 401, body: { error: 'AuthenticationRequired', message: 'Authentication Required' } };
          if (expired.has(token)) return { status: 400, body: jsonFixture('bluesky', 'expired-token.json') };
          return { headers: { 'ratelimit-limit': '3000', 'ratelimit-remaining': '2999', 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 300) }, body: jsonFixture('bluesky', pages[req.query.get('cursor') ?? ''] ?? 'search-empty.json') };
        default:
          return { status: 404, body: { error: 'MethodNotImplemented' } };
      }
    });
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  it('creates a session, pages with the cursor, then reads only newer posts; restarts never duplicate', async () => {
    const connector = new BlueskyConnector(config(), h.context);
    let status = await pollOnce(connector);
    expect(status.lastError).toBeUndefined();
    expect(connector.sessions).toEqual({ created: 1, refreshed: 0 });
    const searches = server.hits('/xrpc/app.bsky.feed.searchPosts');
    expect(searches.map((r) => [r.query.get('q'), r.query.get('sort'), r.query.get('cursor')])).toEqual([
      ['acme', 'latest', null],
      ['acme', 'latest', '2'],
    ]);
    expect(status.fetched).toBe(3);

    pages = { '': 'search-newer.json', '1': 'search-page1.json' };
    status = await pollOnce(new BlueskyConnector(config(), h.context));
    expect(server.hits('/xrpc/app.bsky.feed.searchPosts').at(-1)?.query.get('since')).toBe('2026-11-03T12:30:00.000Z');
    expect(status).toMatchObject({ fetched: 1, rejected: 1 });
    expect((await h.mentions()).map((m) => m.sourceId.split('/').pop())).toEqual(['3lb2aaaaaaa03', '3lb2aaaaaaa02', '3lb2aaaaaaa01', '3lb2aaaaaaa05']);
  });

  it('refreshes the session when the server says ExpiredToken, and sends the request again', async () => {
    const connector = new BlueskyConnector(config({ interval_ms: 10 }), h.context);
    await connector.caughtUp;
    // The first access token expires on the server's side.
    for (const token of valid) expired.add(token);
    pages = { '': 'search-newer.json' };
    const until = Date.now() + 5000;
    while (connector.status().fetched < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    await connector.stop();
    expect(connector.sessions).toEqual({ created: 1, refreshed: 1 });
    expect(connector.status().lastError).toBeUndefined();
    expect(server.hits('/xrpc/com.atproto.server.refreshSession')[0]?.headers.authorization).toMatch(/^Bearer ey/);
  });

  it('refreshes before expiry, and starts a new session when the refresh token expired too', async () => {
    accessLifetimeS = 10; // inside the 30 s margin: refreshed before each use
    const connector = new BlueskyConnector(config(), h.context);
    await pollOnce(connector);
    expect(connector.sessions.refreshed).toBeGreaterThanOrEqual(1);

    refreshExpired = true;
    // Another name, so a fresh cursor: two pages, the second needing a refresh.
    const again = new BlueskyConnector(config({ name: 'bluesky:again' }), h.context);
    const status = await pollOnce(again);
    expect(status.lastError).toBeUndefined();
    // The refresh was refused: a second createSession.
    expect(again.sessions.created).toBeGreaterThanOrEqual(2);
  });

  it('a wrong app password is a clear error that never shows it', async () => {
    process.env.TEST_BSKY_PASSWORD = 'wrong-pass-word-xyz';
    const status = await pollOnce(new BlueskyConnector(config(), h.context));
    expect(status.lastError?.message).toBe('bluesky refused the app password of acme-listener.bsky.social (environment variable TEST_BSKY_PASSWORD): HTTP 401 AuthenticationRequired');
    expect(JSON.stringify(h.statusStore.read(status.name))).not.toContain('wrong-pass-word-xyz');
  });

  it('retries a 500 and a 429 with Retry-After, and survives a malformed body', async () => {
    scripted.push({ status: 500, body: { error: 'InternalServerError' } }, { status: 429, headers: { 'retry-after': '0', 'ratelimit-remaining': '0' }, body: { error: 'RateLimitExceeded' } });
    let status = await pollOnce(new BlueskyConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    expect(status.fetched).toBe(3);
    pages = { '': 'search-newer.json' };
    const connector = new BlueskyConnector(config(), h.context);
    // After createSession, the search answers garbage once.
    scripted.push(issue(), { body: 'Service Unavailable', headers: { 'content-type': 'text/plain' } });
    status = await pollOnce(connector);
    expect(status.lastError?.message).toMatch(/app\.bsky\.feed\.searchPosts: malformed response: not JSON/);
    status = await pollOnce(new BlueskyConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    expect(await h.mentions()).toHaveLength(4);
  });
});
