// Privacy (issue 14, H4): retention with a fake clock (no waiting). Mentions older than their
// source's retention_days (crm: 7 days) or the store's (30 days) are gone from search, from the
// counts (facets, timeline) and from the topics; younger ones stay. The job (croner) runs once at
// start with the injected clock.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ElasticsearchMentionStore } from '../../src/store/elasticsearch/index.js';
import { applyRetention } from '../../src/privacy/retention.js';
import { requireElasticsearch } from '../helpers/services.js';
import { parseConfig } from '../../src/config/load.js';
import type { RawMention } from '../../src/core/types.js';
import { silentLogger } from '../../src/core/log.js';
import { startRetentionJob } from '../../src/privacy/retention.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { analyzeMention } from '../../src/streams/analyze.js';
import { brandMatcher } from '../../src/streams/brands.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 24 * 3600_000;
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

describe('retention', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  it('deletes what is older than its retention from search, counts and topics (fake clock)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-retention-'));
    const config = parseConfig(
      `data_dir: ${dir}\nbrands:\n  - { id: acme, name: Acme, query: acme }\nprivacy: { retention_days: 30, retention_days_by_source: { crm: 7 } }\n`,
      't.yaml',
    );
    const store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
    await store.ensureSchema();
    const bus = new EmbeddedBus({ file: join(dir, 'bus.sqlite') });
    open.push(store, bus);
    const raw = (source: string, id: string, publishedAt: string): RawMention => ({ source, sourceId: id, url: `https://example.com/${id}`, author: { id: `a-${id}`, name: `a-${id}` }, text: `Acme news ${id}`, publishedAt });
    const mentions = [
      raw('crm', 'crm-old', ago(10)), // older than crm's 7 days
      raw('crm', 'crm-new', ago(3)),
      raw('rss', 'rss-old', ago(40)), // older than the store's 30 days
      raw('rss', 'rss-mid', ago(10)), // crm's 7 days do not apply to rss
    ];
    const options = { languages: config.languages, matchBrands: brandMatcher(config.brands), authorKeySecret: 'k' };
    const analyzed = mentions.map((m) => analyzeMention(m, options));
    await store.upsert(analyzed);
    await store.refresh();
    // The topics: appended "now" by the real clock; the fake clock is 40 days later for the topic check below.
    await bus.publish('mentions.raw', mentions.map((m) => ({ key: m.sourceId, value: JSON.stringify(m) })));
    await bus.publish('mentions.analyzed', analyzed.map((m) => ({ key: m.id, value: JSON.stringify(m) })));

    const filters = { from: ago(100), to: new Date(NOW + DAY).toISOString() };
    expect((await store.search({ ...filters, limit: 100 })).hits).toHaveLength(4);

    // At NOW the topics' records are younger than 7 days (appended today, real time < NOW + days).
    const clock = { now: new Date(NOW) };
    const job = startRetentionJob({ config, bus, store }, silentLogger, () => clock.now)!;
    expect(job).toBeDefined();
    const report = await job.runNow();
    expect(report.store).toEqual({ crm: 1, '*': 1 });

    const left = (await store.search({ ...filters, limit: 100 })).hits.map((h) => h.mention.sourceId).sort();
    expect(left).toEqual(['crm-new', 'rss-mid']);
    expect(await store.count(filters)).toBe(2);
    const facets = await store.facets(filters);
    expect(facets.source).toEqual([
      { value: 'crm', count: 1 },
      { value: 'rss', count: 1 },
    ]);
    const timeline = await store.timeline({ ...filters, interval: 'day' });
    expect(timeline.reduce((n, b) => n + b.count, 0)).toBe(2);
    expect(timeline.filter((b) => b.count > 0).map((b) => b.start.slice(0, 10)).sort()).toEqual([ago(10).slice(0, 10), ago(3).slice(0, 10)].sort());

    // Topics: at NOW (before the real clock) nothing was appended 7 days earlier: all 8 records stay.
    const before = (await bus.read('mentions.raw', {})).length + (await bus.read('mentions.analyzed', {})).length;
    // 8 days after the records were appended (by the real clock): all older than the shortest retention.
    clock.now = new Date(Date.now() + 8 * DAY);
    const later = await job.runNow();
    expect(later.topics['mentions.raw']).toBe(4);
    expect(later.topics['mentions.analyzed']).toBe(4);
    expect(before).toBe(8);
    expect(await bus.read('mentions.raw', {})).toEqual([]);
    expect(await bus.read('mentions.analyzed', {})).toEqual([]);
    // And by then every mention is past its retention.
    expect(await store.count({ duplicates: 'include' })).toBe(0);
    await job.stop();
  });

  it('is off when no retention is configured', () => {
    const config = parseConfig('{}', 't.yaml');
    expect(startRetentionJob({ config, bus: {} as never, store: {} as never }, silentLogger)).toBeUndefined();
  });

  it('refuses a bad schedule and a retention under one day, naming the key', () => {
    expect(() => parseConfig('privacy: { retention_schedule: "every day" }', 't.yaml')).toThrow(/privacy\.retention_schedule/);
    expect(() => parseConfig('privacy: { retention_days: 0 }', 't.yaml')).toThrow(/privacy\.retention_days/);
  });
});

const url = await requireElasticsearch();

describe.skipIf(url === undefined)('retention on Elasticsearch', () => {
  const admin = new Client({ node: url ?? 'http://127.0.0.1:19200' });
  const prefix = `ecoute-test-privacy14-ret-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const names = (await admin.indices.resolveIndex({ name: `${prefix}*` }).catch(() => ({ indices: [] }))).indices.map((i) => i.name);
    if (names.length > 0) await admin.indices.delete({ index: names, ignore_unavailable: true }).catch(() => undefined);
    await admin.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
    await admin.close();
  });

  it('deletes the mentions past their retention from search and counts (fake clock)', async () => {
    const config = parseConfig(`privacy: { retention_days: 30, retention_days_by_source: { crm: 7 } }\n`, 't.yaml');
    const store = new ElasticsearchMentionStore({ node: url!, indexPrefix: prefix, refreshOnWrite: 'immediate' });
    await store.ensureSchema();
    const raw = (source: string, id: string, publishedAt: string): RawMention => ({ source, sourceId: id, author: { id: `a-${id}`, name: `a-${id}` }, text: `Acme news ${id}`, publishedAt });
    const options = { languages: config.languages, matchBrands: brandMatcher([]), authorKeySecret: 'k' };
    await store.upsert([raw('crm', 'crm-old', ago(10)), raw('crm', 'crm-new', ago(3)), raw('rss', 'rss-old', ago(40)), raw('rss', 'rss-mid', ago(10))].map((m) => analyzeMention(m, options)));
    await store.refresh();
    // No bus with privacyExpire here: the store only.
    const report = await applyRetention({ config, store, bus: {} as never }, new Date(NOW));
    expect(report.store).toEqual({ crm: 1, '*': 1 });
    await store.refresh();
    const filters = { from: ago(100), to: new Date(NOW + DAY).toISOString() };
    expect((await store.search({ ...filters, limit: 10 })).hits.map((h) => h.mention.sourceId).sort()).toEqual(['crm-new', 'rss-mid']);
    expect((await store.facets(filters)).source).toEqual([
      { value: 'crm', count: 1 },
      { value: 'rss', count: 1 },
    ]);
    await store.close();
  }, 60_000);
});
