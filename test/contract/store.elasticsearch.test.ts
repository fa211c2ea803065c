// The MentionStore contract against a real Elasticsearch, then what is specific to it (monthly
// indices, moves between months, bulk retries, points in time, schema upkeep).
//
// Server: ELASTICSEARCH_URL, else the one of `ecoute services up` (brought up when it does not
// answer; see test/helpers/services.ts). With CI set and no server, this file fails; without CI it
// is skipped with a message saying how to run it.
//
// Each store gets its own random index prefix; the indices and templates are deleted afterwards.
// Writes are made visible at once (refreshOnWrite 'immediate'): the contract reads right after it
// writes, which a production config does not need (see refresh_on_write in the config schema).
import { randomBytes } from 'node:crypto';
import { Client, type estypes } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { ElasticsearchMentionStore, type ElasticsearchMentionStoreOptions } from '../../src/store/elasticsearch/index.js';
import { MAPPINGS, toDocument } from '../../src/store/elasticsearch/schema.js';
import type { MentionStore } from '../../src/store/types.js';
import { copyOf, makeMention } from '../helpers/mentions.js';
import { requireElasticsearch } from '../helpers/services.js';
import { storeContract } from './store.contract.js';
import { fieldAuthorsContract } from './store.field-authors.contract.js';
import { brandToneContract } from './store.brand-tone.contract.js';

const url = await requireElasticsearch();

/** Why a server we were pointed at (ELASTICSEARCH_URL) does not answer, if it does not. */
async function unreachable(node: string): Promise<string | undefined> {
  const client = new Client({ node, requestTimeout: 10_000, maxRetries: 0 });
  try {
    await client.cluster.health({ wait_for_status: 'yellow', timeout: '10s' });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.close();
  }
}
const problem = url === undefined ? undefined : await unreachable(url);

