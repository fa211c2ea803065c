// Embedded-bus behaviour beyond the Bus contract: group leases across processes sharing one file,
// retention, durability of the file when its process is killed (kill -9 of a child process that
// uses the bus: test/helpers/embedded-bus-child.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
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

const HELPERS = resolve(import.meta.dirname, '../helpers');

/** A child process running embedded-bus-child.ts from the sources, its stdout read line by line. */
function child(args: string[]) {
  const proc = spawn(process.execPath, ['--import', pathToFileURL(join(HELPERS, 'ts-register.mjs')).href, join(HELPERS, 'embedded-bus-child.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const waiting = new Set<{ pattern: RegExp; found: (line: string) => void }>();
  createInterface({ input: proc.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiting) if (w.pattern.test(line)) w.found(line);
  });
  // 'close': the process is gone (reaped, so its pid is free) and all it wrote has been read.
  const closed = new Promise<NodeJS.Signals | null>((done) => proc.once('close', (_code, signal) => done(signal)));
  return {
    lines,
    /** Resolves with the first line matching `pattern`; rejects if the child ends without one. */
    line(pattern: RegExp): Promise<string> {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((found, fail) => {
        const w = { pattern, found };
        waiting.add(w);
        void closed.then(() => {
          waiting.delete(w);
          fail(new Error(`the child ended without printing ${pattern}; stderr:\n${stderr}`));
        });
      });
    },
    /** kill -9; resolves with the signal that ended it, once it is gone. */
    kill9(): Promise<NodeJS.Signals | null> {
      proc.kill('SIGKILL');
      return closed;
    },
  };
}

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

  it('kill -9 while publishing: every publish that resolved is in the reopened file, whole and in order', async () => {
    const path = file();
    const publisher = child(['publish', path]);
    await publisher.line(/^acked 50$/); // and it goes on publishing until the kill
    expect(await publisher.kill9()).toBe('SIGKILL');
    const acked = publisher.lines.filter((l) => l.startsWith('acked ')).map((l) => Number(l.slice('acked '.length)));
    expect(acked.length).toBeGreaterThanOrEqual(51);

    const bus = new EmbeddedBus({ file: path });
    const end = (await bus.endOffsets('mentions.raw'))[0]!;
    // Each acknowledged batch is there; at most the one being written when killed comes on top.
    const batches = end / 3;
    expect(Number.isInteger(batches)).toBe(true); // a publish is all or nothing
    expect(batches).toBeGreaterThanOrEqual(Math.max(...acked) + 1);
    expect(batches).toBeLessThanOrEqual(Math.max(...acked) + 2);
    const got = await bus.read('mentions.raw', { 0: 0 }, end);
    expect(got.map((r) => [r.offset, r.value])).toEqual(Array.from({ length: end }, (_, i) => [i, `${Math.floor(i / 3)}.${i % 3}`]));
    await bus.close();
  });

  it('kill -9 while consuming: what was handled stays committed, the record in flight comes again', async () => {
    const path = file();
    const setupBus = new EmbeddedBus({ file: path });
    await setupBus.publish('mentions.raw', Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i) })));
    await setupBus.close();
    // The child handles 0 … 4 and is killed while its handler holds 5.
    const consumer = child(['consume', path, '5']);
    await consumer.line(/^handling 5$/);
    expect(await consumer.kill9()).toBe('SIGKILL');
    expect(consumer.lines.filter((l) => l.startsWith('handling '))).toEqual([0, 1, 2, 3, 4, 5].map((i) => `handling ${i}`));

    const bus = new EmbeddedBus({ file: path, pollIntervalMs: 10 });
    expect(await bus.committedOffsets('mentions.raw', 'g')).toEqual({ 0: 5 });
    // The dead process's lease does not hold the group: a new consumer starts at once, at 5.
    const seen: number[] = [];
    const again = bus.consume('mentions.raw', 'g', async (batch) => void seen.push(...batch.map((r) => r.offset)));
    await until(() => seen.length >= 5);
    await again.close(); // commits what it handled
    expect(seen).toEqual([5, 6, 7, 8, 9]);
    expect(await bus.committedOffsets('mentions.raw', 'g')).toEqual({ 0: 10 });
    await bus.close();
  });

  it('checkpointInThread: the WAL is checkpointed by the bus thread, stays bounded under 20 MB of appends, and every record reads back after reopening', async () => {
    const path = file();
    const bus = new EmbeddedBus({ file: path, pollIntervalMs: 10, checkpointInThread: true });
    const value = 'x'.repeat(500);
    let handled = 0;
    const consumer = bus.consume('mentions.analyzed', 'g', async (batch) => void (handled += batch.length));
    let walMax = 0;
    // 20 rounds of about 1 MB; after each, the consumer catches up and the thread checkpoints once
    // more (the events the bound depends on, whatever the machine's load), so the next round's
    // writes start the log over.
    for (let round = 0; round < 20; round++) {
      for (let b = round * 20; b < (round + 1) * 20; b++) {
        await bus.publish(b % 2 ? 'mentions.analyzed' : 'mentions.raw', Array.from({ length: 100 }, (_, i) => ({ key: String(i), value: `${b}.${i}.${value}` })));
        walMax = Math.max(walMax, statSync(`${path}-wal`).size);
      }
      const seen = bus.checkpointsInThread;
      await until(() => handled === (round + 1) * 1000 && bus.checkpointsInThread > seen + 1, 60_000);
    }
    await consumer.close();
    // The main connection does not checkpoint (wal_autocheckpoint 0), so without the thread the
    // log would hold all 20 MB; the thread's checkpoints let it start over.
    expect(walMax).toBeLessThan(12 * 1024 * 1024);
    await bus.close();
    const reopened = new EmbeddedBus({ file: path });
    const raw = await reopened.read('mentions.raw', { 0: 0 }, 30_000);
    const analyzed = await reopened.read('mentions.analyzed', { 0: 0 }, 30_000);
    expect(raw.length).toBe(20_000);
    expect(analyzed.length).toBe(20_000);
    expect(analyzed[19_999]!.value).toBe(`399.99.${value}`);
    expect(await reopened.committedOffsets('mentions.analyzed', 'g')).toEqual({ 0: 20_000 });
    await reopened.close();
  });
});
