// POST /ingest/:source on écoute's HTTP server: one route for every webhook connector, each
// connector an endpoint keyed by its source. The route keeps the body as raw bytes (the signature
// is over them), checks what it can before reading the body (known source, size, capacity), and
// answers every error as JSON { error, reason }.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, sendError, toHttpError } from '../../http/errors.js';
import type { HttpServer } from '../../http/server.js';
import { EcouteError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';

export interface WebhookEndpoint {
  readonly source: string;
  readonly maxBodyBytes: number;
  /** Before the body is read: throws 503 when this source is at capacity or stopping; returns the release. */
  admit(): () => void;
  /** Handles a request whose body arrived; resolves with the answer, throws an HttpError otherwise. */
  handle(request: FastifyRequest, raw: Buffer): Promise<{ statusCode: number; body: Record<string, unknown> }>;
  /** Tells the endpoint an error answer was sent, for its log and status. */
  refused(error: HttpError, request: FastifyRequest): void;
}

interface Mount {
  endpoints: Map<string, WebhookEndpoint>;
  /** Set once the routes are built (the server is starting): endpoints can no longer be added. */
  built: boolean;
}

const mounts = new WeakMap<HttpServer, Mount>();

/** Adds a source to the server's /ingest route (registering the route with the first). Returns the unmount. */
export function mountWebhook(server: HttpServer, endpoint: WebhookEndpoint, log: Logger): () => void {
  let mount = mounts.get(server);
  if (!mount) {
    const created: Mount = { endpoints: new Map(), built: false };
    mount = created;
    mounts.set(server, created);
    server.register(async (app) => routes(app, created, log));
  }
  if (mount.built) throw new EcouteError('CONFIG_INVALID', `webhook "${endpoint.source}": webhook connectors must be created before the HTTP server starts`);
  if (mount.endpoints.has(endpoint.source)) {
    throw new EcouteError('CONFIG_INVALID', `webhook "${endpoint.source}": two webhook connectors have the source "${endpoint.source}"; each source needs its own (and its own secret)`);
  }
  mount.endpoints.set(endpoint.source, endpoint);
  const current = mount;
  return () => {
    if (current.endpoints.get(endpoint.source) === endpoint) current.endpoints.delete(endpoint.source);
  };
}

type App = HttpServer['app'];

async function routes(app: App, mount: Mount, log: Logger): Promise<void> {
  mount.built = true;
  const endpoints = mount.endpoints;
  // The route's limit is the largest of the sources'; each source's own limit is checked too.
  const bodyLimit = Math.max(1, ...[...endpoints.values()].map((e) => e.maxBodyBytes));

  // Only JSON, kept as the raw bytes the signature covers (parsed after the signature is checked).
  app.removeAllContentTypeParsers();
  const keepRaw = (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      done(new HttpError(415, 'WEBHOOK_NOT_JSON', `the body must be UTF-8 JSON; got charset=${charset}`));
      return;
    }
    done(null, body);
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, keepRaw);
  app.addContentTypeParser(/^application\/[\w.-]+\+json$/, { parseAs: 'buffer' }, keepRaw);

  app.setErrorHandler((error, request, reply) => {
    const source = sourceOf(request);
    const endpoint = source === undefined ? undefined : endpoints.get(source);
    const answer = webhookError(error, request, endpoint, log);
    endpoint?.refused(answer, request);
    return sendError(reply, answer);
  });

  app.route({
    method: 'POST',
    url: '/ingest/:source',
    bodyLimit,
    onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
      const endpoint = endpointFor(endpoints, request);
      const declared = Number(request.headers['content-length']);
      if (declared > endpoint.maxBodyBytes) throw tooLarge(endpoint);
      const release = endpoint.admit();
      reply.raw.once('close', release);
    },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const endpoint = endpointFor(endpoints, request);
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (raw.length > endpoint.maxBodyBytes) throw tooLarge(endpoint);
      const answer = await endpoint.handle(request, raw);
      return reply.code(answer.statusCode).type('application/json; charset=utf-8').send(answer.body);
    },
  });

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/ingest/:source',
    handler: async (request, reply) =>
      sendError(reply, new HttpError(405, 'HTTP_METHOD_NOT_ALLOWED', `${request.method} is not allowed here: POST mentions to /ingest/<source>`, { headers: { allow: 'POST' } })),
  });
}

function sourceOf(request: FastifyRequest): string | undefined {
  return (request.params as { source?: string } | undefined)?.source;
}

function endpointFor(endpoints: Map<string, WebhookEndpoint>, request: FastifyRequest): WebhookEndpoint {
  const source = sourceOf(request) ?? '';
  const endpoint = endpoints.get(source);
  if (!endpoint) {
    throw new HttpError(
      404,
      'WEBHOOK_UNKNOWN_SOURCE',
      `no webhook source ${JSON.stringify(source)}: add { type: webhook, source: ${/^[a-z0-9][a-z0-9_-]*$/.test(source) ? source : '<source>'} } to the connectors of the écoute config`,
    );
  }
  return endpoint;
}

function tooLarge(endpoint: WebhookEndpoint): HttpError {
  return new HttpError(
    413,
    'WEBHOOK_TOO_LARGE',
    `the body is larger than ${endpoint.maxBodyBytes} bytes, the max_body_bytes of source "${endpoint.source}": send fewer mentions per request`,
  );
}

/** fastify's own errors on this route, in the webhook's words. */
function webhookError(error: unknown, request: FastifyRequest, endpoint: WebhookEndpoint | undefined, log: Logger): HttpError {
  if (error instanceof HttpError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' && endpoint) return tooLarge(endpoint);
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const given = request.headers['content-type'];
    return new HttpError(415, 'WEBHOOK_NOT_JSON', `Content-Type must be application/json; got ${given === undefined ? 'none' : JSON.stringify(given.slice(0, 100))}`);
  }
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return new HttpError(400, 'WEBHOOK_BAD_JSON', 'the body length differs from Content-Length');
  return toHttpError(error, request, log);
}
