// The HTTP API (src/api) against the real embedded store: every route, auth (401/403), errors that
// name the parameter (4xx, never a 500), the export's CSV neutralization, /readyz 503 when the store
// is closed, and the dashboard's static files served without a token.
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPlugin, loadTokens } from '../../src/api/index.js';
import { mountApi } from '../../src/app/api.js';
import { mentionJson } from '../../src/api/present.js';
import type { ApiToken } from '../../src/api/auth.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/core/log.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { makeMention } from '../helpers/mentions.js';

const log = createLogger({}, new Writable({ write: (_c, _e, done) => done() }));
const dir = mkdtempSync(join(tmpdir(), 'ecoute-api-'));
const READ = 'read-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';

const config = ConfigSchema.parse({
  data_dir: dir,
  brands: [
    { id: 'acme', name: 'Acme', query: 'acme', competitors: ['globex'] },
    { id: 'globex', name: 'Globex', query: 'globex' },
  ],
  api: {
    tokens: [
      { name: 'dash', scope: 'read', secret_env: 'ECOUTE_TEST_READ' },
      { name: 'ops', scope: 'admin', secret_env: 'ECOUTE_TEST_ADMIN' },
    ],
  },
});

let store: EmbeddedMentionStore;
let server: HttpServer;
let dashboardDir: string;
let closedStore = false;

const day = (d: number, h = 10) => new Date(Date.UTC(2026, 10, d, h)).toISOString();

beforeAll(async () => {
  store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  await store.ensureSchema();
  await store.upsert([
    makeMention({ id: 'a1', text: 'Acme livraison en retard, encore des livraisons ratées', lang: 'fr', score: -0.8, brands: ['acme'], publishedAt: day(3), analysis: { fields: { delivery: { hits: 2, tone: -0.8 } } } }),
    makeMention({ id: 'a2', text: 'Acme delivery was late again', lang: 'en', score: -0.6, brands: ['acme'], publishedAt: day(4), source: 'reddit', analysis: { fields: { delivery: { hits: 1, tone: -0.6 } } } }),
    makeMention({ id: 'a3', text: 'I love Acme, great service <img src=x onerror=alert(1)>', lang: 'en', score: 0.7, brands: ['acme'], publishedAt: day(5) }),
    makeMention({ id: 'a4', text: '=HYPERLINK("http://evil")', title: '@cmd', lang: 'en', score: 0, brands: ['acme'], publishedAt: day(6) }),
    makeMention({ id: 'g1', text: 'Globex is fine', lang: 'en', score: 0.3, brands: ['globex'], publishedAt: day(5) }),
  ]);
  dashboardDir = join(dir, 'dashboard');
  mkdirSync(dashboardDir);
  writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>écoute</title><script src="/assets/app.js"></script>');
  writeFileSync(join(dashboardDir, 'app.js'), 'console.log("dashboard")');
  const env = { ECOUTE_TEST_READ: READ, ECOUTE_TEST_ADMIN: ADMIN };
  const tokens = loadTokens(config.api, dir, env);
  server = createHttpServer({ host: '127.0.0.1', port: 0, log });
  server.register(
    apiPlugin({
      store,
      brands: config.brands,
      tokens: tokens.tokens,
      rateLimitPerMinute: 10_000,
      dashboardDir,
      log,
      ready: async () => {
        if (closedStore) throw new Error('the store does not answer (STORE_CLOSED)');
        await store.count({});
      },
    }),
  );
  await server.app.ready();
});

