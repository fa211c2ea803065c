// The alerts stage end to end in embedded mode: a real SQLite bus, mention store and alert store.
// Mentions go to mentions.analyzed, the index stage stores them, the alerts stage fires; incident
// events are read back from the `alerts` topic, as the notify stage reads them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BrandAlertsSchema } from '../../src/alerts/config.js';
import { ALERTS_GROUP, startAlertsStage, type AlertsStage } from '../../src/alerts/stage.js';
import { SqliteAlertStore } from '../../src/alerts/store/index.js';
import type { IncidentEvent } from '../../src/alerts/types.js';
import type { BrandConfig } from '../../src/config/schema.js';
import type { AnalyzedMention } from '../../src/core/types.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import type { Bus, Consumer } from '../../src/streams/bus/types.js';
import { reached } from '../../src/streams/bus/types.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { INDEX_GROUP, startIndexStage } from '../../src/streams/index-stage.js';
import { DAY, generate, HOUR, T0 } from '../helpers/alert-streams.js';
import { makeMention } from '../helpers/mentions.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const brand: BrandConfig = { id: 'acme', name: 'Acme', query: 'acme', competitors: [], alerts: BrandAlertsSchema.parse({ default_window: '1h', grace_seconds: 60 }) };
const DROP = T0 + 8 * DAY + 10 * HOUR;

/** Ten days of Acme, 40 mentions an hour, and a tone drop for six hours on day 8 from 10:00. */
export function stream(): AnalyzedMention[] {
  return generate({ days: 10, rate: () => 40, tone: (t) => (t >= DROP && t < DROP + 6 * HOUR ? -0.4 : 0.2), seed: 21 }).map((s) =>
    makeMention({ id: s.id.replace('gen', 'stage'), publishedAt: new Date(s.publishedMs).toISOString(), authorKey: s.authorKey, score: s.score, brands: ['acme'], source: s.source, text: s.text, terms: { coffee: 1 } }),
  );
}

async function publish(bus: Bus, mentions: readonly AnalyzedMention[]): Promise<void> {
  for (let i = 0; i < mentions.length; i += 1000) {
    await bus.publish('mentions.analyzed', mentions.slice(i, i + 1000).map((m) => ({ key: m.id, value: JSON.stringify(m) })));
  }
}

async function caughtUp(bus: Bus, group: string): Promise<void> {
  const end = await bus.endOffsets('mentions.analyzed');
  while (!reached(await bus.committedOffsets('mentions.analyzed', group), end)) await new Promise((r) => setTimeout(r, 25));
}

async function events(bus: Bus): Promise<IncidentEvent[]> {
  return (await bus.read('alerts', {})).map((r) => JSON.parse(r.value) as IncidentEvent);
}

describe('alerts stage (embedded: SQLite bus, store and alert store)', () => {
  it('fires once for a real drop, across a restart mid-window, a replay of the whole stream and a restart after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-alerts-stage-'));
    dirs.push(dir);
    const bus = new EmbeddedBus({ file: join(dir, 'bus.sqlite'), pollIntervalMs: 10, retryBackoffMs: 20 });
    const mentions = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
    const alerts = new SqliteAlertStore(join(dir, 'alerts.sqlite'));
    await mentions.ensureSchema();
    const index: Consumer = startIndexStage({ bus, store: mentions });
    const start = (): AlertsStage => startAlertsStage({ bus, mentions, alerts, brands: [brand], waitForGroup: INDEX_GROUP, now: () => T0 + 60 * DAY });
    const all = stream();
    // Half-way through the first window of the drop: the stage stops there.
    const cut = all.findIndex((m) => Date.parse(m.publishedAt) >= DROP + 30 * 60_000);
    let stage = start();
    await publish(bus, all.slice(0, cut));
    await caughtUp(bus, ALERTS_GROUP);
    await stage.close();
    expect(await events(bus)).toEqual([]);

    // Restart mid-window: the windows come back from the store, the rest of the stream goes on.
    stage = start();
    await stage.ready;
    await publish(bus, all.slice(cut));
    await caughtUp(bus, ALERTS_GROUP);
    const fired = await events(bus);
    expect(fired.map((e) => [e.kind, e.alert?.rule, e.alert?.windowStart])).toEqual([
      ['opened', 'tone-drop', new Date(DROP).toISOString()],
      ['resolved', undefined, undefined],
    ]);
    const [opened] = fired;
    expect(opened!.key).toBe(`${opened!.incident.id}:opened:1`);
    expect(opened!.alert!.explanation.examples).toHaveLength(3);
    expect((await alerts.getAlert(opened!.alert!.id))?.incidentId).toBe(opened!.incident.id);
    expect((await alerts.getIncident(opened!.incident.id))?.status).toBe('resolved');

    // A replay of the whole stream (same ids): nothing new.
    await publish(bus, all);
    await caughtUp(bus, ALERTS_GROUP);
    expect(await events(bus)).toHaveLength(2);
    await stage.close();

    // A restart after it all: rebuilt from the stores, nothing new either.
    stage = start();
    await stage.ready;
    await publish(bus, all.slice(-50));
    await caughtUp(bus, ALERTS_GROUP);
    expect(await events(bus)).toHaveLength(2);
    expect((await alerts.listAlerts({ brand: 'acme' })).items).toHaveLength(1);
    await stage.close();
    await index.close();
    await alerts.close();
    await mentions.close();
    await bus.close();
  }, 120_000);
});
