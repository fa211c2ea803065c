// The API's authentication, on the real composition (mountApi on the HTTP host, the embedded store):
// every route is enumerated from fastify's own route table (onRoute), so a route added later is
// covered or this test fails: each route that needs a token answers 401 without one and with an
// unknown one, each admin route answers 403 to a read token, and a route without a token is one of
// the few known public ones. Tokens are compared with crypto.timingSafeEqual on equal-length
// digests, never appear in a log line, and failed attempts are rate-limited per address (429 with
// Retry-After, a right token included, while the address is over its budget).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Counts the comparisons auth.ts makes (the real function still does them).
const compared = vi.hoisted(() => ({ calls: [] as [number, number][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.calls.push([a.byteLength, b.byteLength]);
    return real.timingSafeEqual(a, b);
  };
  return { ...real, default: { ...real, timingSafeEqual }, timingSafeEqual };
});

const { mountApi } = await import('../../src/app/api.js');
const { ConfigSchema } = await import('../../src/config/schema.js');
const { createLogger } = await import('../../src/core/log.js');
const { createHttpServer } = await import('../../src/http/server.js');
const { EmbeddedMentionStore } = await import('../../src/store/embedded/index.js');

const READ = `read-${'r'.repeat(12)}-4d1f9a7c0b3e`;
const ADMIN = `admin-${'a'.repeat(12)}-9e2c7b1d5f60`;
process.env.ECOUTE_SEC14_READ = READ;
process.env.ECOUTE_SEC14_ADMIN = ADMIN;
process.env.ECOUTE_LOG_LEVEL = 'debug';

const logLines: string[] = [];
const log = createLogger({}, new Writable({ write: (chunk, _e, done) => (logLines.push(String(chunk)), done()) }));
const dir = mkdtempSync(join(tmpdir(), 'ecoute-sec-auth-'));

/** Routes that need no token, and why. Anything else must declare a scope. */
const PUBLIC = new Map<string, string>([
  ['GET /healthz', 'liveness probe'],
  ['HEAD /healthz', 'liveness probe'],
  ['GET /readyz', 'readiness probe'],
  ['HEAD /readyz', 'readiness probe'],
  ['GET /metrics', 'Prometheus scrape (ops part), no mention data'],
  ['HEAD /metrics', 'Prometheus scrape (ops part), no mention data'],
  ['GET /openapi.json', 'the API description'],
  ['HEAD /openapi.json', 'the API description'],
  ['GET /', 'the dashboard page (it asks for the token)'],
  ['HEAD /', 'the dashboard page'],
  ['GET /assets/echarts.min.js', 'dashboard script'],
  ['HEAD /assets/echarts.min.js', 'dashboard script'],
  ['GET /assets/:file', 'dashboard static files'],
  ['HEAD /assets/:file', 'dashboard static files'],
]);
const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/');

interface Route {
  method: string;
  url: string;
  scope: 'read' | 'admin' | undefined;
}
const routes: Route[] = [];
let server: ReturnType<typeof createHttpServer>;
let store: InstanceType<typeof EmbeddedMentionStore>;

const config = ConfigSchema.parse({
  data_dir: dir,
  brands: [{ id: 'acme', name: 'Acme', query: 'acme' }],
  api: {
    tokens: [
      { name: 'dash', scope: 'read', secret_env: 'ECOUTE_SEC14_READ' },
      { name: 'ops', scope: 'admin', secret_env: 'ECOUTE_SEC14_ADMIN' },
    ],
    auth_failures_per_minute: 5,
  },
});

beforeAll(async () => {
  store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  await store.ensureSchema();
  server = createHttpServer({ host: '127.0.0.1', port: 0, log });
  server.app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url, scope: (r.config as { scope?: 'read' | 'admin' } | undefined)?.scope });
  });
  mountApi(server, { config, dataDir: dir, store }, log);
  await server.app.ready();
});

afterAll(async () => {
  await server?.close();
  await store?.close();
});

/** A concrete path for a route pattern. */
const pathOf = (url: string) => url.replace(/:(\w+)/g, 'x1').replace(/\*$/, 'x');
let address = 0;
/** Each client its own address, so the brute-force limit of one test does not spill into another. */
const inject = (method: string, url: string, headers: Record<string, string> = {}) =>
  server.app.inject({ method: method as 'GET', url, headers, remoteAddress: `10.9.${Math.floor(++address / 250)}.${address % 250}`, ...(method === 'POST' && { payload: {} }) });

