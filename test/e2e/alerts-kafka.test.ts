// The alerts worker on real Kafka (test/helpers/services.ts): `ecoute worker alerts` beside
// `ecoute worker index`, killed with kill -9 in the middle of the window where a real tone drop
// starts, restarted: the drop fires once, and one incident event is on the `alerts` topic.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ALERTS_GROUP } from '../../src/alerts/stage.js';
import type { IncidentEvent } from '../../src/alerts/types.js';
import { openBus } from '../../src/app/runtime.js';
import { parseConfig } from '../../src/config/load.js';
import type { AnalyzedMention } from '../../src/core/types.js';
import { reached, type Bus } from '../../src/streams/bus/types.js';
import { DROP, stageStream } from '../helpers/alert-streams.js';
import { workspace } from '../helpers/cli.js';
import { requireKafka } from '../helpers/services.js';

const brokers = await requireKafka();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

async function publish(bus: Bus, mentions: readonly AnalyzedMention[]): Promise<void> {
  for (let i = 0; i < mentions.length; i += 500) await bus.publish('mentions.analyzed', mentions.slice(i, i + 500).map((m) => ({ key: m.id, value: JSON.stringify(m) })));
}

describe.skipIf(!brokers)('alerts worker on Kafka', () => {
  it('killed with kill -9 mid-window, it resumes and fires once', async () => {
    const run = `alerts${Date.now().toString(36)}`;
    const ws = workspace();
    const yaml = `data_dir: ${join(ws.dir, 'data')}
bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${run}.', partitions: 2 }
brands:
  - { id: acme, name: Acme, query: acme, alerts: { default_window: 1h, grace_seconds: 60 } }
`;
    writeFileSync(ws.config, yaml);
    const bus = openBus(parseConfig(yaml));
    const start = (stage: string) => {
      const child = ws.spawn(['worker', stage]);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      Object.defineProperty(child, 'errTail', { get: () => err });
      children.push(child);
      return child;
    };
    const caughtUp = async (worker: () => ChildProcess) => {
      const deadline = Date.now() + 4 * 60_000;
      const end = await bus.endOffsets('mentions.analyzed');
      while (!reached(await bus.committedOffsets('mentions.analyzed', ALERTS_GROUP), end)) {
        if (worker().exitCode !== null) throw new Error(`the alerts worker exited: ${(worker() as unknown as { errTail: string }).errTail}`);
        if (Date.now() > deadline) throw new Error('the alerts worker did not catch up');
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    try {
      const all = stageStream();
      const firstHalf = all.findIndex((m) => Date.parse(m.publishedAt) >= DROP + 20 * 60_000);
      const secondHalf = all.findIndex((m) => Date.parse(m.publishedAt) >= DROP + 40 * 60_000);
      start('index');
      let alerts = start('alerts');
      await publish(bus, all.slice(0, firstHalf));
      await caughtUp(() => alerts);
      // More of the same window, then kill -9 while the worker is at it.
      await publish(bus, all.slice(firstHalf, secondHalf));
      alerts.kill('SIGKILL');
      await once(alerts, 'exit');
      expect(await bus.read('alerts', {})).toEqual([]);

      alerts = start('alerts');
      await publish(bus, all.slice(secondHalf));
      await caughtUp(() => alerts);
      const events = (await bus.read('alerts', {})).map((r) => JSON.parse(r.value) as IncidentEvent);
      expect(events.filter((e) => e.kind === 'opened').map((e) => [e.alert?.rule, e.alert?.windowStart])).toEqual([['tone-drop', new Date(DROP).toISOString()]]);
      expect(events.filter((e) => e.kind !== 'resolved')).toHaveLength(1);
      alerts.kill('SIGTERM');
      await once(alerts, 'exit');
    } finally {
      await bus.close();
    }
  }, 360_000);
});
