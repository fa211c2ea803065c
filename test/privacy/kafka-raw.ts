// Privacy (issue 14, gaps14): reading Kafka topics byte for byte (no écoute code in between) to
// check that an erased person is in no record, and waiting for the broker's log cleaner to get there.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';
import { expect } from 'vitest';

/** Every record of a Kafka topic from offset 0, as bytes turned to text (key, value, headers). */
export async function rawTopic(kafka: Kafka, admin: Admin, topic: string): Promise<{ partition: number; key: string; value: string | null; text: string }[]> {
  const ends = Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  const starts = Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.low)]));
  if (Object.keys(ends).every((p) => (ends[p] ?? 0) <= (starts[p] ?? 0))) return [];
  const groupId = `check-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const got: { partition: number; key: string; value: string | null; text: string }[] = [];
  const next: Record<number, number> = { ...starts };
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const headers = Object.entries(m.headers ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ');
          got.push({ partition: batch.partition, key: m.key?.toString() ?? '', value: m.value?.toString() ?? null, text: `${m.key?.toString() ?? ''} ${m.value?.toString() ?? ''} ${headers}` });
        }
        next[batch.partition] = Number(batch.lastOffset()) + 1;
        if (Object.keys(ends).every((p) => (next[Number(p)] ?? 0) >= (ends[p] ?? 0))) done();
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return got;
}

/**
 * Resolves once no record of `topics` (read from their start) holds any of `needles` in its key,
 * value or headers. Compaction needs the segment to roll, which Kafka does at an append: each round
 * appends a tombstone of a dummy key to each of the `partitions` partitions (consumers skip it).
 */
export async function untilCompacted(kafka: Kafka, admin: Admin, topics: string[], partitions: number, needles: string[], timeoutMs = 120_000): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let left = topics;
    for (;;) {
      for (const topic of left) await producer.send({ topic, messages: Array.from({ length: partitions }, (_, partition) => ({ key: 'roll', value: null, partition })) });
      const still: string[] = [];
      for (const topic of left) if ((await rawTopic(kafka, admin, topic)).some((r) => needles.some((n) => r.text.includes(n)))) still.push(topic);
      left = still;
      if (left.length === 0) return;
      expect(Date.now() < deadline, `the log cleaner did not take the records out of ${left.join(', ')} within ${timeoutMs} ms`).toBe(true);
      await sleep(1000);
    }
  } finally {
    await producer.disconnect();
  }
}
