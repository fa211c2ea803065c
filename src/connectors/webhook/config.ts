// Configuration of the webhook connector (`type: webhook`): its definition's `config`, declared
// beside its create(); src/config/ assembles it into the whole schema.
import { z } from 'zod';
import { bytes, duration, LangSchema } from '../../core/config/fields.js';

export const WebhookConnectorSchema = z
  .strictObject({
    type: z.literal('webhook'),
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, "-" or "_" (it is the path of POST /ingest/<source>)')
      .describe('Name of the pushing tool, e.g. "zendesk": its URL is POST /ingest/<source>, and it is the source of its mentions (with their id, it decides the mention id).'),
    secret_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional()
      .describe('Environment variable holding the signing secret (at least 16 characters); by default ECOUTE_WEBHOOK_<SOURCE>_SECRET, the source upper-cased with "-" as "_". The secret itself never goes in this file.')
      .meta({ secret: true }),
    secret_file: z
      .string()
      .min(1)
      .optional()
      .describe('A file holding the signing secret (a Docker or Kubernetes secret, mode 0600), instead of secret_env; a trailing newline is ignored.')
      .meta({ secret: true }),
    max_body_bytes: bytes('Largest request body accepted; larger ones get 413', 1024 * 1024),
    tolerance_ms: duration(
      'How far X-Ecoute-Timestamp may be from this clock, either way; a signature is remembered this long, to refuse a replayed request',
      300_000,
    ),
    bus_timeout_ms: duration(
      "Longest wait for the bus to take a request's mentions (a broker paused or unreachable); past it the answer is 503 with Retry-After, never 2xx. The write may still land later: mention ids make the sender's retry safe",
      10_000,
    ),
    max_in_flight: z
      .number()
      .int()
      .positive()
      .default(64)
      .describe('Requests of this source handled at once; more get 503 with Retry-After (memory stays under max_in_flight × max_body_bytes).'),
    lang: LangSchema.optional().describe('Language hint for mentions that do not say their language.'),
    max_items: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Most mentions one request may carry; a request with more gets 413 WEBHOOK_TOO_MANY_ITEMS and nothing of it is written.'),
    raw_keys: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Extra fields of a mention (beyond the mention format) kept with the mention as `raw`, by name; the others are dropped before the bus. None by default: extra fields are yours and may hold personal data (README, Privacy).',
      ),
  })
  .refine((c) => c.secret_env === undefined || c.secret_file === undefined, { message: 'give secret_env or secret_file, not both', path: ['secret_file'] })
  .describe('Receives mentions pushed by other tools (CRM, support desk, survey, newsletter) on POST /ingest/<source>, signed with HMAC-SHA256 (docs/webhook.md).');

export type WebhookConnectorConfig = z.output<typeof WebhookConnectorSchema>;
