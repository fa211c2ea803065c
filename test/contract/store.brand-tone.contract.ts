// Issue 16, part of the store contract: a brand's aggregates read the tone toward the brand
// (analysis.sentiment.byBrand) when a mention names several brands, and the mention's own tone
// otherwise (one brand, or a document written before byBrand existed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzedMention, BrandSentiment } from '../../src/core/types.js';
import type { MentionSignal, MentionStore } from '../../src/store/types.js';
import { makeMention } from '../helpers/mentions.js';

const at = (d: number, h = 9) => new Date(Date.UTC(2026, 5, d, h)).toISOString();
const tone = (score: number): BrandSentiment => ({ score, label: score >= 0.1 ? 'positive' : score <= -0.1 ? 'negative' : 'neutral', confidence: 0.8 });

/** "Globex is so much better than Acme": positive overall, negative toward Acme, positive toward Globex. */
export function comparative(id: string, publishedAt: string, extra: Partial<Omit<AnalyzedMention, 'lang' | 'analysis'>> = {}): AnalyzedMention {
  const m = makeMention({
    id,
    brands: ['acme', 'globex'],
    authorKey: `author-${id}`,
    text: 'Globex is so much better than Acme, their support actually answers.',
    score: 0.6,
    publishedAt,
    analysis: { fields: { service: { hits: 1, tone: 0.5 } } },
    ...extra,
  });
  m.analysis.sentiment.byBrand = { acme: tone(-0.6), globex: tone(0.6) };
  return m;
}

export async function signalsOf(store: MentionStore, brand: string, from: string, to: string): Promise<MentionSignal[]> {
  const out: MentionSignal[] = [];
  for await (const page of store.scanSignals({ brand, from, to })) out.push(...page);
  return out;
}

