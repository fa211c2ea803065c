// The image analysis (src/image) on a constructed set of mentions whose field shares and tones are
// known, against both real stores (SQLite, and the Elasticsearch of `ecoute services`): the shares
// and tones come back within their intervals, the inverted, missing and emerging fields are the
// planted ones, the congruence is 1 where the perceived image equals the intended one, copies and
// one loud author move nothing, and both stores give the same analysis.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrandSchema, type BrandConfig } from '../../src/config/schema.js';
import type { AnalyzedMention } from '../../src/core/types.js';
import { analyzeImage, type ImageAnalysis } from '../../src/image/index.js';
import { ElasticsearchMentionStore } from '../../src/store/elasticsearch/index.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import type { MentionStore } from '../../src/store/types.js';
import { copyOf, makeMention } from '../helpers/mentions.js';
import { requireElasticsearch } from '../helpers/services.js';

const brands: BrandConfig[] = [
  BrandSchema.parse({
    id: 'acme',
    name: 'Acme',
    query: 'acme',
    competitors: ['globex'],
    intended_image: {
      fields: { quality: { weight: 4, tone: 0.7 }, innovation: { weight: 3, tone: 0.6 }, delivery: { weight: 2, tone: 0.5 }, price: { weight: 1, tone: 0.3 } },
    },
  }),
  BrandSchema.parse({ id: 'globex', name: 'Globex', query: 'globex' }),
  BrandSchema.parse({
    id: 'initech',
    name: 'Initech',
    query: 'initech',
    intended_image: { fields: { quality: { weight: 1, tone: 0.5 }, price: { weight: 1, tone: -0.2 } } },
  }),
  BrandSchema.parse({ id: 'umbrella', name: 'Umbrella', query: 'umbrella' }),
];

/** A word of each field's lexicon, as the mention's term. */
const WORD: Record<string, string> = { quality: 'quality', innovation: 'innovative', delivery: 'warehouse', price: 'price', service_support: 'customer service' };

interface Plan {
  brand: string;
  month: 0 | 11; // January 2026 or December 2025
  field: string;
  units: number;
  tone: number;
  /** Extra terms for the first `n` mentions. */
  extra?: { term: string; n: number };
}

// January 2026 (the period): Acme's image is 40 % quality (+0.6), 30 % innovation (−0.5: an
// intended strength perceived negatively), 1 % delivery (intended 20 %: missing), 10 % price, and
// 19 % service and support (not intended), with "strike" in 60 mentions. December 2025 (the
// previous period): 40/30/20/10 % and no strike. Each unit is one author's mention; tones are the
// field's mean ± 0.2, half each way, so the mean is exact.
const PLANS: Plan[] = [
  { brand: 'acme', month: 0, field: 'quality', units: 160, tone: 0.6 },
  { brand: 'acme', month: 0, field: 'innovation', units: 120, tone: -0.5 },
  { brand: 'acme', month: 0, field: 'delivery', units: 4, tone: 0 },
  { brand: 'acme', month: 0, field: 'price', units: 40, tone: 0.2 },
  { brand: 'acme', month: 0, field: 'service_support', units: 76, tone: -0.3, extra: { term: 'strike', n: 60 } },
  { brand: 'acme', month: 11, field: 'quality', units: 80, tone: 0.6 },
  { brand: 'acme', month: 11, field: 'innovation', units: 60, tone: 0.5 },
  { brand: 'acme', month: 11, field: 'delivery', units: 40, tone: 0.3 },
  { brand: 'acme', month: 11, field: 'price', units: 20, tone: 0.1 },
  { brand: 'globex', month: 0, field: 'quality', units: 50, tone: 0.5 },
  { brand: 'globex', month: 0, field: 'innovation', units: 50, tone: 0.6 },
  // Initech is perceived exactly as it wants to be: congruence 1.
  { brand: 'initech', month: 0, field: 'quality', units: 50, tone: 0.5 },
  { brand: 'initech', month: 0, field: 'price', units: 50, tone: -0.2 },
];

