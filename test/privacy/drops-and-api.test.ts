// Privacy (issue 14, H4): the three drop points (the publisher's bus, the analyze stage, the index
// stage) each drop an erased author, whatever reaches them; and the admin API: POST
// /api/privacy/erase and /export need the admin token, refuse a malformed author with
// PRIVACY_AUTHOR_INVALID, and give the same counts and export as the CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRuntime } from '../../src/app/runtime.js';
import { mountApi } from '../../src/app/api.js';
import { parseConfig } from '../../src/config/load.js';
import { authorKey } from '../../src/core/ids.js';
import { silentLogger } from '../../src/core/log.js';
import type { RawMention } from '../../src/core/types.js';
import { createHttpServer } from '../../src/http/server.js';
import { SqlitePrivacyLedger } from '../../src/privacy/sqlite-ledger.js';
import { suppressingBus } from '../../src/privacy/suppressing-bus.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { analyzeBatch, analyzeMention } from '../../src/streams/analyze.js';
import { brandMatcher } from '../../src/streams/brands.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import type { ConsumedRecord } from '../../src/streams/bus/types.js';
import { indexBatch } from '../../src/streams/index-stage.js';

const SECRET = 'test-secret';
const raw = (author: string, id: string): RawMention => ({ source: 'crm', sourceId: id, url: `https://example.com/${id}`, author: { id: author, name: author }, text: `Acme order ${id} was late`, publishedAt: '2026-11-30T10:00:00Z' });
const consumed = (topic: ConsumedRecord['topic'], values: unknown[]): ConsumedRecord[] => values.map((v, i) => ({ topic, partition: 0, offset: i, timestamp: 0, key: `k${i}`, value: JSON.stringify(v) }));

describe('privacy drop points', () => {
  const closing: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const c of closing.splice(0)) await c.close();
  });

  it('the bus, the analyze stage and the index stage each drop an erased author', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-drops-'));
    const ledger = new SqlitePrivacyLedger(join(dir, 'privacy.sqlite'));
    const bus = new EmbeddedBus({ file: ':memory:' });
    const store = new EmbeddedMentionStore({ file: ':memory:' });
    await store.ensureSchema();
    closing.push(ledger, bus, store);
    await ledger.suppress({ authorKey: authorKey(SECRET, 'crm', 'erased-one'), at: new Date().toISOString() });
    const mentions = [raw('erased-one', 'm1'), raw('someone-else', 'm2')];

    // 1. The publisher's bus: their raw mention and their dead letter never reach the log.
    const wrapped = suppressingBus(bus, ledger, SECRET);
    await wrapped.publish('mentions.raw', mentions.map((m) => ({ key: m.sourceId, value: JSON.stringify(m) })));
    await wrapped.publish('mentions.dlq', [{ key: 'x', value: JSON.stringify({ stage: 'connector', reason: 'bad', input: JSON.stringify({ source: 'crm', author: 'erased-one' }) }) }]);
    expect((await bus.read('mentions.raw', {})).map((r) => r.key)).toEqual(['m2']);
    expect(await bus.read('mentions.dlq', {})).toEqual([]);

    // 2. The analyze stage (a replay of an old mentions.raw).
    const options = { languages: ['en' as const], matchBrands: brandMatcher([]), authorKeySecret: SECRET, suppressed: ledger };
    const { analyzed, dead } = analyzeBatch(consumed('mentions.raw', mentions), options);
    expect(dead).toEqual([]);
    expect(analyzed.map((r) => (JSON.parse(r.value) as { sourceId: string }).sourceId)).toEqual(['m2']);
    // Without the list, both go on: the test above can fail.
    expect(analyzeBatch(consumed('mentions.raw', mentions), { ...options, suppressed: undefined }).analyzed).toHaveLength(2);

    // 3. The index stage (a replay of an old mentions.analyzed).
    const both = mentions.map((m) => analyzeMention(m, { ...options, suppressed: undefined }));
    const counts = await indexBatch(consumed('mentions.analyzed', both), { bus, store, suppressed: ledger });
    expect(counts.created).toBe(1);
    expect((await store.search({ limit: 10 })).hits.map((h) => h.mention.sourceId)).toEqual(['m2']);
  });
});

describe('privacy admin API', () => {
  it('erases and exports with the admin token only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-privacy-api-'));
    writeFileSync(join(dir, 'admin'), 'admin-token-0123456789');
    writeFileSync(join(dir, 'read'), 'read-token-0123456789ab');
    const config = parseConfig(
      `data_dir: ${join(dir, 'data')}
brands: [{ id: acme, name: Acme, query: acme }]
api:
  tokens:
    - { name: dpo, scope: admin, secret_file: ${join(dir, 'admin')} }
    - { name: viewer, scope: read, secret_file: ${join(dir, 'read')} }
`,
      't.yaml',
    );
    const runtime = await openRuntime(config, { log: silentLogger });
    const server = createHttpServer({ host: '127.0.0.1', port: 0, log: silentLogger });
    try {
      const person = raw('api-person', 'a1');
      const analyzed = analyzeMention(person, { languages: ['en'], matchBrands: brandMatcher(config.brands), authorKeySecret: runtime.authorKeySecret });
      await runtime.store.upsert([analyzed]);
      await runtime.bus.publish('mentions.raw', [{ key: analyzed.id, value: JSON.stringify(person) }]);
      mountApi(server, runtime, silentLogger);
      const post = (path: string, token: string, body: unknown) =>
        server.app.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

      expect((await post('/api/privacy/erase', 'read-token-0123456789ab', { author: 'crm:api-person' })).statusCode).toBe(403);
      expect((await server.app.inject({ method: 'POST', url: '/api/privacy/erase', payload: { author: 'crm:api-person' } })).statusCode).toBe(401);
      const bad = await post('/api/privacy/erase', 'admin-token-0123456789', { author: 'no-colon' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'PRIVACY_AUTHOR_INVALID' });

      const before = await post('/api/privacy/export', 'admin-token-0123456789', { author: 'crm:api-person' });
      expect(before.statusCode).toBe(200);
      expect(before.json().export.mentions.map((m: { id: string }) => m.id)).toEqual([analyzed.id]);
      expect(before.json().export.suppression).toEqual({ suppressed: false });

      const erased = await post('/api/privacy/erase', 'admin-token-0123456789', { author: 'crm:api-person' });
      expect(erased.statusCode, erased.body).toBe(200);
      expect(erased.json().erasure).toMatchObject({ store: 1, by: 'api:dpo', topics: { 'mentions.raw': { deleted: 1 } } });
      const after = (await post('/api/privacy/export', 'admin-token-0123456789', { author: 'crm:api-person' })).json().export;
      expect(after.mentions).toEqual([]);
      expect(after.suppression.suppressed).toBe(true);
      const log = await server.app.inject({ method: 'GET', url: '/api/privacy/erasures', headers: { authorization: 'Bearer admin-token-0123456789' } });
      const entries = log.json().erasures as { authorKey: string; by: string; counts: Record<string, number> }[];
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ authorKey: analyzed.authorKey, by: 'api:dpo', counts: { store: 1, 'mentions.raw.deleted': 1 } });
      // The erasure log keeps no content and no handle.
      expect(log.body).not.toContain('api-person');
      expect(log.body).not.toContain('was late');
    } finally {
      await server.close();
      await runtime.close();
    }
  }, 60_000);
});
