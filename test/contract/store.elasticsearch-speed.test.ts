// What the Elasticsearch store's speed changes (speed-es, issues 11 and 13) must keep exact, against
// a real Elasticsearch: exports read month by month still yield every mention once, newest first,
// in full pages, whatever the months and the page size; deep pages that take their total from the
// cursor give the true total, and an edited cursor cannot make them say another one.
// Server: as test/contract/store.elasticsearch.test.ts (test/helpers/services.ts).
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElasticsearchMentionStore } from '../../src/store/elasticsearch/index.js';
import type { AnalyzedMention } from '../../src/core/types.js';
import { makeMention } from '../helpers/mentions.js';
import { requireElasticsearch } from '../helpers/services.js';
import { startClosedMonthMerges } from '../../src/store/elasticsearch/maintenance.js';
import type { Logger } from '../../src/core/log.js';

/** A logger that says nothing (the merge job's lines are what a test listens for). */
function silentLog(): Logger {
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => log };
  return log;
}

const url = await requireElasticsearch();

if (url === undefined) {
  describe.skip('Elasticsearch store speed paths (SKIPPED: no Elasticsearch; run `npm run services:up` or set ELASTICSEARCH_URL)', () => {
    it('needs Elasticsearch', () => undefined);
  });
} else {
  const prefix = `ecoute-test-speed-${randomBytes(4).toString('hex')}`;
  const admin = new Client({ node: url });
  const store = new ElasticsearchMentionStore({ node: url, indexPrefix: prefix, refreshOnWrite: 'immediate' });
  // 28 mentions over five months with a gap (no March), two in the last instant of a month and the
  // first of the next, five at one instant (their order among themselves is Elasticsearch's own).
  const instants = [
    '2025-12-31T23:59:59.999Z',
    '2026-01-01T00:00:00.000Z',
    ...Array.from({ length: 6 }, (_, k) => `2026-01-${String(3 + k * 4).padStart(2, '0')}T10:00:00.000Z`),
    ...Array.from({ length: 5 }, (_, k) => `2026-02-${String(2 + k * 5).padStart(2, '0')}T08:30:00.000Z`),
    // Five at one instant: one histogram bucket holding more than a page of the small page sizes.
    ...Array.from({ length: 5 }, () => '2026-02-27T16:00:00.000Z'),
    '2026-04-30T23:59:59.999Z',
    '2026-05-01T00:00:00.000Z',
    ...Array.from({ length: 8 }, (_, k) => `2026-05-${String(2 + k * 3).padStart(2, '0')}T12:00:00.000Z`),
  ];
  const corpus: AnalyzedMention[] = instants.map((publishedAt, k) =>
    makeMention({ id: `speed-${String(k).padStart(2, '0')}`, publishedAt, text: k % 3 === 0 ? `delivery was late ${k}` : `coffee machine ${k}`, brands: [k % 2 === 0 ? 'acme' : 'globex'] }),
  );
  const at = new Map(corpus.map((m) => [m.id, Date.parse(m.publishedAt)]));
  const newest = (ms: AnalyzedMention[]): string[] => [...ms].sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt) || (a.id < b.id ? 1 : -1)).map((m) => m.id);
  /** Newest first, ties (one instant) in id order: how two reads of the same mentions compare. */
  const canonical = (ids: string[]): string[] => [...ids].sort((a, b) => at.get(b)! - at.get(a)! || (a < b ? 1 : -1));
  const newestFirst = (ids: string[]): boolean => ids.every((id, k) => k === 0 || at.get(ids[k - 1]!)! >= at.get(id)!);

  beforeAll(async () => {
    await store.ensureSchema();
    const result = await store.upsert(corpus);
    expect(result.failed).toBe(0);
    await store.refresh();
  });

  afterAll(async () => {
    await store.close();
    const names = (await admin.indices.resolveIndex({ name: `${prefix}-*` }).catch(() => ({ indices: [] as { name: string }[] }))).indices.map((i) => i.name);
    if (names.length > 0) await admin.indices.delete({ index: names, ignore_unavailable: true }).catch(() => undefined);
    await admin.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
    await admin.close();
  });

  async function exported(request: Parameters<ElasticsearchMentionStore['exportPages']>[0], pageSize: number): Promise<{ ids: string[]; pages: number[] }> {
    const out = { ids: [] as string[], pages: [] as number[] };
    for await (const page of store.exportPages(request, { pageSize })) {
      out.pages.push(page.length);
      out.ids.push(...page.map((m) => m.id));
    }
    return out;
  }

  describe('Elasticsearch store speed paths', () => {
    it('the corpus spans five monthly indices', async () => {
      const names = (await admin.indices.resolveIndex({ name: `${prefix}-*` })).indices.map((i) => i.name).sort();
      expect(names).toEqual(['2025.12', '2026.01', '2026.02', '2026.04', '2026.05'].map((m) => `${prefix}-${m}`));
    });

    it('an export read month by month yields every mention once, newest first, in full pages across month ends', async () => {
      for (const pageSize of [1, 2, 3, 5, 7, 22, 23, 24, 5000]) {
        const { ids, pages } = await exported({}, pageSize);
        expect(newestFirst(ids)).toBe(true);
        expect(canonical(ids)).toEqual(newest(corpus));
        // Every page but the last holds pageSize mentions, wherever the months end.
        expect(pages.slice(0, -1).every((n) => n === pageSize)).toBe(true);
        expect(pages[pages.length - 1]).toBeLessThanOrEqual(pageSize);
      }
    });

    it('with a period, a brand or a query the export is the search’s answer, in order', async () => {
      const requests = [
        { from: '2026-01-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' },
        { from: '2026-01-15T00:00:00.000Z' },
        { to: '2026-01-01T00:00:00.001Z' },
        { brand: 'acme', from: '2025-12-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' },
        { query: 'delivery OR late' },
        { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
      ];
      for (const request of requests) {
        const all = await store.search({ ...request, limit: 100 });
        const expected = all.hits.map((h) => h.mention.id);
        for (const pageSize of [2, 4]) {
          const { ids } = await exported(request, pageSize);
          expect(newestFirst(ids)).toBe(true);
          expect(canonical(ids)).toEqual(canonical(expected));
        }
      }
      expect((await exported({ from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' }, 3)).ids).toEqual([]);
    });

    it('deep pages give the whole total on every page, and an edited total in a cursor is counted again', async () => {
      const all = newest(corpus);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.search({ limit: 3, ...(cursor && { cursor }) });
        expect(page.total).toBe(all.length);
        seen.push(...page.hits.map((h) => h.mention.id));
        cursor = page.nextCursor;
        if (pages === 2 && cursor) {
          // The cursor carries its point in time's total from the second page on; edited, it is not believed.
          const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
          expect(payload.t).toBe(all.length);
          const forged = Buffer.from(JSON.stringify({ ...payload, t: 999 }), 'utf8').toString('base64url');
          const next = await store.search({ limit: 3, cursor: forged });
          expect(next.total).toBe(all.length);
        }
        pages++;
        expect(pages).toBeLessThan(20);
      } while (cursor);
      expect(seen).toEqual(all);
      expect(new Set(seen).size).toBe(all.length);
    });

    // Last: it rewrites some mentions (es16).
    it('mergeClosedMonths merges each month before the current one to one segment, leaves the current month alone, and every read answers as before', async () => {
      const segments = async (): Promise<Record<string, number>> => {
        const stats = await admin.indices.stats({ index: `${prefix}-*`, metric: 'segments' });
        return Object.fromEntries(Object.entries(stats.indices ?? {}).map(([name, s]) => [name.slice(prefix.length + 1), s.primaries?.segments?.count ?? 0]));
      };
      // A second write to January, February and May (the current month below): a second segment each.
      const rewritten = corpus.filter((m) => /^2026-0[125]/.test(m.publishedAt)).map((m) => ({ ...m, text: `${m.text} again` }));
      expect((await store.upsert(rewritten)).failed).toBe(0);
      await store.refresh();
      const before = await segments();
      expect(before['2026.01']).toBeGreaterThan(1);
      expect(before['2026.05']).toBeGreaterThan(1);
      const reads = async () => ({
        exported: (await exported({}, 4)).ids,
        terms: await store.topTerms({ size: 10 }),
        facets: await store.facets({}),
        authors: await store.uniqueAuthors({}),
        page: (await store.search({ query: 'again', limit: 50 })).hits.map((h) => h.mention.id),
      });
      const expected = await reads();
      const merged = await store.mergeClosedMonths(Date.parse('2026-05-15T00:00:00Z'));
      // Only the closed months that had more than one segment.
      expect(merged).toEqual(['2025.12', '2026.01', '2026.02', '2026.04'].filter((m) => before[m]! > 1).map((m) => `${prefix}-${m}`));
      expect(merged).toContain(`${prefix}-2026.01`);
      const after = await segments();
      for (const month of ['2025.12', '2026.01', '2026.02', '2026.04']) expect(after[month]).toBe(1);
      expect(after['2026.05']).toBe(before['2026.05']);
      const answered = await reads();
      expect(canonical(answered.exported)).toEqual(canonical(expected.exported));
      expect(answered.exported).toHaveLength(corpus.length);
      expect({ ...answered, exported: [] }).toEqual({ ...expected, exported: [] });
      // Idempotent: nothing left to merge.
      expect(await store.mergeClosedMonths(Date.parse('2026-05-15T00:00:00Z'))).toEqual([]);
    });

    it('the index worker’s merge job merges the closed months at start once they had no write during the quiet period, and says so in its log; a month written meanwhile waits; with no schedule (null) it does not run', async () => {
      const own = `ecoute-test-merge-job-${randomBytes(4).toString("hex")}`;
      const jobStore = new ElasticsearchMentionStore({ node: url, indexPrefix: own, refreshOnWrite: 'immediate' });
      try {
        await jobStore.ensureSchema();
        // Two writes to a month long closed: two segments.
        await jobStore.upsert([makeMention({ id: 'job-1', publishedAt: '2025-06-03T10:00:00.000Z', text: 'late parcel' })]);
        await jobStore.upsert([makeMention({ id: 'job-2', publishedAt: '2025-06-04T10:00:00.000Z', text: 'late again' })]);
        const count = async (): Promise<number> => (await admin.indices.stats({ index: `${own}-2025.06`, metric: 'segments' })).indices?.[`${own}-2025.06`]?.primaries?.segments?.count ?? 0;
        expect(await count()).toBeGreaterThan(1);
        expect(startClosedMonthMerges(jobStore, null, silentLog())).toBeUndefined();
        let said: (line: string) => void = () => undefined;
        const logged = new Promise<string>((resolve) => (said = resolve));
        const log = { ...silentLog(), info: (line: string) => said(line), warn: (line: string) => said(line) };
        // es17: the first run waits its quiet period; a write to the month meanwhile (a backfill
        // still going) leaves it unmerged, so it is merged by a later run instead.
        let waits = 0;
        let quietDone: () => void = () => undefined;
        const secondWait = new Promise<void>((resolve) => (quietDone = resolve));
        const quiet = async (): Promise<void> => {
          waits++;
          if (waits === 1) {
            await jobStore.upsert([makeMention({ id: 'job-3', publishedAt: '2025-06-05T10:00:00.000Z', text: 'late backfill' })]);
            return;
          }
          quietDone();
        };
        const busy = startClosedMonthMerges(jobStore, '0 0 1 1 *', log, { quiet });
        expect(busy).toBeDefined();
        expect(await logged).toBe(`elasticsearch: 1 closed months written to in the last 600 s, left for a later run (${own}-2025.06)`);
        await busy!.stop();
        expect(waits).toBe(1);
        expect(await count()).toBeGreaterThan(1);
        // No write during the quiet period: merged, and said.
        const merged = new Promise<string>((resolve) => (said = resolve));
        const job = startClosedMonthMerges(jobStore, '0 0 1 1 *', log, { quiet });
        await secondWait;
        expect(await merged).toBe(`elasticsearch: 1 closed months merged to one segment (${own}-2025.06)`);
        await job!.stop();
        expect(await count()).toBe(1);
        expect((await jobStore.search({ query: 'late', limit: 10 })).hits.map((h) => h.mention.id)).toEqual(['job-3', 'job-2', 'job-1']);
      } finally {
        await jobStore.close();
        await admin.indices.delete({ index: `${own}-*`, ignore_unavailable: true }).catch(() => undefined);
        await admin.indices.deleteIndexTemplate({ name: own }).catch(() => undefined);
      }
    });
  });
}
