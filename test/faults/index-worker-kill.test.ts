// `kill -9` of the index worker (`ecoute worker index`, a real child process) five times at random
// points while it writes bulks to Elasticsearch, then a SIGTERM that must drain cleanly: exit 0,
// offsets committed for exactly what was written, and, once done, every acknowledged mention stored
// exactly once. Runs on the shared Kafka and Elasticsearch (only écoute's own worker is killed).
import { afterAll, describe, expect, it } from 'vitest';
import { ANALYZE_GROUP } from '../../src/streams/analyze.js';
import { INDEX_GROUP } from '../../src/streams/index-stage.js';
import { requireElasticsearch, requireKafka } from '../helpers/services.js';
import { assertFreshMentionFlows, assertOracle, faultPipeline, pause, publishMentions, rawMention, storedCount, sum, waitFor, type FaultPipeline, type Worker } from './helpers/pipeline.js';

const brokers = await requireKafka();
const elasticsearch = await requireElasticsearch();
let pipeline: FaultPipeline | undefined;
afterAll(async () => pipeline?.close());

const KILLS = 5;
// Large enough that, when the first bulk of a round is committed, the others are still being written.
const PER_ROUND = 2000;

describe.skipIf(!brokers || !elasticsearch)('fault: kill -9 of the index worker', () => {
  it('five kill -9 at random points mid-bulk, then SIGTERM drains cleanly; every acknowledged mention stored exactly once', async () => {
    // A short session: a killed member's partitions move on in seconds, not the default 30 s.
    const p = (pipeline = await faultPipeline('kill', {
      brokers: brokers!,
      elasticsearch: elasticsearch!,
      bus: 'session_timeout_ms: 6000, heartbeat_interval_ms: 1000, rebalance_timeout_ms: 10000',
    }));
    const analyze = p.start(['worker', 'analyze']);
    let index = p.start(['worker', 'index']);
    const alive = () => {
      for (const w of [analyze, index]) if (w.child.exitCode !== null) throw new Error(`a worker exited with ${w.child.exitCode}: ${w.tail()}`);
    };
    const indexed = async () => sum(await p.bus.committedOffsets('mentions.analyzed', INDEX_GROUP));
    const acked: string[] = [];
    const kills: { stored: number; committed: number; acked: number }[] = [];
    // A round publishes PER_ROUND mentions and kills the worker at a random point while it indexes
    // them; a kill that came after the round was all committed does not count (up to 15 rounds).
    for (let round = 0; kills.length < KILLS && round < 15; round++) {
      const mentions = Array.from({ length: PER_ROUND }, (_, i) => rawMention(`r${round}`, i));
      acked.push(...(await publishMentions(p.bus, mentions)));
      // A random point while this round is being written: once the first of its bulks is committed
      // (Kafka's offsets, exact), with the other partitions' bulks usually still in flight.
      const roundStart = acked.length - PER_ROUND;
      await waitFor(() => `a commit of round ${round + 1}`, async () => (await indexed()) > roundStart, 120_000, alive);
      // A random point, soon after: on a quiet machine a whole round is indexed within a few hundred ms.
      await pause(Math.floor(Math.random() * 50));
      index.child.kill('SIGKILL');
      expect(await index.exited).toBe('SIGKILL');
      // What the dead worker left: documents written (after a refresh) and offsets committed.
      await p.refresh();
      const kill = { stored: await storedCount(p), committed: await indexed(), acked: acked.length };
      if (kill.committed < kill.acked) kills.push(kill);
      index = p.start(['worker', 'index']);
    }
    // Every kill landed with work outstanding, and at least one with writes not yet committed (the
    // restarted worker gets those records again: the idempotent upsert must not double them).
    expect(kills.length).toBe(KILLS);
    expect(kills.some((k) => k.stored > k.committed), JSON.stringify(kills)).toBe(true);

    // One more round, then SIGTERM while it is being indexed: the worker finishes its bulk, commits, exits 0.
    acked.push(...(await publishMentions(p.bus, Array.from({ length: PER_ROUND }, (_, i) => rawMention('term', i)))));
    const partial = acked.length - Math.floor(PER_ROUND * 0.8);
    await waitFor(() => `${partial} documents stored before SIGTERM`, async () => (await storedCount(p)) >= partial, 120_000, alive);
    index.child.kill('SIGTERM');
    expect(await index.exited, index.tail()).toBe(0);
    expect(index.tail()).toContain('stopped cleanly');
    // Drained: every document written is covered by a committed offset (one record per mention here).
    const committedAtStop = await indexed();
    await p.refresh();
    const storedAtStop = await storedCount(p);
    expect(committedAtStop).toBe(storedAtStop);

    const last: Worker = p.start(['worker', 'index']);
    index = last;
    const analyzedEnd = async () => sum(await p.bus.endOffsets('mentions.analyzed'));
    await waitFor(
      () => 'the analyze and index groups at the end of their topics',
      async () => sum(await p.bus.committedOffsets('mentions.raw', ANALYZE_GROUP)) >= acked.length && (await indexed()) >= (await analyzedEnd()),
      180_000,
      alive,
    );
    const result = await assertOracle(p, acked);
    expect(result).toEqual({ stored: acked.length, dead: 0 });
    await assertFreshMentionFlows(p, 'kill', 60_000, alive);
    for (const w of [analyze, last]) w.child.kill('SIGTERM');
    expect(await analyze.exited, analyze.tail()).toBe(0);
    expect(await last.exited, last.tail()).toBe(0);
    console.log(`[faults] kill -9 x${KILLS}: ${acked.length} acknowledged, ${result.stored} stored, ${result.dead} dead letters; kills at ${JSON.stringify(kills)}; SIGTERM drain: ${storedAtStop} stored = ${committedAtStop} committed`);
  }, 480_000);
});
