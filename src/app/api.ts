// Builds the HTTP API from a runtime and mounts it on the HTTP host: the tokens (configured, or the
// one écoute makes under data_dir), the readiness probe of the bus and the store, the brands.
import { apiPlugin, loadTokens, type ApiTokens } from '../api/index.js';
// Operations (issue 14, ops14): readiness (bus, store, stuck consumers) and /metrics.
import { assertReady } from '../ops/readiness.js';
import { metricsPlugin, metricsToken } from '../ops/server.js';
import type { Logger } from '../core/log.js';
import type { HttpServer } from '../http/server.js';
import type { Runtime } from './runtime.js';
import { privacyApi } from './privacy.js';

export type ApiRuntime = Pick<Runtime, 'config' | 'dataDir' | 'store'> & { bus?: Runtime['bus']; alertStore?: Runtime['alertStore']; privacy?: Runtime['privacy']; authorKeySecret?: string };

/** Mounts the API on `server` (before it listens); returns the tokens, with the generated one if any. */
export function mountApi(server: HttpServer, runtime: ApiRuntime, log: Logger): ApiTokens {
  const { config } = runtime;
  const tokens = loadTokens(config.api, runtime.dataDir);
  server.register(
    apiPlugin({
      store: runtime.store,
      ...(runtime.alertStore && { alertStore: runtime.alertStore }),
      // Privacy (issue 14, H4): with the whole runtime only (erasing needs the bus and the alert store).
      ...privacyApi(runtime),
      brands: config.brands,
      tokens: tokens.tokens,
      rateLimitPerMinute: config.api.rate_limit_per_minute,
      authFailuresPerMinute: config.api.auth_failures_per_minute,
      log,
      ready: () => assertReady({ bus: runtime.bus, store: runtime.store, timeoutMs: config.ops?.ready_timeout_ms }),
    }),
  );
  server.register(metricsPlugin(metricsToken(config.ops)));
  return tokens;
}

/** The URL that opens the dashboard with its token (only for the token écoute made itself). */
export function dashboardUrl(baseUrl: string, tokens: ApiTokens): string {
  return tokens.generated ? `${baseUrl}/?token=${encodeURIComponent(tokens.generated.value)}` : `${baseUrl}/`;
}
