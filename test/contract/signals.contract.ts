// MentionStore.scanSignals, part of the store contract (called from storeContract): what the alert
// engine replays on restart and in a backtest must be the same whichever store holds the history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MentionSignal, MentionStore } from '../../src/store/types.js';
import { copyOf, makeMention } from '../helpers/mentions.js';

export function signalsContract(name: string, makeStore: () => Promise<MentionStore>): void {
  describe(`MentionStore contract: ${name}: scanSignals (alerts replay)`, () => {
    let store: MentionStore;
    const at = (h: number, m = 0) => new Date(Date.UTC(2026, 5, 1, h, m)).toISOString();
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureSchema();
      const angry = makeMention({
        id: 'sig-angry', brands: ['sigbrand'], source: 'reddit', lang: 'en', authorKey: 'sig-a', score: -0.8,
        title: 'Late again', text: 'My parcel is late, customer service silent.', url: 'https://example.com/p/1', publishedAt: at(10),
        terms: { parcel: 1, late: 1, 'custom servic': 1 },
        analysis: { labels: { 'custom servic': 'customer service' }, fields: { delivery: { hits: 2, tone: -0.8 } } },
      });
      const result = await store.upsert([
        angry,
        copyOf(angry, { id: 'sig-copy', source: 'reddit', publishedAt: at(10, 5) }),
        makeMention({ id: 'sig-happy', brands: ['sigbrand', 'other'], source: 'rss', lang: 'fr', authorKey: 'sig-b', score: 0.7, text: 'Très bon café, livraison rapide.', publishedAt: at(9), terms: { café: 1, livraison: 1 } }),
        makeMention({ id: 'sig-late', brands: ['sigbrand'], source: 'rss', lang: 'fr', authorKey: 'sig-c', score: 0, text: 'x'.repeat(1000), publishedAt: at(23, 59) }),
        makeMention({ id: 'sig-next-day', brands: ['sigbrand'], publishedAt: new Date(Date.UTC(2026, 5, 2, 0, 0)).toISOString() }),
        makeMention({ id: 'sig-other', brands: ['other'], publishedAt: at(11) }),
      ]);
      expect(result.failed).toBe(0);
      await store.refresh();
    });
    afterAll(async () => {
      await store?.close();
    });

    async function all(request: Parameters<MentionStore['scanSignals']>[0]): Promise<MentionSignal[][]> {
      const pages: MentionSignal[][] = [];
      for await (const page of store.scanSignals(request)) pages.push(page);
      return pages;
    }

    it('gives the brand’s mentions of the period, copies included, oldest first, in pages', async () => {
      const pages = await all({ brand: 'sigbrand', from: at(0), to: new Date(Date.UTC(2026, 5, 2)).toISOString(), pageSize: 2 });
      expect(pages.map((p) => p.length)).toEqual([2, 2]);
      expect(pages.flat().map((s) => s.id)).toEqual(['sig-happy', 'sig-angry', 'sig-copy', 'sig-late']);
    });

    it('carries what the alert engine needs, compactly', async () => {
      const signals = (await all({ brand: 'sigbrand', from: at(0), to: at(12) })).flat();
      const angry = signals.find((s) => s.id === 'sig-angry')!;
      expect(angry).toMatchObject({
        publishedMs: Date.parse(at(10)), authorKey: 'sig-a', score: -0.8, label: 'negative', lang: 'en', source: 'reddit',
        fields: ['delivery'], labels: { 'custom servic': 'customer service' }, url: 'https://example.com/p/1',
      });
      expect(angry.duplicateOf).toBeUndefined();
      expect([...angry.terms].sort()).toEqual(['custom servic', 'late', 'parcel']);
      expect(angry.text).toContain('Late again');
      expect(angry.text).toContain('My parcel is late');
      expect(signals.find((s) => s.id === 'sig-copy')!.duplicateOf).toBe('sig-angry');
      const happy = signals.find((s) => s.id === 'sig-happy')!;
      expect(happy).toMatchObject({ label: 'positive', lang: 'fr', fields: [] });
      expect(happy.labels).toBeUndefined();
      const late = (await all({ brand: 'sigbrand', from: at(12), to: at(24) })).flat();
      expect(late.map((s) => s.text.length)).toEqual([300]);
    });

    it('filters by a query of the query language', async () => {
      expect((await all({ brand: 'sigbrand', from: at(0), to: at(24), query: 'source:reddit' })).flat().map((s) => s.id)).toEqual(['sig-angry', 'sig-copy']);
      expect((await all({ brand: 'sigbrand', from: at(0), to: at(24), query: 'livraison' })).flat().map((s) => s.id)).toEqual(['sig-happy']);
    });

    it('an empty period gives no page', async () => {
      expect(await all({ brand: 'nobody', from: at(0), to: at(24) })).toEqual([]);
    });
  });
}
