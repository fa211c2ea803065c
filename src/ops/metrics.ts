// The process's Prometheus metrics (issue 14, "Operations"): one prom-client Registry per process,
// names the Prometheus way (`ecoute_…_total` counters, `_seconds` histograms, base units). Every
// stage calls one helper, on one line, at the place the thing happens, instead of creating its own
// metrics; /metrics (the API host, or a worker's own port) serves `registry`. docs/operations.md
// lists them all.
//
// Labels are low-cardinality and never carry a secret, a raw author handle, a URL or mention text:
// stage, topic, partition, consumer group, connector and notifier names (the operator's config),
// a catalogue code, an outcome.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry: Registry = new Registry();
// process_* and nodejs_* (CPU, memory, event-loop lag, handles): what every Node exporter gives.
collectDefaultMetrics({ register: registry });

const received = new Counter({
  name: 'ecoute_mentions_received_total',
  help: 'Mentions a stage took in: items read from a source or pushed to a webhook (connector), records handled from its topic (analyze, index).',
  labelNames: ['stage'] as const,
  registers: [registry],
});

const sent = new Counter({
  name: 'ecoute_mentions_sent_total',
  help: 'Mentions a stage passed on durably: to mentions.raw (connector), mentions.analyzed (analyze), the store (index).',
  labelNames: ['stage'] as const,
  registers: [registry],
});

const dropped = new Counter({
  name: 'ecoute_mentions_dropped_total',
  help: 'Mentions a stage did not pass on, by stage and reason (the dead letter\'s catalogue code, or why it was left out).',
  labelNames: ['stage', 'reason'] as const,
  registers: [registry],
});

const errors = new Counter({
  name: 'ecoute_errors_total',
  help: 'Errors by catalogue code (docs/errors.md): dead letters, failed batch tries of a stage, failed polls, error answers of the HTTP host, failed notifications and report deliveries.',
  labelNames: ['code'] as const,
  registers: [registry],
});

