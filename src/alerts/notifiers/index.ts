// The configured notifiers, built once at start: each reads its credential then (a missing one is
// NOTIFY_CONFIG naming the variable or file, before anything runs) and renders messages in the
// language of the incident's brand.
import type { BrandConfig, Config } from '../../config/schema.js';
import type { IncidentEvent } from '../types.js';
import type { NotifierConfig } from './config.js';
import { EmailNotifier } from './email.js';
import { buildMessage, type AlertMessage, type Lang } from './message.js';
import { SlackNotifier } from './slack.js';
import type { Notifier } from './types.js';
import { WebhookNotifier } from './webhook.js';

export { accepts, NotifyError, type Notifier } from './types.js';
export { deliver, type DeliveryOutcome } from './retry.js';
export { buildMessage, type AlertMessage } from './message.js';

/** The base URL recipients open links under: alerts.public_url, else the HTTP server's own address. */
export function publicUrlOf(config: Pick<Config, 'alerts' | 'http'>): string {
  if (config.alerts.public_url) return config.alerts.public_url;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
}

/** Renders an event in its brand's language (brands[].language, default en). */
export function messageRenderer(brands: readonly BrandConfig[], publicUrl: string): (event: IncidentEvent) => AlertMessage {
  return (event) => {
    const brand = brands.find((b) => b.id === event.incident.brand);
    const lang: Lang = (brand as { language?: Lang } | undefined)?.language ?? 'en';
    return buildMessage(event, { lang, brandName: brand?.name ?? event.incident.brand, publicUrl });
  };
}

export function createNotifier(config: NotifierConfig, render: (event: IncidentEvent) => AlertMessage, publicUrl: string): Notifier {
  switch (config.type) {
    case 'webhook':
      return new WebhookNotifier(config, publicUrl);
    case 'slack':
      return new SlackNotifier(config, render);
    case 'email':
      return new EmailNotifier(config, render);
  }
}

export function createNotifiers(config: Pick<Config, 'alerts' | 'http' | 'brands'>): Notifier[] {
  const publicUrl = publicUrlOf(config);
  const render = messageRenderer(config.brands, publicUrl);
  return config.alerts.notifiers.map((n) => createNotifier(n, render, publicUrl));
}
