// Operations in distributed mode (the shared Kafka and Elasticsearch, a topic and index prefix of
// this test's own; they are never stopped): `ecoute worker analyze|index --metrics-port 0` each
// serve /metrics, /healthz and /readyz on their own port, with exact counts after real traffic
// (received, sent, dropped by reason, lag per partition of Kafka); `ecoute status` reads the
// services and the lag of every stage; and `ecoute serve` answers /readyz 503 naming the store
// when Elasticsearch cannot be reached (through a TCP relay this test closes, not by stopping it).
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { openBus } from '../../src/app/runtime.js';
import { mentionId } from '../../src/core/ids.js';
import { workspace } from '../helpers/cli.js';
import { requireElasticsearch, requireKafka } from '../helpers/services.js';
import { eventually, scrape, value, watch } from './helpers.js';

const brokers = await requireKafka();
const elasticsearch = await requireElasticsearch();
const children: ChildProcess[] = [];
const N = 40;
const run = `ops${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await fetch(`${elasticsearch}/${run}-*`, { method: 'DELETE' }).catch(() => undefined);
});

async function stop(child: ChildProcess, err: () => string): Promise<void> {
  child.kill('SIGTERM');
  const [code] = child.exitCode !== null ? [child.exitCode] : await once(child, 'exit');
  expect(code, err().slice(-2000)).toBe(0);
}

/** A TCP relay to `port` on loopback (listening on `listen`, 0: any), to make a service unreachable without touching it. */
async function relay(port: number, listen = 0): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(listen, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describe.skipIf(!brokers || !elasticsearch)('operations, distributed', () => {
  it('workers serve exact metrics and readiness on their own port; ecoute status reads Kafka and Elasticsearch', async () => {
    const ws = workspace();
    const yaml = `data_dir: ${ws.dir}/data
bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${run}.', partitions: 3 }
store: { type: elasticsearch, node: '${elasticsearch}', index_prefix: '${run}-mentions', refresh_on_write: wait_for }
brands: [{ id: acme, name: Acme, query: acme }]
ops: { ready_timeout_ms: 20000 }
`;
    writeFileSync(ws.config, yaml);
    const bus = openBus(parseConfig(yaml));
    try {
      const records = Array.from({ length: N }, (_, i) => {
        const mention = { source: 'ops', sourceId: `m${i}`, author: { id: `u${i}`, name: `u${i}` }, text: `Acme number ${i} is fine`, publishedAt: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString() };
        return { key: mentionId('ops', `m${i}`), value: JSON.stringify(mention) };
      });
      await bus.publish('mentions.raw', [...records, { key: 'poison', value: '{"source": "ops", "sourceId": 7' }]);
    } finally {
      await bus.close();
    }

    const analyze = ws.spawn(['worker', 'analyze', '--metrics-port', '0']);
    const index = ws.spawn(['worker', 'index', '--metrics-port', '0']);
    children.push(analyze, index);
    const a = watch(analyze);
    const x = watch(index);
    const analyzeUrl = (await a.until(/metrics: (http:\/\/127\.0\.0\.1:\d+)\/metrics\n/))[1]!;
    const indexUrl = (await x.until(/metrics: (http:\/\/127\.0\.0\.1:\d+)\/metrics\n/))[1]!;

    let am = await scrape(`${analyzeUrl}/metrics`);
    await eventually('the analyze worker to handle every record', async () => {
      am = await scrape(`${analyzeUrl}/metrics`);
      return value(am, 'ecoute_mentions_received_total', { stage: 'analyze' }) === N + 1;
    });
    expect(value(am, 'ecoute_mentions_sent_total', { stage: 'analyze' })).toBe(N);
    expect(value(am, 'ecoute_mentions_dropped_total', { stage: 'analyze', reason: 'RECORD_UNREADABLE' })).toBe(1);
    expect(value(am, 'ecoute_errors_total', { code: 'RECORD_UNREADABLE' })).toBe(1);
    await eventually('the analyze lag to read 0 on every partition', async () => {
      am = await scrape(`${analyzeUrl}/metrics`);
      const lag = am.filter((s) => s.name === 'ecoute_consumer_lag');
      return lag.length === 3 && lag.every((s) => s.value === 0);
    });
    expect(am.filter((s) => s.name === 'ecoute_consumer_lag').map((s) => s.labels).sort((p, q) => p.partition!.localeCompare(q.partition!))).toEqual(
      [0, 1, 2].map((p) => ({ topic: 'mentions.raw', group: 'ecoute-analyze', partition: String(p) })),
    );

    let im = await scrape(`${indexUrl}/metrics`);
    await eventually('the index worker to store every mention', async () => {
      im = await scrape(`${indexUrl}/metrics`);
      return value(im, 'ecoute_mentions_sent_total', { stage: 'index' }) === N;
    });
    expect(value(im, 'ecoute_mentions_received_total', { stage: 'index' })).toBe(N);
    expect(value(im, 'ecoute_mentions_received_total', { stage: 'analyze' })).toBe(0); // each process its own
    expect(value(im, 'ecoute_store_bulk_duration_seconds_count', { store: 'elasticsearch' })).toBeGreaterThan(0);
    for (const url of [analyzeUrl, indexUrl]) {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ ok: true });
    }
    // Every log line of a worker is JSON naming its stage.
    for (const line of a.err().trim().split('\n')) expect(JSON.parse(line)).toMatchObject({ stage: 'analyze' });

    const status = JSON.parse(ws.run(['status', '--json']).stdout) as {
      services: { bus: { type: string; ok: boolean }; store: { type: string; ok: boolean; mentions: number } };
      stages: { stage: string; lag: number; partitions: unknown[] }[];
      dead_letters: { written: number; last: { code: string; stage: string } };
    };
    expect(status.services.bus).toMatchObject({ type: 'kafka', ok: true });
    expect(status.services.store).toMatchObject({ type: 'elasticsearch', ok: true, mentions: N });
    expect(status.stages.find((s) => s.stage === 'analyze')).toMatchObject({ lag: 0, partitions: expect.arrayContaining([expect.anything()]) });
    expect(status.stages.find((s) => s.stage === 'analyze')?.partitions).toHaveLength(3);
    expect(status.stages.find((s) => s.stage === 'index')?.lag).toBe(0);
    expect(status.dead_letters).toMatchObject({ written: 1, last: { code: 'RECORD_UNREADABLE', stage: 'analyze' } });
    const screen = ws.run(['status']);
    expect(screen.code, screen.stdout + screen.stderr).toBe(0);
    expect(screen.stdout).toMatch(/bus {4}kafka {10}ok/);
    expect(screen.stdout).toMatch(new RegExp(`store  elasticsearch {2}ok, ${N} mentions`));

    await stop(analyze, a.err);
    await stop(index, x.err);
  }, 240_000);

  it('ecoute serve: /readyz is 503 naming the store while Elasticsearch cannot be reached, 200 again after', async () => {
    const esPort = Number(new URL(elasticsearch!).port);
    let gate = await relay(esPort);
    const ws = workspace();
    const config = (port: number) => `data_dir: ${ws.dir}/data
bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${run}-serve.' }
store: { type: elasticsearch, node: 'http://127.0.0.1:${port}', index_prefix: '${run}-serve', request_max_retries: 0 }
brands: [{ id: acme, name: Acme, query: acme }]
http: { port: 0 }
`;
    writeFileSync(ws.config, config(gate.port));
    const serve = ws.spawn(['serve']);
    children.push(serve);
    const io = watch(serve);
    const base = (await io.until(/dashboard: (http:\/\/127\.0\.0\.1:\d+)\//))[1]!;
    await eventually('/readyz 200', async () => (await fetch(`${base}/readyz`)).status === 200);
    const port = gate.port;
    const before = value(await scrape(`${base}/metrics`), 'ecoute_errors_total', { code: 'API_NOT_READY' });
    await gate.close();
    const answer = await fetch(`${base}/readyz`);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: 'API_NOT_READY', reason: expect.stringMatching(/^not ready: the store does not answer/) });
    const m = await scrape(`${base}/metrics`);
    expect(value(m, 'ecoute_errors_total', { code: 'API_NOT_READY' })).toBe(before + 1);
    // The relay back on the same port: ready again.
    gate = await relay(esPort, port);
    await eventually('/readyz 200 again', async () => (await fetch(`${base}/readyz`)).status === 200);
    await gate.close();
    await stop(serve, io.err);
  }, 120_000);
});