const bulkSeconds = new Histogram({
  name: 'ecoute_store_bulk_duration_seconds',
  help: 'Time of one bulk write (upsert) to the mention store, by store type.',
  labelNames: ['store'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

const analysisSeconds = new Histogram({
  name: 'ecoute_analysis_duration_seconds',
  help: 'Time to analyze one mention (language, lemmas, sentiment, fields, brands).',
  buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
  registers: [registry],
});

const publishSeconds = new Histogram({
  name: 'ecoute_bus_publish_duration_seconds',
  help: 'Time until a publish to the bus is durable, by topic.',
  labelNames: ['topic'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [registry],
});

const published = new Counter({
  name: 'ecoute_bus_published_records_total',
  help: 'Records made durable on the bus, by topic.',
  labelNames: ['topic'] as const,
  registers: [registry],
});

const consumed = new Counter({
  name: 'ecoute_bus_consumed_records_total',
  help: 'Records a consumer group of this process handled (its handler resolved), by topic and group: the throughput of every stage, alerts and notify included.',
  labelNames: ['topic', 'group'] as const,
  registers: [registry],
});

const alertDelay = new Histogram({
  name: 'ecoute_alert_delay_seconds',
  help: 'From the end of the alert\'s window to its notification sent, by notifier.',
  labelNames: ['notifier'] as const,
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
  registers: [registry],
});

const notifications = new Counter({
  name: 'ecoute_notifications_total',
  help: 'Incident notifications by notifier and outcome (sent, failed_try, dead_lettered, skipped).',
  labelNames: ['notifier', 'outcome'] as const,
  registers: [registry],
});

const incidentEvents = new Counter({
  name: 'ecoute_incident_events_total',
  help: 'Incident events the alerts stage published (opened, updated, resolved).',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const fetches = new Counter({
  name: 'ecoute_connector_fetches_total',
  help: 'Polls of a pull connector by outcome (ok, error).',
  labelNames: ['connector', 'outcome'] as const,
  registers: [registry],
});

const retries = new Counter({
  name: 'ecoute_connector_retries_total',
  help: 'Requests of a connector retried after a back-off (network error, timeout, 429, 5xx).',
  labelNames: ['connector'] as const,
  registers: [registry],
});

const reportDeliveries = new Counter({
  name: 'ecoute_report_deliveries_total',
  help: 'Scheduled report deliveries by outcome (sent, skipped: already sent, failed).',
  labelNames: ['status'] as const,
  registers: [registry],
});

/** ecoute_mentions_received_total{stage} */
export function countReceived(stage: string, n = 1): void {
  if (n > 0) received.inc({ stage }, n);
}

/** ecoute_mentions_sent_total{stage} */
export function countSent(stage: string, n = 1): void {
  if (n > 0) sent.inc({ stage }, n);
}

/** ecoute_mentions_dropped_total{stage,reason} */
export function countDropped(stage: string, reason: string, n = 1): void {
  if (n > 0) dropped.inc({ stage, reason }, n);
}

/** ecoute_errors_total{code} (a catalogue code) */
export function countError(code: string, n = 1): void {
  if (n > 0) errors.inc({ code }, n);
}

/**
 * What a stage did with one batch, once its writes are durable: `received` in, `sent` on, and a
 * drop per rejection by its code (which is also an error of that code).
 */
export function countBatch(stage: string, received: number, sentOn: number, rejections: readonly { code: string }[] = []): void {
  countReceived(stage, received);
  countSent(stage, sentOn);
  for (const r of rejections) {
    countDropped(stage, r.code);
    countError(r.code);
  }
}

/** The codes of dead-letter bus records (their `ecoute-error-code` header). */
export function deadLetterCodes(records: readonly { headers?: Record<string, string> }[]): { code: string }[] {
  return records.map((r) => ({ code: r.headers?.['ecoute-error-code'] ?? 'UNEXPECTED' }));
}

/** Times `work` into ecoute_analysis_duration_seconds. */
export function timeAnalysis<T>(work: () => T): T {
  const end = analysisSeconds.startTimer();
  try {
    return work();
  } finally {
    end();
  }
}

/** ecoute_store_bulk_duration_seconds{store}: call the returned function when the bulk is done. */
export function startBulkTimer(store: string): () => void {
  const end = bulkSeconds.startTimer({ store });
  return () => void end();
}

/** ecoute_store_bulk_duration_seconds{store}, for a bulk timed elsewhere (the embedded store's writer thread). */
export function observeBulk(store: string, seconds: number): void {
  bulkSeconds.observe({ store }, seconds);
}

/** ecoute_bus_publish_duration_seconds and ecoute_bus_published_records_total, for one durable publish. */
export function observePublish(topic: string, records: number, seconds: number): void {
  publishSeconds.observe({ topic }, seconds);
  if (records > 0) published.inc({ topic }, records);
}

/** ecoute_bus_consumed_records_total{topic,group} */
export function countConsumed(topic: string, group: string, records: number): void {
  if (records > 0) consumed.inc({ topic, group }, records);
}

/** A notification's outcome; `windowEnd` (ISO) of its alert gives ecoute_alert_delay_seconds when sent. */
export function countNotification(notifier: string, outcome: 'sent' | 'failed_try' | 'dead_lettered' | 'skipped', windowEnd?: string, nowMs = Date.now(), code?: string): void {
  notifications.inc({ notifier, outcome });
  if (outcome === 'failed_try') countError(code ?? 'UNEXPECTED');
  if (outcome === 'sent' && windowEnd !== undefined) {
    const end = Date.parse(windowEnd);
    if (Number.isFinite(end)) alertDelay.observe({ notifier }, Math.max(0, (nowMs - end) / 1000));
  }
}

/** ecoute_incident_events_total{kind} */
export function countIncidentEvent(kind: string): void {
  incidentEvents.inc({ kind });
}

/** ecoute_connector_fetches_total{connector,outcome}; a failed poll counts its code in ecoute_errors_total. */
export function countFetch(connector: string, outcome: 'ok' | 'error', code?: string): void {
  fetches.inc({ connector, outcome });
  if (outcome === 'error') countError(code ?? 'UNEXPECTED');
}

/** ecoute_connector_retries_total{connector} */
export function countRetry(connector: string): void {
  retries.inc({ connector });
}

/** ecoute_report_deliveries_total{status} for each destination of a run; failures count as REPORT_DELIVERY_FAILED errors. */
export function countReportRun(result: { deliveries: readonly { status: 'sent' | 'skipped' | 'failed' }[] }): void {
  for (const d of result.deliveries) {
    reportDeliveries.inc({ status: d.status });
    if (d.status === 'failed') countError('REPORT_DELIVERY_FAILED');
  }
}

/** A gauge computed when scraped (lag, back-off): `collect` sets its values. */
export function scrapedGauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect: (gauge: Gauge<L>) => void | Promise<void>): Gauge<L> {
  const existing = registry.getSingleMetric(name) as Gauge<L> | undefined;
  if (existing) return existing;
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await collect(this);
    },
  });
}

/** The connectors running in this process, for the gauges read from their status when scraped. */
const runningConnectors = new Set<{ name: string; status(): { backingOffUntil?: string; lastSuccessAt?: string } }>();

/** Shows these connectors' back-off and last success in the gauges below; returns the release. */
export function watchConnectors(connectors: readonly { name: string; status(): { backingOffUntil?: string; lastSuccessAt?: string } }[]): () => void {
  for (const c of connectors) runningConnectors.add(c);
  return () => {
    for (const c of connectors) runningConnectors.delete(c);
  };
}

scrapedGauge('ecoute_connector_backoff_seconds', 'Seconds a connector still waits before its next request or poll (retry back-off, rate limit, repeated failures); 0 when it is not backing off.', ['connector'], (gauge) => {
  const now = Date.now();
  for (const c of runningConnectors) {
    const until = Date.parse(c.status().backingOffUntil ?? '');
    gauge.set({ connector: c.name }, Number.isFinite(until) ? Math.max(0, (until - now) / 1000) : 0);
  }
});

scrapedGauge('ecoute_connector_last_success_timestamp_seconds', 'When a connector last polled its source successfully (Unix time); absent before the first success.', ['connector'], (gauge) => {
  for (const c of runningConnectors) {
    const at = Date.parse(c.status().lastSuccessAt ?? '');
    if (Number.isFinite(at)) gauge.set({ connector: c.name }, at / 1000);
  }
});
