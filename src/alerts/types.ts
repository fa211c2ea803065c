/**
 * The alerts contract (issue 12): what the engine (src/alerts/) produces and the delivery side
 * (src/alerts/store/, src/alerts/notifiers/) stores and sends. Shared by both parts: add optional
 * fields only, never rename or remove.
 */
export type AlertMetric = 'negative_share' | 'mean_tone' | 'volume' | 'velocity' | 'unique_authors';
export type AlertWindow = '15m' | '1h' | '1d';
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export interface ExplanationShare { value: string; count: number; share: number; baselineShare?: number }
export interface ExplanationTerm { term: string; label: string; count: number; keyness: number }
export interface ExplanationMention { id: string; source: string; publishedAt: string; text: string; url?: string; sentiment: number; lang: string }
export interface AlertExplanation {
  /** One sentence a comms person reads, in the brand's language (en/fr). */
  summary: string;
  metric: AlertMetric; window: AlertWindow; windowStart: string; windowEnd: string;
  value: number;
  baseline: { value: number; spread: number; method: string; windows: number };
  /** Deviation in the rule's unit (robust z, or -log10 p for the low-count tests) and its meaning. */
  deviation: number; deviationMethod: string;
  mentions: number; uniqueAuthors: number;
  fields: ExplanationShare[];     // semantic fields over-weighing in the window (keyness vs baseline)
  terms: ExplanationTerm[];       // terms over-weighing in the window
  sources: ExplanationShare[]; languages: ExplanationShare[];
  examples: ExplanationMention[]; // three representative mentions, near-duplicates counted once
  /** Dashboard link (path + query string, relative to the API's base URL) showing the window's mentions. */
  link: string;
}
export interface Alert {
  /** Deterministic: same brand, rule, window start → same id (a replay/restart cannot make a second one). */
  id: string;
  brand: string; rule: string; metric: AlertMetric; window: AlertWindow;
  windowStart: string; windowEnd: string;
  value: number; baseline: number; deviation: number; severity: Severity;
  incidentId: string;
  firedAt: string;
  explanation: AlertExplanation;
  acknowledgedAt?: string; acknowledgedBy?: string;
  feedback?: 'useful' | 'not_useful';
}
export type IncidentStatus = 'open' | 'resolved';
export interface Incident {
  id: string; brand: string; status: IncidentStatus;
  openedAt: string; updatedAt: string; resolvedAt?: string;
  severity: Severity; rules: string[]; alertIds: string[];
  /** The latest alert's summary. */
  summary: string;
  acknowledgedAt?: string; acknowledgedBy?: string;
}
/** What the engine publishes on the `alerts` topic (one record per incident change). */
export interface IncidentEvent {
  /** Idempotency key: `${incident.id}:${kind}:${incident.alertIds.length}`; a receiver drops repeats. */
  key: string;
  kind: 'opened' | 'updated' | 'resolved';
  incident: Incident;
  /** The alert that opened or updated it (absent on `resolved`). */
  alert?: Alert;
}
