// The composition root (src/app) opens the files; the stages in src/streams are given what they
// use. Here the analyze stage is handed an in-memory fingerprint store: near-duplicates are marked
// against it, and no file is opened for them.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { mentionId } from '../../src/core/ids.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { brandMatcher } from '../../src/streams/brands.js';
import { ANALYZE_GROUP } from '../../src/streams/analyze.js';
import type { FingerprintEntry, FingerprintStore } from '../../src/streams/near-duplicates/index.js';
import { startStages } from '../../src/streams/pipeline.js';
import { reached } from '../../src/streams/bus/types.js';

/** Fingerprints in memory: what a shared store plugged in by the composition root would be. */
class MemoryFingerprints implements FingerprintStore {
  readonly entries = new Map<string, { entry: FingerprintEntry; bands: [number, number][] }>();
  async get(id: string) {
    return this.entries.get(id)?.entry;
  }
  async candidates(bandValues: [number, number][]) {
    const wanted = new Set(bandValues.map(([b, v]) => `${b}:${v}`));
    return [...this.entries.values()].filter((e) => e.bands.some(([b, v]) => wanted.has(`${b}:${v}`))).map((e) => e.entry);
  }
  async put(entry: FingerprintEntry, bands: [number, number][]) {
    this.entries.set(entry.id, { entry, bands });
  }
  async prune() {}
  async close() {}
}

describe('composition', () => {
  it('the analyze stage marks near-duplicates against the fingerprint store it is given, and opens no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-compose-'));
    const bus = new EmbeddedBus({ file: join(dir, 'bus.sqlite'), pollIntervalMs: 10 });
    const fingerprints = new MemoryFingerprints();
    const log = createLogger();
    const text = 'The Acme espresso machine stopped working after two weeks and support never answered my emails at all';
    const raw = (id: string, day: number) => ({ source: 'test', sourceId: id, author: { id: 'a', name: 'a' }, text, publishedAt: `2026-11-0${day}T00:00:00Z` });
    await bus.publish('mentions.raw', [{ key: mentionId('test', '1'), value: JSON.stringify(raw('1', 1)) }]);
    await bus.publish('mentions.raw', [{ key: mentionId('test', '2'), value: JSON.stringify(raw('2', 2)) }]);
    const stages = startStages(
      {
        bus,
        analyze: { languages: ['en', 'fr'], matchBrands: brandMatcher([{ id: 'acme', name: 'Acme', query: 'acme', competitors: [] }]), authorKeySecret: 'k', fingerprints },
      },
      log,
      ['analyze'],
    );
    try {
      const end = await bus.endOffsets('mentions.raw');
      while (!reached(await bus.committedOffsets('mentions.raw', ANALYZE_GROUP), end)) await new Promise((r) => setImmediate(r));
    } finally {
      await stages.stop();
    }
    const analyzed = (await bus.read('mentions.analyzed', {})).map((r) => JSON.parse(r.value) as { id: string; duplicateOf?: string });
    expect(analyzed.map((m) => [m.id, m.duplicateOf])).toEqual([
      [mentionId('test', '1'), undefined],
      [mentionId('test', '2'), mentionId('test', '1')],
    ]);
    expect([...fingerprints.entries.keys()]).toEqual([mentionId('test', '1'), mentionId('test', '2')]);
    // Only the bus's own files (and its data-file registry): no dedup.sqlite, no calibration folder.
    expect(readdirSync(dir).filter((f) => !f.startsWith('bus.sqlite') && f !== 'data-files.json')).toEqual([]);
    await bus.close();
  });
});
