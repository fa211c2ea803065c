// Privacy (issue 14, H4): the distributed PrivacyLedger, two small indices on the mentions'
// Elasticsearch: <index_prefix>_privacy-suppressions (one document per erased authorKey, its id the
// key) and <index_prefix>_privacy-erasures (the erasure log). The "_" keeps them out of the mention
// template's `<prefix>-*` pattern and out of the mentions' read alias.
// `has` must be synchronous (it runs per mention): each process keeps the list in memory and
// re-reads it every suppression_refresh_ms, so a worker on another machine sees an erasure without
// a restart; `ecoute privacy erase` also sweeps the store once more after that interval
// (erase.ts), so a mention a worker indexed just before it saw the entry is removed too.
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { EcouteError, errorMessage } from '../core/errors.js';
import type { ErasureLogEntry, PrivacyLedger, SuppressionEntry } from './suppression.js';

export interface EsLedgerOptions {
  node: string;
  indexPrefix: string;
  refreshMs: number;
  requestTimeoutMs?: number;
  client?: Client;
}

const PAGE = 5000;

export class ElasticsearchPrivacyLedger implements PrivacyLedger {
  private readonly client: Client;
  private readonly ownClient: boolean;
  readonly suppressionsIndex: string;
  readonly erasuresIndex: string;
  private keys = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ensured = false;

  constructor(private readonly options: EsLedgerOptions) {
    this.ownClient = options.client === undefined;
    this.client = options.client ?? new Client({ node: options.node, requestTimeout: options.requestTimeoutMs ?? 30_000 });
    this.suppressionsIndex = `${options.indexPrefix}_privacy-suppressions`;
    this.erasuresIndex = `${options.indexPrefix}_privacy-erasures`;
  }

  /** Creates the indices if missing, reads the list, and keeps re-reading it. */
  async start(): Promise<this> {
    await this.ensure();
    await this.refresh();
    this.timer = setInterval(() => {
      // A failed re-read keeps the last list (entries are never removed): logged by nobody, retried next tick.
      this.refresh().catch(() => undefined);
    }, this.options.refreshMs);
    this.timer.unref();
    return this;
  }

  private fail(what: string, error: unknown): EcouteError {
    return new EcouteError('PRIVACY_UNAVAILABLE', `Elasticsearch at ${new URL(this.options.node).host}: ${what}: ${errorMessage(error).slice(0, 200)}`, { cause: error, retriable: true });
  }

  private async ensure(): Promise<void> {
    if (this.ensured) return;
    const keyword = { type: 'keyword' } as const;
    const date = { type: 'date' } as const;
    const mappings: Record<string, estypes.MappingTypeMapping> = {
      [this.suppressionsIndex]: { dynamic: 'strict', properties: { authorKey: keyword, at: date } },
      [this.erasuresIndex]: { dynamic: 'strict', properties: { authorKey: keyword, source: keyword, at: date, by: keyword, counts: { type: 'object', enabled: false } } },
    };
    for (const [index, m] of Object.entries(mappings)) {
      try {
        if (!(await this.client.indices.exists({ index }))) await this.client.indices.create({ index, settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: m });
      } catch (error) {
        if (error instanceof errors.ResponseError && /resource_already_exists/.test(String(error.message))) continue;
        throw this.fail(`creating ${index}`, error);
      }
    }
    this.ensured = true;
  }

  has(authorKey: string): boolean {
    return this.keys.has(authorKey);
  }

  async suppress(entry: SuppressionEntry): Promise<void> {
    await this.ensure();
    try {
      await this.client.index({ index: this.suppressionsIndex, id: entry.authorKey, op_type: 'create', document: entry, refresh: true });
    } catch (error) {
      if (!(error instanceof errors.ResponseError && error.statusCode === 409)) throw this.fail('writing the suppression list', error);
    }
    this.keys.add(entry.authorKey);
  }

  async entry(authorKey: string): Promise<SuppressionEntry | undefined> {
    await this.ensure();
    try {
      const r = await this.client.get<SuppressionEntry>({ index: this.suppressionsIndex, id: authorKey });
      return r._source;
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 404) return undefined;
      throw this.fail('reading the suppression list', error);
    }
  }

  async logErasure(entry: ErasureLogEntry): Promise<void> {
    await this.ensure();
    try {
      await this.client.index({ index: this.erasuresIndex, document: entry, refresh: true });
    } catch (error) {
      throw this.fail('writing the erasure log', error);
    }
  }

  async erasures(authorKey?: string): Promise<ErasureLogEntry[]> {
    await this.ensure();
    try {
      const r = await this.client.search<ErasureLogEntry>({
        index: this.erasuresIndex,
        size: 1000,
        sort: [{ at: 'desc' }],
        query: authorKey ? { term: { authorKey } } : { match_all: {} },
      });
      return r.hits.hits.flatMap((h) => (h._source ? [h._source] : []));
    } catch (error) {
      throw this.fail('reading the erasure log', error);
    }
  }

  async refresh(): Promise<void> {
    await this.ensure();
    const keys = new Set<string>();
    let after: string[] | undefined;
    try {
      for (;;) {
        const r = await this.client.search<SuppressionEntry>({ index: this.suppressionsIndex, size: PAGE, sort: [{ authorKey: 'asc' }], _source: ['authorKey'], ...(after && { search_after: after }) });
        const hits = r.hits.hits;
        for (const h of hits) if (h._source) keys.add(h._source.authorKey);
        if (hits.length < PAGE) break;
        after = hits[hits.length - 1]!.sort as string[];
      }
    } catch (error) {
      throw this.fail('reading the suppression list', error);
    }
    this.keys = keys;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.ownClient) await this.client.close();
  }
}
