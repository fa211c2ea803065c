// The backtest's two passes (speed-embedded, issue 12): a first pass with only the metrics' values
// (scanSignals without terms, windows in statsOnly mode) and a second that makes the fired alerts'
// explanations again from full windows must give exactly what one full replay gives: the same
// alerts, values, incidents and explanations (terms cut as compacted baseline windows cut them,
// examples, sources). On a real SQLite store, through its in-memory columns and its plain SQL path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtest } from '../../src/alerts/backtest.js';
import { BrandAlertsSchema } from '../../src/alerts/config.js';
import type { BrandConfig } from '../../src/config/schema.js';
import type { AnalyzedMention } from '../../src/core/types.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 4, 1);
const DAYS = 36;
/** Hours 30 days in with a flood of angry mentions (volume, tone and share rules fire). */
const BAD = { from: T0 + 30 * 24 * HOUR + 9 * HOUR, hours: 5 };
const VOCAB = Array.from({ length: 3000 }, (_, i) => `term${i.toString(36)}`);

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function mentions(): AnalyzedMention[] {
  const r = random(11);
  const out: AnalyzedMention[] = [];
  let i = 0;
  for (let h = 0; h < DAYS * 24; h++) {
    const start = T0 + h * HOUR;
    const bad = start >= BAD.from && start < BAD.from + BAD.hours * HOUR;
    const n = bad ? 30 : 3 + Math.floor(r() * 3);
    for (let k = 0; k < n; k++, i++) {
      const t = start + Math.floor(r() * HOUR);
      const score = bad ? -0.5 - 0.4 * r() : 0.5 - r();
      // 80 terms from a large vocabulary: a quiet window holds more than the 300 a compacted window keeps.
      const terms: Record<string, number> = {};
      for (let j = 0; j < 80; j++) terms[VOCAB[Math.floor(r() * (bad ? 200 : VOCAB.length))]!] = 1;
      const refund = bad || r() < 0.3;
      if (refund) terms.refund = 1;
      const labels = Object.fromEntries(Object.keys(terms).filter((_, j) => j % 7 === 0).map((term) => [term, term.toUpperCase()]));
      out.push({
        id: `m-${i}`, source: r() < 0.3 ? 'reddit' : 'review', sourceId: `m-${i}`, text: `mention ${i}${refund ? ' refund late' : ''}`,
        publishedAt: new Date(t).toISOString(), authorKey: `a-${Math.floor(r() * r() * 400)}`, brands: ['acme'], analyzedAt: new Date(t).toISOString(),
        ...(i > 50 && r() < 0.02 && { duplicateOf: `m-${i - 7}` }),
        analysis: {
          lang: r() < 0.6 ? 'en' : 'fr', langConfidence: 1, tokens: 40, lemmas: [], terms, labels,
          fields: r() < 0.5 || bad ? { delivery: { hits: 1, tone: score } } : { quality: { hits: 1, tone: score } },
          sentiment: { score, label: score < -0.25 ? 'negative' : score > 0.25 ? 'positive' : 'neutral', confidence: 1, drivers: [] },
        },
      });
    }
  }
  return out;
}

const brand: BrandConfig = {
  id: 'acme', name: 'Acme', query: 'acme', competitors: [],
  alerts: BrandAlertsSchema.parse({
    default_window: '1h',
    rules: [
      { name: 'tone', metric: 'mean_tone', preset: 'sensitive' },
      { name: 'volume', metric: 'volume', preset: 'sensitive' },
      { name: 'share', metric: 'negative_share', preset: 'sensitive' },
      { name: 'velocity', metric: 'velocity', preset: 'sensitive' },
      { name: 'refunds', metric: 'volume', preset: 'sensitive', query: 'refund' },
    ],
  }),
};

const dirs: string[] = [];
let data: AnalyzedMention[];
beforeAll(() => {
  data = mentions();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.each([
  ['in-memory columns', true],
  ['plain SQL path', false],
])('backtest: two passes equal one full replay (%s)', (_name, fastReads) => {
  it('same alerts, incidents and explanations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-backtest-passes-'));
    dirs.push(dir);
    const store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite'), fastReads });
    try {
      for (let i = 0; i < data.length; i += 2000) expect((await store.upsert(data.slice(i, i + 2000))).failed).toBe(0);
      const request = { brand: 'acme', from: new Date(T0 + 7 * 24 * HOUR).toISOString(), to: new Date(T0 + DAYS * 24 * HOUR).toISOString() };
      const fast = await backtest(store, [brand], request);
      const full = await backtest(store, [brand], { ...request, fullReplay: true });
      // Not a vacuous comparison: alerts of several rules fired, explained with terms from
      // compacted baseline windows, fields, sources and examples.
      expect(new Set(full.alerts.map((a) => a.rule))).toEqual(new Set(['tone', 'volume', 'share', 'velocity', 'refunds']));
      expect(full.alerts.every((a) => a.explanation.examples.length > 0 && a.explanation.sources.length > 0)).toBe(true);
      expect(full.alerts.some((a) => a.explanation.terms.length > 0)).toBe(true);
      expect(full.alerts.some((a) => a.explanation.baseline.method.includes('same time of the week'))).toBe(true);
      expect(JSON.parse(JSON.stringify(fast.alerts))).toEqual(JSON.parse(JSON.stringify(full.alerts)));
      expect({ ...fast, elapsedMs: 0, alerts: [] }).toEqual({ ...full, elapsedMs: 0, alerts: [] });
    } finally {
      await store.close();
    }
  }, 120_000);
});
