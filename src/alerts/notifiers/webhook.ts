// The generic webhook: each incident change POSTed as JSON (the IncidentEvent, plus the absolute
// dashboard link), signed like écoute's own inbound webhook (docs/webhook.md):
//
//   X-Ecoute-Timestamp: <unix seconds>
//   X-Ecoute-Signature: v1=<hex HMAC-SHA256, keyed by the secret, of "<timestamp>.<raw body>">
//   Idempotency-Key: <IncidentEvent.key>      (the same on every retry and replay: drop repeats)
//   X-Ecoute-Event: opened | updated | resolved
//
// A receiver recomputes the HMAC over the raw bytes it received, compares in constant time, and
// refuses a timestamp too far from its clock (docs/alerts-delivery.md shows the code).
import { createHmac } from 'node:crypto';
import { requireSecret, type Secret } from '../../core/config/secret.js';
import { EcouteError, isEcouteError } from '../../core/errors.js';
import type { IncidentEvent } from '../types.js';
import type { WebhookNotifierConfig } from './config.js';
import { postJson } from './http.js';
import { absoluteLink } from './message.js';
import type { Notifier } from './types.js';

export const SIGNATURE_HEADER = 'X-Ecoute-Signature';
export const TIMESTAMP_HEADER = 'X-Ecoute-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** The signature header's value for `body` sent at `timestamp` (unix seconds, as a string). */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Reads a notifier's secret as NOTIFY_CONFIG (naming the variable or file, never the value). */
export function notifierSecret(config: object & { name: string }, field: string, minLength = 1): Secret {
  try {
    const secret = requireSecret(config, field);
    if (secret.reveal().length < minLength) throw new EcouteError('NOTIFY_CONFIG', `alerts.notifiers ${config.name}: ${field} is shorter than ${minLength} characters (${secret.origin})`);
    return secret;
  } catch (error) {
    if (isEcouteError(error, 'NOTIFY_CONFIG')) throw error;
    throw new EcouteError('NOTIFY_CONFIG', `alerts.notifiers ${config.name}: ${(error as Error).message}`, { cause: error });
  }
}

export class WebhookNotifier implements Notifier {
  readonly type = 'webhook' as const;
  readonly name: string;
  private readonly secret: Secret;

  constructor(
    readonly config: WebhookNotifierConfig,
    private readonly publicUrl?: string,
  ) {
    this.name = config.name;
    this.secret = notifierSecret(config, 'secret', 16);
  }

  /** The JSON body: the event as published on the alerts topic, and the link to open. */
  body(event: IncidentEvent): string {
    const link = event.alert && this.publicUrl ? absoluteLink(this.publicUrl, event.alert.explanation.link) : undefined;
    return JSON.stringify({ ...event, ...(link !== undefined && { dashboardUrl: link }) });
  }

  async send(event: IncidentEvent, signal?: AbortSignal): Promise<void> {
    const body = this.body(event);
    const timestamp = String(Math.floor(Date.now() / 1000));
    await postJson(
      this.config.url,
      body,
      {
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signBody(this.secret.reveal(), timestamp, body),
        [IDEMPOTENCY_HEADER]: event.key,
        'X-Ecoute-Event': event.kind,
      },
      { timeoutMs: this.config.timeout_ms, where: `webhook notifier ${this.name} (${new URL(this.config.url).origin})`, allowPrivateNetworks: this.config.allow_private_networks, ...(signal && { signal }) },
    );
  }

  async close(): Promise<void> {}
}
