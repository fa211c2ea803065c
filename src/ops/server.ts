// Where operators read a process: GET /metrics (Prometheus text format) on the API host, and a
// small server of its own for each worker (`ecoute worker … --metrics-port`, ops.metrics_port)
// with /metrics, /healthz and /readyz.
//
// /metrics is open, as Prometheus exporters usually are (it carries no secret, no mention text and
// no author), unless ops.metrics_token_env / _file is set: then it needs `Authorization: Bearer`
// with that token (Prometheus: `authorization: { credentials_file: … }`), compared in constant time.
// The API's own tokens are not asked for: a scraper should not hold a token that reads mentions.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { readSecret, type Secret } from '../core/config/secret.js';
import type { Logger } from '../core/log.js';
import { HttpError } from '../http/errors.js';
import { createHttpServer, type HttpServer } from '../http/server.js';
import type { OpsConfig } from './config.js';
import { registry } from './metrics.js';
import { assertReady, type ReadinessDeps } from './readiness.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The token of /metrics from the config, if one is set (read now: a missing one stops the start). */
export function metricsToken(ops: OpsConfig | undefined): Secret | undefined {
  return ops ? readSecret(ops, 'metrics_token') : undefined;
}

/** GET /metrics. */
export function metricsPlugin(token?: Secret): FastifyPluginAsync {
  const expected = token ? digest(token.reveal()) : undefined;
  return async (app: FastifyInstance) => {
    app.get('/metrics', async (request, reply) => {
      if (expected) {
        const given = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? '';
        if (!timingSafeEqual(digest(given), expected)) {
          throw new HttpError(401, 'API_UNAUTHORIZED', '/metrics needs Authorization: Bearer <ops.metrics_token>', { headers: { 'www-authenticate': 'Bearer' } });
        }
      }
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    });
  };
}

/** /healthz and /readyz, for the workers' metrics server (the API host has its own, in src/api). */
export function healthPlugin(deps: ReadinessDeps): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/healthz', async () => ({ ok: true }));
    app.get('/readyz', async () => {
      try {
        await assertReady(deps);
      } catch (error) {
        throw new HttpError(503, 'API_NOT_READY', `not ready: ${(error as Error).message}`, { cause: error });
      }
      return { ok: true };
    });
  };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** A worker's metrics server on `host`:`port` (0: a free port); resolves once it listens. */
export async function startMetricsServer(options: { host: string; port: number; ops: OpsConfig; readiness: ReadinessDeps; log: Logger }): Promise<MetricsServer> {
  const server: HttpServer = createHttpServer({ host: options.host, port: options.port, log: options.log });
  server.register(metricsPlugin(metricsToken(options.ops)));
  server.register(healthPlugin(options.readiness));
  const url = await server.listen();
  return { url, close: () => server.close() };
}
