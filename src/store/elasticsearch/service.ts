// The connection every part of the store goes through: the client, where it points (for errors),
// whether the store is closed, the read target, and the monthly indices known to exist.
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { EcouteError } from '../../core/errors.js';
import { LOOKUP_CHUNK, type ElasticsearchMentionStoreOptions, type StoreConfig } from './options.js';
import { failure, redact } from './failure.js';
import { errorType } from './retry.js';

export class Service {
  readonly client: Client;
  /** Where errors say the store is, without credentials. */
  readonly where: string;
  /** Monthly indices this store created or saw created. */
  readonly indices = new Set<string>();
  private readonly ownsClient: boolean;
  private closed = false;

  constructor(
    readonly config: StoreConfig,
    client: ElasticsearchMentionStoreOptions['client'],
  ) {
    this.where = redact(config.node);
    if (client) {
      this.client = client;
      this.ownsClient = false;
    } else {
      this.client = new Client({ node: config.node, requestTimeout: config.requestTimeoutMs, maxRetries: config.requestMaxRetries });
      this.ownsClient = true;
    }
  }

  /** Reads in flight by key (shared): see shared(). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  /**
   * One answer for identical reads asked while the first is still out (es17: a report asks the
   * distinct authors of the same period twice at once, its headline's and the image analysis's).
   * Exact: the second caller gets what a read started a moment earlier answered; nothing is kept
   * once it settles.
   */
  shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    const out = this.inFlight.get(key) as Promise<T> | undefined;
    if (out) return out;
    const started = read().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /** Throws once the store is closed. */
  open(): void {
    if (this.closed) throw new EcouteError('STORE_UNAVAILABLE', 'the store is closed', { retriable: false });
  }

  /** Reads go through the alias; before the first write there is no index yet, which is no error. */
  readTarget(): { index: string; ignore_unavailable: true; allow_no_indices: true } {
    return { index: this.config.alias, ignore_unavailable: true, allow_no_indices: true };
  }

  /** An Elasticsearch or transport error as an EcouteError (no credentials in the message). */
  failure(what: string, error: unknown): EcouteError {
    return failure(this.where, what, error);
  }

  /** Where each id is stored now (index names), from one ids query per chunk; fills `hashes` with their contentHash. */
  async locate(ids: string[], hashes?: Map<string, string | null>): Promise<Map<string, Set<string>>> {
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
  async createIndices(names: string[]): Promise<void> {
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await this.client.close();
  }
}