afterAll(async () => {
  await server.close();
  if (!closedStore) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, token: string | null = READ) =>
  server.app.inject({ method: 'GET', url, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

describe('auth', () => {
  it('401 without a token, with a catalogue code and no data', async () => {
    const res = await get('/api/brands', null);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'API_UNAUTHORIZED' });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });
  it('401 with an unknown token or a malformed header', async () => {
    expect((await get('/api/brands', 'not-a-token-of-this-config')).json()).toMatchObject({ error: 'API_UNAUTHORIZED', reason: 'unknown bearer token' });
    const res = await server.app.inject({ method: 'GET', url: '/api/brands', headers: { authorization: `Basic ${READ}` } });
    expect(res.statusCode).toBe(401);
  });
  it('403 when a read token asks for the export (admin only)', async () => {
    const res = await get('/api/mentions/export?format=csv');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'API_FORBIDDEN' });
    expect(res.json().reason).toContain('admin');
  });
  it('no CORS header, and security headers on API answers', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/brands', headers: { authorization: `Bearer ${READ}`, origin: 'https://evil.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('routes', () => {
  it('GET /api/brands', async () => {
    expect((await get('/api/brands')).json()).toEqual({
      brands: [
        { id: 'acme', name: 'Acme', competitors: ['globex'] },
        { id: 'globex', name: 'Globex', competitors: [] },
      ],
    });
  });

  it('GET /api/mentions: total, hits with escaped snippets and marks, next_cursor, facets', async () => {
    const res = await get('/api/mentions?q=livraison&brand=acme');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(1);
    expect(body.hits[0]).toMatchObject({ id: 'a1', lang: 'fr', brands: ['acme'], sentiment: { label: 'negative' }, fields: ['delivery'] });
    expect(body.hits[0].snippet).toContain('<mark>livraison</mark>');
    expect(body.hits[0].snippet).toContain('<mark>livraisons</mark>');
    expect(body.next_cursor).toBeNull();
    expect(Object.keys(body.facets).sort()).toEqual(['brand', 'field', 'lang', 'sentiment', 'source']);
    expect(body.facets.lang).toEqual([{ value: 'fr', count: 1 }]);
  });

  it('facets count the matching mentions', async () => {
    const { facets } = (await get('/api/mentions?brand=acme')).json();
    expect(facets.source).toEqual([
      { value: 'file', count: 3 },
      { value: 'reddit', count: 1 },
    ]);
    expect(facets.field).toEqual([{ value: 'delivery', count: 2 }]);
    expect(facets.brand).toEqual([{ value: 'acme', count: 4 }]);
  });

  it('GET /api/brands/:id/fields', async () => {
    const body = (await get('/api/brands/acme/fields')).json();
    expect(body.fields).toEqual([{ field: 'delivery', mentions: 2, share: 0.5, mean_tone: expect.closeTo(-0.7, 5) }]);
  });

  it('GET /api/brands/:id/share-of-voice: the brand and its competitors, with buckets', async () => {
    const body = (await get('/api/brands/acme/share-of-voice?from=2026-11-01&to=2026-11-08&interval=week')).json();
    expect(body.totals.map((t: { brand: string; mentions: number; share: number }) => [t.brand, t.mentions, t.share])).toEqual([
      ['acme', 4, 0.8],
      ['globex', 1, 0.2],
    ]);
    expect(body.totals[0]).toEqual(expect.objectContaining({ tone_weighted_share: expect.any(Number), mean_tone: expect.any(Number) }));
    expect(body.buckets.length).toBeGreaterThan(0);
    expect(body.buckets.reduce((n: number, b: { counts: Record<string, number> }) => n + (b.counts.acme ?? 0), 0)).toBe(4);
    expect((await get('/api/brands/acme/share-of-voice')).json().buckets).toEqual([]);
  });

  it('a mention with HTML shows it escaped in the snippet, raw in text', async () => {
    const body = (await get('/api/mentions?q=love')).json();
    expect(body.hits[0].snippet).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(body.hits[0].snippet).not.toContain('<img');
    expect(body.hits[0].text).toContain('<img src=x onerror=alert(1)>');
  });

  it('pages with next_cursor until the end', async () => {
    const first = (await get('/api/mentions?brand=acme&limit=3')).json();
    expect(first.hits).toHaveLength(3);
    expect(first.total).toBe(4);
    expect(typeof first.next_cursor).toBe('string');
    const second = (await get(`/api/mentions?brand=acme&limit=3&cursor=${encodeURIComponent(first.next_cursor)}`)).json();
    expect(second.hits.map((h: { id: string }) => h.id)).toEqual(['a1']);
  });

  it('filters: lang, source, sentiment, from/to', async () => {
    expect((await get('/api/mentions?lang=fr')).json().total).toBe(1);
    expect((await get('/api/mentions?source=reddit')).json().hits.map((h: { id: string }) => h.id)).toEqual(['a2']);
    expect((await get('/api/mentions?sentiment=negative')).json().total).toBe(2);
    expect((await get('/api/mentions?from=2026-11-04&to=2026-11-05')).json().hits.map((h: { id: string }) => h.id)).toEqual(['a2']);
  });

  it('hits say how sure their tone is, and the tone toward each brand of a mention naming several (issue 16)', async () => {
    const res = await get('/api/mentions?brand=acme');
    const hits = res.json().hits as { sentiment: Record<string, unknown> }[];
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(hit.sentiment).toMatchObject({ confidence: 0.8, uncertain: false });
    const both = makeMention({ id: 'c1', text: 'Globex is so much better than Acme', score: 0.64, brands: ['acme', 'globex'] });
    both.analysis.sentiment.confidence = 0.42;
    both.analysis.sentiment.byBrand = { acme: { score: -0.6, label: 'negative', confidence: 0.8 }, globex: { score: 0.6, label: 'positive', confidence: 0.8 } };
    expect(mentionJson(both).sentiment).toEqual({
      label: 'positive',
      score: 0.64,
      confidence: 0.42,
      uncertain: true,
      by_brand: { acme: { label: 'negative', score: -0.6, confidence: 0.8, uncertain: false }, globex: { label: 'positive', score: 0.6, confidence: 0.8, uncertain: false } },
    });
  });

  it('GET /api/mentions/:id with its analysis; 404 for an unknown id', async () => {
    const res = await get('/api/mentions/a2');
    expect(res.json().mention).toMatchObject({ id: 'a2', source: 'reddit', analysis: { lang: 'en' } });
    const missing = await get('/api/mentions/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'API_MENTION_NOT_FOUND', parameter: 'id' });
  });

  it('GET /api/brands/:id/timeline', async () => {
    const body = (await get('/api/brands/acme/timeline?interval=day&from=2026-11-03&to=2026-11-07')).json();
    expect(body.interval).toBe('day');
    expect(body.buckets.map((b: { count: number }) => b.count)).toEqual([1, 1, 1, 1]);
    expect(body.buckets[0]).toEqual({ start: '2026-11-03T00:00:00.000Z', count: 1, mean_tone: -0.8 });
  });

  it('GET /api/brands/:id/terms: top and significant with labels', async () => {
    const body = (await get('/api/brands/acme/terms?size=5')).json();
    expect(body.top.length).toBeGreaterThan(0);
    expect(body.top[0]).toEqual({ term: expect.any(String), label: expect.any(String), count: expect.any(Number), mentions: expect.any(Number) });
    expect(Array.isArray(body.significant)).toBe(true);
  });

  it('POST /api/query/validate: the tree and a count, or the error with its column (200 both)', async () => {
    const ok = await server.app.inject({ method: 'POST', url: '/api/query/validate', headers: { authorization: `Bearer ${READ}` }, payload: { q: 'acme AND late' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, count: 1, tree: { type: 'and' } });
    const bad = await server.app.inject({ method: 'POST', url: '/api/query/validate', headers: { authorization: `Bearer ${READ}` }, payload: { q: 'acme AND (late' } });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'QUERY_SYNTAX', column: expect.any(Number) } });
    const missing = await server.app.inject({ method: 'POST', url: '/api/query/validate', headers: { authorization: `Bearer ${READ}` }, payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'API_BAD_PARAMETER', parameter: 'q' });
  });

  it('/healthz, /readyz, /openapi.json and /docs need no token', async () => {
    expect((await get('/healthz', null)).json()).toEqual({ ok: true });
    expect((await get('/readyz', null)).statusCode).toBe(200);
    const doc = (await get('/openapi.json', null)).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/mentions', '/api/mentions/{id}', '/api/brands/{id}/timeline', '/api/query/validate', '/api/mentions/export', '/api/brands/{id}/fields', '/api/brands/{id}/share-of-voice', '/api/brands/{id}/terms', '/api/brands']));
    const params = doc.paths['/api/mentions'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['q', 'brand', 'from', 'to', 'lang', 'source', 'sentiment', 'field', 'sort', 'cursor', 'limit']));
    const docs = await server.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/html/);
  });

  it('the dashboard and its assets (ECharts from node_modules) need no token', async () => {
    const page = await get('/', null);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>écoute</title>');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect((await get('/assets/app.js', null)).body).toContain('dashboard');
    const charts = await get('/assets/echarts.min.js', null);
    expect(charts.statusCode).toBe(200);
    expect(charts.body.length).toBeGreaterThan(100_000);
    expect((await get('/assets/..%2Fstore.sqlite', null)).statusCode).toBe(404);
  });
});