function mentionsOf(plan: Plan): AnalyzedMention[] {
  return Array.from({ length: plan.units }, (_, i) => {
    const id = `${plan.brand}-${plan.month}-${plan.field}-${i}`;
    const tone = Math.round((plan.tone + (i % 2 === 0 ? -0.2 : 0.2)) * 1000) / 1000;
    const day = 1 + (i % 28);
    const terms: Record<string, number> = { [WORD[plan.field]!]: 1, [plan.brand]: 1 };
    if (plan.extra && i < plan.extra.n) terms[plan.extra.term] = 1;
    return makeMention({
      id,
      brands: [plan.brand],
      authorKey: `author-${id}`,
      text: `${plan.brand} ${Object.keys(terms).join(' ')}`,
      publishedAt: new Date(plan.month === 0 ? Date.UTC(2026, 0, day, 12) : Date.UTC(2025, 11, day, 12)).toISOString(),
      score: tone,
      terms,
      analysis: { fields: { [plan.field]: { hits: 1, tone } } },
    });
  });
}

const BASE = PLANS.flatMap(mentionsOf);

/** Copies (reposts) that say the opposite of the originals, and one author who writes 300 more times. */
function noise(): AnalyzedMention[] {
  const innovation = BASE.find((m) => m.id === 'acme-0-innovation-1')!;
  const copies = Array.from({ length: 150 }, (_, i) =>
    copyOf(innovation, {
      id: `copy-${i}`,
      authorKey: `copier-${i}`,
      publishedAt: '2026-01-20T10:00:00Z',
      score: 0.9,
      analysis: { fields: { innovation: { hits: 1, tone: 0.9 }, delivery: { hits: 1, tone: 0.9 } } },
    }),
  );
  // acme-0-delivery-0's author (tone −0.2 on delivery) writes 300 more times, with the same tone.
  const loud = Array.from({ length: 300 }, (_, i) =>
    makeMention({
      id: `loud-${i}`,
      brands: ['acme'],
      authorKey: 'author-acme-0-delivery-0',
      text: 'acme warehouse',
      publishedAt: new Date(Date.UTC(2026, 0, 1 + (i % 28), 15)).toISOString(),
      score: -0.2,
      terms: { warehouse: 1, acme: 1 },
      analysis: { fields: { delivery: { hits: 1, tone: -0.2 } } },
    }),
  );
  return [...copies, ...loud];
}

const JANUARY = { from: '2026-01-01', to: '2026-02-01' };

/** Numbers rounded (floating sums differ in the last bits between engines), for comparing analyses. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
  if (Array.isArray(value)) return value.map(rounded);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

/** What the analysis says about the image, without the counts of mentions (which the loud author raises). */
function image(a: ImageAnalysis) {
  return rounded({
    fields: a.fields.map(({ mentions: _m, ...f }) => f),
    congruence: a.congruence,
    inverted: a.inverted,
    missing: a.missing,
    uniqueAuthors: a.uniqueAuthors,
  });
}

const field = (a: ImageAnalysis, name: string) => a.fields.find((f) => f.field === name)!;

