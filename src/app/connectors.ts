// Starts the configured connectors and the HTTP server: the API and the dashboard (unless `api` is
// false) and the push connectors (webhooks) mount their routes on it, and it listens only once they
// all did. With neither, no port is opened.
import { createHttpServer, type HttpServer } from '../http/server.js';
import { createConnector, isPushConnector } from '../connectors/registry.js';
import type { RunningConnector } from '../connectors/types.js';
import type { Logger } from '../core/log.js';
import type { ApiTokens } from '../api/index.js';
import { dashboardUrl, mountApi } from './api.js';
import type { Runtime } from './runtime.js';
import { watchConnectors } from '../ops/metrics.js'; // Operations (issue 14, ops14)
import { backpressuredBus } from '../connectors/backpressure.js'; // issue 15 (threads15)
import { pipelineBackpressure } from './backpressure.js'; // issue 15 (threads15)

export interface RunningSources {
  connectors: RunningConnector[];
  /** The dashboard's URL (with the generated token, if écoute made one), when the API runs. */
  dashboardUrl?: string;
  /** Stops the HTTP server first (no new request while the rest drains), then each connector. */
  stop(): Promise<void>;
}

export async function startSources(runtime: Runtime, log: Logger, options: { api?: boolean } = {}): Promise<RunningSources> {
  const { config } = runtime;
  const configured = config.connectors;
  const withApi = options.api ?? true;
  const httpServer: HttpServer | undefined =
    withApi || configured.some(isPushConnector)
      ? createHttpServer({ host: config.http.host, port: config.http.port, requestTimeoutMs: config.http.request_timeout_ms, log })
      : undefined;
  let tokens: ApiTokens | undefined;
  let url: string | undefined;
  const connectors: RunningConnector[] = [];
  const stopConnectors = async () => {
    for (const connector of connectors) {
      await connector.stop().catch((error: unknown) => log.warn(`${connector.name}: ${String(error)}`));
    }
  };
  try {
    if (httpServer && withApi) tokens = mountApi(httpServer, runtime, log);
    // Issue 15: past backpressure.max_lag_records, pull sources wait and webhooks answer 503, on either
    // bus (embedded: two reads of the bus file; Kafka: the stages' groups' committed and end offsets,
    // two admin requests per topic at most every check_interval_ms, from whichever process runs the
    // connectors, so a webhook beside remote workers feels their lag).
    const backpressure = pipelineBackpressure(runtime.bus, config.backpressure);
    const bus = backpressuredBus(runtime.bus, backpressure); // for the pull sources
    for (const c of configured) {
      // Pull sources publish through the backpressured bus (they wait); a push connector (the webhook)
      // answers 503 at admission instead, so its writes must never wait for the lag to drop: a request
      // admitted on a lag read slightly stale would otherwise hang until its bus deadline.
      connectors.push(createConnector(c, { bus: isPushConnector(c) ? runtime.bus : bus, backpressure, cursors: runtime.cursors, statusStore: runtime.statusStore, log, httpServer, dataDir: runtime.dataDir }));
    }
    if (httpServer) {
      url = await httpServer.listen();
      const sources = configured.flatMap((c) => (c.type === 'webhook' ? [c.source] : []));
      log.info(
        // The address comes first and is followed by "; " (docs/webhook.md shows this line; scripts read it).
        [
          `HTTP server listening on ${url}`,
          ...(sources.length > 0 ? [`webhooks: ${sources.map((s) => `POST ${url}/ingest/${s}`).join(', ')}`] : []),
          ...(tokens ? [`API: ${url}/api, docs: ${url}/docs`] : []),
        ].join('; '),
      );
    }
  } catch (error) {
    await httpServer?.close();
    await stopConnectors();
    throw error;
  }
  const unwatch = watchConnectors(connectors);
  return {
    connectors,
    ...(url !== undefined && tokens !== undefined && { dashboardUrl: dashboardUrl(url, tokens) }),
    async stop() {
      // The requests in flight finish their bus writes (and get their 202) before the bus closes.
      await httpServer?.close().catch((error: unknown) => log.warn(`HTTP server: ${String(error)}`));
      await stopConnectors();
      unwatch();
    },
  };
}
