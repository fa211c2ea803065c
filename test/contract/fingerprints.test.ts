// Issue 15 (dedup16): the FingerprintStore contract on SQLite and on a real Elasticsearch (with CI
// set and none, this fails), then what only a shared store must do: two workers (two store
// instances on one index) marking copies at the same moment end with exactly one original.
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { ElasticsearchFingerprintStore } from '../../src/store/elasticsearch/fingerprints.js';
import { NearDuplicateDetector, SqliteFingerprintStore } from '../../src/streams/near-duplicates/index.js';
import { copyOf, distinctTexts } from '../../bench/dedup-texts.js';
import { requireElasticsearch } from '../helpers/services.js';
import { decisions, fingerprintStoreContract, mention } from './fingerprints.contract.js';

fingerprintStoreContract('SQLite', async () => new SqliteFingerprintStore(':memory:'));

const url = await requireElasticsearch();
if (url === undefined) {
  describe.skip('FingerprintStore: elasticsearch (SKIPPED: no Elasticsearch; run `npm run services:up` or set ELASTICSEARCH_URL)', () => {
    it('needs Elasticsearch', () => undefined);
  });
} else {
  const run = randomBytes(4).toString('hex');
  const prefixes: string[] = [];
  let counter = 0;
  const fresh = (prefix = `ecoute-dedup16-test-${run}-${++counter}`) => {
    if (!prefixes.includes(prefix)) prefixes.push(prefix);
    return new ElasticsearchFingerprintStore({ node: url, indexPrefix: prefix });
  };
  afterAll(async () => {
    const client = new Client({ node: url });
    for (const p of prefixes) {
      await client.indices.delete({ index: `${p}-fingerprints`, ignore_unavailable: true });
      await client.indices.deleteIndexTemplate({ name: `${p}-fingerprinting` }).catch(() => undefined);
    }
    await client.close();
  });

  fingerprintStoreContract('Elasticsearch', async () => fresh());

  describe('ElasticsearchFingerprintStore: shared by workers', () => {
    it('gives the SQLite store\'s answers on the same batches', async () => {
      const texts = distinctTexts(30, 11);
      const batches = [0, 1, 2].map((k) => texts.map((t, i) => mention(`${k}-${i}`, k === 0 || i % 3 !== 0 ? (k === 0 ? t : `${k} other ${i} ${texts[(i + k) % 30]}`) : copyOf(t, k))));
      const local = await decisions(new SqliteFingerprintStore(':memory:'), batches.map((b) => b.map((m) => mention(m.id, m.text))));
      const shared = await decisions(fresh(), batches);
      expect(Object.values(local).filter(Boolean).length).toBeGreaterThan(5);
      expect(shared).toEqual(local);
    });

    it('one worker sees what another wrote in its previous batch', async () => {
      const prefix = `ecoute-dedup16-test-${run}-${++counter}`;
      const [one, two] = [fresh(prefix), fresh(prefix)];
      const [a] = distinctTexts(1, 21) as [string];
      expect(await decisions(one, [[mention('w1', a)]])).toEqual({ w1: undefined });
      expect(await decisions(two, [[mention('w2', copyOf(a, 1))]])).toEqual({ w2: 'w1' });
      await one.close();
      await two.close();
    });

    it('two workers marking copies at the same moment end with exactly one original per text', async () => {
      const prefix = `ecoute-dedup16-test-${run}-${++counter}`;
      const texts = distinctTexts(40, 31);
      const [one, two] = [fresh(prefix), fresh(prefix)];
      await one.ensureSchema();
      for (let round = 0; round < 5; round++) {
        const slice = texts.slice(round * 8, round * 8 + 8);
        const first = slice.map((t, i) => mention(`r${round}-a${i}`, t));
        const second = slice.map((t, i) => mention(`r${round}-b${i}`, copyOf(t, i)));
        await Promise.all([new NearDuplicateDetector(one).mark(first), new NearDuplicateDetector(two).mark(second)]);
        for (let i = 0; i < slice.length; i++) {
          const pair = [first[i]!, second[i]!];
          const originals = pair.filter((m) => m.duplicateOf === undefined);
          expect(originals, `round ${round} text ${i}`).toHaveLength(1);
          expect(pair.find((m) => m.duplicateOf !== undefined)?.duplicateOf).toBe(originals[0]!.id);
          // What the store remembers agrees with what was published.
          expect((await one.get(pair[0]!.id))?.duplicateOf).toBe(pair[0]!.duplicateOf);
          expect((await two.get(pair[1]!.id))?.duplicateOf).toBe(pair[1]!.duplicateOf);
        }
      }
      await one.close();
      await two.close();
    });
  });
}
