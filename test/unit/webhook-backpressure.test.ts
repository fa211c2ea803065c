// Issue 15 (threads15): the webhook while the pipeline is busy.
// - One small mention is answered while a large body is being analysed: analysis runs in worker
//   threads (src/streams/analyze-pool.ts), so the answer does not wait for it. Asserted by the order
//   of events (the small request's 202 arrives before the large batch's analysis is published), not
//   by a clock; the milliseconds are in bench/embedded.ts.
// - Past backpressure.max_lag_records the webhook answers 503 WEBHOOK_BACKLOG with Retry-After, and
//   takes requests again once the pipeline caught up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipelineBackpressure } from '../../src/app/backpressure.js';
import { SqliteCursorStore } from '../../src/connectors/cursors.js';
import type { RunningConnector } from '../../src/connectors/types.js';
import { signRequest, webhookConnector } from '../../src/connectors/webhook/index.js';
import { WebhookConnectorSchema } from '../../src/connectors/webhook/config.js';
import { BackpressureSchema } from '../../src/connectors/config.js';
import { parseConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { ANALYZE_GROUP, startAnalyzeStage } from '../../src/streams/analyze.js';
import { AnalyzePool } from '../../src/streams/analyze-pool.js';
import { brandMatcher } from '../../src/streams/brands.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import type { Consumer } from '../../src/streams/bus/types.js';
import type { Backpressure } from '../../src/connectors/backpressure.js';

const SECRET = 'whsec-threads15-0123456789abcdef';
let dir: string;
let bus: EmbeddedBus;
let server: HttpServer;
let url: string;
let connector: RunningConnector;
const cleanups: (() => Promise<unknown>)[] = [];

async function start(backpressure?: (bus: EmbeddedBus) => Backpressure): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'ecoute-webhook15-'));
  bus = new EmbeddedBus({ file: join(dir, 'bus.sqlite'), pollIntervalMs: 5 });
  server = createHttpServer({ host: '127.0.0.1', port: 0, log: silentLogger });
  const config = WebhookConnectorSchema.parse({ type: 'webhook', source: 'crm', max_body_bytes: 16 * 1024 * 1024, max_items: 1000 });
  connector = webhookConnector.create(config, {
    bus,
    cursors: new SqliteCursorStore(':memory:'),
    log: silentLogger,
    httpServer: server,
    dataDir: dir,
    ...(backpressure && { backpressure: backpressure(bus) }),
  });
  url = await server.listen();
}

async function post(items: unknown[]): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const body = JSON.stringify(items);
  const res = await fetch(`${url}/ingest/crm`, { method: 'POST', headers: { 'content-type': 'application/json', ...signRequest(SECRET, body) }, body });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

const words = 'Acme coffee machine arrived late, the app would not pair over bluetooth, support was kind but slow; la machine Acme est belle mais le café est tiède et le service client ne répond pas'.split(' ');
/** A long mention (about 5 KB): a body of 500 of them (one batch of the stage) takes seconds to analyse. */
const long = (i: number) => ({ id: `big-${i}`, author: `a${i % 50}`, text: Array.from({ length: 800 }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' ') });

beforeEach(() => {
  process.env.ECOUTE_WEBHOOK_CRM_SECRET = SECRET;
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await server?.close();
  await connector?.stop();
  await bus?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('webhook while the pipeline is busy (issue 15)', () => {
  it('answers a small request while a large body is being analysed in the worker threads', async () => {
    await start();
    const config = parseConfig(`data_dir: ${dir}\nbrands:\n  - { id: acme, name: Acme, query: acme }\n`);
    const pool = new AnalyzePool({ languages: config.languages, brands: config.brands, dataDir: dir, authorKeySecret: 'k', keepAuthorHandles: false, calibrationReloadMs: 5000 }, { threads: 2 });
    cleanups.push(() => pool.close());
    // Warm the threads (each loads the model once) so the large batch is analysis, not start-up.
    await pool.analyze([{ topic: 'mentions.raw', partition: 0, offset: 0, timestamp: 0, key: 'warm', value: JSON.stringify({ source: 's', sourceId: 'w', author: { id: 'a', name: 'a' }, text: 'acme warm up', publishedAt: '2026-11-03T12:00:00Z' }) }]);
    let analysing!: () => void;
    const started = new Promise<void>((r) => (analysing = r));
    const stage: Consumer = startAnalyzeStage({
      bus,
      languages: config.languages,
      matchBrands: brandMatcher(config.brands),
      authorKeySecret: 'k',
      pool: (batch) => {
        if (batch.length === 500) analysing();
        return pool.analyze(batch);
      },
    });
    cleanups.push(() => stage.close());

    const large = await post(Array.from({ length: 500 }, (_, i) => long(i)));
    expect(large.status).toBe(202);
    await started; // the large body's batch is in the threads now
    const small = await post([{ id: 'small-1', author: 'b', text: 'Acme support answered in minutes, thank you' }]);
    // Answered before the large batch's analysis was published: the main thread was free.
    const analyzedWhenAnswered = (await bus.endOffsets('mentions.analyzed'))[0] ?? 0;
    expect(small.status).toBe(202);
    expect(analyzedWhenAnswered).toBe(0);
    // And the large batch, then the small one, are analysed in the end.
    while (((await bus.committedOffsets('mentions.raw', ANALYZE_GROUP))[0] ?? 0) < 501) await new Promise((r) => setTimeout(r, 20));
    expect((await bus.endOffsets('mentions.analyzed'))[0]).toBe(501);
  }, 170_000);

  it('answers 503 WEBHOOK_BACKLOG with Retry-After while the lag is past max_lag_records, and accepts again once it caught up', async () => {
    const limits = BackpressureSchema.parse({ max_lag_records: 5, check_interval_ms: 10, retry_after_seconds: 3 });
    let backpressure!: Backpressure;
    await start((b) => (backpressure = pipelineBackpressure(b, limits)));
    const item = (id: string) => ({ id, author: 'c', text: `Acme order ${id} arrived` });
    // Six mentions wait: nothing analyses them yet.
    expect((await post(Array.from({ length: 6 }, (_, i) => item(`m${i}`)))).status).toBe(202);
    await backpressure.below(AbortSignal.timeout(1)).catch(() => undefined); // one fresh read of the lag
    expect(backpressure.current()).toBe(6);
    const refused = await post([item('late-1')]);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('3');
    expect(refused.body).toMatchObject({ error: 'WEBHOOK_BACKLOG' });
    expect(String(refused.body.reason)).toMatch(/6 mentions waiting.*max_lag_records \(5\)/);
    // Nothing of the refused request was written.
    expect((await bus.endOffsets('mentions.raw'))[0]).toBe(6);
    // The analyze and index stages catch up (here: groups that read and commit).
    const analyze = bus.consume('mentions.raw', ANALYZE_GROUP, async () => undefined);
    cleanups.push(() => analyze.close());
    await backpressure.below();
    const again = await post([item('late-1')]);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ accepted: 1 });
  });
});
