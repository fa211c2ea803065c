// Builds the HTTP API from a runtime and mounts it on the HTTP host: the tokens (configured, or the
// one écoute makes under data_dir), the readiness probe of the bus and the store, the brands.
import { apiPlugin, loadTokens, type ApiTokens } from '../api/index.js';
import { EcouteError, errorMessage, isEcouteError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { HttpServer } from '../http/server.js';
import type { Runtime } from './runtime.js';

const READY_TIMEOUT_MS = 3000;

/** Rejects when `work` fails or takes longer than the timeout; the reason names `what`, not internals. */
async function probe(what: string, work: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new EcouteError('API_NOT_READY', `no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    throw new EcouteError('API_NOT_READY', `the ${what} does not answer (${isEcouteError(error) && error.code !== 'API_NOT_READY' ? error.code : errorMessage(error).slice(0, 120)})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

export type ApiRuntime = Pick<Runtime, 'config' | 'dataDir' | 'store'> & { bus?: Runtime['bus']; alertStore?: Runtime['alertStore'] };

/** Mounts the API on `server` (before it listens); returns the tokens, with the generated one if any. */
export function mountApi(server: HttpServer, runtime: ApiRuntime, log: Logger): ApiTokens {
  const { config } = runtime;
  const tokens = loadTokens(config.api, runtime.dataDir);
  server.register(
    apiPlugin({
      store: runtime.store,
      ...(runtime.alertStore && { alertStore: runtime.alertStore }),
      brands: config.brands,
      tokens: tokens.tokens,
      rateLimitPerMinute: config.api.rate_limit_per_minute,
      authFailuresPerMinute: config.api.auth_failures_per_minute,
      log,
      async ready() {
        const bus = runtime.bus;
        await Promise.all([
          probe('store', () => runtime.store.count({})),
          ...(bus ? [probe('bus', () => bus.endOffsets('mentions.raw'))] : []),
        ]);
      },
    }),
  );
  return tokens;
}

/** The URL that opens the dashboard with its token (only for the token écoute made itself). */
export function dashboardUrl(baseUrl: string, tokens: ApiTokens): string {
  return tokens.generated ? `${baseUrl}/?token=${encodeURIComponent(tokens.generated.value)}` : `${baseUrl}/`;
}
