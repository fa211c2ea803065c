import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextQuotaReset, parseYouTubeComments, parseYouTubeSearch, YouTubeConnector, YouTubeConnectorSchema } from '../../src/connectors/youtube/index.js';
import { harness, jsonFixture, pollOnce, startServer, type Harness, type Reply, type TestServer } from '../helpers/connectors.js';

describe('youtube: parse', () => {
  it('maps videos (HTML-escaped snippets) and comment threads', () => {
    const search = parseYouTubeSearch(jsonFixture('youtube', 'search-page1.json'), 'search');
    expect(search.next).toBe('CAIQAA');
    expect(search.entries.map((e) => e.item)).toMatchObject([
      {
        ok: true,
        mention: {
          source: 'youtube',
          sourceId: 'vid000003AA',
          url: 'https://www.youtube.com/watch?v=vid000003AA',
          title: 'Acme Kettle Pro review: worth it?',
          text: "I tested the Acme Kettle Pro for a month. Here's what I found.",
          author: { name: 'Gadget Lab' },
          publishedAt: '2026-11-03T12:00:00.000Z',
        },
      },
      // No description: the title is the text.
      { ok: true, mention: { sourceId: 'vid000002AA', text: 'Acme unboxing & first look' } },
    ]);
    const comments = parseYouTubeComments(jsonFixture('youtube', 'comments-vid000003AA.json'), 'threads');
    expect(comments.entries[0]?.item).toMatchObject({
      ok: true,
      mention: {
        sourceId: 'UgzC3',
        url: 'https://www.youtube.com/watch?v=vid000003AA&lc=UgzC3',
        text: "Mine broke after a week, Acme won't replace it.",
        author: { name: '@kettlehater' },
        metrics: { likes: 12, comments: 3 },
        raw: { kind: 'comment', videoId: 'vid000003AA' },
      },
    });
    expect(parseYouTubeSearch(jsonFixture('youtube', 'search-newer.json'), 'search').entries[1]?.item).toMatchObject({ ok: false, reason: 'search result without videoId or publishedAt' });
    expect(() => parseYouTubeSearch({ kind: 'youtube#videoListResponse', items: [] }, 'youtube search.list')).toThrow(/youtube search\.list: malformed response: not a youtube#searchListResponse/);
  });

  it('knows when the daily quota resets (midnight Pacific time)', () => {
    // 2026-11-03 12:00 UTC is 04:00 PST (UTC-8): the next midnight is 2026-11-04 08:00 UTC.
    expect(new Date(nextQuotaReset(Date.parse('2026-11-03T12:00:00Z'))).toISOString()).toBe('2026-11-04T08:00:00.000Z');
    // In summer (PDT, UTC-7) it is 07:00 UTC.
    expect(new Date(nextQuotaReset(Date.parse('2026-07-03T12:00:00Z'))).toISOString()).toBe('2026-07-04T07:00:00.000Z');
  });
});

describe('youtube connector', () => {
  let h: Harness;
  let server: TestServer;
  let searchPages: Record<string, string>;
  let comments: Record<string, Reply>;
  let scripted: Reply[];
  const config = (extra: Record<string, unknown> = {}) =>
    YouTubeConnectorSchema.parse({
      type: 'youtube',
      query: 'acme kettle',
      api_key_env: 'TEST_YOUTUBE_KEY',
      api_url: `${server.url}/youtube/v3`,
      allow_private_networks: true,
      // The fixtures are from November 2026: keep reading their comments whenever the test runs.
      comment_window_ms: 100 * 365 * 24 * 3600_000,
      ...extra,
    });

  beforeEach(async () => {
    h = harness();
    searchPages = { '': 'search-page1.json', CAIQAA: 'search-page2.json' };
    comments = { vid000003AA: { body: jsonFixture('youtube', 'comments-vid000003AA.json') }, vid000002AA: { status: 403, body: jsonFixture('youtube', 'error-comments-disabled.json') } };
    scripted = [];
    process.env.TEST_YOUTUBE_KEY = 'AIzaSyTEST-not-a-real-key-0123456789';
    server = await startServer((req) => {
      const next = scripted.shift();
      if (next) return next;
      if (req.query.get('key') !== 'AIzaSyTEST-not-a-real-key-0123456789') return { status: 400, body: jsonFixture('youtube', 'error-key-invalid.json') };
      if (req.path === '/youtube/v3/search') return { body: jsonFixture('youtube', searchPages[req.query.get('pageToken') ?? ''] ?? 'search-empty.json') };
      if (req.path === '/youtube/v3/commentThreads') return comments[req.query.get('videoId') ?? ''] ?? { body: jsonFixture('youtube', 'comments-empty.json') };
      return { status: 404, body: { error: { code: 404, message: 'Not Found' } } };
    });
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  it('searches videos, reads their comment threads, drops videos with comments disabled, then reads only what is new', async () => {
    let status = await pollOnce(new YouTubeConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    const searches = server.hits('/youtube/v3/search');
    expect(searches.map((r) => [r.query.get('q'), r.query.get('type'), r.query.get('order'), r.query.get('pageToken')])).toEqual([
      ['acme kettle', 'video', 'date', null],
      ['acme kettle', 'video', 'date', 'CAIQAA'],
    ]);
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['vid000003AA', 'vid000002AA', 'vid000001AA', 'UgzC3', 'UgzC2']);
    const cursor = h.cursors.get<{ videos: Record<string, unknown> }>(status.name);
    expect(Object.keys(cursor?.videos ?? {}).sort()).toEqual(['vid000001AA', 'vid000003AA']);

    // A restart: a new video (and a broken result), one new comment.
    searchPages = { '': 'search-newer.json' };
    comments.vid000003AA = { body: jsonFixture('youtube', 'comments-vid000003AA-newer.json') };
    status = await pollOnce(new YouTubeConnector(config(), h.context));
    expect(server.hits('/youtube/v3/search').at(-1)?.query.get('publishedAfter')).toBe('2026-11-03T12:00:00.000Z');
    expect(status).toMatchObject({ fetched: 2, rejected: 1 });
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['vid000003AA', 'vid000002AA', 'vid000001AA', 'UgzC3', 'UgzC2', 'vid000004AA', 'UgzC5']);
  });

  it('an exhausted quota backs off until it resets', async () => {
    scripted.push({ status: 403, body: jsonFixture('youtube', 'error-quota.json') });
    const status = await pollOnce(new YouTubeConnector(config(), h.context));
    expect(status.lastError?.message).toMatch(/asked to wait until .* \(rate limited\)/);
    expect(Date.parse(status.backingOffUntil ?? '')).toBeGreaterThan(Date.now());
    expect(server.requests).toHaveLength(1);
  });

  it('an exhausted quota that resets within one polling interval is still reported as backing off until the reset', async () => {
    // A 25-hour interval: the reset (the next midnight in Los Angeles) is always sooner than it.
    scripted.push({ status: 403, body: jsonFixture('youtube', 'error-quota.json') });
    const status = await pollOnce(new YouTubeConnector(config({ interval_ms: 25 * 3600_000 }), h.context));
    expect(status.backingOffUntil).toBe(new Date(nextQuotaReset(Date.parse(status.lastError!.at))).toISOString());
  });

  it('an invalid key is a clear error that never shows the key', async () => {
    process.env.TEST_YOUTUBE_KEY = 'AIzaSyWRONG-key-value-9876543210';
    const status = await pollOnce(new YouTubeConnector(config(), h.context));
    expect(status.lastError?.message).toBe('youtube refused the API key (environment variable TEST_YOUTUBE_KEY): API key not valid');
    expect(JSON.stringify(h.statusStore.read(status.name))).not.toContain('AIzaSyWRONG');
  });

  it('retries a 500, honours a 429 with Retry-After, survives a malformed body', async () => {
    scripted.push({ status: 503, body: { error: { code: 503, message: 'Backend Error' } } }, { status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 429 } } });
    let status = await pollOnce(new YouTubeConnector(config({ comments: false }), h.context));
    expect(status.lastError).toBeUndefined();
    expect(status.fetched).toBe(3);
    scripted.push({ body: '<html>oops</html>', headers: { 'content-type': 'text/html' } });
    searchPages = { '': 'search-newer.json' };
    status = await pollOnce(new YouTubeConnector(config({ comments: false }), h.context));
    expect(status.lastError?.message).toMatch(/\/youtube\/v3\/search: malformed response: not JSON/);
    expect(status.lastError?.message).not.toContain('AIzaSy');
    status = await pollOnce(new YouTubeConnector(config({ comments: false }), h.context));
    expect(status.lastError).toBeUndefined();
    expect((await h.mentions()).map((m) => m.sourceId)).toEqual(['vid000003AA', 'vid000002AA', 'vid000001AA', 'vid000004AA']);
  });
});
