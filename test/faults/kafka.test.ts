// Kafka faults, on a PRIVATE broker (127.0.0.1:29092) and the shared Elasticsearch, with the
// webhook (`ecoute run --stages connectors`) taking mentions over HTTP and real workers
// (`ecoute worker analyze|index`): the broker stopped and restarted on its data, then paused with
// SIGSTOP for 30 s. The webhook never answers 2xx for mentions it did not persist, and answers 503
// with Retry-After while the bus is down; producers and consumers recover (or exit non-zero, then
// a supervisor would restart them: the test does); every 2xx-acknowledged mention is stored once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/connectors/webhook/index.js';
import { mentionId } from '../../src/core/ids.js';
import { requireElasticsearch } from '../helpers/services.js';
import { privateKafka, type PrivateService } from './helpers/private-services.js';
import { assertOracle, faultPipeline, pause, waitFor, waitForCatchUp, type FaultPipeline, type Worker } from './helpers/pipeline.js';

const elasticsearch = await requireElasticsearch();
const SECRET = 'fault-test-webhook-secret-0123456789';
let kafka: PrivateService | undefined;
let pipeline: FaultPipeline | undefined;

beforeAll(async () => {
  if (!elasticsearch) return;
  kafka = await privateKafka('a');
}, 180_000);
afterAll(async () => {
  await pipeline?.close();
  await kafka?.close();
}, 120_000);

interface Answer {
  status: number;
  retryAfter: string | null;
  phase: string;
}

