// npm run bench:kafka — issue 15, H7 (the Kafka client): kafkajs and @platformatic/kafka behind the
// same Bus, on the real broker (`npx ecoute services up`), in the same run. For each client, N raw
// mentions (default 200,000; the demo texts as the connectors publish them: key = mention id, value =
// the mention's JSON) are published in chunks of CHUNK (1,000) with WINDOW (4) publishes in flight,
// then consumed by one consumer of a fresh group (batches of 500, a handler that counts) until its
// commits reach the end offsets. Same topics' partitions (3), same records. ROUNDS (default 2) rounds
// alternate the clients, so neither always runs first. COMPRESSIONS (default `lz4,none`) repeats it
// for each producer codec (`bus.compression`). One JSON line per client and codec: the mean of its
// rounds, the bytes the topic takes on the broker per record, the bench process's CPU ms per record
// (publish and consume, which holds better than the rate on a loaded machine), and each round with
// the 1-minute load average before and after. PREFIX (default `benchkc`) starts the topic names.
//   N=200000 ROUNDS=2 npm run bench:kafka
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { mentionId } from '../src/core/ids.js';
import { KafkaBusSchema, type Compression } from '../src/streams/bus/kafka/config.js';
import { topicLogBytes } from '../src/streams/bus/platformatic/log-size.js';
import { KafkaBus } from '../src/streams/bus/kafka.js';
import { PlatformaticBus } from '../src/streams/bus/platformatic/index.js';
import type { Bus, BusRecord } from '../src/streams/bus/types.js';
import { reached } from '../src/streams/bus/types.js';
import { KAFKA_BROKER } from '../src/services/index.js';

const total = Number(process.env.N ?? 200_000);
const rounds = Number(process.env.ROUNDS ?? 2);
const chunk = Number(process.env.CHUNK ?? 1_000);
const window = Number(process.env.WINDOW ?? 4);
const partitions = 3;
const brokers = (process.env.KAFKA_BROKERS ?? KAFKA_BROKER).split(',');
const compressions = (process.env.COMPRESSIONS ?? 'lz4,none').split(',') as Compression[];
const run = `${process.env.PREFIX ?? 'benchkc'}${Date.now().toString(36)}`;
const root = fileURLToPath(new URL('../../', import.meta.url));

const samples = readFileSync(`${root}config/demo/mentions.jsonl`, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { source: string; text: string; title?: string; lang?: string; published_at: string; author?: string });
const records: BusRecord[] = Array.from({ length: total }, (_, i) => {
  const s = samples[i % samples.length]!;
  const sourceId = `bench-${i}`;
  const mention = { source: s.source, sourceId, author: { id: s.author ?? 'anon', name: s.author ?? 'anon' }, text: `${s.text} probe${i.toString(36)}x`, publishedAt: s.published_at, ...(s.title && { title: s.title }), ...(s.lang && { lang: s.lang }) };
  return { key: mentionId(s.source, sourceId), value: JSON.stringify(mention) };
});
const meanBytes = Math.round(records.reduce((n, r) => n + Buffer.byteLength(r.value) + Buffer.byteLength(r.key), 0) / total);

type Client = 'kafkajs' | 'platformatic';
function open(client: Client, prefix: string, compression: Compression) {
  const config = KafkaBusSchema.parse({ type: 'kafka', client, brokers, topic_prefix: prefix, partitions, compression });
  return { config, bus: (client === 'platformatic' ? new PlatformaticBus(config) : new KafkaBus(config)) as Bus & { start(): Promise<void>; topicName(t: 'mentions.raw'): string } };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(client: Client, compression: Compression, round: number) {
  const { bus, config } = open(client, `${run}.${client}.${compression}.${round}.`, compression);
  try {
    await bus.start();
    const loadBefore = loadavg()[0];
    const cpu0 = cpuMs();
    // Produce: WINDOW publishes of CHUNK records in flight, each resolving once durable.
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: window }, async () => {
        while (next < total) {
          const from = next;
          next += chunk;
          await bus.publish('mentions.raw', records.slice(from, from + chunk));
        }
      }),
    );
    const produceMs = performance.now() - t0;
    const produceCpu = cpuMs() - cpu0;
    const end = await bus.endOffsets('mentions.raw');
    const stored = Object.values(end).reduce((a, b) => a + b, 0);
    if (stored !== total) throw new Error(`${client}: ${stored} records on the topic, expected ${total}`);

    // Consume and commit: until the group's commits reach the end offsets.
    let handled = 0;
    const t1 = performance.now();
    const consumer = bus.consume('mentions.raw', 'bench', async (batch) => void (handled += batch.length), { maxBatch: 500 });
    while (!reached(await bus.committedOffsets('mentions.raw', 'bench'), end)) await new Promise((r) => setTimeout(r, 50));
    const consumeMs = performance.now() - t1;
    const consumeCpu = cpuMs() - cpu0 - produceCpu;
    await consumer.close();
    const bytes = await topicLogBytes(config, bus.topicName('mentions.raw'), partitions);
    return {
      produce_per_s: Math.round(total / (produceMs / 1000)),
      consume_commit_per_s: Math.round(total / (consumeMs / 1000)),
      produce_cpu_ms_per_1k: Number(((produceCpu / total) * 1000).toFixed(1)),
      consume_cpu_ms_per_1k: Number(((consumeCpu / total) * 1000).toFixed(1)),
      log_bytes_per_record: Math.round(bytes / total),
      handled,
      load_1m: [loadBefore, loadavg()[0]].map((l) => Number(l?.toFixed(2))),
    };
  } finally {
    await bus.close();
  }
}

const admin = new Kafka({ clientId: 'ecoute-bench', brokers, logLevel: logLevel.NOTHING }).admin();
await admin.connect();
try {
  const results = new Map<string, Awaited<ReturnType<typeof measure>>[]>();
  for (let round = 0; round < rounds; round++) {
    const order: Client[] = round % 2 === 0 ? ['kafkajs', 'platformatic'] : ['platformatic', 'kafkajs'];
    for (const compression of compressions)
      for (const client of order) {
        const key = `${client} ${compression}`;
        results.set(key, [...(results.get(key) ?? []), await measure(client, compression, round)]);
      }
  }
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  const mean1 = (xs: number[]) => Number((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(1));
  for (const [key, r] of results) {
    const [client, compression] = key.split(' ');
    console.log(
      JSON.stringify({
        bench: 'kafka-clients',
        client,
        compression,
        records: total,
        record_bytes_mean: meanBytes,
        partitions,
        produce_per_s: mean(r.map((x) => x.produce_per_s)),
        consume_commit_per_s: mean(r.map((x) => x.consume_commit_per_s)),
        produce_cpu_ms_per_1k: mean1(r.map((x) => x.produce_cpu_ms_per_1k)),
        consume_cpu_ms_per_1k: mean1(r.map((x) => x.consume_cpu_ms_per_1k)),
        log_bytes_per_record: mean(r.map((x) => x.log_bytes_per_record)),
        rounds: r,
        node: process.version,
        cores: cpus().length,
      }),
    );
  }
} finally {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(run));
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(run));
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  await admin.disconnect();
}
