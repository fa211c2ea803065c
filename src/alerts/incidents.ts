// Incidents: the alerts of one brand that belong together. The first alert opens one; later alerts
// of the brand join it while it is open (or reopen it within `incident_gap_minutes` of its
// resolution); it resolves once every rule in it is back in band. Notifications go out per
// incident change, not per window. Pure: the engine's keeper stores and publishes what it returns.
import { createHash } from 'node:crypto';
import type { Alert, Incident, IncidentEvent, Severity } from './types.js';

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export const eventKey = (incident: Incident, kind: IncidentEvent['kind']) => `${incident.id}:${kind}:${incident.alertIds.length}`;

export function incidentIdOf(firstAlertId: string): string {
  return `inc-${createHash('sha256').update(firstAlertId).digest('hex').slice(0, 20)}`;
}

export class IncidentTracker {
  private readonly open = new Map<string, Incident>();
  private readonly lastResolved = new Map<string, Incident>();
  private readonly gapMs: (brand: string) => number;

  constructor(gapMs: (brand: string) => number, openIncidents: readonly Incident[] = []) {
    this.gapMs = gapMs;
    for (const incident of openIncidents) this.open.set(incident.brand, structuredClone(incident));
  }

  openIncident(brand: string): Incident | undefined {
    return this.open.get(brand);
  }

  /** Puts the alert in an incident (sets alert.incidentId); the event to publish. */
  onAlert(alert: Alert): IncidentEvent {
    const at = alert.firedAt;
    const current = this.open.get(alert.brand);
    if (current?.alertIds.includes(alert.id)) {
      alert.incidentId = current.id;
      return { key: eventKey(current, current.alertIds[0] === alert.id ? 'opened' : 'updated'), kind: current.alertIds[0] === alert.id ? 'opened' : 'updated', incident: structuredClone(current), alert };
    }
    const recent = this.lastResolved.get(alert.brand);
    const reopen = !current && recent?.resolvedAt !== undefined && Date.parse(at) - Date.parse(recent.resolvedAt) <= this.gapMs(alert.brand) ? recent : undefined;
    const joined = current ?? reopen;
    if (joined) {
      joined.status = 'open';
      delete joined.resolvedAt;
      joined.updatedAt = at;
      joined.alertIds.push(alert.id);
      if (!joined.rules.includes(alert.rule)) joined.rules.push(alert.rule);
      if (RANK[alert.severity] > RANK[joined.severity]) joined.severity = alert.severity;
      joined.summary = alert.explanation.summary;
      this.open.set(alert.brand, joined);
      this.lastResolved.delete(alert.brand);
      alert.incidentId = joined.id;
      return { key: eventKey(joined, 'updated'), kind: 'updated', incident: structuredClone(joined), alert };
    }
    const incident: Incident = {
      id: incidentIdOf(alert.id),
      brand: alert.brand,
      status: 'open',
      openedAt: at,
      updatedAt: at,
      severity: alert.severity,
      rules: [alert.rule],
      alertIds: [alert.id],
      summary: alert.explanation.summary,
    };
    this.open.set(alert.brand, incident);
    alert.incidentId = incident.id;
    return { key: eventKey(incident, 'opened'), kind: 'opened', incident: structuredClone(incident), alert };
  }

  /** A rule of the brand is back in band; the incident resolves when none of its rules still fires. */
  onCalm(brand: string, firing: ReadonlySet<string>, at: string): IncidentEvent | undefined {
    const incident = this.open.get(brand);
    if (!incident || incident.rules.some((r) => firing.has(r))) return undefined;
    incident.status = 'resolved';
    incident.resolvedAt = at;
    incident.updatedAt = at;
    this.open.delete(brand);
    this.lastResolved.set(brand, incident);
    return { key: eventKey(incident, 'resolved'), kind: 'resolved', incident: structuredClone(incident) };
  }
}
