// The AlertStore seam (CONTRACT12.md): where alerts, incidents and the notifiers' delivery log are
// kept. Two implementations pass one contract suite (test/contract/alert-store.contract.ts):
// SQLite under data_dir (embedded) and three Elasticsearch indices (distributed).
import type { Alert, Incident, IncidentStatus } from '../types.js';

export interface AlertQuery {
  brand?: string;
  /** Alerts: window start ≥ from; incidents: updated at or after from. ISO 8601. */
  from?: string;
  /** Alerts: window start < to; incidents: opened before to. ISO 8601. */
  to?: string;
  /** Incidents in that status; alerts whose incident is in that status. */
  status?: IncidentStatus;
  /** 1..500, default 50. */
  limit?: number;
  cursor?: string;
}

export type DeliveryStatus = 'sent' | 'failed' | 'dead_lettered';

export interface DeliveryRecord {
  /** The IncidentEvent's idempotency key. */
  key: string;
  notifier: string;
  status: DeliveryStatus;
  attempts: number;
  at: string;
  /** Why it failed (scrubbed of secrets before it is stored). */
  error?: string;
}

export interface AlertStore {
  ensureSchema(): Promise<void>;
  /** 'exists' when an alert with this id is stored already (then nothing changes). */
  recordAlert(alert: Alert): Promise<'created' | 'exists'>;
  /**
   * Creates or replaces the incident. An acknowledgement already stored is kept when the incoming
   * incident carries none (the engine does not know about an ack made through the API or the CLI).
   */
  upsertIncident(incident: Incident): Promise<void>;
  getAlert(id: string): Promise<Alert | undefined>;
  getIncident(id: string): Promise<Incident | undefined>;
  /** Newest first (fired at); nextCursor when there are more. */
  listAlerts(q?: AlertQuery): Promise<{ items: Alert[]; nextCursor?: string }>;
  /** Newest first (opened at); nextCursor when there are more. */
  listIncidents(q?: AlertQuery): Promise<{ items: Incident[]; nextCursor?: string }>;
  /** Open incidents of a brand (the engine rebuilds its incident state from them on restart). */
  openIncidents(brand: string): Promise<Incident[]>;
  /** Alert or incident id; the first acknowledgement stays (a second one changes nothing). */
  acknowledge(id: string, by?: string): Promise<Alert | Incident | undefined>;
  setFeedback(alertId: string, feedback: 'useful' | 'not_useful'): Promise<Alert | undefined>;
  /** Delivery log: one row per (event key, notifier); a 'sent' row is never overwritten. */
  recordDelivery(d: DeliveryRecord): Promise<void>;
  deliveryStatus(key: string, notifier: string): Promise<DeliveryStatus | undefined>;
  /**
   * Privacy (issue 14, H4): takes these mentions out of every alert's examples (an erased person's);
   * returns how many alerts changed. The counts (mentions, authors) stay: they hold no one's data.
   */
  eraseMentionExamples(mentionIds: ReadonlySet<string>): Promise<number>;
  close(): Promise<void>;
}
