import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeHttpAgents, HttpClient, HttpError } from '../../src/connectors/http/index.js';
import { RateLimitedError, Scheduler } from '../../src/connectors/scheduler.js';
import { startServer, waitFor, type TestServer } from '../helpers/connectors.js';

const client = new HttpClient({ allowPrivateNetworks: true, timeoutMs: 5000 });

describe('scheduler', () => {
  let server: TestServer;
  let slow: TestServer;
  let counts: Record<string, number>;
  let releaseSlow: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (releaseSlow = resolve));

  beforeAll(async () => {
    counts = {};
    server = await startServer((req) => {
      const n = (counts[req.path] = (counts[req.path] ?? 0) + 1);
      switch (req.path) {
        case '/flaky':
          return n === 1 ? { status: 500, body: 'boom' } : { body: { ok: n } };
        case '/limited':
          return n === 1 ? { status: 429, headers: { 'retry-after': '0' }, body: 'slow down' } : { body: { ok: n } };
        case '/limited-long':
          return { status: 429, headers: { 'retry-after': '3600' }, body: 'come back in an hour' };
        case '/limited-date':
          return n === 1 ? { status: 503, headers: { 'retry-after': new Date(Date.now() - 1000).toUTCString() } } : { body: { ok: n } };
        case '/missing':
          return { status: 404, body: 'no such thing' };
        case '/forbidden':
          return { status: 403, body: 'no' };
        default:
          return { body: { ok: true } };
      }
    });
    slow = await startServer(async () => {
      await gate;
      return { body: { slow: true } };
    });
  });
  afterAll(async () => {
    releaseSlow();
    await server.close();
    await slow.close();
    await closeHttpAgents();
  });

  const host = () => new URL(server.url).host;
  const get = (scheduler: Scheduler, path: string, onRetry?: (info: { waitMs: number }) => void) =>
    scheduler.run(host(), () => client.request(`${server.url}${path}`), onRetry ? { onRetry } : {});

  it('retries a 500 and succeeds', async () => {
    const scheduler = new Scheduler({ retry: { minBackoffMs: 1, maxBackoffMs: 5 } });
    const response = await get(scheduler, '/flaky');
    expect(JSON.parse(response.text)).toEqual({ ok: 2 });
  });

  it('does not retry a 4xx other than 429', async () => {
    const scheduler = new Scheduler({ retry: { minBackoffMs: 1, maxBackoffMs: 5 } });
    await expect(get(scheduler, '/missing')).rejects.toThrow(/HTTP 404 Not Found — no such thing/);
    await expect(get(scheduler, '/forbidden')).rejects.toBeInstanceOf(HttpError);
    expect(counts['/missing']).toBe(1);
    expect(counts['/forbidden']).toBe(1);
  });

  it('honours Retry-After on a 429 instead of its own back-off', async () => {
    // A back-off of a minute would time the test out: only the server's 0 s lets it pass.
    const scheduler = new Scheduler({ retry: { minBackoffMs: 60_000, maxBackoffMs: 60_000 } });
    const waits: number[] = [];
    const response = await get(scheduler, '/limited', ({ waitMs }) => waits.push(waitMs));
    expect(JSON.parse(response.text)).toEqual({ ok: 2 });
    expect(waits).toEqual([0]);
  });

  it('reads Retry-After as an HTTP date too', async () => {
    const scheduler = new Scheduler({ retry: { minBackoffMs: 60_000, maxBackoffMs: 60_000 } });
    const waits: number[] = [];
    await get(scheduler, '/limited-date', ({ waitMs }) => waits.push(waitMs));
    expect(waits).toEqual([0]);
  });

  it('gives up on a long Retry-After with the time to come back, and pauses the host', async () => {
    const scheduler = new Scheduler({ retry: { minBackoffMs: 1, maxRetryWaitMs: 1000 } });
    const before = Date.now();
    const error = (await get(scheduler, '/limited-long').catch((e: unknown) => e)) as RateLimitedError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.until).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(error.message).toMatch(/^127\.0\.0\.1:\d+ asked to wait until .* \(rate limited\)$/);
    expect(scheduler.pausedUntil(host())).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(counts['/limited-long']).toBe(1);
  });

  it('a slow host never delays another one', async () => {
    const scheduler = new Scheduler();
    const slowHost = new URL(slow.url).host;
    scheduler.register(slowHost, { concurrency: 1, interval_cap: 100, interval_ms: 1000 });
    const stuck = scheduler.run(slowHost, () => client.request(`${slow.url}/`));
    const queuedBehind = scheduler.run(slowHost, () => client.request(`${slow.url}/`));
    await waitFor(() => slow.requests.length === 1);
    // The other host answers while the slow one holds its only slot.
    const other = await get(scheduler, '/fast');
    expect(JSON.parse(other.text)).toEqual({ ok: true });
    expect(slow.requests).toHaveLength(1);
    releaseSlow();
    await stuck;
    await queuedBehind;
    expect(slow.requests).toHaveLength(2);
  });

  it('keeps the strictest limits when two connectors share a host', () => {
    const scheduler = new Scheduler();
    scheduler.register('example.com', { concurrency: 4, interval_cap: 100, interval_ms: 60_000 });
    scheduler.register('example.com', { concurrency: 1, interval_cap: 10, interval_ms: 60_000 });
    scheduler.register('example.com', { concurrency: 2, interval_cap: 50, interval_ms: 60_000 });
    const limit = (scheduler as unknown as { hosts: Map<string, { limit: unknown }> }).hosts.get('example.com')?.limit;
    expect(limit).toEqual({ concurrency: 1, interval_cap: 10, interval_ms: 60_000 });
  });

  it('backs off exponentially with jitter, capped', () => {
    const low = new Scheduler({ retry: { minBackoffMs: 100, maxBackoffMs: 1000 }, random: () => 0 });
    const high = new Scheduler({ retry: { minBackoffMs: 100, maxBackoffMs: 1000 }, random: () => 1 });
    expect([1, 2, 3, 4, 5].map((a) => low.backoff(a))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((a) => high.backoff(a))).toEqual([100, 200, 400, 800, 1000]);
  });
});
