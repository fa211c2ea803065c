// The Elasticsearch MentionStore (@elastic/elasticsearch 9.x against a 9.x server, core features
// only). Layout and mappings: ./schema.ts. Query translation: ../query/elasticsearch.ts.
//
// Writes go to the monthly index of each mention's publishedAt; reads go through the alias over all
// months. Visibility: a write is searchable after the next refresh (refresh_interval_ms), unless
// refreshOnWrite asks upsert to wait for it ('wait_for') or to force it ('immediate'). get() and
// existing() read through search too (a mention's month is not known from its id alone), so they
// follow the same rule.
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { significantTerms } from '../significant.js';
import type { SignificantTerm, SignificantTermsRequest } from '../types.js';
import { EcouteError, errorMessage } from '../../core/errors.js';
import type { AnalyzedMention } from '../../core/types.js';
import { bucketStart, fillBuckets } from '../buckets.js';
import { decodeCursor, encodeCursor, requestFingerprint } from '../cursor.js';
import { badCursor, badRequest } from '../errors.js';
import type { QueryNode } from '../../query/ast.js';
import { compileElasticsearch, isScored, MATCH_ALL, type EsQuery } from '../../query/compile/elasticsearch.js';
import {
  DEFAULT_TERMS,
  resolveFilters,
  resolveInterval,
  resolveLimit,
  resolveQuery,
  resolveSort,
  type ResolvedFilters,
} from '../request.js';
import type {
  BulkItemResult,
  BulkResult,
  Interval,
  MentionStore,
  SearchFilters,
  SearchHit,
  SearchPage,
  SearchRequest,
  TermCount,
  TimelineBucket,
  TimelineRequest,
  TopTermsRequest,
} from '../types.js';
import { itemId, validateMention } from '../validate.js';
import {
  aliasName,
  FIELDS,
  indexPattern,
  indexSettings,
  indexTemplate,
  isMonthlyIndex,
  MAPPINGS,
  monthlyIndex,
  toDocument,
  type IndexLayout,
} from './schema.js';

export type RefreshOnWrite = 'none' | 'wait_for' | 'immediate';

export interface ElasticsearchMentionStoreOptions {
  /** Base URL of a node; default http://127.0.0.1:19200. */
  node?: string;
  /** Index prefix: monthly indices <prefix>-YYYY.MM, alias and template <prefix>; default ecoute-mentions. */
  indexPrefix?: string;
  /** Primary shards per monthly index; default 1. */
  shards?: number;
  /** Replicas per monthly index; default 0. */
  replicas?: number;
  /** Index refresh interval; default 1000. */
  refreshIntervalMs?: number;
  /** Whether upsert waits until its writes are searchable; default 'none'. */
  refreshOnWrite?: RefreshOnWrite;
  /** Default 30 000. */
  requestTimeoutMs?: number;
  /** Client-level retries of a request that could not connect or got 502/503/504 (back-off up to 4 s); default 3. */
  requestMaxRetries?: number;
  /** Resends of retriable bulk items before they are reported failed (retriable); default 3. */
  bulkMaxRetries?: number;
  /** First back-off between resends, doubled each time; default 200. */
  bulkRetryBackoffMs?: number;
  /** Largest bulk request body; default 10 MiB. */
  bulkMaxBytes?: number;
  /** Keep-alive of the point in time used from the second page on; 0 disables it; default 60 000. */
  pitKeepAliveMs?: number;
  /** A client to use instead of one made from `node` (tests, shared clients); close() leaves it open. */
  client?: Client;
}

/** Statuses and error types of bulk items worth resending as they are. */
const RETRIABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRIABLE_TYPES = /es_rejected_execution_exception|circuit_breaking_exception|unavailable_shards_exception|index_not_found_exception|node_not_connected_exception|no_shard_available_action_exception/;
const MAX_ID_BYTES = 512;
/** ids per lookup request (an ids query; stays far below max_result_window). */
const LOOKUP_CHUNK = 1000;
/** Hits per eraseAuthor round. */
const ERASE_CHUNK = 1000;

