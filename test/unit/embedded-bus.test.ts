// Embedded-bus behaviour beyond the Bus contract: group leases across processes sharing one file,
// retention, durability of the file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'ecoute-ebus-')), 'bus.sqlite');
const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('embedded bus', () => {
  it('one consumer per group at a time: a second instance on the same file waits, then takes over', async () => {
    const path = file();
    const a = new EmbeddedBus({ file: path, pollIntervalMs: 10, leaseMs: 60_000 });
    const b = new EmbeddedBus({ file: path, pollIntervalMs: 10, leaseMs: 60_000 });
    const seenA: string[] = [];
    const seenB: string[] = [];
    const consumerA = a.consume('mentions.raw', 'g', async (batch) => void seenA.push(...batch.map((r) => r.key)));
    await new Promise((r) => setTimeout(r, 100));
    const consumerB = b.consume('mentions.raw', 'g', async (batch) => void seenB.push(...batch.map((r) => r.key)));
    await a.publish('mentions.raw', [{ key: '1', value: '{}' }, { key: '2', value: '{}' }]);
    await until(() => seenA.length === 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(seenB).toEqual([]);
    await consumerA.close(); // releases the lease
    await b.publish('mentions.raw', [{ key: '3', value: '{}' }]);
    await until(() => seenB.length === 1);
    expect(seenB).toEqual(['3']);
    await consumerB.close();
    await a.close();
    await b.close();
  });

  it('retention deletes records every group has read, and keeps the others', async () => {
    const bus = new EmbeddedBus({ file: file(), pollIntervalMs: 10, retentionMs: 1 });
    await bus.publish('mentions.raw', [1, 2, 3, 4].map((i) => ({ key: String(i), value: String(i) })));
    let handled = 0;
    const consumer = bus.consume('mentions.raw', 'g', async (batch) => void (handled += batch.length), { maxBatch: 2 });
    await until(() => handled === 4);
    await consumer.close();
    await bus.publish('mentions.raw', [{ key: '5', value: '5' }]);
    await new Promise((r) => setTimeout(r, 5));
    bus.applyRetention();
    const left = await bus.read('mentions.raw', { 0: 0 });
    expect(left.map((r) => r.value)).toEqual(['5']);
    expect(await bus.endOffsets('mentions.raw')).toEqual({ 0: 5 });
    await bus.close();
  });

  it('a reopened file has every confirmed record and committed offset', async () => {
    const path = file();
    const first = new EmbeddedBus({ file: path, pollIntervalMs: 10 });
    await first.publish('mentions.raw', [{ key: 'a', value: 'x' }, { key: 'b', value: 'y' }]);
    let done = false;
    const c = first.consume('mentions.raw', 'g', async () => void (done = true), { maxBatch: 1 });
    await until(() => done);
    await c.close();
    await first.close();
    const second = new EmbeddedBus({ file: path });
    expect(await second.endOffsets('mentions.raw')).toEqual({ 0: 2 });
    expect((await second.committedOffsets('mentions.raw', 'g'))[0]).toBeGreaterThanOrEqual(1);
    await second.close();
  });
});
