import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareIds, MastodonConnector, MastodonConnectorSchema, nextMaxId, parseMastodonPage, type MastodonStatus } from '../../src/connectors/mastodon/index.js';
import { fixture, harness, pollOnce, startServer, type Harness, type Reply, type SeenRequest, type TestServer } from '../helpers/connectors.js';

const statuses = (name: string) => JSON.parse(fixture('mastodon', name)) as MastodonStatus[];

describe('mastodon: parse', () => {
  it('maps statuses: uri as id, HTML to text, remote accounts, content warnings, language', () => {
    const page = parseMastodonPage(statuses('tag-acme.json'), 'mastodon.example', 'tag');
    // Sorted by id (the instance's order), not by date.
    expect(page.entries.map((e) => e.id)).toEqual(['113456789012345004', '113456789012345003', '113456789012345002']);
    expect(page.entries[0]?.item).toMatchObject({
      ok: true,
      mention: {
        source: 'mastodon',
        sourceId: 'https://mastodon.example/users/alice/statuses/113456789012345004',
        url: 'https://mastodon.example/@alice/113456789012345004',
        text: 'The new #Acme kettle is lovely & quiet.',
        author: { id: 'alice@mastodon.example', name: 'Alice', followers: 250 },
        lang: 'en',
        metrics: { likes: 5, shares: 2, comments: 1 },
      },
    });
    expect(page.entries[1]?.item).toMatchObject({
      ok: true,
      mention: { title: 'Coup de gueule', text: 'Livraison #acme encore en retard…\nTroisième fois ce mois-ci.', lang: 'fr', author: { id: 'bob@social.example.fr' } },
    });
  });

  it('reads search results, rejects a status without uri, and names a body that is not statuses', () => {
    const search = parseMastodonPage(JSON.parse(fixture('mastodon', 'search.json')), 'mastodon.example', 'search');
    expect(search.entries).toHaveLength(1);
    const newer = parseMastodonPage(statuses('tag-acme-newer.json'), 'mastodon.example', 'tag');
    expect(newer.entries[1]?.item).toMatchObject({ ok: false, reason: 'status without uri or created_at' });
    expect(() => parseMastodonPage({ error: 'Record not found' }, 'm', 'mastodon.example/api/v1/timelines/tag/acme')).toThrow(/malformed response: not a list of statuses/);
  });

  it('compares ids too large for numbers, and reads Link headers', () => {
    expect(compareIds('113456789012345004', '113456789012345003')).toBeGreaterThan(0);
    expect(compareIds('99', '100')).toBeLessThan(0);
    expect(nextMaxId('<https://m.example/api/v1/timelines/tag/acme?max_id=113>; rel="next", <https://m.example/api/v1/timelines/tag/acme?min_id=120>; rel="prev"')).toBe('113');
    expect(nextMaxId('<https://m.example/x?min_id=120>; rel="prev"')).toBeUndefined();
  });
});

/** A small instance: statuses newest first by id, since_id/max_id/min_id, pages of 2 with a Link header. */
function timeline(all: MastodonStatus[], req: SeenRequest, base: string): Reply {
  const since = req.query.get('since_id') ?? req.query.get('min_id');
  const max = req.query.get('max_id');
  const sorted = all
    .filter((s) => (!since || compareIds(s.id as string, since) > 0) && (!max || compareIds(s.id as string, max) < 0))
    .sort((a, b) => compareIds(b.id as string, a.id as string));
  const page = sorted.slice(0, 2);
  const last = page[page.length - 1]?.id;
  const headers: Record<string, string> = last ? { link: `<${base}${req.path}?max_id=${last}>; rel="next", <${base}${req.path}?min_id=${page[0]?.id}>; rel="prev"` } : {};
  return { headers, body: req.path.startsWith('/api/v2/search') ? { accounts: [], statuses: page, hashtags: [] } : page };
}

