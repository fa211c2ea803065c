// The consumer watch and the metrics server, in-process over a real embedded bus (SQLite): lag per
// topic and partition counts exactly the records a group has not handled, a consumer whose batch
// keeps failing is stuck once its offset has not moved for the threshold (/readyz 503 naming it,
// each failed try counted by its code) and ready again once it moves; /metrics asks for
// ops.metrics_token when one is set.
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { EcouteError } from '../../src/core/errors.js';
import { ConsumerWatch } from '../../src/ops/consumers.js';
import { meteredBus } from '../../src/ops/metered-bus.js';
import { registry } from '../../src/ops/metrics.js';
import { notReady } from '../../src/ops/readiness.js';
import { startMetricsServer, type MetricsServer } from '../../src/ops/server.js';
import { silentLogger } from '../../src/core/log.js';
import { eventually, parseMetrics, value } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const records = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }) }));

describe('consumer lag and stuck consumers', () => {
  it('ecoute_consumer_lag counts the records a group has not handled, per partition', async () => {
    const bus = meteredBus(new EmbeddedBus({ file: ':memory:' }));
    cleanups.push(() => bus.close());
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    cleanups.push(() => release()); // before the bus closes (it waits for the batch in flight)
    let handled = 0;
    let started!: () => void;
    const inHandler = new Promise<void>((r) => (started = r));
    const group = `lag-${Date.now()}`;
    const consumer = bus.consume('mentions.raw', group, async (batch) => {
      started();
      await held;
      handled += batch.length;
    });
    await bus.publish('mentions.raw', records(7));
    await inHandler;
    const lag = () => registry.metrics().then((t) => value(parseMetrics(t), 'ecoute_consumer_lag', { topic: 'mentions.raw', group, partition: '0' }));
    expect(await lag()).toBe(7);
    release();
    await eventually('the batch to be committed', async () => handled === 7 && (await lag()) === 0);
    await consumer.close();
    // A closed consumer is no longer watched.
    expect(parseMetrics(await registry.metrics()).filter((s) => s.name.startsWith('ecoute_consumer_') && s.labels.group === group)).toEqual([]);
  });

  it('a consumer whose batch keeps failing is stuck after the threshold, then ready once it moves', async () => {
    const watch = new ConsumerWatch(1500);
    cleanups.push(() => watch.stop());
    const bus = meteredBus(new EmbeddedBus({ file: ':memory:', retryBackoffMs: 50 }), watch);
    cleanups.push(() => bus.close());
    let failing = true;
    const group = `stuck-${Date.now()}`;
    const failures = () => registry.metrics().then((t) => value(parseMetrics(t), 'ecoute_errors_total', { code: 'STORE_UNAVAILABLE' }));
    const before = await failures();
    bus.consume('mentions.raw', group, async () => {
      if (failing) throw new EcouteError('STORE_UNAVAILABLE', 'the store is down (test)');
    });
    await bus.publish('mentions.raw', records(5));
    const server: MetricsServer = await startMetricsServer({ host: '127.0.0.1', port: 0, ops: { metrics_host: '127.0.0.1', stuck_after_seconds: 2, ready_timeout_ms: 3000 }, readiness: { bus, watch }, log: silentLogger });
    cleanups.push(() => server.close());
    expect(await notReady({ bus, watch })).toEqual([]);
    let answer: { status: number; body: { reason?: string } } = { status: 0, body: {} };
    await eventually('/readyz 503', async () => {
      const r = await fetch(`${server.url}/readyz`);
      answer = { status: r.status, body: (await r.json()) as { reason?: string } };
      return r.status === 503;
    });
    expect(answer.body.reason).toMatch(new RegExp(`^not ready: the consumer ${group} of mentions\\.raw is stuck \\(partition 0: 5 records behind, no progress for \\d+ s\\)$`));
    expect(await failures()).toBeGreaterThan(before);
    failing = false;
    await eventually('/readyz 200 once it moved', async () => (await fetch(`${server.url}/readyz`)).status === 200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('/metrics and its token', () => {
  it('is open without ops.metrics_token; with it, 401 unless the bearer token is right', async () => {
    const open = await startMetricsServer({ host: '127.0.0.1', port: 0, ops: { metrics_host: '127.0.0.1', stuck_after_seconds: 300, ready_timeout_ms: 3000 }, readiness: {}, log: silentLogger });
    cleanups.push(() => open.close());
    const plain = await fetch(`${open.url}/metrics`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await plain.text()).toMatch(/^# HELP ecoute_mentions_received_total /m);

    process.env.OPS_TEST_METRICS_TOKEN = 'metrics-token-5f2a9c11';
    const guarded = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      ops: { metrics_host: '127.0.0.1', stuck_after_seconds: 300, ready_timeout_ms: 3000, metrics_token_env: 'OPS_TEST_METRICS_TOKEN' },
      readiness: {},
      log: silentLogger,
    });
    cleanups.push(() => guarded.close());
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-00000000' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'API_UNAUTHORIZED' });
    expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-5f2a9c11' } })).status).toBe(200);
    // The token is never in what /metrics says.
    expect(await (await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-5f2a9c11' } })).text()).not.toContain('5f2a9c11');
  });
});
