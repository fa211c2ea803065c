// The distributed deployment end to end on real Kafka and Elasticsearch: 3 partitions, two
// analyze workers and one index worker as separate processes, 20,000 mentions through the file
// connector; one analyze worker is killed midway and nothing changes in the result.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { openBus, openStore } from '../../src/app/runtime.js';
import type { MentionStore } from '../../src/store/types.js';
import { mentionLines, workspace } from '../helpers/cli.js';
import { requireElasticsearch, requireKafka } from '../helpers/services.js';

const TOTAL = 20_000;
const brokers = await requireKafka();
const elasticsearch = await requireElasticsearch();
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe.skipIf(!brokers || !elasticsearch)('distributed pipeline (Kafka + Elasticsearch, separate worker processes)', () => {
  it('20,000 mentions, 3 partitions, 2 analyze workers (one killed midway), 1 index worker: each mention searchable exactly once', async () => {
    const run = `e2e${Date.now().toString(36)}`;
    const ws = workspace();
    const file = join(ws.dir, 'mentions.jsonl');
    writeFileSync(file, mentionLines(TOTAL));
    const yaml = `data_dir: ${join(ws.dir, 'data')}
bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${run}.', partitions: 3 }
store: { type: elasticsearch, node: '${elasticsearch}', index_prefix: '${run}-mentions' }
brands: [{ id: acme, name: Acme, query: acme }]
connectors: [{ type: file, path: '${file}', interval_ms: 1000 }]
`;
    writeFileSync(ws.config, yaml);
    const config = parseConfig(yaml);
    const store: MentionStore = await openStore(config);
    const bus = openBus(config);
    try {
      const start = (args: string[]) => {
        const child = ws.spawn(args);
        let err = '';
        child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
        Object.defineProperty(child, 'errTail', { get: () => err });
        children.push(child);
        return child;
      };
      const analyzeA = start(['worker', 'analyze']);
      const analyzeB = start(['worker', 'analyze']);
      const indexer = start(['worker', 'index']);
      const connectors = start(['run', '--stages', 'connectors']);

      const sum = (o: Record<number, number>) => Object.values(o).reduce((a, b) => a + b, 0);
      const deadline = Date.now() + 8 * 60_000;
      const alive = () => {
        for (const c of [analyzeB, indexer, connectors]) {
          if (c.exitCode !== null) throw new Error(`a worker exited (${c.exitCode}): ${(c as unknown as { errTail: string }).errTail}`);
        }
      };
      // Kill one analyze worker once part, not all, of the raw topic is analyzed.
      for (;;) {
        alive();
        const analyzed = sum(await bus.committedOffsets('mentions.raw', 'ecoute-analyze'));
        if (analyzed >= TOTAL / 4) break;
        if (Date.now() > deadline) throw new Error(`analysis did not start: ${analyzed} analyzed`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(sum(await bus.committedOffsets('mentions.raw', 'ecoute-analyze'))).toBeLessThan(TOTAL);
      analyzeA.kill('SIGKILL');
      await once(analyzeA, 'exit');

      for (;;) {
        alive();
        if ((await store.count()) >= TOTAL) break;
        if (Date.now() > deadline) throw new Error(`only ${await store.count()} of ${TOTAL} indexed`);
        await new Promise((r) => setTimeout(r, 500));
      }
      // Let any redelivered records land, then check nothing is missing or doubled.
      await new Promise((r) => setTimeout(r, 2000));
      expect(await store.count()).toBe(TOTAL);
      for (const i of [0, 1, 7_777, 12_345, TOTAL - 1]) {
        const page = await store.search({ query: `"${i}"`, limit: 10 });
        expect(page.total, `mention ${i}`).toBe(1);
        expect(page.hits[0]?.mention.sourceId).toBe(`m${i}`);
      }
      expect(await store.count({ brand: 'acme' })).toBe(TOTAL);

      for (const child of [analyzeB, indexer, connectors]) child.kill('SIGTERM');
      for (const child of [analyzeB, indexer, connectors]) {
        const [code] = child.exitCode !== null ? [child.exitCode] : await once(child, 'exit');
        expect(code).toBe(0);
      }
    } finally {
      await bus.close();
      await store.close();
      // The test's indices go; its topics are a few empty partitions and stay (no admin here).
      await fetch(`${elasticsearch}/${run}-mentions-*`, { method: 'DELETE' }).catch(() => undefined);
    }
  }, 10 * 60_000);
});
