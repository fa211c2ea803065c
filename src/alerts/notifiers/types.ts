// A notifier: a named destination that renders and sends one incident change. `send` makes one
// try; retries, back-off, the delivery log and dead letters are the notify stage's (retry.ts,
// ../notify-stage.ts), the same for every notifier.
import { EcouteError, type ErrorCode } from '../../core/errors.js';
import type { IncidentEvent, Severity } from '../types.js';
import type { NotifierConfig } from './config.js';

export interface Notifier {
  readonly name: string;
  readonly type: NotifierConfig['type'];
  readonly config: NotifierConfig;
  /** One try. Throws a NotifyError saying whether another try may help. */
  send(event: IncidentEvent, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** A failed try: retriable or not, and how long the receiver asked us to wait (Retry-After). */
export class NotifyError extends EcouteError {
  constructor(
    code: Extract<ErrorCode, `NOTIFY_${string}`>,
    message: string,
    options: { retriable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(code, message, { retriable: options.retriable, cause: options.cause });
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
  retryAfterMs?: number;
}

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** Whether this notifier gets this event (brand, least severity, kind of change). */
export function accepts(config: NotifierConfig, event: IncidentEvent): boolean {
  if (config.brands.length > 0 && !config.brands.includes(event.incident.brand)) return false;
  if (!config.events.includes(event.kind)) return false;
  return RANK[event.incident.severity] >= RANK[config.min_severity];
}
