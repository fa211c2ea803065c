// What the engine's decisions become: alerts and incidents in the AlertStore, and IncidentEvents on
// the `alerts` topic. The store decides what is new: an alert id is deterministic (brand, rule,
// window start), so a replay, a restart or a late correction finds it stored and sends nothing.
// Order: the alert, then the event, then the incident that lists it. A crash between the first and
// the last leaves an alert whose incident does not list it yet: the next pass finds that, publishes
// the event again (same idempotency key: receivers drop the repeat) and writes the incident.
import type { Bus } from '../streams/bus/types.js';
import type { Decision } from './engine.js';
import { IncidentTracker } from './incidents.js';
import type { AlertStore } from './store/types.js';
import type { IncidentEvent } from './types.js';

export class IncidentKeeper {
  private readonly store: AlertStore;
  private readonly bus: Bus;
  private readonly tracker: IncidentTracker;
  private readonly onEvent: ((event: IncidentEvent) => void) | undefined;

  constructor(options: { store: AlertStore; bus: Bus; tracker: IncidentTracker; onEvent?: (event: IncidentEvent) => void }) {
    this.store = options.store;
    this.bus = options.bus;
    this.tracker = options.tracker;
    this.onEvent = options.onEvent;
  }

  /** Applies decisions in order; the events published. */
  async apply(decisions: readonly Decision[]): Promise<IncidentEvent[]> {
    const published: IncidentEvent[] = [];
    for (const d of decisions) {
      const event = d.kind === 'fire' ? await this.fire(d) : await this.calm(d);
      if (event) published.push(event);
    }
    return published;
  }

  private async fire(d: Extract<Decision, { kind: 'fire' }>): Promise<IncidentEvent | undefined> {
    const stored = await this.store.getAlert(d.alert.id);
    if (stored) {
      const incident = stored.incidentId ? await this.store.getIncident(stored.incidentId) : undefined;
      if (incident?.alertIds.includes(stored.id)) return undefined;
      // Stored but not yet in its incident: the last run stopped half-way. Finish it with the stored alert.
      const event = this.tracker.onAlert(stored);
      await this.send(event);
      return event;
    }
    const event = this.tracker.onAlert(d.alert);
    if ((await this.store.recordAlert(d.alert)) === 'exists') return undefined;
    await this.send(event);
    return event;
  }

  private async calm(d: Extract<Decision, { kind: 'calm' }>): Promise<IncidentEvent | undefined> {
    const event = this.tracker.onCalm(d.brand, d.firing, d.at);
    if (!event) return undefined;
    const stored = await this.store.getIncident(event.incident.id);
    if (stored?.status === 'resolved') return undefined;
    await this.send(event);
    return event;
  }

  private async send(event: IncidentEvent): Promise<void> {
    await this.bus.publish('alerts', [{ key: event.incident.brand, value: JSON.stringify(event), headers: { 'ecoute-event': event.kind, 'ecoute-key': event.key } }]);
    await this.store.upsertIncident(event.incident);
    this.onEvent?.(event);
  }
}
