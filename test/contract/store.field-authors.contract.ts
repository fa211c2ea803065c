// MentionStore.fieldAuthors (the perceived image's read, issue 13), part of the store contract:
// per semantic field the mentions, the distinct authors and each author's mean tone (as a histogram
// of 0.01 bins), near-duplicates left out, under the same query and filters as every read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MentionStore } from '../../src/store/types.js';
import { copyOf, makeMention } from '../helpers/mentions.js';

export function fieldAuthorsContract(name: string, makeStore: () => Promise<MentionStore>): void {
  describe(`MentionStore contract: ${name}: fieldAuthors`, () => {
    let store: MentionStore;
    const at = (d: number) => new Date(Date.UTC(2026, 4, d, 9)).toISOString();
    const f = (tone: number) => ({ hits: 1, tone });
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureSchema();
      const loud = makeMention({ id: 'fa-loud-1', brands: ['acme'], authorKey: 'loud', text: 'acme late', publishedAt: at(2), analysis: { fields: { delivery: f(-0.2) } } });
      const mentions = [
        loud,
        makeMention({ id: 'fa-loud-2', brands: ['acme'], authorKey: 'loud', text: 'acme late again', publishedAt: at(3), analysis: { fields: { delivery: f(-0.4), price: f(-0.5) } } }),
        makeMention({ id: 'fa-loud-3', brands: ['acme'], authorKey: 'loud', text: 'acme still late', publishedAt: at(4), analysis: { fields: { delivery: f(-0.6) } } }),
        makeMention({ id: 'fa-b', brands: ['acme'], authorKey: 'b', text: 'acme fast delivery', publishedAt: at(5), analysis: { fields: { delivery: f(0.8) } } }),
        makeMention({ id: 'fa-c', brands: ['acme'], authorKey: 'c', text: 'acme fair price', publishedAt: at(6), analysis: { fields: { price: f(0.3) } } }),
        makeMention({ id: 'fa-d', brands: ['acme'], authorKey: 'd', text: 'acme news', publishedAt: at(7) }),
        makeMention({ id: 'fa-g', brands: ['globex'], authorKey: 'b', text: 'globex price', publishedAt: at(5), analysis: { fields: { price: f(-1) } } }),
        // A copy of the loud author's first mention by someone else: left out of every number.
        copyOf(loud, { id: 'fa-copy', authorKey: 'copier', publishedAt: at(8), analysis: { fields: { delivery: f(1), quality: f(1) } } }),
      ];
      expect((await store.upsert(mentions)).failed).toBe(0);
      await store.refresh();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('counts each author once per field, with the mean of their tones, copies left out', async () => {
      const r = await store.fieldAuthors({ brand: 'acme' });
      expect(r.mentions).toBe(6);
      expect(r.authors).toBe(4);
      expect(r.fields.map((x) => x.field)).toEqual(['delivery', 'price']);
      const [delivery, price] = r.fields;
      expect(delivery).toMatchObject({ field: 'delivery', mentions: 4, authors: 2, tonedAuthors: 2 });
      // loud: mean(−0.2, −0.4, −0.6) = −0.4 → bin 60; b: 0.8 → bin 180.
      expect(delivery!.toneSum).toBeCloseTo(-0.4 + 0.8, 9);
      expect(delivery!.tones).toEqual([[60, 1], [180, 1]]);
      expect(price).toMatchObject({ field: 'price', mentions: 2, authors: 2, tonedAuthors: 2, tones: [[50, 1], [130, 1]] });
      expect(price!.toneSum).toBeCloseTo(-0.5 + 0.3, 9);
    });

    it('follows the query, the filters and the duplicates mode', async () => {
      const late = await store.fieldAuthors({ brand: 'acme', query: 'late' });
      expect(late).toMatchObject({ mentions: 3, authors: 1 });
      expect(late.fields.map((x) => [x.field, x.mentions, x.authors])).toEqual([['delivery', 3, 1], ['price', 1, 1]]);
      const may5 = await store.fieldAuthors({ from: at(5), to: at(6) });
      expect(may5.mentions).toBe(2);
      expect(may5.authors).toBe(1); // author b, once for acme and once for globex
      expect(may5.fields.map((x) => [x.field, x.authors])).toEqual([['delivery', 1], ['price', 1]]);
      const all = await store.fieldAuthors({ brand: 'acme', duplicates: 'include' });
      expect(all).toMatchObject({ mentions: 7, authors: 5 });
      expect(all.fields.find((x) => x.field === 'quality')).toMatchObject({ mentions: 1, authors: 1, tones: [[200, 1]] });
      expect(await store.fieldAuthors({ query: 'nothingmatchesthis' })).toEqual({ mentions: 0, authors: 0, fields: [] });
      await expect(store.fieldAuthors({ from: 'soon' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });
}
