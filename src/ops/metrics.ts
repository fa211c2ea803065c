// The process's Prometheus metrics (issue 14, "Operations"): one prom-client Registry per process,
// names the Prometheus way (`ecoute_…_total` counters, `_seconds` histograms, base units). Every
// stage calls one helper, on one line, at the place the thing happens, instead of creating its own
// metrics; /metrics (the API host, or a worker's own port) serves `registry`.
//
// Labels are low-cardinality and never carry a secret, a raw author handle or mention text: stage,
// source, connector name (from the operator's config), topic, partition, a reason or catalogue code.
import { Counter, Registry } from 'prom-client';

export const registry: Registry = new Registry();

const dropped = new Counter({
  name: 'ecoute_mentions_dropped_total',
  help: 'Mentions a stage did not pass on, by stage and reason (invalid, duplicate, suppressed, dead-lettered…).',
  labelNames: ['stage', 'reason'] as const,
  registers: [registry],
});

const errors = new Counter({
  name: 'ecoute_errors_total',
  help: 'Errors by catalogue code (docs/errors.md).',
  labelNames: ['code'] as const,
  registers: [registry],
});

/** ecoute_mentions_dropped_total{stage,reason} */
export function countDropped(stage: string, reason: string, n = 1): void {
  if (n > 0) dropped.inc({ stage, reason }, n);
}

/** ecoute_errors_total{code} (a catalogue code) */
export function countError(code: string): void {
  errors.inc({ code });
}