export function brandToneContract(name: string, makeStore: () => Promise<MentionStore>): void {
  describe(`MentionStore contract: ${name}: the tone toward each brand (issue 16)`, () => {
    let store: MentionStore;
    beforeAll(async () => {
      store = await makeStore();
      await store.ensureSchema();
      const mentions = [
        comparative('bt-compare', at(2)),
        // One brand: no byBrand, the mention's tone is the brand's.
        makeMention({ id: 'bt-acme-alone', brands: ['acme'], authorKey: 'a2', text: 'Acme support was fine', score: 0.2, publishedAt: at(2, 12) }),
        // Two brands, written before byBrand existed: both read the mention's tone.
        makeMention({ id: 'bt-legacy', brands: ['acme', 'globex'], authorKey: 'a3', text: 'Acme and Globex both late', score: -0.4, publishedAt: at(3), analysis: { fields: { delivery: { hits: 1, tone: -0.4 } } } }),
      ];
      expect((await store.upsert(mentions)).failed).toBe(0);
      await store.refresh();
    });
    afterAll(async () => {
      await store?.close();
    });
    const range = { from: '2026-06-01', to: '2026-06-08' };

    it("a brand's timeline means the tone toward it: Acme negative, Globex positive on the same mention", async () => {
      const acme = await store.timeline({ ...range, brand: 'acme', interval: 'day' });
      const globex = await store.timeline({ ...range, brand: 'globex', interval: 'day' });
      const day = (b: { start: string }[]) => (b as { start: string; count: number; meanTone: number | null }[]).find((x) => x.start === '2026-06-02T00:00:00.000Z')!;
      expect(day(acme).count).toBe(2);
      expect(day(acme).meanTone).toBeCloseTo((-0.6 + 0.2) / 2, 9);
      expect(day(globex).count).toBe(1);
      expect(day(globex).meanTone).toBeCloseTo(0.6, 9);
      // The legacy mention (no byBrand): its own tone for both brands.
      const june3 = (b: { start: string; meanTone: number | null }[]) => b.find((x) => x.start === '2026-06-03T00:00:00.000Z')!.meanTone;
      expect(june3(acme)).toBeCloseTo(-0.4, 9);
      expect(june3(globex)).toBeCloseTo(-0.4, 9);
      // Without a brand, the mention's own tone.
      const all = await store.timeline({ ...range, interval: 'day' });
      expect(all.find((x) => x.start === '2026-06-02T00:00:00.000Z')!.meanTone).toBeCloseTo((0.6 + 0.2) / 2, 9);
    });

    it('share of voice weighs each brand by the tone toward it', async () => {
      const sov = await store.shareOfVoice({ ...range, brands: ['acme', 'globex'] });
      const acme = sov.totals.find((t) => t.brand === 'acme')!;
      const globex = sov.totals.find((t) => t.brand === 'globex')!;
      expect(acme.mentions).toBe(3);
      expect(globex.mentions).toBe(2);
      expect(acme.meanTone).toBeCloseTo((-0.6 + 0.2 - 0.4) / 3, 9);
      expect(globex.meanTone).toBeCloseTo((0.6 - 0.4) / 2, 9);
      expect(acme.meanTone!).toBeLessThan(0);
      expect(globex.meanTone!).toBeGreaterThan(0);
      // Tone-weighted: (1 + tone) / 2 per mention. Acme 0.2 + 0.6 + 0.3 = 1.1, Globex 0.8 + 0.3 = 1.1.
      expect(acme.toneWeightedShare).toBeCloseTo(0.5, 9);
    });

    it("a brand's tone facet, tone filter and count use the tone toward it", async () => {
      const acme = await store.facets({ ...range, brand: 'acme' });
      expect(Object.fromEntries(acme.sentiment.map((s) => [s.value, s.count]))).toEqual({ negative: 2, neutral: 1 });
      const globex = await store.facets({ ...range, brand: 'globex' });
      expect(Object.fromEntries(globex.sentiment.map((s) => [s.value, s.count]))).toEqual({ positive: 1, negative: 1 });
      const negatives = await store.search({ ...range, brand: 'acme', sentiment: 'negative' });
      expect(negatives.hits.map((h) => h.mention.id).sort()).toEqual(['bt-compare', 'bt-legacy']);
      expect(negatives.total).toBe(2);
      expect(await store.count({ ...range, brand: 'globex', sentiment: 'positive' })).toBe(1);
      expect(await store.count({ ...range, brand: 'globex', sentiment: 'negative' })).toBe(1);
      // Without a brand, the mention's own tone.
      expect(await store.count({ ...range, sentiment: 'positive' })).toBe(1);
      expect(await store.uniqueAuthors({ ...range, brand: 'acme', sentiment: 'negative' })).toBe(2);
    });

    it("per-field tone: the losing side of a comparison reads the mention's field tones reversed", async () => {
      const acme = await store.fieldStats({ ...range, brand: 'acme' });
      const globex = await store.fieldStats({ ...range, brand: 'globex' });
      expect(acme.find((f) => f.field === 'service')!.meanTone).toBeCloseTo(-0.5, 9);
      expect(globex.find((f) => f.field === 'service')!.meanTone).toBeCloseTo(0.5, 9);
      expect(acme.find((f) => f.field === 'delivery')!.meanTone).toBeCloseTo(-0.4, 9);
      const image = await store.fieldAuthors({ ...range, brand: 'acme' });
      const service = image.fields.find((f) => f.field === 'service')!;
      expect(service.toneSum / service.tonedAuthors).toBeCloseTo(-0.5, 2);
      const globexImage = await store.fieldAuthors({ ...range, brand: 'globex' });
      const g = globexImage.fields.find((f) => f.field === 'service')!;
      expect(g.toneSum / g.tonedAuthors).toBeCloseTo(0.5, 2);
      // Without a brand: the mention's own field tones.
      const all = await store.fieldStats(range);
      expect(all.find((f) => f.field === 'service')!.meanTone).toBeCloseTo(0.5, 9);
    });

    it("alert signals carry the tone toward the brand scanned", async () => {
      const acme = await signalsOf(store, 'acme', '2026-06-01T00:00:00Z', '2026-06-08T00:00:00Z');
      const globex = await signalsOf(store, 'globex', '2026-06-01T00:00:00Z', '2026-06-08T00:00:00Z');
      const pick = (s: MentionSignal[], id: string) => s.find((x) => x.id === id)!;
      expect(pick(acme, 'bt-compare')).toMatchObject({ score: -0.6, label: 'negative' });
      expect(pick(globex, 'bt-compare')).toMatchObject({ score: 0.6, label: 'positive' });
      expect(pick(acme, 'bt-legacy')).toMatchObject({ score: -0.4, label: 'negative' });
      expect(pick(acme, 'bt-acme-alone')).toMatchObject({ score: 0.2 });
    });

    it('an updated mention replaces its tones toward each brand; an erased one takes them out', async () => {
      const updated = comparative('bt-compare', at(2));
      updated.analysis.sentiment.byBrand = { acme: tone(0.7), globex: tone(0.7) };
      updated.analysis.sentiment.score = 0.7;
      updated.text = 'Globex and Acme are both great now.';
      expect((await store.upsert([updated])).updated).toBe(1);
      await store.refresh();
      expect(await store.count({ ...range, brand: 'acme', sentiment: 'negative' })).toBe(1);
      const sov = await store.shareOfVoice({ ...range, brands: ['acme'] });
      expect(sov.totals[0]!.meanTone).toBeCloseTo((0.7 + 0.2 - 0.4) / 3, 9);
      expect(await store.eraseMentions(['bt-compare'])).toBe(1);
      await store.refresh();
      expect((await store.facets({ ...range, brand: 'acme' })).sentiment).toEqual([
        { value: 'negative', count: 1 },
        { value: 'neutral', count: 1 },
      ]);
    });
  });
}
