// écoute's HTTP server: one fastify instance on `http.host`:`http.port`, to which components add
// their routes as fastify plugins (the webhook connector mounts POST /ingest/:source; the API and
// dashboard will mount theirs). Every error answer is JSON `{ error, reason }` with a catalogued code
// (errors.ts): never a stack, never a request header (they may carry signatures or tokens) in a log
// or an answer.
import { fastify, type FastifyError, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { EcouteError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { HttpError, pathOf, sendError, toHttpError } from './errors.js';

export interface HttpServerOptions {
  /** Interface to listen on; 127.0.0.1 keeps it local, 0.0.0.0 or :: opens it to the network. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  log: Logger;
  /** A request (headers and body) must arrive within this; guards against slow senders holding sockets. */
  requestTimeoutMs?: number;
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
    sendError(reply, new HttpError(404, 'HTTP_NOT_FOUND', `no route ${request.method} ${pathOf(request.url)}`)),
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