describe('every route of the app is covered', () => {
  it('the route table was read, and every route without a scope is a known public one', () => {
    expect(routes.length).toBeGreaterThan(20);
    const unscoped = routes.filter((r) => r.scope === undefined && !isDocs(r.url)).map((r) => `${r.method} ${r.url}`);
    expect(unscoped.filter((r) => !PUBLIC.has(r))).toEqual([]);
    expect(routes.some((r) => r.scope === 'admin')).toBe(true);
  });

  it('no token → 401 API_UNAUTHORIZED with WWW-Authenticate, on every route that needs one', async () => {
    const scoped = routes.filter((r) => r.scope !== undefined && r.method !== 'HEAD');
    for (const r of scoped) {
      const res = await inject(r.method, pathOf(r.url));
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json().error, `${r.method} ${r.url}`).toBe('API_UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('an unknown, a malformed, an empty or a very long token → 401, never a 500', async () => {
    const r = routes.find((x) => x.scope === 'read' && x.method === 'GET')!;
    for (const authorization of [`Bearer ${READ}x`, `Bearer ${READ.slice(0, -1)}`, 'Bearer', `Basic ${Buffer.from(`u:${READ}`).toString('base64')}`, `Bearer ${'z'.repeat(10_000)}`, `Bearer ${READ} extra`]) {
      const res = await inject('GET', pathOf(r.url), { authorization });
      expect(res.statusCode, authorization.slice(0, 40)).toBe(401);
    }
  });

  it('a read token on every admin route → 403 API_FORBIDDEN', async () => {
    const admin = routes.filter((r) => r.scope === 'admin' && r.method !== 'HEAD');
    expect(admin.length).toBeGreaterThan(0);
    for (const r of admin) {
      const res = await inject(r.method, pathOf(r.url), { authorization: `Bearer ${READ}` });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json().error).toBe('API_FORBIDDEN');
    }
  });

  it('the right tokens get past the gate (a read route with read, an admin route with admin)', async () => {
    const read = await inject('GET', '/api/brands', { authorization: `Bearer ${READ}` });
    expect(read.statusCode).toBe(200);
    const admin = routes.find((r) => r.scope === 'admin' && r.method === 'GET')!;
    const res = await inject('GET', pathOf(admin.url), { authorization: `Bearer ${ADMIN}` });
    expect([401, 403, 429]).not.toContain(res.statusCode);
  });
});

describe('token comparison and logs', () => {
  it('compares with timingSafeEqual on equal-length digests, every known token each time', async () => {
    compared.calls.length = 0;
    await inject('GET', '/api/brands', { authorization: `Bearer ${'q'.repeat(500)}` });
    await inject('GET', '/api/brands', { authorization: 'Bearer x' });
    await inject('GET', '/api/brands', { authorization: `Bearer ${ADMIN}` });
    // Two tokens configured: two comparisons per request, all of 32-byte SHA-256 digests.
    expect(compared.calls).toHaveLength(6);
    expect(compared.calls.every(([a, b]) => a === 32 && b === 32)).toBe(true);
  });

  it('no log line holds a token, whatever the request did (401, 403, 200, 404, a token in the query)', async () => {
    await inject('GET', '/api/brands', { authorization: `Bearer ${ADMIN}` });
    await inject('GET', '/api/mentions/export', { authorization: `Bearer ${READ}` });
    await inject('GET', `/api/brands?token=${ADMIN}`, { authorization: `Bearer ${ADMIN}wrong` });
    await inject('GET', `/api/nothing-here?token=${READ}`, { authorization: `Bearer ${READ}` });
    await inject('GET', `/?token=${ADMIN}`);
    expect(logLines.length, 'the access log was captured').toBeGreaterThan(3);
    const all = logLines.join('');
    for (const secret of [READ, ADMIN, READ.slice(5), ADMIN.slice(6)]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/authorization/i);
  });
});

describe('brute force', () => {
  it('past 5 failed authentications a minute, the address gets 429 with Retry-After — even with the right token — and others do not', async () => {
    const attacker = { remoteAddress: '10.66.0.1' };
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await server.app.inject({ method: 'GET', url: '/api/brands', headers: { authorization: `Bearer guess-${i}-000000000000` }, ...attacker });
      codes.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.json().error).toBe('API_AUTH_RATE_LIMITED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const lucky = await server.app.inject({ method: 'GET', url: '/api/brands', headers: { authorization: `Bearer ${READ}` }, ...attacker });
    expect(lucky.statusCode).toBe(429);
    const other = await server.app.inject({ method: 'GET', url: '/api/brands', headers: { authorization: `Bearer ${READ}` }, remoteAddress: '10.66.0.2' });
    expect(other.statusCode).toBe(200);
  });

  it('successful requests count nothing', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await server.app.inject({ method: 'GET', url: '/api/brands', headers: { authorization: `Bearer ${READ}` }, remoteAddress: '10.66.0.3' });
      expect(res.statusCode).toBe(200);
    }
  });
});
