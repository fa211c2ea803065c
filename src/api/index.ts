// The HTTP API as one fastify plugin, mounted on the host (src/http/server.ts) by the composition
// root: /api/... (bearer token), /healthz and /readyz, /docs and /openapi.json, and the dashboard.
// Validation is ours (zod, params.ts) so that a bad parameter is a 400 naming it: fastify's own
// validator is switched off here, the JSON Schemas serve the OpenAPI document only.
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { HttpError } from '../http/errors.js';
import { authGate } from './auth-limit.js';
import type { ApiDeps } from './context.js';
import { handleApiError } from './errors.js';
import { registerOpenApi } from './openapi.js';
import { alertRoutes } from './routes/alerts.js';
import { brandRoutes } from './routes/brands.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes } from './routes/health.js';
import { imageRoutes } from './routes/image.js';
import { mentionRoutes } from './routes/mentions.js';
import { queryRoutes } from './routes/query.js';
import { alertsBacktestRoutes } from './routes/alerts-backtest.js';
import { reportRoutes } from './routes/report.js';
import { privacyRoutes } from './routes/privacy.js';

export type { ApiDeps } from './context.js';
export { loadTokens, TOKEN_FILE, type ApiTokens } from './auth.js';

export function apiPlugin(deps: ApiDeps, version = '0.1.0'): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.setValidatorCompiler(() => () => true);
    app.setErrorHandler(handleApiError(deps.log));
    await app.register(rateLimit, {
      max: deps.rateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) =>
        new HttpError(429, 'API_RATE_LIMITED', `more than ${context.max} requests a minute from this address; try again in ${Math.ceil(context.ttl / 1000)} s`, {
          headers: { 'retry-after': String(Math.ceil(context.ttl / 1000)) },
        }),
    });
    await app.register(fastifyStatic, { serve: false, root: process.cwd() });
    // Security headers on every answer of the API and the page; no CORS header is ever sent, so a
    // page of another origin cannot read the API (CORS stays closed).
    app.addHook('onSend', async (_request, reply) => {
      void reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY');
    });
    // The token is checked before anything is read, on every route that declares a scope; failed
    // attempts are rate-limited per address (issue 14, security: auth-limit.ts).
    const gate = authGate(app, deps.tokens, deps.authFailuresPerMinute ?? 10);
    app.addHook('onRequest', async (request) => {
      const scope = request.routeOptions.config.scope;
      if (scope !== undefined) await gate(request, scope);
    });
    await registerOpenApi(app, version);
    await healthRoutes(app, deps);
    await brandRoutes(app, deps);
    await imageRoutes(app, deps);
    await mentionRoutes(app, deps);
    await queryRoutes(app, deps);
    await reportRoutes(app, deps);
    await alertRoutes(app, deps);
    await alertsBacktestRoutes(app, deps);
    await dashboardRoutes(app, deps);
    // Issue 14, privacy part.
    await privacyRoutes(app, deps);
  };
}
