// The Elasticsearch heap `ecoute services up` gives its node (src/services/elasticsearch.ts).
import { describe, expect, it } from 'vitest';
import { esHeapMb } from '../../src/services/elasticsearch.js';

const GB = 1024 ** 3;

describe('esHeapMb', () => {
  it('takes a quarter of the memory, from 512 MB to 4 GB', () => {
    expect(esHeapMb({}, 24 * GB)).toBe(4096);
    expect(esHeapMb({}, 8 * GB)).toBe(2048);
    expect(esHeapMb({}, 2 * GB)).toBe(512);
    // Rounded down to 256 MB steps.
    expect(esHeapMb({}, 7 * GB)).toBe(1792);
  });

  it('uses ECOUTE_ES_HEAP_MB when set', () => {
    expect(esHeapMb({ ECOUTE_ES_HEAP_MB: '1024' }, 24 * GB)).toBe(1024);
  });

  it('refuses a heap it cannot give, naming the variable', () => {
    for (const bad of ['1g', '100', '40000', '1.5']) {
      expect(() => esHeapMb({ ECOUTE_ES_HEAP_MB: bad }, 24 * GB)).toThrow(/ECOUTE_ES_HEAP_MB/);
    }
  });
});
