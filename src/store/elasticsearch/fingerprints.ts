// Issue 15 (dedup16): the near-duplicate fingerprints on Elasticsearch, shared by every analyze
// worker, so that copies of a mention whose raw records land on different partitions (different
// workers) still meet. One index <prefix>-fingerprints: one document per mention id, its LSH band
// values as a keyword array (`bands`, "band:value"; empty for a duplicate, as in SQLite: whatever
// would match a copy finds its original), the MinHash signature in _source only, seenAt and
// duplicateOf. A batch is read in two round trips (an mget of its ids, one terms query on all its
// band values) and written in one bulk with refresh, so the next batch, on any worker, sees it.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import type { FingerprintEntry, FingerprintStore } from '../../streams/near-duplicates/types.js';
import { EcouteError } from '../../core/errors.js';
import { failure, redact } from './failure.js';

export interface ElasticsearchFingerprintStoreOptions {
  node: string;
  /** The store's index_prefix: the index is <prefix>-fingerprints. */
  indexPrefix: string;
  replicas?: number;
  requestTimeoutMs?: number;
  requestMaxRetries?: number;
  /** A client to share (tests); closed by its owner. */
  client?: Client;
}

interface Doc {
  bands: string[];
  /** The signature, base64 of its 64 little-endian uint32 (not indexed). */
  signature: string;
  seenAt: number;
  duplicateOf?: string;
}

/** Bumped when the mapping changes. */
const FINGERPRINT_INDEX_VERSION = 1;
/** Candidates read per lookup at most, earliest first (as the SQLite store): boilerplate bands must not make one read huge. */
const CANDIDATES_PER_LOOKUP = 200;
/** Documents one prefetch reads at most. */
const PREFETCH_LIMIT = 10_000;

/** How long recheck waits, at most, for the shard to apply the writes numbered before its own. */
const SETTLE_ATTEMPTS = 400;
const SETTLE_PAUSE_MS = 5;

const bandKey = ([band, value]: [number, number]): string => `${band}:${value}`;

export class ElasticsearchFingerprintStore implements FingerprintStore {
  private readonly client: Client;
  private readonly ownsClient: boolean;
  private readonly where: string;
  readonly index: string;
  private ready: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The highest _seq_no this store's writes were given (-1: none yet): recheck waits for it. */
  private lastSeqNo = -1;
  /** Within a batch: what was read up front, and the writes not sent yet. */
  private current: { known: Map<string, FingerprintEntry>; byBand: Map<string, FingerprintEntry[]>; prefetched: boolean; pending: Map<string, { entry: FingerprintEntry; bands: string[] }> } | undefined;

  constructor(private readonly options: ElasticsearchFingerprintStoreOptions) {
    this.where = redact(options.node);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new Client({ node: options.node, requestTimeout: options.requestTimeoutMs ?? 30_000, maxRetries: options.requestMaxRetries ?? 3 });
    this.index = `${options.indexPrefix}-fingerprints`;
  }

  private fail(what: string, error: unknown) {
    return failure(this.where, `near-duplicate fingerprints: ${what}`, error);
  }

  /** Creates the index once (idempotent; several workers may race to create it). */
  ensureSchema(): Promise<void> {
    this.ready ??= this.create().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async create(): Promise<void> {
    try {
      // Its own template, above the mentions' one (<prefix>-*, priority 200) whose pattern also matches this name.
      await this.client.indices.putIndexTemplate({
        name: `${this.options.indexPrefix}-fingerprinting`,
        index_patterns: [this.index],
        priority: 310,
        version: FINGERPRINT_INDEX_VERSION,
        _meta: { managed_by: 'ecoute', holds: 'near-duplicate fingerprints' },
        template: {
          // One shard: its _seq_no is the one write order recheck relies on.
          settings: { number_of_shards: 1, number_of_replicas: this.options.replicas ?? 0 },
          mappings: {
            dynamic: 'strict',
            properties: {
              bands: { type: 'keyword' },
              signature: { type: 'keyword', index: false, doc_values: false },
              seenAt: { type: 'long' },
              duplicateOf: { type: 'keyword' },
            },
          },
        },
      });
      await this.client.indices.create({ index: this.index });
    } catch (error) {
      if (error instanceof errors.ResponseError && JSON.stringify(error.body ?? '').includes('resource_already_exists_exception')) return;
      throw this.fail('creating the index', error);
    }
  }

  async get(id: string): Promise<FingerprintEntry | undefined> {
    const batch = this.current;
    if (batch) {
      const pending = batch.pending.get(id)?.entry;
      if (pending) return pending;
      if (batch.prefetched) return batch.known.get(id);
    }
    await this.ensureSchema();
    try {
      const r = await this.client.get<Doc>({ index: this.index, id });
      return r.found && r._source ? entryOf(id, r._source) : undefined;
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 404) return undefined;
      throw this.fail(`reading ${id}`, error);
    }
  }

