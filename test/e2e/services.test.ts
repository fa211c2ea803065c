// Real Kafka and Elasticsearch on 127.0.0.1, as `ecoute services up` runs them (no Docker).
// If they are not running, beforeAll brings them up (test/helpers/services.ts; first run: downloads
// from Maven Central). With CI set, services that cannot be brought up FAIL the suite; without CI,
// only a missing Java or Maven makes it skip, with the reason.
// The services are left running afterwards: other e2e files share them; `.ci/run` stops them.
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELASTICSEARCH_URL, KAFKA_BROKER, kafkaApiVersions, kafkaMetadata, servicesStatus } from '../../src/services/index.js';
import { ensureServices } from '../helpers/services.js';

const run = `${Date.now().toString(36)}-${process.pid}`;
let problem: string | undefined;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  // Brings them up when needed; throws (CI, or a real failure) or resolves undefined (no Java/Maven).
  if (!(await ensureServices(['kafka', 'elasticsearch']))) problem = 'Kafka and Elasticsearch cannot be started here (see the [services] message)';
}, 15 * 60_000); // a first run downloads ~150 MB from Maven Central

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Locally, without the services, tests skip with the reason; with CI they already failed above. */
function needServices(ctx: { skip: (note?: string) => void }): void {
  if (problem) ctx.skip(problem);
}

describe('services', () => {
  it('reports both running on their fixed ports', async (ctx) => {
    needServices(ctx);
    const statuses = await servicesStatus();
    expect(statuses.map((s) => [s.name, s.running, s.endpoint])).toEqual([
      ['kafka', true, KAFKA_BROKER],
      ['elasticsearch', true, ELASTICSEARCH_URL],
    ]);
  });
});

describe('kafka', () => {
  it('answers ApiVersions and Metadata on the broker listener (hand-made protocol)', async (ctx) => {
    needServices(ctx);
    const apis = await kafkaApiVersions();
    expect(apis[0]).toBeDefined(); // Produce
    expect(apis[1]).toBeDefined(); // Fetch
    expect(apis[3]?.max).toBeGreaterThanOrEqual(4); // Metadata
    const meta = await kafkaMetadata();
    expect(meta.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: 19092 }]);
    expect(meta.controllerId).toBe(1);
    expect(meta.clusterId).toMatch(/^[\w-]{22}$/);
  });

  it('creates a topic, produces and consumes with kafkajs', async (ctx) => {
    needServices(ctx);
    process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
    const kafka = new Kafka({ clientId: 'ecoute-e2e', brokers: [KAFKA_BROKER], logLevel: logLevel.NOTHING });
    const topic = `ecoute-e2e-${run}`;
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(async () => {
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    });
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'm1', value: 'Bonjour, écoute' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `ecoute-e2e-${run}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const received = await new Promise<{ key: string; value: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within 30 s')), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
          },
        });
      });
      expect(received).toEqual({ key: 'm1', value: 'Bonjour, écoute' });
    } finally {
      await consumer.disconnect();
    }
  }, 60_000);
});

describe('elasticsearch', () => {
  async function es(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const ndjson = Array.isArray(body);
    const res = await fetch(`${ELASTICSEARCH_URL}${path}`, {
      method,
      headers: { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
      ...(body === undefined ? {} : { body: ndjson ? body.map((l) => `${JSON.stringify(l)}\n`).join('') : JSON.stringify(body) }),
    });
    expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
    return { status: res.status, json: await res.json() };
  }

  it('indexes, searches, aggregates and deletes by id (fetch)', async (ctx) => {
    needServices(ctx);
    const index = `ecoute-e2e-fetch-${run}`;
    cleanups.push(() => fetch(`${ELASTICSEARCH_URL}/${index}`, { method: 'DELETE' }));
    const nodes = await es('GET', '/_nodes/_local?filter_path=nodes.*.version');
    // 9.x: the @elastic/elasticsearch 9 client refuses 8.x servers (media_type_header_exception).
    expect(Object.values(nodes.json.nodes as Record<string, { version: string }>)[0]?.version).toMatch(/^9\./);

    const created = await es('PUT', `/${index}`, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { text: { type: 'text' }, lemmas: { type: 'keyword' }, publishedAt: { type: 'date' } } },
    });
    expect(created.status).toBe(200);
    const bulk = await es('POST', `/${index}/_bulk?refresh=true`, [
      { index: { _id: 'a' } },
      { text: 'Le service client est lent', lemmas: ['service', 'client', 'lent'], publishedAt: '2025-01-01T10:00:00Z' },
      { index: { _id: 'b' } },
      { text: 'Great customer service', lemmas: ['great', 'customer', 'service'], publishedAt: '2025-01-02T10:00:00Z' },
    ]);
    expect(bulk.json.errors).toBe(false);

    const search = await es('POST', `/${index}/_search`, {
      query: { match: { text: 'service' } },
      aggs: { lemmas: { terms: { field: 'lemmas', size: 10 } }, perDay: { date_histogram: { field: 'publishedAt', calendar_interval: 'day' } } },
    });
    expect(search.json.hits.total.value).toBe(2);
    expect(search.json.aggregations.lemmas.buckets[0]).toEqual({ key: 'service', doc_count: 2 });
    expect(search.json.aggregations.perDay.buckets).toHaveLength(2);

    expect((await es('DELETE', `/${index}/_doc/a?refresh=true`)).json.result).toBe('deleted');
    expect((await es('GET', `/${index}/_count`)).json.count).toBe(1);
  });

  it('works through @elastic/elasticsearch', async (ctx) => {
    needServices(ctx);
    const client = new Client({ node: ELASTICSEARCH_URL });
    const index = `ecoute-e2e-client-${run}`;
    cleanups.push(async () => {
      await client.indices.delete({ index, ignore_unavailable: true });
      await client.close();
    });
    // Not client.info()/ping(): GET / is missing from the integ-test-zip (405). Health is there.
    expect(['green', 'yellow']).toContain((await client.cluster.health({ wait_for_status: 'yellow', timeout: '30s' })).status);
    await client.indices.create({ index, settings: { number_of_replicas: 0 }, mappings: { properties: { text: { type: 'text' } } } });
    const bulk = await client.bulk({ refresh: true, operations: [{ index: { _index: index, _id: '1' } }, { text: 'écoute hears you' }] });
    expect(bulk.errors).toBe(false);
    const found = await client.search({ index, query: { match: { text: 'hears' } } });
    const total = found.hits.total;
    expect(typeof total === 'number' ? total : total?.value).toBe(1);
  });
});