describe.skipIf(!elasticsearch)('fault: Kafka broker (private)', () => {
  it('broker stopped and restarted, then SIGSTOP for 30 s: webhook 503 + Retry-After while down, never 2xx for unpersisted data; everything acknowledged stored once', async () => {
    const secretFile = join(process.env.TMPDIR ?? '/tmp', `fault-webhook-${process.pid}.secret`);
    writeFileSync(secretFile, SECRET, { mode: 0o600 });
    // Short client timeouts so the outage shows within seconds, not after kafkajs' full minute.
    const p = (pipeline = await faultPipeline('kafka', {
      brokers: kafka!.endpoint,
      elasticsearch: elasticsearch!,
      bus: 'session_timeout_ms: 10000, heartbeat_interval_ms: 1000, rebalance_timeout_ms: 20000, request_timeout_ms: 5000, connection_timeout_ms: 1000',
      extra: `http: { host: 127.0.0.1, port: 0 }\nconnectors: [{ type: webhook, source: crm, secret_file: ${secretFile} }]`,
    }));
    const webhook = p.start(['run', '--stages', 'connectors']);
    const workers: Record<'analyze' | 'index', Worker> = { analyze: p.start(['worker', 'analyze']), index: p.start(['worker', 'index']) };
    const exits: string[] = [];
    // A supervisor: a worker that exited must have said so loudly (non-zero); it is started again.
    const supervise = () => {
      if (webhook.child.exitCode !== null) throw new Error(`the webhook process exited with ${webhook.child.exitCode}: ${webhook.tail()}`);
      for (const name of ['analyze', 'index'] as const) {
        const w = workers[name];
        if (w.child.exitCode !== null || w.child.signalCode !== null) {
          expect(w.child.exitCode, `${name} worker exited: ${w.tail()}`).not.toBe(0);
          exits.push(`${name}:${w.child.exitCode}`);
          workers[name] = p.start(['worker', name]);
        }
      }
    };
    await waitFor(() => `the webhook's URL (${webhook.tail()})`, () => /HTTP server listening on (\S+);/.test(webhook.tail()), 180_000, supervise);
    const url = /HTTP server listening on (\S+);/.exec(webhook.tail())![1]!;

    const acked: string[] = [];
    const answers: Answer[] = [];
    let phase = 'up';
    let n = 0;
    let sending = true;
    const send = async () => {
      const ids = Array.from({ length: 20 }, () => `k${n++}`);
      const body = JSON.stringify(ids.map((id) => ({ id, text: `Acme broker fault test ${id}`, published_at: '2026-11-20T10:00:00Z', author: 'client-1' })));
      const at = phase;
      try {
        const res = await fetch(`${url}/ingest/crm`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SECRET, body) }, body, signal: AbortSignal.timeout(120_000) });
        await res.body?.cancel();
        answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), phase: at });
        if (res.status >= 200 && res.status < 300) acked.push(...ids.map((id) => mentionId('crm', id)));
      } catch {
        answers.push({ status: 0, retryAfter: null, phase: at });
      }
    };
    // Four clients at once, each sending a batch every 200 ms.
    const clients = Array.from({ length: 4 }, async () => {
      while (sending) {
        await send();
        await pause(200);
      }
    });
    await waitFor(() => 'mentions acknowledged before the outage', () => acked.length >= 200, 60_000, supervise);

    // 1. Broker stopped (SIGTERM, waits for the process to end), then started again on its data.
    await kafka!.stop();
    phase = 'stopped';
    await waitFor(() => `a 503 while the broker is stopped (${JSON.stringify(answers.slice(-5))})`, () => answers.some((a) => a.phase === 'stopped' && a.status === 503), 120_000, supervise);
    await kafka!.start();
    phase = 'restarted';
    const afterRestart = acked.length;
    await waitFor(() => 'webhook acknowledging again after the restart', () => acked.length >= afterRestart + 200, 120_000, supervise);

    // 2. Broker paused with SIGSTOP for 30 s, then SIGCONT.
    kafka!.signal('SIGSTOP');
    phase = 'paused';
    const pausedAt = Date.now();
    while (Date.now() - pausedAt < 30_000) {
      supervise();
      await pause(500);
    }
    kafka!.signal('SIGCONT');
    phase = 'resumed';
    const afterResume = acked.length;
    await waitFor(() => 'webhook acknowledging again after SIGCONT', () => acked.length >= afterResume + 200, 120_000, supervise);
    sending = false;
    await Promise.all(clients);

    // While the bus was down, every answer that was not 2xx was a 503 with Retry-After (or no answer).
    const down = answers.filter((a) => a.phase === 'stopped' || a.phase === 'paused');
    for (const a of down.filter((x) => x.status >= 300)) {
      expect(a.status).toBe(503);
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    expect(down.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    // A paused broker holds writes; the webhook answers 503 once its bus_timeout_ms (10 s) has passed
    // instead of holding the sender for the producer's whole timeout.
    expect(answers.some((a) => a.phase === 'paused' && a.status === 503), 'a 503 while the broker is paused').toBe(true);

    await waitForCatchUp(p, { ms: 180_000, alive: supervise, workers: () => workers });
    // The oracle: acknowledged = 2xx. The raw topic may hold more (a send that failed after being
    // written): those are stored too, so the store may hold more than was acknowledged, never less.
    const unacked = new Set<string>();
    for (let i = 0; i < n; i++) unacked.add(mentionId('crm', `k${i}`));
    for (const id of acked) unacked.delete(id);
    // Searchable first: writes of requests answered 503 (the bus deadline passed, the write went on)
    // land late, and are counted as the extra stored ones only once the store shows them.
    await p.refresh();
    const extra = await p.store.existing([...unacked]);
    const result = await assertOracle(p, acked, new Set(), 0, extra.size);
    expect(result.dead).toBe(0);

    // A fresh mention after recovery, end to end.
    const body = JSON.stringify([{ id: 'fresh', text: 'Acme fresh after the broker came back', published_at: '2026-11-21T10:00:00Z' }]);
    expect((await fetch(`${url}/ingest/crm`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SECRET, body) }, body })).status).toBe(202);
    const fresh = mentionId('crm', 'fresh');
    await waitFor(() => 'the fresh mention stored', async () => (await p.store.existing([fresh])).has(fresh), 90_000, supervise);

    for (const w of [webhook, workers.analyze, workers.index]) w.child.kill('SIGTERM');
    for (const w of [webhook, workers.analyze, workers.index]) expect(await w.exited, w.tail()).toBe(0);
    const count = (ph: string, s: (x: number) => boolean) => answers.filter((a) => a.phase === ph && s(a.status)).length;
    console.log(
      `[faults] kafka: ${answers.length} requests, ${acked.length} mentions acknowledged (2xx), ${result.stored} stored (${extra.size} unacknowledged also stored), ${result.dead} dead letters; ` +
        `stopped: ${count('stopped', (s) => s === 202)}×202 ${count('stopped', (s) => s === 503)}×503 ${count('stopped', (s) => s === 0)}×no answer; ` +
        `paused: ${count('paused', (s) => s === 202)}×202 ${count('paused', (s) => s === 503)}×503 ${count('paused', (s) => s === 0)}×no answer; worker exits: ${exits.join(' ') || 'none'}`,
    );
  }, 540_000);
});