describe('mastodon connector', () => {
  let h: Harness;
  let server: TestServer;
  let tagged: MastodonStatus[];
  let found: MastodonStatus[];
  let scripted: Reply[];
  const config = (extra: Record<string, unknown> = {}) => MastodonConnectorSchema.parse({ type: 'mastodon', instance: server.url, hashtags: ['#acme'], allow_private_networks: true, ...extra });

  beforeEach(async () => {
    h = harness();
    tagged = statuses('tag-acme.json');
    found = (JSON.parse(fixture('mastodon', 'search.json')) as { statuses: MastodonStatus[] }).statuses;
    scripted = [];
    process.env.TEST_MASTODON_TOKEN = 'mastodon-token-value';
    server = await startServer((req) => {
      const next = scripted.shift();
      if (next) return next;
      if (req.path === '/api/v1/timelines/tag/acme') return timeline(tagged, req, server.url);
      if (req.path === '/api/v2/search') {
        if (req.headers.authorization !== 'Bearer mastodon-token-value') return { status: 401, body: { error: 'The access token is invalid' } };
        return timeline(found, req, server.url);
      }
      return { status: 404, body: { error: 'Record not found' } };
    });
  });
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  it('pages a hashtag timeline with max_id, then reads only newer statuses with since_id; restarts never duplicate', async () => {
    let status = await pollOnce(new MastodonConnector(config(), h.context));
    expect(status.name).toMatch(/^mastodon:127\.0\.0\.1:\d+:#acme$/);
    expect(status.fetched).toBe(3);
    expect(server.requests.map((r) => [r.query.get('since_id'), r.query.get('max_id')])).toEqual([
      [null, null],
      [null, '113456789012345003'],
      [null, '113456789012345002'],
    ]);

    status = await pollOnce(new MastodonConnector(config(), h.context));
    expect(server.requests[3]?.query.get('since_id')).toBe('113456789012345004');
    expect(status.fetched).toBe(0);
    expect(status.lastError).toBeUndefined();

    tagged.push(...statuses('tag-acme-newer.json'));
    status = await pollOnce(new MastodonConnector(config(), h.context));
    expect(status).toMatchObject({ fetched: 1, rejected: 1 });
    expect((await h.mentions()).map((m) => m.author.name)).toEqual(['Alice', 'Bob', 'Carol', 'Dave']);
  });

  it('searches with a token (min_id as the lower bound of /api/v2/search)', async () => {
    let status = await pollOnce(new MastodonConnector(config({ hashtags: [], query: 'acme corp', access_token_env: 'TEST_MASTODON_TOKEN' }), h.context));
    expect(status.lastError).toBeUndefined();
    expect(status.fetched).toBe(1);
    expect(server.requests[0]?.query.get('type')).toBe('statuses');
    status = await pollOnce(new MastodonConnector(config({ hashtags: [], query: 'acme corp', access_token_env: 'TEST_MASTODON_TOKEN' }), h.context));
    expect(server.requests.at(-1)?.query.get('min_id')).toBe('113456789012345010');
    expect(status.fetched).toBe(0);
  });

  it('a query without a token is refused by the config', () => {
    expect(() => MastodonConnectorSchema.parse({ type: 'mastodon', instance: 'https://mastodon.social', query: 'acme' })).toThrow(/a query needs access_token_env/);
  });

  it('retries a 500, honours a 429 (Retry-After), reports a malformed body, then catches up', async () => {
    scripted.push({ status: 502, body: 'Bad Gateway' }, { status: 429, headers: { 'retry-after': '0', 'x-ratelimit-remaining': '0' }, body: { error: 'Too many requests' } });
    let status = await pollOnce(new MastodonConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    expect(status.fetched).toBe(3);
    tagged.push(...statuses('tag-acme-newer.json'));
    scripted.push({ body: { error: 'not what you expected' } });
    status = await pollOnce(new MastodonConnector(config(), h.context));
    expect(status.lastError?.message).toMatch(/\/api\/v1\/timelines\/tag\/acme: malformed response: not a list of statuses/);
    status = await pollOnce(new MastodonConnector(config(), h.context));
    expect(status.lastError).toBeUndefined();
    expect((await h.mentions()).map((m) => m.author.name)).toEqual(['Alice', 'Bob', 'Carol', 'Dave']);
  });
});