describe('bad input: 4xx naming the parameter, never a 500', () => {
  const cases: [string, number, string, string][] = [
    ['/api/mentions?from=yesterday', 400, 'API_BAD_PARAMETER', 'from'],
    ['/api/mentions?to=2026-13-45', 400, 'API_BAD_PARAMETER', 'to'],
    ['/api/mentions?from=2026-11-05&to=2026-11-01', 400, 'API_BAD_PARAMETER', 'from'],
    ['/api/mentions?limit=0', 400, 'API_BAD_PARAMETER', 'limit'],
    ['/api/mentions?limit=5000', 400, 'API_BAD_PARAMETER', 'limit'],
    ['/api/mentions?limit=ten', 400, 'API_BAD_PARAMETER', 'limit'],
    ['/api/mentions?sort=oldest', 400, 'API_BAD_PARAMETER', 'sort'],
    ['/api/mentions?sentiment=angry', 400, 'API_BAD_PARAMETER', 'sentiment'],
    ['/api/mentions?lang=de', 400, 'API_BAD_PARAMETER', 'lang'],
    ['/api/mentions?colour=red', 400, 'API_BAD_PARAMETER', 'colour'],
    ['/api/mentions?q=a&q=b', 400, 'API_BAD_PARAMETER', 'q'],
    ['/api/mentions?brand=initech', 404, 'API_BRAND_NOT_FOUND', 'brand'],
    ['/api/mentions?cursor=garbage', 400, 'BAD_CURSOR', 'cursor'],
    ['/api/mentions?q=acme%20AND%20(late', 400, 'QUERY_SYNTAX', 'q'],
    ['/api/brands/initech/timeline', 404, 'API_BRAND_NOT_FOUND', ''],
    ['/api/brands/acme/timeline?interval=month', 400, 'API_BAD_PARAMETER', 'interval'],
    ['/api/brands/acme/terms?size=1000', 400, 'API_BAD_PARAMETER', 'size'],
    ['/api/brands/acme/fields?from=soon', 400, 'API_BAD_PARAMETER', 'from'],
    ['/api/brands/acme/share-of-voice?interval=year', 400, 'API_BAD_PARAMETER', 'interval'],
    ['/api/brands/initech/share-of-voice', 404, 'API_BRAND_NOT_FOUND', ''],
  ];
  it.each(cases)('%s → %i %s', async (url, status, code, parameter) => {
    const res = await get(url);
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body.error).toBe(code);
    expect(body.reason.length).toBeGreaterThan(10);
    if (parameter !== '') expect(body.parameter).toBe(parameter);
  });
  it('a broken query names its column', async () => {
    const body = (await get('/api/mentions?q=acme%20AND%20(late')).json();
    expect(body.column).toEqual(expect.any(Number));
    expect(body.reason).toMatch(/column \d+/);
  });
  it('the reason says what was expected and what came', async () => {
    const body = (await get('/api/mentions?from=yesterday')).json();
    expect(body.reason).toBe('from: must be a date, YYYY-MM-DD or an ISO 8601 time such as 2026-11-03T14:00:00Z (got "yesterday")');
  });
});