function imageContract(name: string, open: () => Promise<MentionStore>): { results: Map<string, ImageAnalysis> } {
  const results = new Map<string, ImageAnalysis>();
  describe(`image analysis: ${name}`, () => {
    let store: MentionStore;
    let acme: ImageAnalysis;
    beforeAll(async () => {
      store = await open();
      await store.ensureSchema();
      expect((await store.upsert(BASE)).failed).toBe(0);
      await store.refresh();
      acme = await analyzeImage(store, brands, { brand: 'acme', ...JANUARY });
      results.set('acme', acme);
    }, 120_000);
    afterAll(async () => {
      await store?.close();
    });

    it('gives back the planted shares and tones, each inside its 95 % interval, with the unique authors behind them', () => {
      const total = 400;
      const planted = PLANS.filter((p) => p.brand === 'acme' && p.month === 0);
      expect(acme.mentions).toBe(total);
      expect(acme.uniqueAuthors).toBe(total);
      for (const p of planted) {
        const f = field(acme, p.field);
        expect(f.uniqueAuthors).toBe(p.units);
        expect(f.mentions).toBe(p.units);
        expect(f.share).toBeCloseTo(p.units / total, 12);
        expect(f.shareCi[0]).toBeLessThan(f.share);
        expect(f.shareCi[1]).toBeGreaterThan(f.share);
        expect(f.tone).toBeCloseTo(p.tone, 9);
        expect(f.toneCi![0]).toBeLessThanOrEqual(p.tone);
        expect(f.toneCi![1]).toBeGreaterThanOrEqual(p.tone);
        expect(f.query).toBe(`field:${p.field}`);
      }
      // 160 units of tone 0.6 ± 0.2: the standard error is 0.2/√160 ≈ 0.016, so the interval is about ±0.03.
      const quality = field(acme, 'quality');
      expect(quality.toneCi![1] - quality.toneCi![0]).toBeGreaterThan(0.03);
      expect(quality.toneCi![1] - quality.toneCi![0]).toBeLessThan(0.09);
      // Gaps are perceived minus intended, with the intervals moved by the same amount.
      expect(quality.intendedShare).toBeCloseTo(0.4, 12);
      expect(quality.shareGap).toBeCloseTo(0, 12);
      expect(quality.toneGap).toBeCloseTo(0.6 - 0.7, 9);
      expect(quality.toneGapCi![0]).toBeCloseTo(quality.toneCi![0] - 0.7, 9);
    });

    it('finds the inverted, missing and unplanned fields, and the emerging term that is in no field', () => {
      expect(acme.inverted).toEqual(['innovation']);
      expect(acme.missing).toEqual(['delivery']);
      expect(Object.fromEntries(acme.fields.map((f) => [f.field, f.status]))).toEqual({
        quality: 'aligned',
        innovation: 'inverted',
        delivery: 'missing',
        price: 'aligned',
        service_support: 'unplanned',
      });
      const strike = acme.emerging.filter((e) => e.term === 'strike');
      expect(strike.map((e) => e.against)).toEqual(['previous']);
      expect(strike[0]!.count).toBe(60);
      expect(strike[0]!.keyness).toBeGreaterThan(10.83);
      // "customer service" is as new as "strike", but it belongs to a field; the brand's name is no finding.
      expect(acme.emerging.map((e) => e.term)).not.toContain('customer service');
      expect(acme.emerging.map((e) => e.term)).not.toContain('acme');
      expect(acme.summary).toContain('Innovation is meant to be a strength but is perceived negatively (tone -0.50).');
      expect(acme.summary).toContain('Delivery is barely perceived: 1% of the image against 20% intended.');
      expect(acme.summary.some((l) => l.startsWith("Acme's perceived image matches its intended image at "))).toBe(true);
    });

    it('measures the drift against the previous period, flagging only changes larger than their interval', () => {
      expect(acme.previous).toMatchObject({ from: '2025-12-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', congruenceChangeSignificant: true });
      expect(field(acme, 'delivery').drift).toMatchObject({ share: expect.closeTo(0.01 - 0.2, 9), significant: true });
      expect(field(acme, 'service_support').drift).toMatchObject({ share: expect.closeTo(0.19, 9), tone: null, significant: true });
      expect(field(acme, 'quality').drift).toEqual({ share: expect.closeTo(0, 9), tone: expect.closeTo(0, 9), significant: false });
      expect(field(acme, 'innovation').drift!.tone).toBeCloseTo(-1, 9);
      expect(field(acme, 'innovation').drift!.significant).toBe(true);
    });

    it('gives a congruence of 1 when the perceived image equals the intended one, and less otherwise', async () => {
      const initech = await analyzeImage(store, brands, { brand: 'initech', ...JANUARY });
      results.set('initech', initech);
      expect(initech.congruence!.score).toBeCloseTo(1, 12);
      expect(initech.congruence!.toneWeighted).toBeCloseTo(1, 12);
      expect(initech.congruence!.ci[1]).toBeCloseTo(1, 12);
      expect(initech.fields.map((f) => f.status)).toEqual(['aligned', 'aligned']);
      expect(acme.congruence!.score).toBeLessThan(0.95);
      expect(acme.congruence!.ci[0]).toBeLessThanOrEqual(acme.congruence!.score);
      expect(acme.congruence!.ci[1]).toBeGreaterThanOrEqual(acme.congruence!.score);
      // Innovation's tone is the opposite of the one wanted: counting tone lowers the score.
      expect(acme.congruence!.toneWeighted).toBeLessThan(acme.congruence!.score);
    });

    it('reads the competitor against the brand’s intended image, and a brand without one gets its perceived image and a hint', async () => {
      const [globex] = acme.competitors;
      expect(globex!.brand).toBe('globex');
      expect(globex!.competitors).toEqual([]);
      expect(globex!.intended).toEqual(acme.intended);
      expect(field(globex!, 'quality').share).toBeCloseTo(0.5, 12);
      expect(globex!.summary[0]).toMatch(/^Globex's perceived image matches Acme's intended image at \d+%/);
      const alone = await analyzeImage(store, brands, { brand: 'globex', ...JANUARY, lang: 'fr' });
      expect(alone.intended).toBeNull();
      expect(alone.congruence).toBeUndefined();
      expect(alone.fields.map((f) => [f.field, f.share, f.status])).toEqual([
        ['innovation', 0.5, 'unplanned'],
        ['quality', 0.5, 'unplanned'],
      ]);
      expect(alone.hint).toMatch(/ecoute image intended --brand globex --from-texts/);
      expect(alone.summary.at(-1)).toBe(alone.hint);
      const empty = await analyzeImage(store, brands, { brand: 'umbrella', ...JANUARY });
      expect(empty).toMatchObject({ mentions: 0, fields: [], inverted: [], missing: [], emerging: [] });
      expect(empty.summary[0]).toBe('No mention of Umbrella holds a semantic field in this period.');
    });

    it('is reproducible, and refuses an unknown brand or a period that ends before it starts', async () => {
      expect(await analyzeImage(store, brands, { brand: 'acme', ...JANUARY })).toEqual(acme);
      await expect(analyzeImage(store, brands, { brand: 'nobody', ...JANUARY })).rejects.toMatchObject({ code: 'IMAGE_UNKNOWN_BRAND' });
      await expect(analyzeImage(store, brands, { brand: 'acme', from: '2026-02-01', to: '2026-01-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(analyzeImage(store, brands, { brand: 'acme', from: 'yesterday', to: '2026-01-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });

    it('near-duplicates and one loud author do not move the image', async () => {
      expect((await store.upsert(noise())).failed).toBe(0);
      await store.refresh();
      const noisy = await analyzeImage(store, brands, { brand: 'acme', ...JANUARY });
      expect(image(noisy)).toEqual(image(acme));
      // The loud author's mentions are there (300 more on delivery), as one voice.
      expect(noisy.mentions).toBe(acme.mentions + 300);
      expect(field(noisy, 'delivery').mentions).toBe(304);
      expect(field(noisy, 'delivery').uniqueAuthors).toBe(4);
    });
  });
  return { results };
}

// --- the two stores ---------------------------------------------------------------------------

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const embedded = imageContract('embedded (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecoute-image-'));
  dirs.push(dir);
  return new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
});

