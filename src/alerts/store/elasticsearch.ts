// The distributed AlertStore: three indices on the mentions' Elasticsearch, <prefix>-alerts,
// <prefix>-incidents and <prefix>-deliveries, created from their own index template. That template
// has a higher priority than the mentions' one (<prefix>-*, priority 200), so these indices get
// their own small mappings and never join the mentions' read alias. Each document keeps the whole
// alert or incident under `doc` (not indexed) beside the fields it is filtered and sorted on.
// Reads by id are real-time (GET); list writes refresh at once (alerts are few, lists must show them).
// Core features only (no scripts, no update-by-query), like the mention store.
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { EcouteError } from '../../core/errors.js';
import { secretScrubber } from '../../core/scrub.js';
import { failure, redact } from '../../store/elasticsearch/failure.js';
import type { Alert, Incident } from '../types.js';
import { checkQuery, encodeCursor, keptAck, withoutExamples, type CheckedQuery } from './page.js';
import type { AlertQuery, AlertStore, DeliveryRecord, DeliveryStatus } from './types.js';

export const ALERT_INDEX_SCHEMA_VERSION = 1;

export interface ElasticsearchAlertStoreOptions {
  node: string;
  /** The store's index_prefix: indices <prefix>-alerts, -incidents, -deliveries. */
  indexPrefix: string;
  requestTimeoutMs?: number;
  requestMaxRetries?: number;
  replicas?: number;
  client?: Client;
}

const KEYWORD = { type: 'keyword' } as const;
const DATE = { type: 'date', format: 'strict_date_optional_time||epoch_millis' } as const;
const DOC = { type: 'object', enabled: false } as const;

const MAPPINGS: Record<'alerts' | 'incidents' | 'deliveries', estypes.MappingTypeMapping> = {
  alerts: { dynamic: 'strict', properties: { id: KEYWORD, brand: KEYWORD, rule: KEYWORD, incidentId: KEYWORD, incidentStatus: KEYWORD, firedAt: DATE, windowStart: DATE, doc: DOC } },
  incidents: { dynamic: 'strict', properties: { id: KEYWORD, brand: KEYWORD, status: KEYWORD, openedAt: DATE, updatedAt: DATE, doc: DOC } },
  deliveries: { dynamic: 'strict', properties: { key: KEYWORD, notifier: KEYWORD, status: KEYWORD, attempts: { type: 'integer' }, at: DATE, error: { type: 'text', index: false } } },
};

type Kind = keyof typeof MAPPINGS;
interface AlertDoc {
  id: string;
  brand: string;
  rule: string;
  incidentId: string;
  incidentStatus: string;
  firedAt: number;
  windowStart: number;
  doc: Alert;
}
interface IncidentDoc {
  id: string;
  brand: string;
  status: string;
  openedAt: number;
  updatedAt: number;
  doc: Incident;
}

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

export class ElasticsearchAlertStore implements AlertStore {
  private readonly client: Client;
  private readonly ownsClient: boolean;
  private readonly where: string;
  private readonly index: Record<Kind, string>;

  constructor(private readonly options: ElasticsearchAlertStoreOptions) {
    this.where = redact(options.node);
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new Client({ node: options.node, requestTimeout: options.requestTimeoutMs ?? 30_000, maxRetries: options.requestMaxRetries ?? 3 });
    const p = options.indexPrefix;
    this.index = { alerts: `${p}-alerts`, incidents: `${p}-incidents`, deliveries: `${p}-deliveries` };
  }

  private fail(what: string, error: unknown): EcouteError {
    return failure(this.where, what, error);
  }

  async ensureSchema(): Promise<void> {
    try {
      await this.client.indices.putIndexTemplate({
        name: `${this.options.indexPrefix}-alerting`,
        index_patterns: Object.values(this.index),
        // Above the mentions' template (200) whose pattern <prefix>-* also matches these names.
        priority: 300,
        version: ALERT_INDEX_SCHEMA_VERSION,
        _meta: { managed_by: 'ecoute', holds: 'alerts, incidents, deliveries' },
        template: { settings: { number_of_shards: 1, number_of_replicas: this.options.replicas ?? 0 } },
      });
      for (const kind of Object.keys(MAPPINGS) as Kind[]) {
        try {
          await this.client.indices.create({ index: this.index[kind], mappings: MAPPINGS[kind] });
        } catch (error) {
          if (!(error instanceof errors.ResponseError && JSON.stringify(error.body ?? '').includes('resource_already_exists_exception'))) throw error;
          await this.client.indices.putMapping({ index: this.index[kind], properties: MAPPINGS[kind].properties ?? {} });
        }
      }
    } catch (error) {
      throw this.fail('alert store ensureSchema', error);
    }
  }