describe('export', () => {
  it('CSV with neutralized formula cells, streamed as an attachment', async () => {
    const res = await get('/api/mentions/export?format=csv&brand=acme', ADMIN);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="ecoute-mentions-.*\.csv"$/);
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('id,published_at,source,lang,brands,sentiment,score,fields,rating,title,text,url,duplicate_of');
    expect(lines).toHaveLength(5);
    const evil = lines.find((l) => l.startsWith('a4,'))!;
    expect(evil).toContain(`'@cmd`);
    expect(evil).toContain(`"'=HYPERLINK(""http://evil"")"`);
    // Negative scores stay numbers.
    expect(lines.find((l) => l.startsWith('a1,'))).toContain(',-0.8,');
  });
  it('JSON lines of every matching mention', async () => {
    const res = await get('/api/mentions/export?format=jsonl&q=late', ADMIN);
    const rows = res.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id)).toEqual(['a2']);
    expect(res.headers['content-type']).toMatch(/ndjson/);
  });
  it('a broken query is a 400 before anything is sent', async () => {
    const res = await get('/api/mentions/export?format=csv&q=(', ADMIN);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'QUERY_SYNTAX', parameter: 'q' });
  });
});

describe('readiness', () => {
  it('/readyz is 503 with a code once the store is closed', async () => {
    await store.close();
    closedStore = true;
    const res = await get('/readyz', null);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'API_NOT_READY' });
    expect(res.json().reason).toContain('store');
    expect((await get('/healthz', null)).statusCode).toBe(200);
  });
  it("the composition root's probe (mountApi) says the store does not answer once it is closed", async () => {
    const host = createHttpServer({ host: '127.0.0.1', port: 0, log });
    mountApi(host, { config: ConfigSchema.parse({ data_dir: dir }), dataDir: dir, store }, log);
    try {
      const res = await host.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: 'API_NOT_READY' });
      expect(res.json().reason).toMatch(/^not ready: the store does not answer \(/);
    } finally {
      await host.close();
    }
  });
});

