// Issue 15 (emb17): the embedded index stage writing through the store's writer thread stores what
// the in-thread stage stores (the same rows, dead letters and counts), drops erased authors, and the
// main thread's store (the API's) answers current counts and facets while the thread writes, equal
// to a fresh SQL-path read of the same file, also after another connection (an `ecoute ingest`)
// wrote beside it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnalyzedMention } from '../../src/core/types.js';
import { SqlitePrivacyLedger } from '../../src/privacy/sqlite-ledger.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { reached, type Bus } from '../../src/streams/bus/types.js';
import { INDEX_GROUP, startIndexStage } from '../../src/streams/index-stage.js';
import { IndexWriterThread } from '../../src/app/index-writer.js';
import { stageStream } from '../helpers/alert-streams.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function caughtUp(bus: Bus): Promise<void> {
  const end = await bus.endOffsets('mentions.analyzed');
  while (!reached(await bus.committedOffsets('mentions.analyzed', INDEX_GROUP), end)) await new Promise((r) => setTimeout(r, 20));
}

const records = (mentions: readonly AnalyzedMention[]) => mentions.map((m) => ({ key: m.id, value: JSON.stringify(m) }));

/** Runs the index stage over the same input, in-thread or through the writer thread; what is stored and dead-lettered. */
async function run(threaded: boolean, mentions: AnalyzedMention[], erased: string | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'ecoute-writer-'));
  dirs.push(dir);
  const bus = new EmbeddedBus({ file: join(dir, 'bus.sqlite'), pollIntervalMs: 10, retryBackoffMs: 20 });
  const store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  await store.ensureSchema();
  const privacy = new SqlitePrivacyLedger(join(dir, 'privacy.sqlite'));
  if (erased) await privacy.suppress({ authorKey: erased, at: new Date().toISOString() });
  // Read before anything is written: the columns are loaded and must follow the writes from here.
  expect(await store.count({ duplicates: 'include' })).toBe(0);
  const writer = threaded ? new IndexWriterThread({ storeFile: join(dir, 'store.sqlite'), privacyFile: join(dir, 'privacy.sqlite') }, store, () => undefined) : undefined;
  const stage = startIndexStage({ bus, store, suppressed: privacy, ...(writer && { write: (b, s) => writer.write(b, s), maxBatch: 2000 }) });
  const half = Math.floor(mentions.length / 2);
  await bus.publish('mentions.analyzed', [...records(mentions.slice(0, half)), { key: 'bad', value: '{"not": "a mention"' }]);
  await caughtUp(bus);
  const midway = await store.count({ duplicates: 'include' });
  // Another connection writes a mention beside the stage (an `ecoute ingest` in another process).
  const other = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  const outsider = { ...mentions[0]!, id: 'f'.repeat(32), sourceId: 'outsider', authorKey: 'outsider' };
  await other.upsert([outsider]);
  await other.close();
  await bus.publish('mentions.analyzed', records(mentions.slice(half)));
  await caughtUp(bus);
  const facets = await store.facets({ duplicates: 'include', size: 50 });
  const total = await store.count({ duplicates: 'include' });
  const sqlPath = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite'), fastReads: false });
  const expected = { total: await sqlPath.count({ duplicates: 'include' }), facets: await sqlPath.facets({ duplicates: 'include', size: 50 }) };
  await sqlPath.close();
  const dead = (await bus.read('mentions.dlq', {})).map((r) => JSON.parse(r.value) as { code?: string; stage?: string });
  await stage.close();
  await writer?.close();
  await store.close();
  await privacy.close();
  await bus.close();
  return { midway, total, facets, expected, dead: dead.length };
}

describe('index stage: the embedded store written from its writer thread', () => {
  it('stores and drops what the in-thread stage does; the main thread\'s store stays current', async () => {
    const mentions = stageStream().slice(0, 1500);
    const erased = mentions[7]!.authorKey;
    const byErased = mentions.filter((m) => m.authorKey === erased).length;
    expect(byErased).toBeGreaterThan(0);
    const inThread = await run(false, mentions, erased);
    const threaded = await run(true, mentions, erased);
    for (const r of [inThread, threaded]) {
      expect(r.total).toBe(mentions.length - byErased + 1);
      expect(r.total).toBe(r.expected.total);
      expect(r.facets).toEqual(r.expected.facets);
      expect(r.dead).toBe(1);
    }
    expect(threaded.midway).toBe(inThread.midway);
    expect(threaded.facets).toEqual(inThread.facets);
  });
});
