// The Bus contract: what every Bus implementation (embedded SQLite, Kafka) must do. Each test gets
// a fresh bus from the factory; only the Bus interface is used, never the backend.
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusRecord, ConsumedRecord, Consumer, Topic } from '../../src/streams/bus/types.js';
import { reached } from '../../src/streams/bus/types.js';

const TOPIC: Topic = 'mentions.raw';

function records(n: number, key = (i: number) => `k${i % 3}`): BusRecord[] {
  return Array.from({ length: n }, (_, i) => ({ key: key(i), value: JSON.stringify({ i }), headers: { n: String(i) } }));
}

const valueOf = (r: ConsumedRecord) => (JSON.parse(r.value) as { i: number }).i;

async function until(check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting for the bus');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function busContract(name: string, makeBus: () => Promise<Bus>): void {
  describe(`Bus contract: ${name}`, () => {
    const open: Bus[] = [];
    const consumers: Consumer[] = [];
    const fresh = async () => {
      const bus = await makeBus();
      open.push(bus);
      return bus;
    };
    afterEach(async () => {
      await Promise.allSettled(consumers.splice(0).map((c) => c.close()));
      await Promise.allSettled(open.splice(0).map((b) => b.close()));
    });

    it('delivers every published record to a group, with key, value and headers', async () => {
      const bus = await fresh();
      await bus.publish(TOPIC, records(25));
      const seen: ConsumedRecord[] = [];
      consumers.push(bus.consume(TOPIC, 'g', async (batch) => void seen.push(...batch)));
      await until(() => seen.length >= 25);
      expect(seen.map(valueOf).sort((a, b) => a - b)).toEqual([...Array(25).keys()]);
      const first = seen.find((r) => valueOf(r) === 7)!;
      expect(first.key).toBe('k1');
      expect(first.headers).toEqual({ n: '7' });
      expect(first.topic).toBe(TOPIC);
    });

    it('keeps the order of records with the same key', async () => {
      const bus = await fresh();
      await bus.publish(TOPIC, records(60, (i) => `key-${i % 4}`));
      const seen: ConsumedRecord[] = [];
      consumers.push(bus.consume(TOPIC, 'g', async (batch) => void seen.push(...batch), { maxBatch: 7 }));
      await until(() => seen.length >= 60);
      for (let k = 0; k < 4; k++) {
        const values = seen.filter((r) => r.key === `key-${k}`).map(valueOf);
        expect(values).toEqual([...values].sort((a, b) => a - b));
        expect(values).toHaveLength(15);
      }
    });

    it('redelivers a batch whose handler failed, and never skips it', async () => {
      const bus = await fresh();
      await bus.publish(TOPIC, records(5));
      let calls = 0;
      const handled: number[] = [];
      consumers.push(
        bus.consume(TOPIC, 'g', async (batch) => {
          calls++;
          if (calls <= 2) throw new Error('transient');
          handled.push(...batch.map(valueOf));
        }),
      );
      await until(() => handled.length >= 5);
      expect(calls).toBeGreaterThanOrEqual(3);
      expect(handled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    });

    it('at-least-once across a consumer restart: nothing handled-but-uncommitted is lost', async () => {
      const bus = await fresh();
      await bus.publish(TOPIC, records(20));
      // First consumer "crashes": its handler never succeeds, so it must not commit anything.
      let failed = 0;
      const first = bus.consume(TOPIC, 'g', async () => {
        failed++;
        throw new Error('crash before commit');
      });
      // It got records and failed on them, and got them again: there was a commit to get wrong.
      await until(() => failed >= 2);
      await first.close();
      expect(await bus.committedOffsets(TOPIC, 'g')).toEqual(Object.fromEntries(Object.keys(await bus.endOffsets(TOPIC)).map((p) => [p, 0])));

      const seen: number[] = [];
      consumers.push(bus.consume(TOPIC, 'g', async (batch) => void seen.push(...batch.map(valueOf))));
      await until(() => seen.length >= 20);
      expect([...new Set(seen)].sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    });

    it('a restarted group resumes after its last commit, and commits reach the end offsets', async () => {
      const bus = await fresh();
      await bus.publish(TOPIC, records(10));
      const firstSeen: number[] = [];
      const first = bus.consume(TOPIC, 'g', async (batch) => void firstSeen.push(...batch.map(valueOf)));
      await until(async () => reached(await bus.committedOffsets(TOPIC, 'g'), await bus.endOffsets(TOPIC)));
      await first.close();
      expect(firstSeen.sort((a, b) => a - b)).toEqual([...Array(10).keys()]);

      await bus.publish(TOPIC, records(15).slice(10));
      const secondSeen: number[] = [];
      consumers.push(bus.consume(TOPIC, 'g', async (batch) => void secondSeen.push(...batch.map(valueOf))));
      await until(() => secondSeen.length >= 5);
      // Once its commits reach the end there is nothing left it could deliver (a record handled
      // again, or one before the last commit, would be in secondSeen by then).
      await until(async () => reached(await bus.committedOffsets(TOPIC, 'g'), await bus.endOffsets(TOPIC)));
      expect(secondSeen.sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14]);
    });

    it('groups are independent: each group gets every record', async () => {
      const bus = await fresh();
      await bus.publish(TOPIC, records(8));
      const a: number[] = [];
      const b: number[] = [];
      consumers.push(bus.consume(TOPIC, 'a', async (batch) => void a.push(...batch.map(valueOf))));
      consumers.push(bus.consume(TOPIC, 'b', async (batch) => void b.push(...batch.map(valueOf))));
      await until(() => a.length >= 8 && b.length >= 8);
      expect(a.sort((x, y) => x - y)).toEqual(b.sort((x, y) => x - y));
    });

    it('close() lets the in-flight batch finish and commit', async () => {
      const bus = await fresh();
      // One key: one partition, so the three records are one batch on a partitioned bus too (records
      // of other partitions would be other batches, not in flight, and rightly left uncommitted).
      await bus.publish(TOPIC, records(3, () => 'k'));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let started = false;
      const consumer = bus.consume(TOPIC, 'g', async () => {
        started = true;
        await gate;
      });
      await until(() => started);
      const closing = consumer.close();
      release();
      await closing;
      expect(reached(await bus.committedOffsets(TOPIC, 'g'), await bus.endOffsets(TOPIC))).toBe(true);
    });

    it('read() returns records from given offsets without a group', async () => {
      const bus = await fresh();
      const start = await bus.endOffsets('mentions.dlq');
      await bus.publish('mentions.dlq', records(4));
      const got = await bus.read('mentions.dlq', start);
      expect(got.map(valueOf).sort()).toEqual([0, 1, 2, 3]);
    });
  });
}

/**
 * What a partitioned Bus (Kafka, through either client) adds: `partitionsAtOnce` handles batches of
 * several partitions at once, each partition still in order and committed. `makeBus(partitions)`
 * gives a started bus whose topics have that many partitions.
 */
export function partitionedBusContract(name: string, makeBus: (partitions: number) => Promise<Bus>): void {
  describe(`Partitioned bus contract: ${name}`, () => {
    it('partitionsAtOnce: batches of two partitions are handled at once, each partition in order and committed', async () => {
      const bus = await makeBus(2);
      try {
        const records = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: String(i) }));
        await bus.publish('mentions.analyzed', records);
        const end = await bus.endOffsets('mentions.analyzed');
        expect(Object.values(end).every((n) => n > 0)).toBe(true); // both partitions hold records
        // The first batch waits until a batch of the other partition started: with one partition at a
        // time this never happens (the test then times out).
        const started = new Set<number>();
        let bothStarted!: () => void;
        const overlap = new Promise<void>((resolve) => (bothStarted = resolve));
        const seen = new Map<number, number[]>();
        const consumer = bus.consume(
          'mentions.analyzed',
          'concurrent',
          async (batch) => {
            const partition = batch[0]!.partition;
            started.add(partition);
            if (started.size === 2) bothStarted();
            await overlap;
            for (const r of batch) (seen.get(partition) ?? seen.set(partition, []).get(partition)!).push(r.offset);
          },
          { maxBatch: 5, partitionsAtOnce: 2 },
        );
        try {
          await overlap;
          while (!reached(await bus.committedOffsets('mentions.analyzed', 'concurrent'), end)) await new Promise((r) => setTimeout(r, 50));
        } finally {
          await consumer.close();
        }
        for (const [partition, offsets] of seen) expect(offsets, `partition ${partition} in order, each once`).toEqual(Array.from({ length: end[partition]! }, (_, i) => i));
      } finally {
        await bus.close();
      }
    }, 60_000);
  });
}