  async candidates(bandValues: [number, number][]): Promise<FingerprintEntry[]> {
    if (bandValues.length === 0) return [];
    const keys = bandValues.map(bandKey);
    const batch = this.current;
    const found = new Map<string, FingerprintEntry>();
    if (batch?.prefetched) {
      for (const key of keys) for (const e of batch.byBand.get(key) ?? []) found.set(e.id, e);
    } else {
      for (const e of await this.search(keys, CANDIDATES_PER_LOOKUP)) found.set(e.id, e);
    }
    // This batch's own earlier mentions, not written yet.
    if (batch) for (const { entry, bands } of batch.pending.values()) if (bands.some((b) => keys.includes(b))) found.set(entry.id, entry);
    return [...found.values()].sort((a, b) => a.seenAt - b.seenAt).slice(0, CANDIDATES_PER_LOOKUP);
  }

  async put(entry: FingerprintEntry, bandValues: [number, number][]): Promise<void> {
    const bands = entry.duplicateOf === undefined ? bandValues.map(bandKey) : [];
    if (this.current) {
      if (!this.current.pending.has(entry.id)) this.current.pending.set(entry.id, { entry, bands });
      return;
    }
    await this.write([{ entry, bands }]);
  }

  /** Batches run one at a time (their pending writes are this store's state). */
  batch<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(() => this.runBatch(work));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runBatch<T>(work: () => Promise<T>): Promise<T> {
    await this.ensureSchema();
    this.current = { known: new Map(), byBand: new Map(), prefetched: false, pending: new Map() };
    try {
      const result = await work();
      await this.write([...this.current.pending.values()]);
      return result;
    } finally {
      this.current = undefined;
    }
  }

  async prefetch(ids: string[], bandValues: [number, number][][]): Promise<void> {
    const batch = this.current;
    if (!batch) return;
    await this.ensureSchema();
    const keys = [...new Set(bandValues.flat().map(bandKey))];
    const [known, similar] = await Promise.all([this.mget(ids), keys.length > 0 ? this.search(keys, PREFETCH_LIMIT) : Promise.resolve([])]);
    batch.known = known;
    for (const e of similar) for (const key of e.bands) batch.byBand.set(key, [...(batch.byBand.get(key) ?? []), e]);
    batch.prefetched = true;
  }

  async recheck(bandValues: Map<string, [number, number][]>): Promise<Map<string, FingerprintEntry[]>> {
    const keys = [...new Set([...bandValues.values()].flat().map(bandKey))];
    if (keys.length > 0) await this.settled(this.lastSeqNo);
    const found = keys.length > 0 ? await this.search(keys, PREFETCH_LIMIT) : [];
    const seqNo = new Map(found.map((e) => [e.id, e.seqNo]));
    const result = new Map<string, FingerprintEntry[]>();
    for (const [id, values] of bandValues) {
      const mine = new Set(values.map(bandKey));
      const own = seqNo.get(id);
      // The one write order of a single-shard index: every worker reads the same _seq_no, and the
      // later writer's refresh (after its own write) shows it the earlier write.
      if (own === undefined) continue;
      result.set(
        id,
        found.filter((e) => e.id !== id && e.seqNo < own && e.bands.some((b) => mine.has(b))),
      );
    }
    return result;
  }

  /**
   * Waits until every write numbered up to `seqNo` is in the shard (its local checkpoint), then
   * refreshes. A write's own refresh is not enough for recheck: another worker's write can take
   * the _seq_no before ours and still be on its way into the index when ours is refreshed, and
   * then each worker finds only the other after it, and both keep their copy as an original.
   */
  private async settled(seqNo: number): Promise<void> {
    if (seqNo < 0) return;
    for (let attempt = 0; (await this.localCheckpoint()) < seqNo; attempt++) {
      if (attempt >= SETTLE_ATTEMPTS) {
        throw new EcouteError('STORE_UNAVAILABLE', `near-duplicate fingerprints: Elasticsearch at ${this.where} has not applied write ${seqNo} of ${this.index} after ${SETTLE_ATTEMPTS * SETTLE_PAUSE_MS} ms`, { retriable: true });
      }
      await sleep(SETTLE_PAUSE_MS);
    }
    try {
      await this.client.indices.refresh({ index: this.index });
    } catch (error) {
      throw this.fail('refreshing before the recheck', error);
    }
  }

