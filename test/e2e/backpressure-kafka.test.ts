// Issue 15: backpressure on Kafka. `ecoute run --stages connectors` (the webhook) beside remote
// `ecoute worker analyze|index` processes, on the shared broker and Elasticsearch: while nothing
// analyses, the lag the webhook reads from the stages' consumer groups passes
// backpressure.max_lag_records and the webhook answers 503 WEBHOOK_BACKLOG with Retry-After,
// writing nothing of the refused request; once the workers run and catch up it accepts again, and
// every acknowledged mention is stored once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/connectors/webhook/index.js';
import { mentionId } from '../../src/core/ids.js';
import { sum } from '../faults/helpers/pipeline.js';
import { assertOracle, faultPipeline, waitFor, waitForCatchUp, type FaultPipeline } from '../faults/helpers/pipeline.js';
import { deleteKafkaPrefix, ensureServices } from '../helpers/services.js';

const services = await ensureServices(['kafka', 'elasticsearch']);
const SECRET = 'backpressure-kafka-secret-0123456789';
let pipeline: FaultPipeline | undefined;

afterAll(async () => {
  await pipeline?.close();
  if (pipeline && services?.kafka) await deleteKafkaPrefix(services.kafka, `${pipeline.run}.`).catch(() => undefined);
}, 120_000);

describe.skipIf(!services)('backpressure on Kafka (issue 15)', () => {
  it('refuses webhook requests with 503 WEBHOOK_BACKLOG past max_lag_records while the workers lag, and accepts again once they caught up', async () => {
    const secretFile = join(process.env.TMPDIR ?? '/tmp', `backpressure-kafka-${process.pid}.secret`);
    writeFileSync(secretFile, SECRET, { mode: 0o600 });
    const p = (pipeline = await faultPipeline('bpk', {
      brokers: services!.kafka!,
      elasticsearch: services!.elasticsearch!,
      partitions: 2,
      extra: [
        'http: { host: 127.0.0.1, port: 0 }',
        `connectors: [{ type: webhook, source: crm, secret_file: ${secretFile} }]`,
        'backpressure: { max_lag_records: 30, check_interval_ms: 100, retry_after_seconds: 4 }',
      ].join('\n'),
    }));
    const webhook = p.start(['run', '--stages', 'connectors']);
    await waitFor(() => `the webhook's URL (${webhook.tail()})`, () => /HTTP server listening on (\S+);/.test(webhook.tail()), 120_000);
    const url = /HTTP server listening on (\S+);/.exec(webhook.tail())![1]!;

    const acked: string[] = [];
    let n = 0;
    const send = async () => {
      const ids = Array.from({ length: 10 }, () => `bp${n++}`);
      const body = JSON.stringify(ids.map((id) => ({ id, text: `Acme order ${id} arrived late`, published_at: '2026-11-20T10:00:00Z', author: `client-${id}` })));
      const res = await fetch(`${url}/ingest/crm`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SECRET, body) }, body });
      const answer = { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
      if (res.status === 202) acked.push(...ids.map((id) => mentionId('crm', id)));
      return answer;
    };

    // No worker runs: every accepted mention stays on mentions.raw, so the lag only grows.
    let refused: Awaited<ReturnType<typeof send>> | undefined;
    await waitFor(
      () => `a 503 once the lag passed 30 (accepted so far: ${acked.length})`,
      async () => {
        const answer = await send();
        if (answer.status === 503) {
          // Only the backlog may refuse here (a bus failure would be another 503): say which it was.
          if (answer.body.error !== 'WEBHOOK_BACKLOG') throw new Error(`${JSON.stringify(answer.body)}\n${webhook.tail()}`);
          refused = answer;
        } else expect(answer.status).toBe(202);
        return refused !== undefined;
      },
      60_000,
    );
    expect(acked.length).toBeGreaterThan(30);
    expect(refused!.retryAfter).toBe('4');
    expect(refused!.body).toMatchObject({ error: 'WEBHOOK_BACKLOG' });
    const waiting = Number(/(\d+) mentions waiting.*max_lag_records \(30\)/.exec(String(refused!.body.reason))?.[1]);
    expect(waiting).toBeGreaterThan(30);
    expect(waiting).toBeLessThanOrEqual(acked.length);
    // Nothing of the refused request was written: mentions.raw holds exactly the accepted ones.
    expect(sum(await p.bus.endOffsets('mentions.raw'))).toBe(acked.length);

    // The workers start and catch up; the webhook takes requests again.
    const workers = { analyze: p.start(['worker', 'analyze']), index: p.start(['worker', 'index']) };
    await waitForCatchUp(p, { ms: 180_000, minRaw: acked.length, workers: () => workers });
    let again: Awaited<ReturnType<typeof send>> | undefined;
    await waitFor(() => `a 202 once the workers caught up (last: ${again?.status})`, async () => (again = await send()).status === 202, 60_000);
    expect(again!.body).toMatchObject({ accepted: 10 });
    await waitForCatchUp(p, { ms: 180_000, minRaw: acked.length, workers: () => workers });
    await assertOracle(p, acked);
  }, 420_000);
});
