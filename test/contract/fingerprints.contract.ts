// Issue 15 (dedup16): the FingerprintStore contract, run on SQLite (the local default) and on
// Elasticsearch (shared by analyze workers): the same lookups and the same detector decisions.
import { describe, expect, it } from 'vitest';
import type { AnalyzedMention } from '../../src/core/types.js';
import { bands, minhash, NearDuplicateDetector, type FingerprintStore } from '../../src/streams/near-duplicates/index.js';
import { copyOf, distinctTexts } from '../../bench/dedup-texts.js';

export const mention = (id: string, text: string, brands: string[] = []): AnalyzedMention => ({ id, text, brands }) as unknown as AnalyzedMention;

/** Runs the detector over batches; the duplicate of each id (undefined: an original). */
export async function decisions(store: FingerprintStore, batches: AnalyzedMention[][]): Promise<Record<string, string | undefined>> {
  const detector = new NearDuplicateDetector(store);
  const out: Record<string, string | undefined> = {};
  for (const batch of batches) {
    await detector.mark(batch);
    for (const m of batch) out[m.id] = m.duplicateOf;
  }
  return out;
}

export function fingerprintStoreContract(name: string, open: () => Promise<FingerprintStore>): void {
  describe(`FingerprintStore contract: ${name}`, () => {
    const [a, b, c] = distinctTexts(3, 7) as [string, string, string];

    it('get, candidates by shared band, duplicates kept out of the band index, prune by seenAt', async () => {
      const store = await open();
      try {
        const fa = minhash(a) as Uint32Array;
        const fc = minhash(c) as Uint32Array;
        await store.put({ id: 'a', fingerprint: fa, seenAt: 1000 }, bands(fa));
        await store.put({ id: 'a2', fingerprint: fa, seenAt: 2000, duplicateOf: 'a' }, bands(fa));
        await store.put({ id: 'c', fingerprint: fc, seenAt: 3000 }, bands(fc));
        expect(await store.get('a')).toEqual({ id: 'a', fingerprint: fa, seenAt: 1000 });
        expect(await store.get('a2')).toEqual({ id: 'a2', fingerprint: fa, seenAt: 2000, duplicateOf: 'a' });
        expect(await store.get('nope')).toBeUndefined();
        expect((await store.candidates(bands(fa))).map((e) => e.id)).toEqual(['a']);
        expect((await store.candidates(bands(fc))).map((e) => e.id)).toEqual(['c']);
        expect(await store.candidates([])).toEqual([]);
        // A replayed put keeps the first decision.
        await store.put({ id: 'a', fingerprint: fa, seenAt: 9999, duplicateOf: 'zzz' }, bands(fa));
        expect(await store.get('a')).toEqual({ id: 'a', fingerprint: fa, seenAt: 1000 });
        await store.prune(2500);
        expect(await store.get('a')).toBeUndefined();
        expect(await store.get('a2')).toBeUndefined();
        expect((await store.get('c'))?.seenAt).toBe(3000);
        expect(await store.candidates(bands(fa))).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('the detector marks copies within a batch and across batches, a copy of a copy to the original, brands apart, replays the same', async () => {
      const store = await open();
      try {
        const batches = [
          [mention('1', a), mention('2', copyOf(a, 1)), mention('3', b), mention('4', 'Great app, love it!')],
          [mention('5', copyOf(copyOf(a, 1), 2)), mention('6', copyOf(b, 3)), mention('7', c, ['acme']), mention('8', copyOf(c, 4), ['globex'])],
          [mention('9', copyOf(c, 5), ['acme'])],
        ];
        const got = await decisions(store, batches);
        expect(got).toEqual({ 1: undefined, 2: '1', 3: undefined, 4: undefined, 5: '1', 6: '3', 7: undefined, 8: undefined, 9: '7' });
        // A replayed batch (the stage retried it) gets the same answers.
        expect(await decisions(store, [batches[1]!.map((m) => mention(m.id, m.text, [...m.brands]))])).toEqual({ 5: '1', 6: '3', 7: undefined, 8: undefined });
      } finally {
        await store.close();
      }
    });
  });
}
