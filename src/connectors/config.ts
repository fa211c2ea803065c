// Issue 15 (threads15): backpressure of the connectors (`backpressure:` in the config): how far the
// pipeline may fall behind before the sources slow down and the webhook answers 503.
import { z } from 'zod';
import { duration } from '../core/config/fields.js';

export const BackpressureSchema = z
  .strictObject({
    max_lag_records: z
      .number()
      .int()
      .min(0)
      .default(50_000)
      .describe(
        'Records published by the sources but not yet analyzed and indexed (the lag of mentions.raw and mentions.analyzed) past which pull sources wait before publishing and the webhook answers 503 WEBHOOK_BACKLOG with Retry-After, instead of letting the backlog grow; 0: no limit.',
      ),
    check_interval_ms: duration('How often the lag is read while a source publishes or a webhook request arrives', 250),
    retry_after_seconds: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('The Retry-After, in seconds, of a webhook request refused because the lag is past max_lag_records.'),
  })
  .describe('How the sources slow down when the pipeline falls behind (docs/embedded-speed.md).');

export type BackpressureConfig = z.output<typeof BackpressureSchema>;
export const BACKPRESSURE_DEFAULTS: BackpressureConfig = { max_lag_records: 50_000, check_interval_ms: 250, retry_after_seconds: 2 };