interface Work {
  /** Position in the upsert input. */
  at: number;
  id: string;
  index: string;
  doc: string;
  /** A copy of the mention was stored before this item was written. */
  existedBefore: boolean;
  status?: 'created' | 'updated';
  /** The mention's contentHash, compared with the stored one's. */
  hash?: string | undefined;
}

type Outcome = { kind: 'ok' } | { kind: 'retry'; message: string } | { kind: 'fail'; message: string };

export class ElasticsearchMentionStore implements MentionStore {
  private readonly client: Client;
  private readonly ownsClient: boolean;
  private readonly layout: IndexLayout;
  private readonly alias: string;
  private readonly bulkRefresh: boolean | 'wait_for' | undefined;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly maxBytes: number;
  private readonly pitKeepAlive: string | undefined;
  /** Where errors say the store is, without credentials. */
  private readonly where: string;
  /** Monthly indices this store created or saw created. */
  private readonly indices = new Set<string>();
  private schema: Promise<void> | undefined;
  private closed = false;

  constructor(options: ElasticsearchMentionStoreOptions = {}) {
    const node = options.node ?? 'http://127.0.0.1:19200';
    this.where = redact(node);
    const prefix = options.indexPrefix ?? 'ecoute-mentions';
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(prefix)) {
      throw new EcouteError('STORE_UNAVAILABLE', `index prefix ${JSON.stringify(prefix)}: must be lower-case letters, digits, "-" or "_"`, { retriable: false });
    }
    this.layout = { prefix, shards: options.shards ?? 1, replicas: options.replicas ?? 0, refreshIntervalMs: options.refreshIntervalMs ?? 1000 };
    this.alias = aliasName(prefix);
    const refresh = options.refreshOnWrite ?? 'none';
    this.bulkRefresh = refresh === 'immediate' ? true : refresh === 'wait_for' ? 'wait_for' : undefined;
    this.maxRetries = options.bulkMaxRetries ?? 3;
    this.backoffMs = options.bulkRetryBackoffMs ?? 200;
    this.maxBytes = options.bulkMaxBytes ?? 10 * 1024 * 1024;
    const pit = options.pitKeepAliveMs ?? 60_000;
    this.pitKeepAlive = pit > 0 ? `${pit}ms` : undefined;
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      this.client = new Client({ node, requestTimeout: options.requestTimeoutMs ?? 30_000, maxRetries: options.requestMaxRetries ?? 3 });
      this.ownsClient = true;
    }
  }

  /** Cluster health (GET / is not served by every build: the integ-test zip answers 405). */
  async health(): Promise<string> {
    this.open();
    try {
      return (await this.client.cluster.health()).status;
    } catch (error) {
      throw this.failure('health', error);
    }
  }

  /** Index template (with the alias) and, for indices made before it, the alias and new mappings. Idempotent. */
  async ensureSchema(): Promise<void> {
    this.open();
    this.schema = this.putSchema();
    try {
      await this.schema;
    } catch (error) {
      this.schema = undefined;
      throw error;
    }
  }

  private async putSchema(): Promise<void> {
    const prefix = this.layout.prefix;
    try {
      await this.client.cluster.health();
      await this.client.indices.putIndexTemplate(indexTemplate(this.layout));
      const resolved = await this.client.indices.resolveIndex({ name: indexPattern(prefix), expand_wildcards: 'open' });
      // Only our monthly names: with prefixes "a" and "a-b" on one cluster, a-* also matches a-b-*.
      const existing = resolved.indices.filter((i) => isMonthlyIndex(prefix, i.name));
      if (existing.length === 0) return;
      // Indices created before this template version: same mappings (additive), settings, alias.
      const names = existing.map((i) => i.name);
      await this.client.indices.putMapping({ index: names, properties: MAPPINGS.properties ?? {}, dynamic_templates: MAPPINGS.dynamic_templates ?? [] });
      const s = indexSettings(this.layout);
      await this.client.indices.putSettings({ index: names, settings: { number_of_replicas: s.number_of_replicas ?? 0, refresh_interval: s.refresh_interval ?? '1s' } });
      const missing = existing.filter((i) => !(i.aliases ?? []).includes(this.alias)).map((i) => i.name);
      if (missing.length > 0) await this.client.indices.updateAliases({ actions: [{ add: { indices: missing, alias: this.alias } }] });
      for (const name of names) this.indices.add(name);
    } catch (error) {
      throw this.failure('ensureSchema', error);
    }
  }

  // --- writes -------------------------------------------------------------------------------

  async upsert(mentions: AnalyzedMention[]): Promise<BulkResult> {
    this.open();
    if (!Array.isArray(mentions)) throw badRequest('upsert: expects an array of mentions');
    const items: BulkItemResult[] = new Array<BulkItemResult>(mentions.length);
    const work: Work[] = [];
    mentions.forEach((item: unknown, at) => {
      const valid = validateMention(item);
      if ('error' in valid) {
        items[at] = { id: itemId(item), status: 'failed', error: { code: 'STORE_ITEM_INVALID', message: valid.error, retriable: false } };
        return;
      }
      const { mention, publishedMs } = valid;
      // Elasticsearch refuses the whole bulk request, not the item, for an id over 512 bytes.
      if (Buffer.byteLength(mention.id, 'utf8') > MAX_ID_BYTES) {
        items[at] = { id: mention.id, status: 'failed', error: { code: 'STORE_ITEM_INVALID', message: `id: longer than ${MAX_ID_BYTES} bytes in UTF-8 (Elasticsearch's limit)`, retriable: false } };
        return;
      }
      work.push({ at, id: mention.id, index: monthlyIndex(this.layout.prefix, publishedMs), doc: toDocument(mention, publishedMs), existedBefore: false, hash: mention.contentHash });
    });
    if (work.length > 0) {
      try {
        await (this.schema ??= this.putSchema());
      } catch (error) {
        this.schema = undefined;
        throw error;
      }
      const hashes = new Map<string, string | null>();
      const known = await this.locate([...new Set(work.map((w) => w.id))], hashes);
      // The same id twice in a batch: its writes go in order, one generation per occurrence
      // (bulk items on different shards run in parallel, and a later version must win).
      const generations: Work[][] = [];
      const seen = new Map<string, number>();
      for (const w of work) {
        const n = seen.get(w.id) ?? 0;
        seen.set(w.id, n + 1);
        (generations[n] ??= []).push(w);
      }
      for (const generation of generations) {
        // The same content as stored (a re-sent mention): a duplicate, nothing is written.
        const changed = generation.filter((w) => {
          const same = w.hash !== undefined && (known.get(w.id)?.size ?? 0) > 0 && hashes.get(w.id) === w.hash;
          if (same) items[w.at] = { id: w.id, status: 'unchanged' };
          return !same;
        });
        await this.writeGeneration(changed, known, items);
        for (const w of changed) if (items[w.at]?.status !== 'failed') hashes.set(w.id, w.hash ?? null);
      }
    }
    const result: BulkResult = { items, created: 0, updated: 0, unchanged: 0, failed: 0 };
    for (const item of items) result[item.status]++;
    return result;
  }

  /** Writes items with distinct ids, resending retriable failures with back-off. */
  private async writeGeneration(generation: Work[], known: Map<string, Set<string>>, items: BulkItemResult[]): Promise<void> {
    for (const w of generation) w.existedBefore = (known.get(w.id)?.size ?? 0) > 0;
    let pending = generation;
    for (let attempt = 0; ; attempt++) {
      await this.createIndices(pending.map((w) => w.index));
      const outcomes = await this.bulkWrite(pending, known);
      const retry: Work[] = [];
      pending.forEach((w, k) => {
        const o = outcomes[k]!;
        if (o.kind === 'ok') items[w.at] = { id: w.id, status: w.status ?? 'updated' };
        else if (o.kind === 'fail') items[w.at] = { id: w.id, status: 'failed', error: { code: 'STORE_ITEM_INVALID', message: o.message, retriable: false } };
        else {
          retry.push(w);
          items[w.at] = {
            id: w.id,
            status: 'failed',
            error: { code: 'STORE_UNAVAILABLE', message: `still refused after ${attempt} resend(s): ${o.message}`, retriable: true },
          };
        }
      });
      if (retry.length === 0 || attempt >= this.maxRetries) return;
      pending = retry;
      await sleep(this.backoffMs * 2 ** attempt * (0.75 + Math.random() / 2));
    }
  }

  /**
   * One bulk round: for each item, deletes of its copies in other months (an update that moved its
   * publishedAt to another month), then the index op. Outcome per item, in order.
   */
  private async bulkWrite(pending: Work[], known: Map<string, Set<string>>): Promise<Outcome[]> {
    interface Op {
      item: number;
      kind: 'delete' | 'index';
      index: string;
    }
    const chunks: { lines: string[]; ops: Op[] }[] = [];
    let chunk: { lines: string[]; ops: Op[] } = { lines: [], ops: [] };
    let bytes = 0;
    pending.forEach((w, k) => {
      const lines: string[] = [];
      const ops: Op[] = [];
      for (const other of known.get(w.id) ?? []) {
        if (other === w.index) continue;
        lines.push(JSON.stringify({ delete: { _index: other, _id: w.id } }));
        ops.push({ item: k, kind: 'delete', index: other });
      }
      lines.push(JSON.stringify({ index: { _index: w.index, _id: w.id } }), w.doc);
      ops.push({ item: k, kind: 'index', index: w.index });
      const size = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
      // An item's ops stay in one request, in order (they are on the same shards only per index).
      if (chunk.ops.length > 0 && bytes + size > this.maxBytes) {
        chunks.push(chunk);
        chunk = { lines: [], ops: [] };
        bytes = 0;
      }
      chunk.lines.push(...lines);
      chunk.ops.push(...ops);
      bytes += size;
    });
    if (chunk.ops.length > 0) chunks.push(chunk);

    const outcomes: Outcome[] = pending.map(() => ({ kind: 'ok' }));
    const worse = (k: number, o: Outcome): void => {
      const current = outcomes[k]!;
      if (current.kind === 'fail') return;
      if (o.kind === 'fail' || current.kind === 'ok') outcomes[k] = o;
    };
    for (const { lines, ops } of chunks) {
      let response: estypes.BulkResponse;
      try {
        response = await this.client.bulk<string>({ operations: lines, ...(this.bulkRefresh !== undefined && { refresh: this.bulkRefresh }) });
      } catch (error) {
        // The request as a whole (connection, timeout, 5xx): nothing is known per item; upserts are
        // idempotent, so the caller retries the batch.
        throw this.failure('upsert', error);
      }
      response.items.forEach((entry, n) => {
        const op = ops[n]!;
        const w = pending[op.item]!;
        const r = (op.kind === 'index' ? entry.index : entry.delete) ?? Object.values(entry)[0]!;
        if (r.error) {
          const message = `${op.kind} in ${op.index}: ${describeCause(r.error)}`;
          if (r.error.type === 'index_not_found_exception') this.indices.delete(op.index);
          worse(op.item, RETRIABLE_STATUS.has(r.status) || RETRIABLE_TYPES.test(r.error.type) ? { kind: 'retry', message } : { kind: 'fail', message });
          return;
        }
        const copies = known.get(w.id) ?? new Set<string>();
        known.set(w.id, copies);
        if (op.kind === 'delete') {
          copies.delete(op.index); // deleted, or already gone (404 not_found)
        } else {
          copies.add(op.index);
          w.status ??= w.existedBefore ? 'updated' : r.result === 'created' ? 'created' : 'updated';
        }
      });
    }
    return outcomes;
  }

  /** Where each id is stored now (index names), from one ids query per chunk; fills `hashes` with their contentHash. */
  private async locate(ids: string[], hashes?: Map<string, string | null>): Promise<Map<string, Set<string>>> {
    const known = new Map<string, Set<string>>();
    for (let k = 0; k < ids.length; k += LOOKUP_CHUNK) {
      const chunk = ids.slice(k, k + LOOKUP_CHUNK);
      let response: estypes.SearchResponse;
      try {
        response = await this.client.search({
          ...this.readTarget(),
          query: { ids: { values: chunk } },
          _source: hashes ? ['contentHash'] : false,
          size: chunk.length * 4, // an id has one copy, two while it moves between months
          sort: ['_doc'],
          track_total_hits: false,
        });
      } catch (error) {
        throw this.failure('upsert', error);
      }
      for (const hit of response.hits.hits) {
        if (hit._id === undefined || hit._id === null) continue;
        const copies = known.get(hit._id) ?? new Set<string>();
        copies.add(hit._index);
        known.set(hit._id, copies);
        const hash = (hit._source as { contentHash?: unknown } | undefined)?.contentHash;
        hashes?.set(hit._id, typeof hash === 'string' ? hash : null);
      }
    }
    return known;
  }

  /**
   * Creates the monthly indices not seen yet (from the template, alias included) rather than
   * relying on auto-creation, which a cluster may have turned off.
   */
  private async createIndices(names: string[]): Promise<void> {
    const missing = [...new Set(names)].filter((n) => !this.indices.has(n));
    await Promise.all(
      missing.map(async (index) => {
        try {
          await this.client.indices.create({ index });
        } catch (error) {
          if (!(error instanceof errors.ResponseError && errorType(error) === 'resource_already_exists_exception')) throw this.failure('upsert', error);
        }
        this.indices.add(index);
      }),
    );
  }

  async eraseAuthor(authorKey: string): Promise<number> {
    this.open();
    if (typeof authorKey !== 'string' || authorKey === '') throw badRequest('eraseAuthor: authorKey must be a non-empty string');
    const erased = new Set<string>();
    try {
      // Make every write made before this call visible, so the search below finds it.
      await this.client.indices.refresh(this.readTarget());
      for (;;) {
        const response = await this.client.search({
          ...this.readTarget(),
          query: { term: { [FIELDS.authorKey]: authorKey } },
          _source: false,
          size: ERASE_CHUNK,
          sort: ['_doc'],
          track_total_hits: false,
        });
        const hits = response.hits.hits.filter((h) => typeof h._id === 'string');
        if (hits.length === 0) break;
        // No _delete_by_query on core-only builds: delete by id; refresh so the next round (and any
        // search after this call) no longer sees them.
        const bulk = await this.client.bulk({ refresh: true, operations: hits.map((h) => ({ delete: { _index: h._index, _id: h._id! } })) });
        let progress = 0;
        bulk.items.forEach((entry, n) => {
          const r = entry.delete;
          if (!r) return;
          if (r.error) {
            throw new EcouteError('STORE_UNAVAILABLE', `eraseAuthor: could not delete ${hits[n]!._id} from ${r._index}: ${describeCause(r.error)}; run it again`, {
              retriable: true,
            });
          }
          progress++;
          erased.add(hits[n]!._id!);
        });
        if (progress === 0) throw new EcouteError('STORE_UNAVAILABLE', 'eraseAuthor: no progress deleting the author’s mentions; run it again', { retriable: true });
      }
    } catch (error) {
      throw this.failure('eraseAuthor', error);
    }
    return erased.size;
  }

  // --- reads --------------------------------------------------------------------------------

  async existing(ids: string[]): Promise<Set<string>> {
    this.open();
    const wanted = [...new Set((Array.isArray(ids) ? ids : []).filter((id): id is string => typeof id === 'string'))];
    const found = new Set<string>();
    for (let k = 0; k < wanted.length; k += LOOKUP_CHUNK) {
      const chunk = wanted.slice(k, k + LOOKUP_CHUNK);
      try {
        const response = await this.client.search({
          ...this.readTarget(),
          query: { ids: { values: chunk } },
          _source: false,
          size: chunk.length * 2,
          sort: ['_doc'],
          track_total_hits: false,
        });
        for (const hit of response.hits.hits) if (typeof hit._id === 'string') found.add(hit._id);
      } catch (error) {
        throw this.failure('existing', error);
      }
    }
    return found;
  }

  async contentHashes(ids: string[]): Promise<Map<string, string | null>> {
    this.open();
    const wanted = [...new Set((Array.isArray(ids) ? ids : []).filter((id): id is string => typeof id === 'string'))];
    const hashes = new Map<string, string | null>();
    if (wanted.length === 0) return hashes;
    try {
      await this.locate(wanted, hashes);
    } catch (error) {
      throw this.failure('contentHashes', error);
    }
    return hashes;
  }

  async get(id: string): Promise<AnalyzedMention | undefined> {
    this.open();
    if (typeof id !== 'string') return undefined;
    try {
      const response = await this.client.search<AnalyzedMention>({
        ...this.readTarget(),
        query: { ids: { values: [id] } },
        size: 1,
        track_total_hits: false,
      });
      return response.hits.hits[0]?._source;
    } catch (error) {
      throw this.failure('get', error);
    }
  }

  async refresh(): Promise<void> {
    this.open();
    try {
      await this.client.indices.refresh(this.readTarget());
    } catch (error) {
      throw this.failure('refresh', error);
    }
  }

  async count(filters: SearchFilters & { query?: string } = {}): Promise<number> {
    this.open();
    const query = this.query(resolveQuery(filters.query), resolveFilters(filters));
    try {
      return (await this.client.count({ ...this.readTarget(), query })).count;
    } catch (error) {
      throw this.failure('count', error);
    }
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    this.open();
    const node = resolveQuery(request.query);
    const filters = resolveFilters(request);
    const limit = resolveLimit(request.limit);
    // Relevance needs a text part to score; without one it falls back to newest first.
    const byRelevance = resolveSort(request.sort) === 'relevance' && isScored(node);
    const sortKey = byRelevance ? 'r' : 'n';
    const fingerprint = requestFingerprint([node, filters, sortKey]);

    let after: [number, string] | undefined;
    let pit: string | undefined;
    if (request.cursor !== undefined) {
      const c = decodeCursor(request.cursor);
      if (c.f !== fingerprint || c.s !== sortKey) {
        throw badCursor('cursor: it belongs to another query, filters or sort order; start again without a cursor');
      }
      if (typeof c.i !== 'string' || typeof c.k !== 'number' || !Number.isFinite(c.k)) throw badCursor('cursor: malformed');
      if (c.p !== undefined && typeof c.p !== 'string') throw badCursor('cursor: malformed');
      after = [c.k, c.i];
      pit = c.p as string | undefined;
    }

    const body: estypes.SearchRequest = {
      query: this.query(node, filters),
      sort: byRelevance ? [{ _score: { order: 'desc' } }, { [FIELDS.id]: { order: 'asc' } }] : [{ [FIELDS.publishedMs]: { order: 'desc' } }, { [FIELDS.id]: { order: 'desc' } }],
      size: limit + 1,
      track_total_hits: true,
      ...(after && { search_after: after }),
    };
    // Deep paging reads a point in time from the second page on: later pages then see the data as
    // it was when paging went deep, whatever is written meanwhile (relevance scores included). The
    // first page opens none: most searches stop there, and open contexts are a bounded resource.
    // The keyset (sort values) stays in the cursor, so an expired point in time is replaced by a
    // fresh one and paging goes on where it was.
    const usePit = after !== undefined && this.pitKeepAlive !== undefined;
    let response: estypes.SearchResponse<AnalyzedMention>;
    try {
      if (usePit) {
        const fromCursor = pit !== undefined;
        try {
          pit ??= await this.openPit();
          response = await this.searchPit(body, pit);
        } catch (error) {
          // The cursor's point in time is unusable (expired, its node restarted, or not one): the
          // keyset in the cursor is enough to go on from a fresh one. A second failure is real.
          if (!(error instanceof errors.ResponseError) || pit === undefined || !fromCursor) throw error;
          pit = await this.openPit();
          response = await this.searchPit(body, pit);
        }
        pit = response.pit_id ?? pit;
      } else {
        response = await this.client.search<AnalyzedMention>({ ...this.readTarget(), ...body });
      }
    } catch (error) {
      if (error instanceof EcouteError) throw error;
      throw this.failure('search', error);
    }

    const rows = response.hits.hits;
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const hits: SearchHit[] = page.map((h) => {
      const hit: SearchHit = { mention: h._source! };
      if (byRelevance) hit.score = Number(h.sort?.[0] ?? h._score ?? 0);
      return hit;
    });
    const total = response.hits.total;
    const result: SearchPage = { hits, total: typeof total === 'number' ? total : (total?.value ?? 0) };
    const last = page[page.length - 1];
    if (more && last?.sort) {
      result.nextCursor = encodeCursor({ s: sortKey, f: fingerprint, k: Number(last.sort[0]), i: String(last.sort[1]), ...(pit && { p: pit }) });
    } else if (pit) {
      // Last page: release the point in time now rather than at its keep-alive.
      this.client.closePointInTime({ id: pit }).catch(() => undefined);
    }
    return result;
  }

  private async openPit(): Promise<string> {
    const opened = await this.client.openPointInTime({ index: this.alias, keep_alive: this.pitKeepAlive!, ignore_unavailable: true });
    return opened.id;
  }

  private async searchPit(body: estypes.SearchRequest, id: string): Promise<estypes.SearchResponse<AnalyzedMention>> {
    const response = await this.client.search<AnalyzedMention>({ ...body, pit: { id, keep_alive: this.pitKeepAlive! } });
    // A point-in-time id names its indices: one from a cursor must be over this store's indices.
    if (response.hits.hits.some((h) => !isMonthlyIndex(this.layout.prefix, h._index))) {
      throw badCursor('cursor: malformed (its point in time is not over this store)');
    }
    return response;
  }

  async timeline(request: TimelineRequest): Promise<TimelineBucket[]> {
    this.open();
    const interval = resolveInterval(request.interval);
    const filters = resolveFilters(request);
    const query = this.query(resolveQuery(request.query), filters);
    let buckets: { key: number; doc_count: number; tone?: { value: number | null } }[];
    try {
      const response = await this.client.search({
        ...this.readTarget(),
        query,
        size: 0,
        track_total_hits: false,
        aggs: {
          timeline: {
            // Only non-empty buckets come back (min_doc_count 1): the empty ones are filled by the
            // shared fillBuckets, exactly as for the embedded store. With min_doc_count 0 a long
            // range of small buckets would hit search.max_buckets (65 536) on the server before
            // our own, clearer limit.
            date_histogram: { field: FIELDS.publishedMs, calendar_interval: CALENDAR[interval], time_zone: 'UTC', min_doc_count: 1 },
            aggs: { tone: { avg: { field: FIELDS.tone } } },
          },
        },
      });
      buckets = (response.aggregations?.timeline as { buckets?: typeof buckets } | undefined)?.buckets ?? [];
    } catch (error) {
      throw this.failure('timeline', error);
    }
    const hits = new Map<number, { count: number; meanTone: number | null }>();
    for (const b of buckets) hits.set(bucketStart(b.key, interval), { count: b.doc_count, meanTone: b.tone?.value ?? null });
    return fillBuckets(hits, interval, filters.fromMs, filters.toMs);
  }

  async significantTerms(request: SignificantTermsRequest): Promise<SignificantTerm[]> {
    return significantTerms(this, request);
  }

  async topTerms(request: TopTermsRequest): Promise<TermCount[]> {
    this.open();
    const size = resolveLimit(request.size, 'size', DEFAULT_TERMS);
    const query = this.query(resolveQuery(request.query), resolveFilters(request));
    try {
      const response = await this.client.search({
        ...this.readTarget(),
        query,
        size: 0,
        track_total_hits: false,
        aggs: {
          terms: {
            nested: { path: FIELDS.terms },
            aggs: {
              top: {
                terms: {
                  field: FIELDS.termName,
                  size,
                  // Ordered by a sub-aggregation, a terms aggregation over several shards (one per
                  // month) is exact only for terms every shard returns: ask each for many more.
                  shard_size: Math.max(size * 10, 500),
                  order: [{ count: 'desc' }, { _key: 'asc' }],
                },
                aggs: { count: { sum: { field: FIELDS.termCount } } },
              },
            },
          },
        },
      });
      const nested = response.aggregations?.terms as { top?: { buckets?: { key: string; doc_count: number; count: { value: number } }[] } } | undefined;
      return (nested?.top?.buckets ?? []).map((b) => ({ term: String(b.key), count: b.count.value, mentions: b.doc_count }));
    } catch (error) {
      throw this.failure('topTerms', error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await this.client.close();
  }

  // --- helpers ------------------------------------------------------------------------------

  private open(): void {
    if (this.closed) throw new EcouteError('STORE_UNAVAILABLE', 'the store is closed', { retriable: false });
  }

  /** Reads go through the alias; before the first write there is no index yet, which is no error. */
  private readTarget(): { index: string; ignore_unavailable: true; allow_no_indices: true } {
    return { index: this.alias, ignore_unavailable: true, allow_no_indices: true };
  }

  /** A query and filters as one bool query (filters in filter context: they do not score). */
  private query(node: QueryNode, f: ResolvedFilters): EsQuery {
    const filter: EsQuery[] = [];
    if (f.brand !== undefined) filter.push({ term: { [FIELDS.brands]: f.brand } });
    if (f.lang !== undefined) filter.push({ term: { [FIELDS.lang]: f.lang } });
    if (f.source !== undefined) filter.push({ term: { [FIELDS.source]: f.source } });
    if (f.sentiment !== undefined) filter.push({ term: { [FIELDS.sentiment]: f.sentiment } });
    if (f.fromMs !== undefined || f.toMs !== undefined) {
      filter.push({ range: { [FIELDS.publishedMs]: { ...(f.fromMs !== undefined && { gte: f.fromMs }), ...(f.toMs !== undefined && { lt: f.toMs }) } } });
    }
    // A document without duplicateOf (written before the analyze stage marked near-duplicates, or
    // simply not a copy) is an original: `exists` is false for it.
    if (f.duplicates === 'exclude') filter.push({ bool: { must_not: [{ exists: { field: FIELDS.duplicateOf } }] } });
    else if (f.duplicates === 'only') filter.push({ exists: { field: FIELDS.duplicateOf } });
    const q = compileElasticsearch(node);
    if (filter.length === 0) return q;
    if (q === MATCH_ALL || node.type === 'all') return { bool: { filter } };
    return isScored(node) ? { bool: { must: [q], filter } } : { bool: { filter: [q, ...filter] } };
  }

  /** An Elasticsearch or transport error as an EcouteError (no credentials in the message). */
  private failure(what: string, error: unknown): EcouteError {
    if (error instanceof EcouteError) return error;
    if (error instanceof errors.ResponseError) {
      const status = error.statusCode ?? 0;
      const body = error.body as { error?: estypes.ErrorCause } | undefined;
      const cause = body?.error;
      const reason = cause ? describeCause(cause) : errorMessage(error);
      if (JSON.stringify(body ?? '').includes('too_many_buckets_exception')) {
        return badRequest(`${what}: too many buckets for Elasticsearch (search.max_buckets); narrow the range or widen the interval`);
      }
      return new EcouteError('STORE_UNAVAILABLE', `${what}: Elasticsearch at ${this.where} answered ${status}: ${reason}`, {
        cause: error,
        retriable: RETRIABLE_STATUS.has(status),
      });
    }
    if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError || error instanceof errors.NoLivingConnectionsError) {
      return new EcouteError('STORE_UNAVAILABLE', `${what}: cannot reach Elasticsearch at ${this.where}: ${redactText(errorMessage(error))}`, { cause: error, retriable: true });
    }
    return new EcouteError('STORE_UNAVAILABLE', `${what}: ${redactText(errorMessage(error))}`, { cause: error, retriable: false });
  }
}

const CALENDAR: Record<Interval, estypes.AggregationsCalendarInterval> = { hour: '1h', day: '1d', week: '1w' };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorType(error: errors.ResponseError): string | undefined {
  return (error.body as { error?: { type?: string } } | undefined)?.error?.type;
}

/** "type: reason (caused by type: reason)", short. */
function describeCause(cause: estypes.ErrorCause): string {
  const root = cause.root_cause?.[0] ?? cause;
  let text = `${root.type}: ${root.reason ?? ''}`.trim();
  const deeper = root.caused_by ?? (root === cause ? undefined : cause.caused_by);
  if (deeper) text += ` (caused by ${deeper.type}: ${deeper.reason ?? ''})`;
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

function redact(node: string): string {
  try {
    const url = new URL(node);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(invalid node URL)';
  }
}

function redactText(text: string): string {
  return text.replace(/\/\/[^/@\s]+@/g, '//');
}