describe('tokens', () => {
  it('without configured tokens, one admin token is made once under data_dir, mode 0600', () => {
    const d = mkdtempSync(join(tmpdir(), 'ecoute-token-'));
    try {
      const api = ConfigSchema.parse({ data_dir: d }).api;
      const first = loadTokens(api, d);
      expect(first.generated?.value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(statSync(join(d, 'api-token')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(d, 'api-token'), 'utf8').trim()).toBe(first.generated!.value);
      const again = loadTokens(api, d);
      expect(again.generated?.value).toBe(first.generated?.value);
      expect((again.tokens[0] as ApiToken).scope).toBe('admin');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
  it('configured tokens: read from the environment, too short is refused naming the token', () => {
    expect(() => loadTokens(config.api, dir, { ECOUTE_TEST_READ: 'short', ECOUTE_TEST_ADMIN: ADMIN })).toThrow(/api.tokens\[0\] \(dash\).*fewer than 16/);
    expect(() => loadTokens(config.api, dir, {})).toThrow(/ECOUTE_TEST_READ is not set/);
  });
  it('the config refuses a token without a secret source', () => {
    const r = ConfigSchema.safeParse({ api: { tokens: [{ name: 'x', scope: 'read' }] } });
    expect(r.success).toBe(false);
    const r2 = ConfigSchema.safeParse({ api: { tokens: [{ name: 'x', scope: 'owner', secret_env: 'X' }] } });
    expect(r2.success).toBe(false);
  });
});

describe('limits', () => {
  it('429 with a catalogue code and retry-after past the rate limit; 413 past the body limit', async () => {
    const d = mkdtempSync(join(tmpdir(), 'ecoute-api-limits-'));
    const s = new EmbeddedMentionStore({ file: join(d, 'store.sqlite') });
    await s.ensureSchema();
    const host = createHttpServer({ host: '127.0.0.1', port: 0, log });
    const tokens = loadTokens(ConfigSchema.parse({ data_dir: d }).api, d);
    host.register(apiPlugin({ store: s, brands: [], tokens: tokens.tokens, rateLimitPerMinute: 3, log, ready: async () => undefined }));
    try {
      const auth = { authorization: `Bearer ${tokens.generated!.value}` };
      const big = await host.app.inject({ method: 'POST', url: '/api/query/validate', headers: auth, payload: { q: 'x'.repeat(70_000) } });
      expect(big.statusCode).toBe(413);
      expect(big.json()).toMatchObject({ error: 'HTTP_TOO_LARGE' });
      for (let i = 0; i < 2; i++) expect((await host.app.inject({ method: 'GET', url: '/api/brands', headers: auth })).statusCode).toBe(200);
      const limited = await host.app.inject({ method: 'GET', url: '/api/brands', headers: auth });
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ error: 'API_RATE_LIMITED' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await host.close();
      await s.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('ecoute config validate', () => {
  it('reports API tokens the environment lacks or that are too short, naming each, never a value', async () => {
    const { environmentProblems } = await import('../../src/cli/commands/config.js');
    const problems = environmentProblems(
      { api: { tokens: [{ name: 'dash', scope: 'read', secret_env: 'ECOUTE_T1' }, { name: 'ops', scope: 'admin', secret_env: 'ECOUTE_T2' }] } },
      { ECOUTE_T2: 'tiny' },
    );
    expect(problems).toEqual([
      'api.tokens[0] (dash): secret_env: environment variable ECOUTE_T1 is not set',
      'api.tokens[1] (ops): the token from environment variable ECOUTE_T2 has fewer than 16 characters; use e.g. `openssl rand -hex 32`',
    ]);
  });
});
