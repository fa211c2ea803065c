// Elasticsearch bulk faults, on a PRIVATE node (127.0.0.1:29200, write thread pool of 1 with a
// queue of 1) and the shared Kafka, with real workers (`ecoute worker analyze|index`):
// partial failures inside a 200 bulk response: per-item 429 (the tiny write queue rejects the
//    shard requests of a bulk that spans twelve monthly indices) and per-item 400 (a mapping
//    conflict: one monthly index maps `text` as a number). A recording proxy between the index
//    worker and Elasticsearch shows only failed items are sent again; the 400s go to the
//    dead-letter topic with payload, reason and offset; the rest is stored; offsets move past.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_GROUP } from '../../src/streams/index-stage.js';
import { ANALYZE_GROUP } from '../../src/streams/analyze.js';
import { requireKafka } from '../helpers/services.js';
import { bulkProxy, type BulkProxy } from './helpers/bulk-proxy.js';
import { privateElasticsearch, type PrivateService } from './helpers/private-services.js';
import { assertFreshMentionFlows, assertOracle, deadLetters, faultPipeline, idOf, publishMentions, rawMention, sum, waitFor, type FaultPipeline } from './helpers/pipeline.js';

const brokers = await requireKafka();
let es: PrivateService | undefined;
let proxy: BulkProxy | undefined;
const pipelines: FaultPipeline[] = [];

beforeAll(async () => {
  if (!brokers) return;
  es = await privateElasticsearch('a', { 'thread_pool.write.size': 1, 'thread_pool.write.queue_size': 1 });
}, 240_000);
afterAll(async () => {
  for (const p of pipelines) await p.close();
  await proxy?.close();
  await es?.close();
}, 120_000);

const atEnd = async (p: FaultPipeline) =>
  sum(await p.bus.committedOffsets('mentions.raw', ANALYZE_GROUP)) >= sum(await p.bus.endOffsets('mentions.raw')) &&
  sum(await p.bus.committedOffsets('mentions.analyzed', INDEX_GROUP)) >= sum(await p.bus.endOffsets('mentions.analyzed'));

describe.skipIf(!brokers)('fault: partial failures inside 200 bulk responses (private Elasticsearch)', () => {
  it('per-item 429 and 400 inside 200 bulk responses: only failed items resent, 400s dead-lettered with payload, reason and offset, the rest stored', async () => {
    proxy = await bulkProxy(es!.endpoint);
    const p = await faultPipeline('bulk', { brokers: brokers!, elasticsearch: es!.endpoint, workerElasticsearch: proxy.url, partitions: 1 });
    pipelines.push(p);
    // The mapping conflict: March's index exists already, with `text` as a number.
    const conflict = await fetch(`${es!.endpoint}/${p.run}-mentions-2026.03`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ settings: { number_of_replicas: 0 }, mappings: { properties: { text: { type: 'long' } } } }),
    });
    expect(conflict.status).toBe(200);
    const N = 1200;
    const mentions = Array.from({ length: N }, (_, i) => rawMention('bulk', i, undefined, 12));
    const conflicting = new Set(mentions.flatMap((m, i) => (i % 12 === 2 ? [idOf('bulk', i)] : [])));
    const acked = await publishMentions(p.bus, mentions);
    const analyze = p.start(['worker', 'analyze']);
    const index = p.start(['worker', 'index']);
    const alive = () => {
      for (const w of [analyze, index]) if (w.child.exitCode !== null) throw new Error(`a worker exited with ${w.child.exitCode}: ${w.tail()}`);
    };
    await waitFor(() => 'both stages at the end of their topics', () => atEnd(p), 180_000, alive);
    const result = await assertOracle(p, acked, conflicting);
    expect(result).toEqual({ stored: N - conflicting.size, dead: conflicting.size });

    // What the proxy saw: some items got 429 inside a 200 answer, some 400; an id is sent again only
    // after a failure of its own (a 429, or its whole request failing), never after a success or a 400.
    const items = proxy.bulks.flatMap((b) => b.items.map((i) => ({ ...i, whole: b.status })));
    const rejected429 = items.filter((i) => i.whole === 200 && i.status === 429);
    const rejected400 = items.filter((i) => i.whole === 200 && i.status === 400);
    expect(rejected429.length, 'per-item 429 from the tiny write queue').toBeGreaterThan(0);
    expect(new Set(rejected400.map((i) => i.id))).toEqual(conflicting);
    const last = new Map<string, number>();
    for (const i of items) {
      const before = last.get(i.id);
      if (before !== undefined) expect([429, 503, 0], `id ${i.id} resent after a ${before}`).toContain(before);
      last.set(i.id, i.status);
    }
    // The dead letters: payload (the analyzed mention), reason, source offset.
    for (const l of await deadLetters(p.bus)) {
      expect(l.letter.code).toBe('STORE_ITEM_INVALID');
      expect(l.letter.stage).toBe('index');
      expect(l.letter.reason).toMatch(/document_parsing_exception|mapper_parsing_exception/);
      expect(l.letter.origin.topic).toBe('mentions.analyzed');
      expect(typeof l.letter.origin.offset).toBe('number');
      expect((JSON.parse(l.letter.input) as { id: string }).id).toBe(l.id);
    }
    await assertFreshMentionFlows(p, 'bulk', 60_000, alive);
    for (const w of [analyze, index]) w.child.kill('SIGTERM');
    expect(await index.exited, index.tail()).toBe(0);
    expect(await analyze.exited, analyze.tail()).toBe(0);
    console.log(`[faults] partial bulk: ${N} acknowledged, ${result.stored} stored, ${result.dead} dead letters (400), ${rejected429.length} per-item 429 resent, ${proxy.bulks.length} bulk requests`);
  }, 200_000);

});