  /** The single shard's local checkpoint: every write numbered up to it is applied. */
  private async localCheckpoint(): Promise<number> {
    let stats: estypes.IndicesStatsResponse;
    try {
      stats = await this.client.indices.stats({ index: this.index, metric: 'docs', level: 'shards' });
    } catch (error) {
      throw this.fail('reading the index checkpoint', error);
    }
    const copies = Object.values(stats.indices?.[this.index]?.shards ?? {}).flat();
    const primary = copies.find((copy) => copy.routing?.primary !== false);
    return primary?.seq_no?.local_checkpoint ?? -1;
  }

  async redirect(id: string, duplicateOf: string): Promise<void> {
    try {
      // A duplicate leaves the band index, as put does for one known at once.
      await this.client.update({ index: this.index, id, doc: { duplicateOf, bands: [] }, refresh: true });
    } catch (error) {
      throw this.fail(`marking ${id} a duplicate`, error);
    }
  }

  async prune(before: number): Promise<void> {
    await this.ensureSchema();
    try {
      // No _delete_by_query (the store's cluster runs core modules only): pages of ids, bulk-deleted.
      for (;;) {
        const r = await this.client.search({ index: this.index, query: { range: { seenAt: { lt: before } } }, _source: false, size: 5000, track_total_hits: false });
        if (r.hits.hits.length === 0) return;
        await this.client.bulk({ operations: r.hits.hits.map((h) => ({ delete: { _index: this.index, _id: h._id as string } })), refresh: true });
      }
    } catch (error) {
      throw this.fail('forgetting old fingerprints', error);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }

  private async mget(ids: string[]): Promise<Map<string, FingerprintEntry>> {
    const known = new Map<string, FingerprintEntry>();
    if (ids.length === 0) return known;
    try {
      const r = await this.client.mget<Doc>({ index: this.index, ids });
      for (const d of r.docs) if ('found' in d && d.found && d._source) known.set(d._id, entryOf(d._id, d._source));
    } catch (error) {
      throw this.fail('reading a batch of ids', error);
    }
    return known;
  }

  /** Entries (with their band keys) sharing one of these keys, earliest first. */
  private async search(keys: string[], size: number): Promise<(FingerprintEntry & { bands: string[]; seqNo: number })[]> {
    await this.ensureSchema();
    let r: estypes.SearchResponse<Doc>;
    try {
      r = await this.client.search<Doc>({ index: this.index, query: { terms: { bands: keys } }, size, sort: [{ seenAt: { order: 'asc' } }], seq_no_primary_term: true, track_total_hits: false });
    } catch (error) {
      throw this.fail('looking up similar fingerprints', error);
    }
    return r.hits.hits.flatMap((h) => (h._source ? [{ ...entryOf(h._id as string, h._source), bands: h._source.bands, seqNo: h._seq_no ?? 0 }] : []));
  }

  /** One bulk of creates (a replayed id keeps its first decision, as INSERT OR IGNORE), visible to the next search. */
  private async write(items: { entry: FingerprintEntry; bands: string[] }[]): Promise<void> {
    if (items.length === 0) return;
    await this.ensureSchema();
    const operations = items.flatMap(({ entry, bands }) => [
      { create: { _index: this.index, _id: entry.id } },
      { bands, signature: Buffer.from(entry.fingerprint.buffer, entry.fingerprint.byteOffset, entry.fingerprint.byteLength).toString('base64'), seenAt: entry.seenAt, ...(entry.duplicateOf !== undefined && { duplicateOf: entry.duplicateOf }) } satisfies Doc,
    ]);
    let r: estypes.BulkResponse;
    try {
      r = await this.client.bulk({ operations, refresh: true });
    } catch (error) {
      throw this.fail('saving fingerprints', error);
    }
    for (const item of r.items) {
      const seqNo = item.create?.error === undefined ? item.create?._seq_no : undefined;
      if (typeof seqNo === 'number' && seqNo > this.lastSeqNo) this.lastSeqNo = seqNo;
    }
    const failed = r.items.map((i) => i.create).find((c) => c?.error && c.status !== 409);
    if (failed) {
      throw new EcouteError('STORE_UNAVAILABLE', `near-duplicate fingerprints: saving fingerprints: Elasticsearch at ${this.where} answered ${failed.status}: ${failed.error?.reason ?? failed.error?.type ?? 'unknown'}`, {
        retriable: true,
      });
    }
  }
}

function entryOf(id: string, doc: Doc): FingerprintEntry {
  const bytes = Buffer.from(doc.signature, 'base64');
  const fingerprint = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { id, fingerprint, seenAt: doc.seenAt, ...(doc.duplicateOf !== undefined && { duplicateOf: doc.duplicateOf }) };
}
