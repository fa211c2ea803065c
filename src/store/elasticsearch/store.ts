// The Elasticsearch MentionStore (@elastic/elasticsearch 9.x against a 9.x server, core features
// only). Layout and mappings: ./schema.ts. Query translation: ../query/elasticsearch.ts.
//
// Writes go to the monthly index of each mention's publishedAt; reads go through the alias over all
// months. Visibility: a write is searchable after the next refresh (refresh_interval_ms), unless
// refreshOnWrite asks upsert to wait for it ('wait_for') or to force it ('immediate'). get() and
// existing() read through search too (a mention's month is not known from its id alone), so they
// follow the same rule.
//
// One file per job, as in Vector's Elasticsearch sink: config.ts (options), service.ts (the client
// and what every part shares), health.ts (health, schema), request-builder.ts (bulk bodies, bool
// queries), bulk.ts (upsert), retry.ts (what to resend, back-off), failure.ts (errors), erase.ts,
// search.ts (paging), aggregations.ts. This class only ties them to the MentionStore seam.
import type { SignificantTerm, SignificantTermsRequest } from '../types.js';
import type { AnalyzedMention } from '../../core/types.js';
import { resolveFilters, resolveQuery } from '../request.js';
import type {
  Facets,
  FacetsRequest,
  FieldStat,
  FieldStatsRequest,
  ShareOfVoice,
  ShareOfVoiceRequest,
  BulkResult,
  MentionSignal,
  MentionStore,
  SearchFilters,
  SignalScanRequest,
  SearchPage,
  SearchRequest,
  TermCount,
  TimelineBucket,
  TimelineRequest,
  TopTermsRequest,
} from '../types.js';
import { facets, fieldStats, shareOfVoice, timeline, uniqueAuthors } from './aggregations.js';
import { significantTerms, topTerms } from './terms.js';
import { upsert } from './bulk.js';
import { LOOKUP_CHUNK, resolveConfig, type ElasticsearchMentionStoreOptions } from './options.js';
import { eraseAuthor, eraseMentions } from './erase.js';
import { clusterHealth, putSchema } from './health.js';
import { filteredQuery } from './request-builder.js';
import { exportPages } from './export-pages.js';
import { search } from './search.js';
import { scanElasticsearchSignals } from './signals.js';
import { Service } from './service.js';
import { fieldAuthors } from './field-authors.js';
import { closedMonthWrites, mergeClosedMonths, type MergeOptions } from './merge.js';
import type { FieldAuthors, FieldAuthorsRequest } from '../types.js';

export type { ElasticsearchMentionStoreOptions, RefreshOnWrite } from './options.js';

export class ElasticsearchMentionStore implements MentionStore {
  private readonly service: Service;
  private schema: Promise<void> | undefined;

  constructor(options: ElasticsearchMentionStoreOptions = {}) {
    this.service = new Service(resolveConfig(options), options.client);
  }

  /** Cluster health (GET / is not served by every build: the integ-test zip answers 405). */
  async health(): Promise<string> {
    this.service.open();
    return clusterHealth(this.service);
  }

  /** Index template (with the alias) and, for indices made before it, the alias and new mappings. Idempotent. */
  async ensureSchema(): Promise<void> {
    this.service.open();
    this.schema = putSchema(this.service);
    try {
      await this.schema;
    } catch (error) {
      this.schema = undefined;
      throw error;
    }
  }

  async upsert(mentions: AnalyzedMention[]): Promise<BulkResult> {
    this.service.open();
    return upsert(this.service, mentions, async () => {
      try {
        await (this.schema ??= putSchema(this.service));
      } catch (error) {
        this.schema = undefined;
        throw error;
      }
    });
  }

  // Privacy (issue 14, H4): retention.
  async eraseMentions(ids: readonly string[]): Promise<number> {
    this.service.open();
    return eraseMentions(this.service, ids);
  }

  async eraseAuthor(authorKey: string): Promise<number> {
    this.service.open();
    return eraseAuthor(this.service, authorKey);
  }

  scanSignals(request: SignalScanRequest): AsyncGenerator<MentionSignal[]> {
    this.service.open();
    return scanElasticsearchSignals(this.service, request);
  }

  // --- lookups ------------------------------------------------------------------------------

