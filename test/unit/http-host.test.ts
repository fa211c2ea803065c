// The shared HTTP host (src/http): every error answer, whoever raises it (a route, fastify itself, a
// path with no route, an unexpected failure), is JSON { error, reason } whose `error` is a code of
// the one catalogue, and the error type routes throw is an EcouteError with that code's retriable.
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { EcouteError, ERROR_CODES } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/log.js';
import { HttpError } from '../../src/http/errors.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';

const logs: string[] = [];
const log = createLogger(
  {},
  new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  }),
);

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  logs.length = 0;
});

async function host(): Promise<HttpServer> {
  server = createHttpServer({ host: '127.0.0.1', port: 0, log });
  server.register(async (app) => {
    app.post('/echo', { bodyLimit: 64 }, async (request) => ({ got: request.body }));
    app.get('/boom', async () => {
      throw new Error('the disk at /var/lib/secret-path is full');
    });
    app.get('/busy', async () => {
      throw new HttpError(503, 'WEBHOOK_BUSY', 'try again', { headers: { 'retry-after': '3' }, body: { queued: 7 } });
    });
  });
  await server.app.ready();
  return server;
}

async function answer(s: HttpServer, options: InjectOptions) {
  const res = await s.app.inject(options);
  return { statusCode: res.statusCode, headers: res.headers, json: JSON.parse(res.body) as Record<string, unknown> };
}

describe('HTTP host: error answers carry catalogued codes', () => {
  it.each<{ what: string; request: InjectOptions; status: number; code: keyof typeof ERROR_CODES }>([
    { what: 'a path with no route', request: { method: 'GET', url: '/nowhere?token=abc' }, status: 404, code: 'HTTP_NOT_FOUND' },
    { what: 'a body over the route limit', request: { method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ t: 'x'.repeat(200) }) }, status: 413, code: 'HTTP_TOO_LARGE' },
    { what: 'a content type no parser takes', request: { method: 'POST', url: '/echo', headers: { 'content-type': 'text/xml' }, payload: '<a/>' }, status: 415, code: 'HTTP_UNSUPPORTED_MEDIA_TYPE' },
    { what: 'a body that is not JSON', request: { method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{nope' }, status: 400, code: 'HTTP_BAD_REQUEST' },
    { what: 'an unexpected failure', request: { method: 'GET', url: '/boom' }, status: 500, code: 'HTTP_INTERNAL' },
  ])('$what: $status $code', async ({ request, status, code }) => {
    const s = await host();
    const res = await answer(s, request);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json).toEqual({ error: code, reason: expect.any(String) });
    expect(Object.keys(ERROR_CODES)).toContain(res.json.error);
    expect(ERROR_CODES[code].stage).toBe('http');
  });

  it('a 404 names the path without its query string; a 500 says nothing of the failure but logs it', async () => {
    const s = await host();
    expect((await answer(s, { method: 'GET', url: '/nowhere?token=abc' })).json.reason).toBe('no route GET /nowhere');
    const boom = await answer(s, { method: 'GET', url: '/boom' });
    expect(boom.json.reason).not.toMatch(/disk|secret-path/);
    expect(logs.join('')).toContain('GET /boom: the disk at /var/lib/secret-path is full');
  });

  it("a route's HttpError is answered as thrown: its status, code, headers and extra fields", async () => {
    const s = await host();
    const res = await answer(s, { method: 'GET', url: '/busy' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.json).toEqual({ error: 'WEBHOOK_BUSY', reason: 'try again', queued: 7 });
  });
});

describe('HttpError', () => {
  it('is an EcouteError: a catalogued code, its stage and retriable, the reason as message', () => {
    const busy = new HttpError(503, 'WEBHOOK_BUSY', 'at capacity');
    expect(busy).toBeInstanceOf(EcouteError);
    expect(busy).toMatchObject({ name: 'HttpError', statusCode: 503, code: 'WEBHOOK_BUSY', stage: 'connector', retriable: true, reason: 'at capacity', message: 'at capacity' });
    const internal = new HttpError(500, 'HTTP_INTERNAL', 'internal error');
    expect(internal.retriable).toBe(ERROR_CODES.HTTP_INTERNAL.retriable);
    expect(new HttpError(404, 'HTTP_NOT_FOUND', 'no route').retriable).toBe(false);
    expect(new HttpError(503, 'BUS_UNAVAILABLE', 'later', { retriable: false }).retriable).toBe(false);
  });
});
