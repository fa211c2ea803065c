// The `ops:` section of the config (issue 14, "Operations"): the workers' metrics server, when a
// consumer counts as stuck, and the optional token of /metrics. docs/operations.md explains them.
import { z } from 'zod';
import { secretFields } from '../core/config/secret.js';

export const OpsSchema = z
  .strictObject({
    metrics_port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe('Port of the metrics server of `ecoute worker` (/metrics, /healthz, /readyz); 0 picks a free one (printed at start). Absent: no metrics server, unless --metrics-port is given. `ecoute run` and `ecoute serve` serve /metrics on the HTTP server instead.'),
    metrics_host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Interface the workers\' metrics server listens on: 127.0.0.1 (this machine only), or 0.0.0.0 / :: for a Prometheus elsewhere.'),
    stuck_after_seconds: z
      .number()
      .int()
      .min(1)
      .default(300)
      .describe('A consumer with a backlog whose committed offset has not moved for this long is stuck: /readyz answers 503 naming it.'),
    ready_timeout_ms: z
      .number()
      .int()
      .min(100)
      .default(3000)
      .describe('/readyz waits this long for the bus and the store to answer before it names them as not answering.'),
    ...secretFields('metrics_token', 'bearer token Prometheus must send to read /metrics (absent: /metrics is open, as exporters usually are; it carries no secret and no personal data)'),
  })
  .describe('Operations: Prometheus metrics and readiness (docs/operations.md).');

export type OpsConfig = z.output<typeof OpsSchema>;
export const OPS_DEFAULTS: OpsConfig = { metrics_host: '127.0.0.1', stuck_after_seconds: 300, ready_timeout_ms: 3000 };