const url = await requireElasticsearch();
if (url === undefined) {
  describe.skip('image analysis: elasticsearch (SKIPPED: no Elasticsearch; run `npm run services:up` or set ELASTICSEARCH_URL)', () => {
    it('needs Elasticsearch', () => undefined);
  });
} else {
  const prefix = `ecoute-test-image-${randomBytes(4).toString('hex')}`;
  const admin = new Client({ node: url });
  afterAll(async () => {
    const names = (await admin.indices.resolveIndex({ name: `${prefix}-*` }).catch(() => ({ indices: [] }))).indices.map((i: { name: string }) => i.name);
    if (names.length > 0) await admin.indices.delete({ index: names, ignore_unavailable: true }).catch(() => undefined);
    await admin.indices.deleteIndexTemplate({ name: prefix }).catch(() => undefined);
    await admin.close();
  });
  const elastic = imageContract('elasticsearch', async () => new ElasticsearchMentionStore({ node: url, indexPrefix: prefix, refreshOnWrite: 'immediate' }));
  describe('image analysis: both stores', () => {
    it('give the same analysis', () => {
      for (const brand of ['acme', 'initech']) {
        expect(elastic.results.get(brand)).toBeDefined();
        expect(rounded(elastic.results.get(brand))).toEqual(rounded(embedded.results.get(brand)));
      }
    });
  });
}
