// écoute's HTTP server: one fastify instance on `http.host`:`http.port`, to which components add
// their routes as fastify plugins (the webhook connector mounts POST /ingest/:source; the API and
// dashboard will mount theirs). Every error answer is JSON `{ error, reason }` with a stable code:
// never a stack, never a request header (they may carry signatures or tokens) in a log or an answer.
import { fastify, type FastifyError, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import { EcouteError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';

export interface HttpServerOptions {
  /** Interface to listen on; 127.0.0.1 keeps it local, 0.0.0.0 or :: opens it to the network. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  log: Logger;
  /** A request (headers and body) must arrive within this; guards against slow senders holding sockets. */
  requestTimeoutMs?: number;
}

/** An error answer: the status, a stable code, and a reason a sender's operator can act on. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly reason: string,
    readonly extra: { headers?: Record<string, string>; body?: Record<string, unknown> } = {},
  ) {
    super(reason);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error: string;
  reason: string;
  [key: string]: unknown;
}

export interface HttpServer {
  /** The fastify instance, for `inject` in tests; add routes with `register`. */
  readonly app: FastifyInstance;
  /** Adds routes in their own encapsulated context (their content-type parsers, hooks and error handler stay theirs). Before `listen`. */
  register(plugin: FastifyPluginAsync): void;
  /** Starts listening; resolves with the base URL, e.g. http://127.0.0.1:8080. */
  listen(): Promise<string>;
  /** Where it listens, once listening. */
  address(): { host: string; port: number } | undefined;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { log } = options;
  const app = fastify({
    // Our own logger, with our own access line (debug): fastify's would log request headers on errors.
    logger: false,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    // On close: idle keep-alive sockets are closed at once, requests arriving meanwhile get 503.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Route-level limits (the webhook's max_body_bytes) decide; this is the default for other routes.
    bodyLimit: 1024 * 1024,
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => sendError(reply, toHttpError(error, request, log)));
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new HttpError(404, 'NOT_FOUND', `no route ${request.method} ${pathOf(request.url)}`)),
  );
  app.addHook('onResponse', async (request, reply) => {
    log.debug(`${request.method} ${pathOf(request.url)} ${reply.statusCode}`, { ms: Math.round(reply.elapsedTime), ip: request.ip });
  });

  let listening: { host: string; port: number } | undefined;
  return {
    app,
    register(plugin) {
      void app.register(plugin);
    },
    async listen() {
      try {
        await app.listen({ host: options.host, port: options.port });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
          throw new EcouteError(
            'CONFIG_INVALID',
            `the HTTP server cannot listen on ${options.host}:${options.port} (${code === 'EADDRINUSE' ? 'port in use' : code === 'EACCES' ? 'permission denied' : 'no such address here'}): change http.host / http.port in the config`,
            { cause: error },
          );
        }
        throw error;
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      listening = { host: options.host, port };
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      return `http://${host}:${port}`;
    },
    address: () => listening,
    async close() {
      await app.close();
      listening = undefined;
    },
  };
}

/** Sends an error answer in the one shape every route uses. */
export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  if (error.extra.headers) void reply.headers(error.extra.headers);
  const body: ErrorBody = { error: error.code, reason: error.reason, ...error.extra.body };
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(body);
}

/** Turns anything thrown in a route into an HttpError; unexpected errors become a 500 without details. */
export function toHttpError(error: unknown, request: FastifyRequest, log: Logger): HttpError {
  if (error instanceof HttpError) return error;
  const e = error as Partial<FastifyError>;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // fastify's own client errors (bad Content-Length, unsupported media type, body too large, ...):
    // their messages name the problem and hold nothing from the request.
    return new HttpError(e.statusCode, e.code ?? 'BAD_REQUEST', e.message ?? 'bad request');
  }
  log.error(`${request.method} ${pathOf(request.url)}: ${errorMessage(error)}`, e.code ? { code: e.code } : undefined);
  return new HttpError(500, 'INTERNAL', 'internal error; the écoute log says more');
}

/** The path without the query string (which could carry tokens). */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
