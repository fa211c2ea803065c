// The report's figures are the store's answers for the same period: each is checked against the
// constructed history itself (counted here, not by a store) and against the store's own
// aggregation, on the embedded store (real SQLite) and on a real Elasticsearch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, reportSources, type ReportData } from '../../src/reports/index.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { ElasticsearchMentionStore } from '../../src/store/elasticsearch/index.js';
import type { MentionStore } from '../../src/store/types.js';
import { requireElasticsearch } from '../helpers/services.js';
import { BRANDS, expected, fixture, PERIOD, PREVIOUS } from './report-fixture.js';

const esUrl = await requireElasticsearch();
const mentions = fixture();

function suite(name: string, open: () => Promise<{ store: MentionStore; cleanup: () => Promise<void> }>) {
  describe(`report figures: ${name}`, () => {
    let store: MentionStore;
    let cleanup: () => Promise<void>;
    let report: ReportData;

    beforeAll(async () => {
      ({ store, cleanup } = await open());
      await store.ensureSchema();
      const result = await store.upsert(mentions);
      expect(result.failed).toBe(0);
      await store.refresh();
      report = await buildReport(reportSources(store, BRANDS), { brand: 'acme', period: PERIOD, timeZone: 'UTC' });
    }, 120_000);
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('headline figures of the period and of the previous one are those of the mentions', () => {
      const now = expected(mentions, 'acme', PERIOD);
      const then = expected(mentions, 'acme', PREVIOUS);
      expect(now.volume).toBe(31); // 30 + the HTML one; the copy is not counted
      expect(report.headline.volume).toMatchObject({ current: now.volume, previous: then.volume, delta: now.volume - then.volume, direction: 'up' });
      expect(report.headline.uniqueAuthors.current).toBe(now.uniqueAuthors);
      expect(report.headline.uniqueAuthors.previous).toBe(then.uniqueAuthors);
      expect(report.headline.meanTone.current).toBeCloseTo(now.meanTone!, 9);
      expect(report.headline.meanTone.previous).toBeCloseTo(then.meanTone!, 9);
      expect(report.headline.negativeShare.current).toBeCloseTo(now.negativeShare!, 12);
      expect(report.headline.negativeShare.previous).toBeCloseTo(then.negativeShare!, 12);
      expect(report.empty).toBe(false);
    });

    it("headline figures equal the store's own answers for the period", async () => {
      const filters = { brand: 'acme', ...PERIOD };
      expect(report.headline.volume.current).toBe(await store.count(filters));
      expect(report.headline.uniqueAuthors.current).toBe(await store.uniqueAuthors(filters));
      expect(report.headline.negativeShare.current).toBe((await store.count({ ...filters, sentiment: 'negative' })) / (await store.count(filters)));
    });

    it('timeline, share of voice and breakdowns are the store aggregations and add up to the mentions', async () => {
      const { label: _label, ...range } = PERIOD;
      expect(report.timeline.interval).toBe('day');
      expect(report.timeline.buckets).toEqual(await store.timeline({ brand: 'acme', ...range, interval: 'day' }));
      expect(report.timeline.buckets.reduce((a, b) => a + b.count, 0)).toBe(31);
      const sov = Object.fromEntries(report.shareOfVoice.map((s) => [s.brand, s.mentions]));
      expect(sov).toEqual({ acme: 31, globex: expected(mentions, 'globex', PERIOD).volume });
      const now = expected(mentions, 'acme', PERIOD);
      expect(Object.fromEntries(report.breakdown.sources.map((s) => [s.value, s.count]))).toEqual(Object.fromEntries(now.sources));
      expect(Object.fromEntries(report.breakdown.languages.map((s) => [s.value, s.count]))).toEqual(Object.fromEntries(now.languages));
      expect(report.breakdown.sources.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1, 12);
    });

    it('top terms carry the store counts and their labels, without the brand name', async () => {
      const store20 = await store.topTerms({ brand: 'acme', from: PERIOD.from, to: PERIOD.to, size: 40 });
      expect(report.topTerms.length).toBeGreaterThan(3);
      for (const term of report.topTerms) expect(store20.find((t) => t.term === term.term)).toEqual(term);
      expect(report.topTerms.map((t) => t.label)).not.toContain('acme');
    });

    it('notable mentions are the most negative and most positive of the period, with their links', () => {
      expect(report.notable.negative[0]!.sentiment).toBe(-0.9);
      expect(report.notable.negative.every((m) => m.sentiment <= -0.8)).toBe(true);
      expect(report.notable.positive.every((m) => m.sentiment === 0.6 && m.url?.startsWith('https://example.com/acme/'))).toBe(true);
    });

    it('a period without mentions says so in one line', async () => {
      const empty = await buildReport(reportSources(store, BRANDS), { brand: 'acme', period: { from: '2025-01-06T00:00:00.000Z', to: '2025-01-13T00:00:00.000Z', label: '2025-W02' }, timeZone: 'UTC' });
      expect(empty.empty).toBe(true);
      expect(empty.message).toBe('Nothing to report for Acme in 2025-W02: no mention was found in this period.');
      expect(empty.alerts).toEqual({ configured: false, alerts: [], incidents: [] });
    });
  });
}

suite('embedded (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecoute-report-'));
  return { store: new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

if (esUrl === undefined) {
  describe.skip('report figures: elasticsearch (SKIPPED: no Elasticsearch; run `npm run services:up` or set ELASTICSEARCH_URL)', () => {
    it('needs Elasticsearch', () => undefined);
  });
} else {
  suite('elasticsearch', async () => {
    const prefix = `ecoute-test-report-${randomBytes(4).toString('hex')}`;
    const store = new ElasticsearchMentionStore({ node: esUrl, indexPrefix: prefix, refreshOnWrite: 'immediate' });
    return {
      store,
      cleanup: async () => {
        const admin = new Client({ node: esUrl });
        const names = (await admin.indices.resolveIndex({ name: `${prefix}-*` }).catch(() => ({ indices: [] as { name: string }[] }))).indices.map((i) => i.name);
        if (names.length > 0) await admin.indices.delete({ index: names, ignore_unavailable: true }).catch(() => undefined);
        await admin.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
        await admin.close();
      },
    };
  });
}
