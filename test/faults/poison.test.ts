// Poison input on Kafka, on mentions.raw and on mentions.analyzed: bytes that are not UTF-8, a 5 MB
// text (gzip-compressed so the broker takes it), JSON nested thousands of levels deep, control
// characters (raw ones break the JSON; escaped ones are text). Only the bad records are
// dead-lettered, each once, with its reason and offset; every good record, published before, among
// and after the poison, is stored. Real workers (`ecoute worker analyze|index`) on the shared
// Kafka and Elasticsearch; nothing is stopped or killed.
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { mentionId } from '../../src/core/ids.js';
import { ANALYZE_GROUP } from '../../src/streams/analyze.js';
import { INDEX_GROUP } from '../../src/streams/index-stage.js';
import { requireElasticsearch, requireKafka } from '../helpers/services.js';
import { assertFreshMentionFlows, assertOracle, deadLetters, faultPipeline, publishMentions, rawMention, sum, waitFor, type FaultPipeline } from './helpers/pipeline.js';

const brokers = await requireKafka();
const elasticsearch = await requireElasticsearch();
let pipeline: FaultPipeline | undefined;
let kafka: Kafka | undefined;
afterAll(async () => pipeline?.close());

const GOOD = 400;

/** One poison record: raw bytes for the value, and the id the oracle knows it by. */
interface Poison {
  kind: string;
  id: string;
  value: Buffer;
}

function poisons(topic: 'raw' | 'analyzed'): Poison[] {
  const make = (kind: string, value: (id: string, sourceId: string) => Buffer): Poison => {
    const sourceId = `poison-${topic}-${kind}`;
    const id = mentionId('fault', sourceId);
    return { kind, id, value: value(id, sourceId) };
  };
  const head = (id: string, sourceId: string) => `{"id":"${id}","source":"fault","sourceId":"${sourceId}","author":{"id":"p","name":"P"},"publishedAt":"2026-01-05T12:00:00.000Z",`;
  return [
    // 0xff and 0xfe never occur in UTF-8; a lossy decode would store U+FFFD as text.
    make('invalid-utf8', (id, s) => Buffer.concat([Buffer.from(`${head(id, s)}"text":"Acme `), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')])),
    make('5mb-text', (id, s) => Buffer.from(`${head(id, s)}"text":"Acme ${'very long text '.repeat(350_000)}"}`)),
    make('deep-nesting', (id, s) => Buffer.from(`${head(id, s)}"text":"Acme deep","raw":${'['.repeat(5000)}${']'.repeat(5000)}}`)),
    // A raw NUL and BEL inside a JSON string: not JSON.
    make('raw-control-chars', (id, s) => Buffer.from(`${head(id, s)}"text":"Acme \u0000\u0007 broken"}`)),
  ];
}

describe.skipIf(!brokers || !elasticsearch)('fault: poison input on Kafka', () => {
  it('invalid UTF-8, 5 MB texts, deep nesting, control characters on mentions.raw and mentions.analyzed: only those dead-lettered, all good records stored', async () => {
    const p = (pipeline = await faultPipeline('poison', { brokers: brokers!, elasticsearch: elasticsearch! }));
    kafka = new Kafka({ clientId: 'fault-poison', brokers: [brokers!], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      const analyze = p.start(['worker', 'analyze']);
      const index = p.start(['worker', 'index']);
      const alive = () => {
        for (const w of [analyze, index]) if (w.child.exitCode !== null) throw new Error(`a worker exited with ${w.child.exitCode}: ${w.tail()}`);
      };
      const acked: string[] = [];
      const good = (from: number, n: number) => Array.from({ length: n }, (_, i) => rawMention('good', from + i));
      // Escaped control characters are text: such a mention is good and stored.
      const controlText = rawMention('good-control', 0, 'Acme \u0000 \u0001 \u0007 \u001b[31m red \u007f end');
      acked.push(...(await publishMentions(p.bus, [...good(0, GOOD / 2), controlText])));
      const bad = [...poisons('raw').map((x) => ({ ...x, topic: 'mentions.raw' })), ...poisons('analyzed').map((x) => ({ ...x, topic: 'mentions.analyzed' }))];
      for (const x of bad) {
        await producer.send({
          topic: `${p.run}.${x.topic}`,
          acks: -1,
          compression: CompressionTypes.GZIP,
          messages: [{ key: x.id, value: x.value, headers: { 'fault-id': x.id } }],
        });
        acked.push(x.id);
      }
      acked.push(...(await publishMentions(p.bus, good(GOOD / 2, GOOD / 2))));

      const goodCount = GOOD + 1;
      await waitFor(
        () => `both stages at the end of their topics`,
        async () => {
          const raw = sum(await p.bus.committedOffsets('mentions.raw', ANALYZE_GROUP)) >= sum(await p.bus.endOffsets('mentions.raw'));
          const analyzed = sum(await p.bus.committedOffsets('mentions.analyzed', INDEX_GROUP)) >= sum(await p.bus.endOffsets('mentions.analyzed'));
          return raw && analyzed && sum(await p.bus.endOffsets('mentions.analyzed')) >= goodCount + 4;
        },
        180_000,
        alive,
      );
      const result = await assertOracle(p, acked, new Set(bad.map((x) => x.id)));
      expect(result).toEqual({ stored: goodCount, dead: bad.length });
      // Each dead letter says why and where it came from.
      const letters = await deadLetters(p.bus);
      for (const x of bad) {
        const l = letters.find((d) => d.id === x.id)!;
        expect(l.letter.code, x.kind).toBe('RECORD_UNREADABLE');
        expect(l.letter.stage, x.kind).toBe(x.topic === 'mentions.raw' ? 'analyze' : 'index');
        expect(l.letter.origin.topic, x.kind).toBe(x.topic);
        expect(typeof l.letter.origin.offset, x.kind).toBe('number');
        const why = { 'invalid-utf8': /not valid UTF-8/, '5mb-text': /bytes, over the/, 'deep-nesting': /nested more than/, 'raw-control-chars': /JSON|control|Bad/ }[x.kind]!;
        expect(l.letter.reason, x.kind).toMatch(why);
      }
      // The escaped control characters came through as text.
      const stored = await p.store.search({ query: 'red', limit: 5, duplicates: 'include' });
      expect(stored.hits.map((h) => h.mention.id)).toContain(mentionId('fault', 'good-control-0'));
      await assertFreshMentionFlows(p, 'poison', 60_000, alive);
      for (const w of [analyze, index]) w.child.kill('SIGTERM');
      expect(await analyze.exited, analyze.tail()).toBe(0);
      expect(await index.exited, index.tail()).toBe(0);
      console.log(`[faults] poison: ${acked.length} acknowledged (${bad.length} poison), ${result.stored} stored, ${result.dead} dead letters`);
    } finally {
      await producer.disconnect();
    }
  }, 290_000);
});
