// The Elasticsearch store's request building and retry rules, without a server (the contract suite
// test/contract/store.elasticsearch.test.ts checks them against a real one).
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/store/elasticsearch/failure.js';
import { bulkChunks, type Work } from '../../src/store/elasticsearch/request-builder.js';
import { isRetriableItem } from '../../src/store/elasticsearch/retry.js';

const work = (id: string, index: string, doc = '{}'): Work => ({ at: 0, id, index, doc, existedBefore: false });

describe('Elasticsearch requests', () => {
  it('a mention moved to another month is deleted there in the same request, before it is indexed', () => {
    const chunks = bulkChunks([work('a', 'm-2026.11')], new Map([['a', new Set(['m-2026.10', 'm-2026.11'])]]), 1 << 20);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.ops).toEqual([
      { item: 0, kind: 'delete', index: 'm-2026.10' },
      { item: 0, kind: 'index', index: 'm-2026.11' },
    ]);
    expect(chunks[0]!.lines.map((l) => JSON.parse(l))).toEqual([{ delete: { _index: 'm-2026.10', _id: 'a' } }, { index: { _index: 'm-2026.11', _id: 'a' } }, {}]);
  });

  it('requests are split by size, never inside one item (its delete and index stay together, in order)', () => {
    const big = `{"text":"${'x'.repeat(200)}"}`;
    const chunks = bulkChunks([work('a', 'm', big), work('b', 'm', big), work('c', 'm')], new Map([['b', new Set(['old'])]]), 300);
    expect(chunks.map((c) => c.ops.map((o) => `${o.item}:${o.kind}`))).toEqual([['0:index'], ['1:delete', '1:index'], ['2:index']]);
  });

  it('resends what waiting may fix, not what the mention itself caused', () => {
    expect(isRetriableItem(429, 'es_rejected_execution_exception')).toBe(true);
    expect(isRetriableItem(503, 'unavailable_shards_exception')).toBe(true);
    expect(isRetriableItem(400, 'document_parsing_exception')).toBe(false);
  });

  it('errors name the node without its credentials', () => {
    expect(redact('http://user:secret@es.example:9200/')).toBe('http://es.example:9200');
  });
});