  async existing(ids: string[]): Promise<Set<string>> {
    this.service.open();
    const { client } = this.service;
    const wanted = [...new Set((Array.isArray(ids) ? ids : []).filter((id): id is string => typeof id === 'string'))];
    const found = new Set<string>();
    for (let k = 0; k < wanted.length; k += LOOKUP_CHUNK) {
      const chunk = wanted.slice(k, k + LOOKUP_CHUNK);
      try {
        const response = await client.search({
          ...this.service.readTarget(),
          query: { ids: { values: chunk } },
          _source: false,
          size: chunk.length * 2,
          sort: ['_doc'],
          track_total_hits: false,
        });
        for (const hit of response.hits.hits) if (typeof hit._id === 'string') found.add(hit._id);
      } catch (error) {
        throw this.service.failure('existing', error);
      }
    }
    return found;
  }

  async contentHashes(ids: string[]): Promise<Map<string, string | null>> {
    this.service.open();
    const wanted = [...new Set((Array.isArray(ids) ? ids : []).filter((id): id is string => typeof id === 'string'))];
    const hashes = new Map<string, string | null>();
    if (wanted.length === 0) return hashes;
    try {
      await this.service.locate(wanted, hashes);
    } catch (error) {
      throw this.service.failure('contentHashes', error);
    }
    return hashes;
  }

  async get(id: string): Promise<AnalyzedMention | undefined> {
    this.service.open();
    if (typeof id !== 'string') return undefined;
    try {
      const response = await this.service.client.search<AnalyzedMention>({
        ...this.service.readTarget(),
        query: { ids: { values: [id] } },
        size: 1,
        track_total_hits: false,
      });
      return response.hits.hits[0]?._source;
    } catch (error) {
      throw this.service.failure('get', error);
    }
  }

  /**
   * Force-merges the months before the current one (UTC) that hold more than one segment (merge.ts:
   * closed months read faster merged). Not part of MentionStore: an operation for the index
   * worker's schedule or an operator (`ecoute`'s ES maintenance), idempotent. Returns the indices merged.
   */
  async mergeClosedMonths(nowMs: number = Date.now(), options: MergeOptions = {}): Promise<string[]> {
    this.service.open();
    return mergeClosedMonths(this.service, nowMs, options);
  }

  /** Per closed month, a count that moves with every write to it (merge.ts): what `unchangedSince` compares. */
  async closedMonthWrites(nowMs: number = Date.now()): Promise<Map<string, number>> {
    this.service.open();
    return closedMonthWrites(this.service, nowMs);
  }

  async refresh(): Promise<void> {
    this.service.open();
    try {
      await this.service.client.indices.refresh(this.service.readTarget());
    } catch (error) {
      throw this.service.failure('refresh', error);
    }
  }

  async count(filters: SearchFilters & { query?: string } = {}): Promise<number> {
    this.service.open();
    const query = filteredQuery(resolveQuery(filters.query), resolveFilters(filters));
    try {
      return (await this.service.client.count({ ...this.service.readTarget(), query })).count;
    } catch (error) {
      throw this.service.failure('count', error);
    }
  }

  // --- search and aggregations ---------------------------------------------------------------

  async uniqueAuthors(filters: SearchFilters & { query?: string } = {}): Promise<number> {
    this.service.open();
    return uniqueAuthors(this.service, filters);
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    this.service.open();
    return search(this.service, request);
  }

  exportPages(request: SearchFilters & { query?: string }, options?: { pageSize?: number }): AsyncGenerator<AnalyzedMention[]> {
    this.service.open();
    return exportPages(this.service, request, options);
  }

  async timeline(request: TimelineRequest): Promise<TimelineBucket[]> {
    this.service.open();
    return timeline(this.service, request);
  }

  async significantTerms(request: SignificantTermsRequest): Promise<SignificantTerm[]> {
    this.service.open();
    return significantTerms(this.service, request);
  }

  async topTerms(request: TopTermsRequest): Promise<TermCount[]> {
    this.service.open();
    return topTerms(this.service, request);
  }

  async facets(request: FacetsRequest): Promise<Facets> {
    this.service.open();
    return facets(this.service, request);
  }

  async fieldStats(request: FieldStatsRequest): Promise<FieldStat[]> {
    this.service.open();
    return fieldStats(this.service, request);
  }

  async fieldAuthors(request: FieldAuthorsRequest): Promise<FieldAuthors> {
    this.service.open();
    return fieldAuthors(this.service, request);
  }

  async shareOfVoice(request: ShareOfVoiceRequest): Promise<ShareOfVoice> {
    this.service.open();
    return shareOfVoice(this.service, request);
  }

  async close(): Promise<void> {
    await this.service.close();
  }
}
