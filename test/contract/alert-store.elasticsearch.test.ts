// The AlertStore contract against a real Elasticsearch (ELASTICSEARCH_URL, else the one of
// `ecoute services up`; with CI set and none, this fails), then what is specific to it: the alert
// indices stay out of the mentions' read alias. Each store gets its own random index prefix.
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { ElasticsearchAlertStore, openAlertStore } from '../../src/alerts/store/index.js';
import { ElasticsearchMentionStore } from '../../src/store/elasticsearch/index.js';
import { makeAlert } from '../helpers/alert-fixtures.js';
import { makeMention } from '../helpers/mentions.js';
import { requireElasticsearch } from '../helpers/services.js';
import { alertStoreContract } from './alert-store.contract.js';

const url = await requireElasticsearch();

if (url === undefined) {
  describe.skip('AlertStore contract: elasticsearch (SKIPPED: no Elasticsearch; run `npm run services:up` or set ELASTICSEARCH_URL)', () => {
    it('needs Elasticsearch', () => undefined);
  });
} else {
  const run = randomBytes(4).toString('hex');
  const stores: ElasticsearchAlertStore[] = [];
  let counter = 0;
  const fresh = () => {
    const store = new ElasticsearchAlertStore({ node: url, indexPrefix: `ecoute-alerts-test-${run}-${++counter}` });
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    for (const s of stores) {
      const cleaner = new ElasticsearchAlertStore({ node: url, indexPrefix: (s as unknown as { options: { indexPrefix: string } }).options.indexPrefix });
      await cleaner.deleteAll();
      await cleaner.close();
    }
  });

  alertStoreContract('Elasticsearch', async () => fresh());

  describe('ElasticsearchAlertStore specifics', () => {
    it('shares the mentions prefix without joining their read alias, and openAlertStore picks it for store.type elasticsearch', async () => {
      const prefix = `ecoute-alerts-test-${run}-mix`;
      const mentions = new ElasticsearchMentionStore({ node: url, indexPrefix: prefix, refreshOnWrite: 'immediate' });
      await mentions.ensureSchema();
      const alerts = await openAlertStore({ data_dir: '/nonexistent', store: { type: 'elasticsearch', node: url, index_prefix: prefix, shards: 1, replicas: 0, refresh_interval_ms: 1000, refresh_on_write: 'immediate', request_timeout_ms: 30_000, request_max_retries: 3, bulk_max_retries: 3, bulk_retry_backoff_ms: 200, bulk_max_bytes: 1 << 20, pit_keep_alive_ms: 60_000 } });
      stores.push(alerts as ElasticsearchAlertStore);
      try {
        await alerts.recordAlert(makeAlert({ id: 'a1' }));
        await mentions.upsert([makeMention({ id: 'm1', text: 'late parcel' })]);
        expect(await mentions.count({})).toBe(1);
        const admin = new Client({ node: url });
        const aliased = await admin.indices.getAlias({ name: prefix });
        expect(Object.keys(aliased).sort()).not.toContain(`${prefix}-alerts`);
        await admin.close();
        expect((await alerts.getAlert('a1'))?.id).toBe('a1');
      } finally {
        await mentions.close();
        const admin = new Client({ node: url });
        await admin.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
        await admin.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
        await admin.close();
      }
    });
  });
}