if (url === undefined) {
  describe.skip('MentionStore contract: elasticsearch (SKIPPED: no Elasticsearch; run `npm run services:up` or set ELASTICSEARCH_URL)', () => {
    it('needs Elasticsearch', () => undefined);
  });
} else if (problem !== undefined) {
  // Pointed at a server that does not answer: a failure (fast), never a skip.
  describe('MentionStore contract: elasticsearch', () => {
    it(`Elasticsearch answers at ${url}`, () => {
      throw new Error(`Elasticsearch at ${url} does not answer: ${problem}`);
    });
  });
} else {
  const admin = new Client({ node: url });
  const run = randomBytes(4).toString('hex');
  const prefixes: string[] = [];
  let counter = 0;

  const freshPrefix = (): string => {
    // ECOUTE_TEST_INDEX_PREFIX: a shared cluster's users keep their test indices under their own prefix.
    const prefix = `${process.env.ECOUTE_TEST_INDEX_PREFIX ?? 'ecoute-test'}-${run}-${++counter}`;
    prefixes.push(prefix);
    return prefix;
  };

  const open = (options: Partial<ElasticsearchMentionStoreOptions> = {}): ElasticsearchMentionStore =>
    new ElasticsearchMentionStore({ node: url, indexPrefix: freshPrefix(), refreshOnWrite: 'immediate', bulkRetryBackoffMs: 10, ...options });

  /** Concrete indices of a prefix, sorted. */
  const indicesOf = async (prefix: string): Promise<string[]> =>
    (await admin.indices.resolveIndex({ name: `${prefix}-*` })).indices.map((i) => i.name).sort();

  const docsIn = async (index: string): Promise<string[]> => {
    const r = await admin.search({ index, query: { match_all: {} }, _source: false, size: 100 });
    return r.hits.hits.map((h) => h._id!).sort();
  };

  afterAll(async () => {
    for (const prefix of prefixes) {
      const names = await indicesOf(prefix).catch(() => []);
      if (names.length > 0) await admin.indices.delete({ index: names, ignore_unavailable: true }).catch(() => undefined);
      await admin.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
    }
    await admin.close();
  });

  storeContract('elasticsearch', async (): Promise<MentionStore> => open());
  fieldAuthorsContract('elasticsearch', async (): Promise<MentionStore> => open());
  brandToneContract('elasticsearch', async (): Promise<MentionStore> => open());

  describe('ElasticsearchMentionStore specifics', () => {
    it('monthly indices from publishedAt under one alias, from one template; _source is the mention', async () => {
      const store = open();
      const prefix = prefixes[prefixes.length - 1]!;
      await store.ensureSchema();
      await store.ensureSchema(); // idempotent
      // Before any write there is no index, and reads answer empty rather than fail.
      expect(await store.count()).toBe(0);
      expect((await store.search({ query: 'anything' })).hits).toEqual([]);
      expect(await store.timeline({ interval: 'day' })).toEqual([]);
      expect(await store.topTerms({})).toEqual([]);
      expect(await store.existing(['x'])).toEqual(new Set());

      const jan = makeMention({ id: 'jan', text: 'Livraison rapide, très bien', lang: 'fr', publishedAt: '2026-01-31T23:30:00-02:00' });
      const mar = makeMention({ id: 'mar', text: 'March words', publishedAt: '2026-03-01T00:00:00Z' });
      const result = await store.upsert([jan, mar]);
      expect(result.items).toEqual([{ id: 'jan', status: 'created' }, { id: 'mar', status: 'created' }]);
      // 23:30 at -02:00 is February 1st in UTC.
      expect(await indicesOf(prefix)).toEqual([`${prefix}-2026.02`, `${prefix}-2026.03`]);

      const template = await admin.indices.getIndexTemplate({ name: prefix });
      expect(template.index_templates[0]!.index_template.index_patterns).toEqual([`${prefix}-*`]);
      const alias = await admin.indices.getAlias({ name: prefix });
      expect(Object.keys(alias).sort()).toEqual([`${prefix}-2026.02`, `${prefix}-2026.03`]);
      const settings = await admin.indices.getSettings({ index: `${prefix}-2026.02` });
      expect(settings[`${prefix}-2026.02`]!.settings!.index!.number_of_replicas).toBe('0');

      // Stored source: exactly the mention (the derived ecoute.* fields are indexed only).
      const raw = await admin.get({ index: `${prefix}-2026.02`, id: 'jan' });
      expect(raw._source).toEqual(jan);
      expect(await store.get('jan')).toEqual(jan);
      expect((await store.search({ query: 'tres' })).hits.map((h) => h.mention.id)).toEqual(['jan']);
      await store.close();
      await expect(store.count()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', retriable: false });
    });

    it('refresh() makes every write that resolved before it searchable, whatever the refresh interval', async () => {
      const store = open({ refreshOnWrite: 'none', refreshIntervalMs: 120_000 });
      await store.ensureSchema();
      await store.refresh(); // no index yet: nothing to refresh, no error
      const written = Array.from({ length: 25 }, (_, i) => makeMention({ id: `late-${i}`, text: `refreshed words ${i}` }));
      expect((await store.upsert(written)).created).toBe(25);
      await store.refresh();
      expect(await store.count({ query: 'refreshed' })).toBe(25);
      await store.close();
      await expect(store.refresh()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    });

    it('an update that moves a mention to another month leaves no copy behind', async () => {
      const store = open();
      const prefix = prefixes[prefixes.length - 1]!;
      await store.ensureSchema();
      await store.upsert([makeMention({ id: 'moving', text: 'first draft', publishedAt: '2026-01-10T10:00:00Z' })]);
      const moved = await store.upsert([makeMention({ id: 'moving', text: 'final draft', publishedAt: '2026-04-02T10:00:00Z' })]);
      expect(moved.items).toEqual([{ id: 'moving', status: 'updated' }]);
      expect(await docsIn(`${prefix}-2026.01`)).toEqual([]);
      expect(await docsIn(`${prefix}-2026.04`)).toEqual(['moving']);
      expect(await store.count()).toBe(1);
      expect((await store.get('moving'))?.text).toBe('final draft');

      // Twice in one batch, in two months: written in order, the later version wins, one copy.
      const twice = await store.upsert([
        makeMention({ id: 'twice', text: 'one', publishedAt: '2026-05-01T00:00:00Z' }),
        makeMention({ id: 'twice', text: 'two', publishedAt: '2026-06-01T00:00:00Z' }),
      ]);
      expect(twice.items).toEqual([{ id: 'twice', status: 'created' }, { id: 'twice', status: 'updated' }]);
      expect(await docsIn(`${prefix}-2026.05`)).toEqual([]);
      expect(await docsIn(`${prefix}-2026.06`)).toEqual(['twice']);
      expect((await store.search({ query: 'two' })).total).toBe(1);

      // Timeline, terms and erasure span the months.
      await store.upsert([makeMention({ id: 'also-jan', text: 'refund refund', authorKey: 'k-moving', publishedAt: '2026-01-20T00:00:00Z', terms: { refund: 2 } })]);
      await store.upsert([makeMention({ id: 'moving', text: 'refund', authorKey: 'k-moving', publishedAt: '2026-04-02T10:00:00Z', terms: { refund: 1 } })]);
      expect(await store.topTerms({ size: 1 })).toEqual([{ term: 'refund', label: 'refund', count: 3, mentions: 2 }]);
      const months = await store.timeline({ interval: 'week', from: '2026-01-19', to: '2026-01-26' });
      expect(months).toEqual([{ start: '2026-01-19T00:00:00.000Z', count: 1, meanTone: 0 }]);
      expect(await store.eraseAuthor('k-moving')).toBe(2);
      expect(await store.existing(['moving', 'also-jan', 'twice'])).toEqual(new Set(['twice']));
      await store.close();
    });

    it('retriable bulk items (429, es_rejected_execution) are resent, then reported retriable; others fail alone', async () => {
      const client = new Client({ node: url });
      // Rejects the chosen ids as a loaded node would, before they reach Elasticsearch; the rest of
      // each bulk goes through for real.
      let calls = 0;
      const rejectFor = new Map<string, number>([
        ['busy-once', 1],
        ['busy-always', Number.POSITIVE_INFINITY],
      ]);
      const realBulk = client.bulk.bind(client);
      (client as unknown as { bulk: unknown }).bulk = async (params: estypes.BulkRequest<string>) => {
        calls++;
        const lines = (params.operations ?? []) as string[];
        const kept: string[] = [];
        const plan: ({ fake: estypes.BulkResponseItem & { op: string } } | { real: true })[] = [];
        for (let k = 0; k < lines.length; k++) {
          const action = JSON.parse(lines[k]!) as Record<string, { _index: string; _id: string }>;
          const [op, meta] = Object.entries(action)[0]!;
          const hasDoc = op === 'index';
          const left = rejectFor.get(meta._id) ?? 0;
          if (left > 0) {
            if (op === 'index') rejectFor.set(meta._id, left - 1);
            plan.push({ fake: { op, _index: meta._index, _id: meta._id, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution (test)' } } });
          } else {
            kept.push(lines[k]!);
            if (hasDoc) kept.push(lines[k + 1]!);
            plan.push({ real: true });
          }
          if (hasDoc) k++;
        }
        const real = kept.length > 0 ? await realBulk({ ...params, operations: kept }) : { errors: false, took: 0, items: [] };
        let r = 0;
        const items = plan.map((p) => ('real' in p ? real.items[r++]! : { [p.fake.op]: { ...p.fake, op: undefined } }));
        return { ...real, errors: true, items };
      };

      const store = open({ client, bulkMaxRetries: 2 });
      await store.ensureSchema();
      const badField = makeMention({ id: 'bad-field', text: 'semantic field with an empty name' });
      badField.analysis.fields = { '': { hits: 1, tone: 0 } };
      const result = await store.upsert([
        makeMention({ id: 'fine', text: 'goes through' }),
        makeMention({ id: 'busy-once', text: 'rejected once then written' }),
        makeMention({ id: 'busy-always', text: 'always rejected' }),
        badField,
        makeMention({ id: '€'.repeat(200), text: 'id of 600 bytes' }),
      ]);
      expect(calls).toBe(3); // the first try and two resends
      expect(result.items.map((i) => [i.status, i.error?.retriable])).toEqual([
        ['created', undefined],
        ['created', undefined],
        ['failed', true],
        ['failed', false],
        ['failed', false],
      ]);
      expect(result.items[2]!.error).toMatchObject({ code: 'STORE_UNAVAILABLE', message: /es_rejected_execution_exception/ });
      expect(result.items[3]!.error).toMatchObject({ code: 'STORE_ITEM_INVALID', message: /empty string/ });
      expect(result.items[4]!.error).toMatchObject({ code: 'STORE_ITEM_INVALID', message: /512 bytes/ });
      expect(result).toMatchObject({ created: 2, updated: 0, failed: 3 });
      expect(await store.existing(['fine', 'busy-once', 'busy-always', 'bad-field'])).toEqual(new Set(['fine', 'busy-once']));
      await store.close();
      await client.close();
    });

    it('deep pages come from a point in time: later writes do not shift them; a lost one is replaced', async () => {
      const store = open();
      await store.ensureSchema();
      const at = (day: number) => `2026-02-${String(day).padStart(2, '0')}T12:00:00Z`;
      await store.upsert([1, 2, 3, 4, 5, 6].map((d) => makeMention({ id: `d${d}`, text: 'paging words', publishedAt: at(d) })));
      const decode = (c: string) => JSON.parse(Buffer.from(c, 'base64url').toString()) as { p?: string };

      const first = await store.search({ query: 'paging', limit: 2 });
      expect(first.hits.map((h) => h.mention.id)).toEqual(['d6', 'd5']);
      expect(decode(first.nextCursor!).p).toBeUndefined(); // no point in time for a first page
      const second = await store.search({ query: 'paging', limit: 2, cursor: first.nextCursor! });
      expect(second.hits.map((h) => h.mention.id)).toEqual(['d4', 'd3']);
      expect(decode(second.nextCursor!).p).toEqual(expect.any(String));

      // Written after paging went deep, inside the range of the next page: not in this paging.
      await store.upsert([makeMention({ id: 'd1b', text: 'paging words', publishedAt: '2026-02-01T18:00:00Z' })]);
      const third = await store.search({ query: 'paging', limit: 2, cursor: second.nextCursor! });
      expect(third.hits.map((h) => h.mention.id)).toEqual(['d2', 'd1']);
      expect(third.total).toBe(6);
      expect(third.nextCursor).toBeUndefined();

      // A point in time that is gone (expired, or a node restart) is replaced; the keyset goes on.
      const c = JSON.parse(Buffer.from(second.nextCursor!, 'base64url').toString()) as Record<string, unknown>;
      const stale = Buffer.from(JSON.stringify({ ...c, p: 'bm90IGEgcGl0' })).toString('base64url');
      const again = await store.search({ query: 'paging', limit: 2, cursor: stale });
      expect(again.hits.map((h) => h.mention.id)).toEqual(['d2', 'd1b']);
      expect(again.total).toBe(7);
      await store.close();
    });

    it('ensureSchema adopts an index made before the template (alias, mappings)', async () => {
      const store = open();
      const prefix = prefixes[prefixes.length - 1]!;
      await admin.indices.create({ index: `${prefix}-2025.12`, settings: { number_of_replicas: 0 } });
      await store.ensureSchema();
      expect(Object.keys(await admin.indices.getAlias({ name: prefix }))).toEqual([`${prefix}-2025.12`]);
      const mapping = await admin.indices.getMapping({ index: `${prefix}-2025.12` });
      expect(mapping[`${prefix}-2025.12`]!.mappings.properties!.ecoute).toBeDefined();
      await store.upsert([makeMention({ id: 'dec', text: 'winter words', publishedAt: '2025-12-24T20:00:00Z' })]);
      expect((await store.search({ query: 'winter' })).hits.map((h) => h.mention.id)).toEqual(['dec']);
      await store.close();
    });

    it('ensureSchema maps duplicateOf on an index without it; its documents count as originals until rewritten', async () => {
      const store = open();
      const prefix = prefixes[prefixes.length - 1]!;
      const index = `${prefix}-2025.11`;
      const { duplicateOf: _unmapped, ...oldProperties } = MAPPINGS.properties!;
      await admin.indices.create({ index, settings: { number_of_replicas: 0 }, mappings: { ...MAPPINGS, properties: oldProperties } });
      const original = makeMention({ id: 'nov-original', text: 'syndicated recall story', publishedAt: '2025-11-03T08:00:00Z' });
      const copy = copyOf(original, { id: 'nov-copy', publishedAt: '2025-11-03T09:00:00Z' });
      const plain = makeMention({ id: 'nov-plain', text: 'unrelated recall remark', publishedAt: '2025-11-04T08:00:00Z' });
      // Written before the mapping knew duplicateOf: it stays in _source, unindexed (dynamic: false).
      for (const m of [original, copy, plain]) {
        await admin.index({ index, id: m.id, document: JSON.parse(toDocument(m, Date.parse(m.publishedAt))) as object, refresh: true });
      }
      await store.ensureSchema();
      const mapping = await admin.indices.getMapping({ index });
      expect(mapping[index]!.mappings.properties!.duplicateOf).toEqual({ type: 'keyword' });
      expect(await store.count({ query: 'recall' })).toBe(3);
      expect(await store.count({ query: 'recall', duplicates: 'only' })).toBe(0);
      // Rewritten (a replay, a re-analysis), the copy is indexed as one.
      expect((await store.upsert([copy])).items).toEqual([{ id: 'nov-copy', status: 'updated' }]);
      expect(await store.count({ query: 'recall' })).toBe(2);
      expect((await store.search({ query: 'recall', duplicates: 'only' })).hits.map((h) => h.mention.id)).toEqual(['nov-copy']);
      expect(await store.count({ query: 'recall', duplicates: 'include' })).toBe(3);
      await store.close();
    });

    it('ensureSchema derives again, once, the documents of an index from before schema version 3 (nested terms)', async () => {
      const store = open();
      const prefix = prefixes[prefixes.length - 1]!;
      const index = `${prefix}-2025.10`;
      // A version 2 index: no schema version in its mapping, terms as nested {term, count, label}.
      const { _meta: _unversioned, ...v2 } = MAPPINGS;
      const ecoute = (v2.properties!.ecoute as { properties: Record<string, unknown> }).properties;
      const { term_keys: _a, term_extra: _b, term_labels: _c, term_adjust: _d, field_names: _e, ...v2Ecoute } = ecoute;
      const v2Properties = { ...v2.properties, ecoute: { properties: { ...v2Ecoute, terms: { type: 'nested', properties: { term: { type: 'keyword' }, count: { type: 'double' }, label: { type: 'keyword' } } } } } };
      await admin.indices.create({ index, settings: { number_of_replicas: 0 }, mappings: { ...v2, properties: v2Properties } as estypes.MappingTypeMapping });
      const old = [
        makeMention({ id: 'oct-1', text: 'refund refund late', publishedAt: '2025-10-03T08:00:00Z', terms: { refund: 2, late: 1 } }),
        makeMention({ id: 'oct-2', text: 'late again', publishedAt: '2025-10-04T08:00:00Z', terms: { late: 1 } }),
      ];
      for (const m of old) {
        const doc = JSON.parse(toDocument(m, Date.parse(m.publishedAt))) as { ecoute: Record<string, unknown> };
        const { term_keys: _k, term_extra: _x, term_labels: _l, term_adjust: _j, field_names: _f, ...rest } = doc.ecoute;
        doc.ecoute = { ...rest, terms: Object.entries(m.analysis.terms).map(([term, count]) => ({ term, count, label: term })) };
        await admin.index({ index, id: m.id, document: doc, refresh: true });
      }
      expect(await store.topTerms({})).toEqual([]);
      await store.ensureSchema();
      await store.refresh();
      expect(await store.topTerms({})).toEqual([
        { term: 'late', label: 'late', count: 2, mentions: 2 },
        { term: 'refund', label: 'refund', count: 2, mentions: 1 },
      ]);
      const mapping = await admin.indices.getMapping({ index });
      expect(mapping[index]!.mappings._meta).toMatchObject({ schema_version: 4 });
      // Done once: the next start leaves the documents alone.
      const seqNo = (await admin.get({ index, id: 'oct-1' }))._seq_no;
      await store.ensureSchema();
      expect((await admin.get({ index, id: 'oct-1' }))._seq_no).toBe(seqNo);
      await store.close();
    });

    it('ensureSchema records version 4 on a version 3 index without rewriting its documents, which read as before; new months are sorted newest first', async () => {
      const store = open();
      const prefix = prefixes[prefixes.length - 1]!;
      const index = `${prefix}-2025.09`;
      // A version 3 index: made before the template (so not sorted), without published_sort.
      const ecoute = (MAPPINGS.properties!.ecoute as { properties: Record<string, unknown> }).properties;
      const { published_sort: _v4, ...v3Ecoute } = ecoute;
      const v3 = { ...MAPPINGS, _meta: { managed_by: 'ecoute', schema_version: 3 }, properties: { ...MAPPINGS.properties, ecoute: { properties: v3Ecoute } } };
      await admin.indices.create({ index, settings: { number_of_replicas: 0 }, mappings: v3 as estypes.MappingTypeMapping });
      const old = [
        makeMention({ id: 'sep-1', text: 'late parcel', publishedAt: '2025-09-03T08:00:00Z' }),
        makeMention({ id: 'sep-2', text: 'late again', publishedAt: '2025-09-05T08:00:00Z' }),
        makeMention({ id: 'sep-3', text: 'late once more', publishedAt: '2025-09-04T08:00:00Z' }),
      ];
      for (const m of old) {
        const doc = JSON.parse(toDocument(m, Date.parse(m.publishedAt))) as { ecoute: Record<string, unknown> };
        delete doc.ecoute.published_sort;
        await admin.index({ index, id: m.id, document: doc, refresh: true });
      }
      const seqNo = (await admin.get({ index, id: 'sep-1' }))._seq_no;
      await store.ensureSchema();
      expect((await admin.indices.getMapping({ index }))[index]!.mappings._meta).toMatchObject({ schema_version: 4 });
      expect((await admin.get({ index, id: 'sep-1' }))._seq_no).toBe(seqNo);
      const exported: string[] = [];
      for await (const page of store.exportPages({ query: 'late' }, { pageSize: 2 })) exported.push(...page.map((m) => m.id));
      expect(exported).toEqual(['sep-2', 'sep-3', 'sep-1']);
      expect((await store.search({ query: 'late', from: '2025-09-04', to: '2025-09-05' })).hits.map((h) => h.mention.id)).toEqual(['sep-3']);
      // A month written from now on is made from the template: sorted on published_sort, newest first.
      await store.upsert([makeMention({ id: 'aug-1', text: 'late in august', publishedAt: '2025-08-10T08:00:00Z' }), makeMention({ id: 'aug-2', text: 'late in august too', publishedAt: '2025-08-12T08:00:00Z' })]);
      await store.refresh();
      const settings = await admin.indices.getSettings({ index: `${prefix}-2025.08` });
      expect(settings[`${prefix}-2025.08`]!.settings!.index!.sort).toMatchObject({ field: ['ecoute.published_sort'], order: ['desc'] });
      const all: string[] = [];
      for await (const page of store.exportPages({ query: 'late' }, { pageSize: 2 })) all.push(...page.map((m) => m.id));
      expect(all).toEqual(['sep-2', 'sep-3', 'sep-1', 'aug-2', 'aug-1']);
      expect(await store.count({ query: 'late', from: '2025-08-12', to: '2025-08-13' })).toBe(1);
      await store.close();
      // Two index creations: slow on a busy shared cluster.
    }, 180_000);

    it('top terms are ranked by count even when the most counted term is among the least mentioned', async () => {
      const store = open();
      // 501 terms in two mentions each (count 2) and one term in one mention, 50 times: beyond
      // the first 500 candidates by mentions, so the candidates must grow to find it.
      const many = Object.fromEntries(Array.from({ length: 501 }, (_, k) => [`word${String(k).padStart(3, '0')}`, 1]));
      await store.upsert([
        makeMention({ id: 'many-1', text: 'many words', publishedAt: '2026-05-01T00:00:00Z', terms: many }),
        makeMention({ id: 'many-2', text: 'many words', publishedAt: '2026-05-02T00:00:00Z', terms: many }),
        makeMention({ id: 'repeat', text: 'again', publishedAt: '2026-05-03T00:00:00Z', terms: { again: 50, half: 0.5, more: 2.5 } }),
      ]);
      await store.refresh();
      expect(await store.topTerms({ size: 2 })).toEqual([
        { term: 'again', label: 'again', count: 50, mentions: 1 },
        { term: 'more', label: 'more', count: 2.5, mentions: 1 },
      ]);
      expect((await store.topTerms({ size: 1000 })).find((t) => t.term === 'half')).toEqual({ term: 'half', label: 'half', count: 0.5, mentions: 1 });
      await store.close();
    });

    it('an unreachable node is a retriable STORE_UNAVAILABLE, naming the node without credentials', async () => {
      const store = new ElasticsearchMentionStore({ node: 'http://user:secret@127.0.0.1:9', indexPrefix: 'ecoute-unreachable', requestTimeoutMs: 2000, requestMaxRetries: 0 });
      const failure = { code: 'STORE_UNAVAILABLE', retriable: true, message: expect.stringContaining('127.0.0.1:9') };
      await expect(store.ensureSchema()).rejects.toMatchObject(failure);
      await expect(store.upsert([makeMention({ id: 'x' })])).rejects.toMatchObject(failure);
      await expect(store.search({ query: 'x' })).rejects.toMatchObject(failure);
      await expect(store.search({ query: 'x' })).rejects.not.toMatchObject({ message: expect.stringContaining('secret') });
      await store.close();
    });
  });
}
