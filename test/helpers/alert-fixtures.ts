// Alerts, incidents and incident events built by hand, for the delivery side's tests (store,
// notifiers, notify stage, API, CLI, dashboard) without running the engine.
import type { Alert, Incident, IncidentEvent } from '../../src/alerts/types.js';

export function makeAlert(overrides: Partial<Alert> & { id: string }): Alert {
  const windowStart = overrides.windowStart ?? '2026-03-02T10:00:00.000Z';
  const windowEnd = overrides.windowEnd ?? new Date(Date.parse(windowStart) + 3600_000).toISOString();
  const brand = overrides.brand ?? 'acme';
  return {
    brand,
    rule: 'tone-drop',
    metric: 'negative_share',
    window: '1h',
    windowStart,
    windowEnd,
    value: 0.62,
    baseline: 0.18,
    deviation: 6.4,
    severity: 'high',
    incidentId: `inc-${overrides.id}`,
    firedAt: windowEnd,
    explanation: {
      summary: 'Negative share of Acme rose to 62% (usually 18%), driven by delivery.',
      metric: 'negative_share',
      window: '1h',
      windowStart,
      windowEnd,
      value: 0.62,
      baseline: { value: 0.18, spread: 0.04, method: 'median/MAD of 24 previous windows', windows: 24 },
      deviation: 6.4,
      deviationMethod: 'robust z-score',
      mentions: 48,
      uniqueAuthors: 41,
      fields: [{ value: 'delivery', count: 30, share: 0.625, baselineShare: 0.1 }],
      terms: [{ term: 'late', label: 'late', count: 22, keyness: 31.5 }],
      sources: [{ value: 'reddit', count: 28, share: 0.58 }],
      languages: [{ value: 'en', count: 40, share: 0.83 }],
      examples: [
        { id: 'm1', source: 'reddit', publishedAt: windowStart, text: 'My parcel is 2 weeks late <script>alert(1)</script> & nobody answers', url: 'https://example.org/r/1', sentiment: -0.8, lang: 'en' },
        { id: 'm2', source: 'appstore', publishedAt: windowStart, text: 'Delivery was late again, "never" ordering again', sentiment: -0.7, lang: 'en' },
        { id: 'm3', source: 'rss', publishedAt: windowStart, text: 'Acme deliveries delayed across the region', sentiment: -0.4, lang: 'en' },
      ],
      link: `/?brand=${brand}&from=${encodeURIComponent(windowStart)}&to=${encodeURIComponent(windowEnd)}&sentiment=negative`,
    },
    ...overrides,
  };
}

export function makeIncident(overrides: Partial<Incident> & { id: string }): Incident {
  return {
    brand: 'acme',
    status: 'open',
    openedAt: '2026-03-02T11:00:00.000Z',
    updatedAt: '2026-03-02T11:00:00.000Z',
    severity: 'high',
    rules: ['tone-drop'],
    alertIds: [],
    summary: 'Negative share of Acme rose to 62% (usually 18%), driven by delivery.',
    ...overrides,
  };
}

/** An 'opened' event for a fresh alert and its incident, with the contract's idempotency key. */
export function openedEvent(id: string, alertOverrides: Partial<Alert> = {}): IncidentEvent {
  const alert = makeAlert({ id, ...alertOverrides });
  const incident = makeIncident({ id: alert.incidentId, brand: alert.brand, alertIds: [alert.id], openedAt: alert.firedAt, updatedAt: alert.firedAt, summary: alert.explanation.summary, severity: alert.severity, rules: [alert.rule] });
  return { key: `${incident.id}:opened:${incident.alertIds.length}`, kind: 'opened', incident, alert };
}