  private async get<T>(kind: Kind, id: string): Promise<{ source: T; seqNo: number; primaryTerm: number } | undefined> {
    try {
      const r = await this.client.get<T>({ index: this.index[kind], id });
      if (!r.found || r._source === undefined) return undefined;
      return { source: r._source, seqNo: r._seq_no ?? 0, primaryTerm: r._primary_term ?? 0 };
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 404) return undefined;
      throw this.fail(`reading ${kind} ${id}`, error);
    }
  }

  async recordAlert(alert: Alert): Promise<'created' | 'exists'> {
    const incident = await this.get<IncidentDoc>('incidents', alert.incidentId);
    const doc: AlertDoc = {
      id: alert.id,
      brand: alert.brand,
      rule: alert.rule,
      incidentId: alert.incidentId,
      incidentStatus: incident?.source.status ?? 'open',
      firedAt: ms(alert.firedAt),
      windowStart: ms(alert.windowStart),
      doc: alert,
    };
    try {
      // op_type create: the first writer of an id wins, a replay gets a 409.
      await this.client.index({ index: this.index.alerts, id: alert.id, op_type: 'create', document: doc, refresh: true });
      return 'created';
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 409) return 'exists';
      throw this.fail(`recording alert ${alert.id}`, error);
    }
  }

  async upsertIncident(incident: Incident): Promise<void> {
    const stored = await this.get<IncidentDoc>('incidents', incident.id);
    const kept = keptAck(incident, stored?.source.doc);
    const doc: IncidentDoc = { id: kept.id, brand: kept.brand, status: kept.status, openedAt: ms(kept.openedAt), updatedAt: ms(kept.updatedAt), doc: kept };
    try {
      await this.client.index({ index: this.index.incidents, id: kept.id, document: doc, refresh: true });
      // The alerts carry their incident's status (no update-by-query on a core-only cluster: by id).
      const ids = [...new Set(kept.alertIds)];
      if (ids.length > 0) {
        const operations = ids.flatMap((id) => [{ update: { _index: this.index.alerts, _id: id } }, { doc: { incidentStatus: kept.status } }]);
        const result = await this.client.bulk({ operations, refresh: true });
        const failed = result.items.find((i) => i.update?.error && i.update.status !== 404);
        if (failed?.update?.error) throw new EcouteError('STORE_UNAVAILABLE', `saving incident ${kept.id}: alert ${failed.update._id}: ${failed.update.error.reason ?? failed.update.error.type}`, { retriable: true });
      }
    } catch (error) {
      throw this.fail(`saving incident ${incident.id}`, error);
    }
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    return (await this.get<AlertDoc>('alerts', id))?.source.doc;
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    return (await this.get<IncidentDoc>('incidents', id))?.source.doc;
  }

  private async page<T, D extends { id: string; doc: T }>(kind: 'alerts' | 'incidents', time: 'firedAt' | 'openedAt', c: CheckedQuery, filter: estypes.QueryDslQueryContainer[]) {
    try {
      const r = await this.client.search<D>({
        index: this.index[kind],
        query: { bool: { filter } },
        sort: [{ [time]: 'desc' }, { id: 'desc' }],
        size: c.limit + 1,
        track_total_hits: false,
        ...(c.after && { search_after: [c.after.t, c.after.id] }),
      });
      const hits = r.hits.hits;
      const more = hits.length > c.limit;
      const kept = more ? hits.slice(0, c.limit) : hits;
      const last = kept[kept.length - 1];
      const items = kept.map((h) => (h._source as D).doc);
      const lastSort = last?.sort as [number, string] | undefined;
      return { items, ...(more && lastSort && { nextCursor: encodeCursor(Number(lastSort[0]), String(lastSort[1]), c.fingerprint) }) };
    } catch (error) {
      throw this.fail(`listing ${kind}`, error);
    }
  }

  async listAlerts(q?: AlertQuery): Promise<{ items: Alert[]; nextCursor?: string }> {
    const c = checkQuery('alerts', q);
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (c.brand !== undefined) filter.push({ term: { brand: c.brand } });
    if (c.status !== undefined) filter.push({ term: { incidentStatus: c.status } });
    if (c.fromMs !== undefined || c.toMs !== undefined) filter.push({ range: { windowStart: { ...(c.fromMs !== undefined && { gte: c.fromMs }), ...(c.toMs !== undefined && { lt: c.toMs }) } } });
    return this.page<Alert, AlertDoc>('alerts', 'firedAt', c, filter);
  }

  async listIncidents(q?: AlertQuery): Promise<{ items: Incident[]; nextCursor?: string }> {
    const c = checkQuery('incidents', q);
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (c.brand !== undefined) filter.push({ term: { brand: c.brand } });
    if (c.status !== undefined) filter.push({ term: { status: c.status } });
    if (c.fromMs !== undefined) filter.push({ range: { updatedAt: { gte: c.fromMs } } });
    if (c.toMs !== undefined) filter.push({ range: { openedAt: { lt: c.toMs } } });
    return this.page<Incident, IncidentDoc>('incidents', 'openedAt', c, filter);
  }

  async openIncidents(brand: string): Promise<Incident[]> {
    const out: Incident[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listIncidents({ brand, status: 'open', limit: 500, ...(cursor && { cursor }) });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out.reverse(); // oldest first, as the SQLite store gives them
  }

  async acknowledge(id: string, by?: string): Promise<Alert | Incident | undefined> {
    const at = new Date().toISOString();
    const alert = await this.get<AlertDoc>('alerts', id);
    if (alert) {
      if (alert.source.doc.acknowledgedAt) return alert.source.doc;
      const acked: Alert = { ...alert.source.doc, acknowledgedAt: at, ...(by !== undefined && { acknowledgedBy: by }) };
      return (await this.replace('alerts', id, { ...alert.source, doc: acked }, alert)) ? acked : this.acknowledge(id, by);
    }
    const incident = await this.get<IncidentDoc>('incidents', id);
    if (!incident) return undefined;
    if (incident.source.doc.acknowledgedAt) return incident.source.doc;
    const acked: Incident = { ...incident.source.doc, acknowledgedAt: at, ...(by !== undefined && { acknowledgedBy: by }) };
    return (await this.replace('incidents', id, { ...incident.source, doc: acked }, incident)) ? acked : this.acknowledge(id, by);
  }

  async setFeedback(alertId: string, feedback: 'useful' | 'not_useful'): Promise<Alert | undefined> {
    const alert = await this.get<AlertDoc>('alerts', alertId);
    if (!alert) return undefined;
    const updated: Alert = { ...alert.source.doc, feedback };
    return (await this.replace('alerts', alertId, { ...alert.source, doc: updated }, alert)) ? updated : this.setFeedback(alertId, feedback);
  }

  /** Writes `document` only if it is still the version read (optimistic concurrency); false on a lost race. */
  private async replace(kind: Kind, id: string, document: object, read: { seqNo: number; primaryTerm: number }): Promise<boolean> {
    try {
      await this.client.index({ index: this.index[kind], id, document, if_seq_no: read.seqNo, if_primary_term: read.primaryTerm, refresh: true });
      return true;
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 409) return false;
      throw this.fail(`updating ${kind} ${id}`, error);
    }
  }

  private deliveryId(key: string, notifier: string): string {
    return `${notifier}\u0000${key}`;
  }

  async recordDelivery(d: DeliveryRecord): Promise<void> {
    const id = this.deliveryId(d.key, d.notifier);
    const document = { key: d.key, notifier: d.notifier, status: d.status, attempts: d.attempts, at: d.at, ...(d.error !== undefined && { error: secretScrubber.scrub(d.error) }) };
    for (;;) {
      const stored = await this.get<{ status: DeliveryStatus }>('deliveries', id);
      if (stored?.source.status === 'sent') return; // never overwritten
      try {
        await this.client.index({
          index: this.index.deliveries,
          id,
          document,
          ...(stored ? { if_seq_no: stored.seqNo, if_primary_term: stored.primaryTerm } : { op_type: 'create' as const }),
        });
        return;
      } catch (error) {
        if (error instanceof errors.ResponseError && error.statusCode === 409) continue; // another writer was first: read again
        throw this.fail(`recording the delivery of ${d.key} to ${d.notifier}`, error);
      }
    }
  }

  async deliveryStatus(key: string, notifier: string): Promise<DeliveryStatus | undefined> {
    return (await this.get<{ status: DeliveryStatus }>('deliveries', this.deliveryId(key, notifier)))?.source.status;
  }

  /** Deletes the three indices and the template (tests). */
  async deleteAll(): Promise<void> {
    await this.client.indices.delete({ index: Object.values(this.index), ignore_unavailable: true });
    await this.client.indices.deleteIndexTemplate({ name: `${this.options.indexPrefix}-alerting` }).catch(() => undefined);
  }

  // Privacy (issue 14, H4): every alert is read (alerts are few; `doc` is not indexed), and those
  // that showed one of these mentions are rewritten without it.
  async eraseMentionExamples(mentionIds: ReadonlySet<string>): Promise<number> {
    if (mentionIds.size === 0) return 0;
    let changed = 0;
    try {
      await this.client.indices.refresh({ index: this.index.alerts });
      let after: estypes.SortResults | undefined;
      for (;;) {
        const r = await this.client.search<AlertDoc>({ index: this.index.alerts, size: 500, sort: [{ id: 'asc' }], ...(after && { search_after: after }) });
        const hits = r.hits.hits;
        for (const h of hits) {
          const kept = h._source ? withoutExamples(h._source.doc, mentionIds) : undefined;
          if (!kept) continue;
          await this.client.update({ index: this.index.alerts, id: h._id!, doc: { doc: kept }, refresh: true });
          changed++;
        }
        if (hits.length < 500) break;
        after = hits[hits.length - 1]!.sort;
      }
    } catch (error) {
      throw this.fail('erasing mentions from alert examples', error);
    }
    return changed;
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}
