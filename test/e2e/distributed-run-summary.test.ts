// `ecoute run` on Kafka + Elasticsearch prints its summary once the first read of every source is
// searchable: analyzed, indexed and refreshed. Its counts are what a search finds right then.
// The index refreshes only every 30 s here, so a summary that only waited for indexing would
// count (almost) nothing.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { openStore } from '../../src/app/runtime.js';
import { mentionLines, workspace } from '../helpers/cli.js';
import { requireElasticsearch, requireKafka } from '../helpers/services.js';

const TOTAL = 1_500;
const brokers = await requireKafka();
const elasticsearch = await requireElasticsearch();
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe.skipIf(!brokers || !elasticsearch)('distributed ecoute run: the summary', () => {
  it('is printed when everything of the first read is searchable, with exact counts', async () => {
    const run = `sum${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const ws = workspace();
    const file = join(ws.dir, 'mentions.jsonl');
    writeFileSync(file, mentionLines(TOTAL));
    const yaml = `data_dir: ${join(ws.dir, 'data')}
bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${run}.', partitions: 3 }
store: { type: elasticsearch, node: '${elasticsearch}', index_prefix: '${run}-mentions', refresh_interval_ms: 30000 }
brands: [{ id: acme, name: Acme, query: acme }]
connectors: [{ type: file, path: '${file}', interval_ms: 1000 }]
`;
    writeFileSync(ws.config, yaml);
    const child = ws.spawn(['run']);
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (/by tone: .*\n/.test(stdout)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`ecoute run exited (${code}) before its summary: ${stderr}`)));
      });
      expect(stdout).toMatch(new RegExp(`^indexed ${TOTAL} mentions in `));
      expect(stdout).toContain(`by brand: Acme ${TOTAL}`);
      expect(stdout).toContain(`by language: en ${TOTAL * 0.6}, fr ${TOTAL * 0.4}, other 0`);
      expect(stdout).toContain(`: ${TOTAL} read this run, 0 rejected`);

      const store = await openStore(parseConfig(yaml));
      try {
        expect(await store.count()).toBe(TOTAL);
      } finally {
        await store.close();
      }
      child.kill('SIGTERM');
      const [code] = child.exitCode !== null ? [child.exitCode] : await once(child, 'exit');
      expect(code, stderr).toBe(0);
    } finally {
      await fetch(`${elasticsearch}/${run}-mentions-*`, { method: 'DELETE' }).catch(() => undefined);
    }
  }, 5 * 60_000);
});
