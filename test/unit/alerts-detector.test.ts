// The alert engine on generated streams (test/helpers/alert-streams.ts): what the issue's "Done
// when" asks of the detector. Rules are the defaults a brand gets (a balanced tone drop and volume
// spike) on hourly windows, unless a test says otherwise.
import { describe, expect, it } from 'vitest';
import { BrandAlertsSchema } from '../../src/alerts/config.js';
import { AlertEngine, engineBrands, type Decision } from '../../src/alerts/engine.js';
import { evaluate } from '../../src/alerts/detector.js';
import { resolveRules } from '../../src/alerts/config.js';
import { poissonUpperTail, zOfUpperTail } from '../../src/alerts/stats.js';
import type { BrandConfig } from '../../src/config/schema.js';
import type { MentionSignal } from '../../src/store/types.js';
import { DAY, generate, HOUR, signal, T0 } from '../helpers/alert-streams.js';

function brand(alerts: Record<string, unknown> = { default_window: '1h' }, language: 'en' | 'fr' = 'en'): BrandConfig {
  return { id: 'acme', name: 'Acme', query: 'acme', competitors: [], language, alerts: BrandAlertsSchema.parse(alerts) };
}

/** Feeds the stream in order, the watermark following event time; every decision. */
function run(stream: readonly MentionSignal[], b: BrandConfig = brand(), engine = new AlertEngine(engineBrands([b]))): { decisions: Decision[]; engine: AlertEngine } {
  const decisions: Decision[] = [];
  for (const s of stream) {
    decisions.push(...engine.advance(s.publishedMs));
    engine.addSignal('acme', 0, s);
    if (engine.seriesOf('acme').length > 1) engine.addSignal('acme', 1, s);
  }
  const last = stream[stream.length - 1]!.publishedMs;
  decisions.push(...engine.advance(last + 2 * DAY));
  return { decisions, engine };
}

const fired = (d: Decision[]) => d.flatMap((x) => (x.kind === 'fire' ? [x.alert] : []));
const steady = { rate: () => 40, tone: () => 0.2 };

describe('alert detector on generated streams', () => {
  it('Gaussian noise at a steady volume fires nothing over 30 days', () => {
    for (const seed of [1, 2, 3]) {
      expect(fired(run(generate({ days: 30, ...steady, seed })).decisions)).toEqual([]);
    }
  });

  it('a real tone drop fires exactly once, within one window of its start', () => {
    const dropFrom = T0 + 20 * DAY + 10 * HOUR;
    const dropTo = dropFrom + 8 * HOUR;
    const stream = generate({ days: 30, rate: () => 40, tone: (t) => (t >= dropFrom && t < dropTo ? -0.35 : 0.2), seed: 4 });
    const alerts = fired(run(stream).decisions);
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert.rule).toBe('tone-drop');
    expect(Date.parse(alert.windowStart) - dropFrom).toBeGreaterThanOrEqual(0);
    expect(Date.parse(alert.windowStart) - dropFrom).toBeLessThanOrEqual(HOUR);
    expect(alert.value).toBeLessThan(alert.baseline);
    expect(alert.explanation.summary).toMatch(/^acme: the mean tone went to -0\.\d\d \(usually \+0\.\d\d\) in the hour of/);
  });

  it('a volume spike fires once and explains itself with the terms that over-weigh', () => {
    const from = T0 + 22 * DAY + 14 * HOUR;
    const stream = generate({
      days: 30,
      rate: (t) => (t >= from && t < from + 3 * HOUR ? 160 : 40),
      tone: (t) => (t >= from && t < from + 3 * HOUR ? -0.3 : 0.2),
      terms: (t, r) => (t >= from && t < from + 3 * HOUR && r() < 0.7 ? ['parcel', 'late', 'refund'] : ['coffee', 'machine', r() < 0.5 ? 'taste' : 'price']),
      fields: (t) => (t >= from && t < from + 3 * HOUR ? ['delivery'] : []),
      seed: 5,
    });
    const alerts = fired(run(stream).decisions);
    expect(alerts.map((a) => a.rule).sort()).toEqual(['tone-drop', 'volume-spike']);
    for (const alert of alerts) expect(alert.windowStart).toBe(new Date(from).toISOString());
    const x = alerts.find((a) => a.rule === 'volume-spike')!.explanation;
    expect(x.terms.map((t) => t.term)).toEqual(expect.arrayContaining(['parcel', 'late', 'refund']));
    expect(x.terms.map((t) => t.term)).not.toContain('coffee');
    expect(x.fields[0]).toMatchObject({ value: 'delivery', baselineShare: 0 });
    expect(x.examples).toHaveLength(3);
    expect(new Set(x.examples.map((e) => e.id)).size).toBe(3);
    expect(x.link).toBe(`/?brand=acme&from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(from + HOUR).toISOString())}`);
    expect(x.baseline.windows).toBeGreaterThanOrEqual(7);
  });

  it('a weekly rhythm (quiet weekends) fires nothing', () => {
    const weekend = (t: number) => [5, 6].includes(Math.floor((t - T0) / DAY) % 7);
    const stream = generate({ days: 35, rate: (t) => (weekend(t) ? 6 : 45), tone: (t) => (weekend(t) ? 0.1 : 0.2), seed: 6 });
    expect(fired(run(stream).decisions)).toEqual([]);
    const daily = generate({ days: 35, rate: (t) => (weekend(t) ? 120 : 900) / 24, tone: () => 0.2, seed: 7 });
    expect(fired(run(daily, brand({ default_window: '1d' })).decisions)).toEqual([]);
  });

  it('a small brand below min_mentions fires nothing, even when all its few mentions turn angry', () => {
    const from = T0 + 20 * DAY;
    const stream = generate({ days: 30, rate: () => 0.4, tone: (t) => (t >= from && t < from + DAY ? -0.8 : 0.3), seed: 8 });
    expect(fired(run(stream).decisions)).toEqual([]);
    // On daily windows it has about 10 a day, below the balanced min_mentions of 15.
    expect(fired(run(stream, brand({ default_window: '1d' })).decisions)).toEqual([]);
  });

  it('one author posting 50 angry mentions in an hour fires nothing', () => {
    const stream = generate({ days: 30, ...steady, seed: 9 });
    const at = T0 + 25 * DAY + 9 * HOUR;
    const angry = Array.from({ length: 50 }, (_, i) => signal(at + i * 60_000, -0.9, 'angry-author', { terms: ['refund', 'scam'] }));
    const merged = [...stream, ...angry].sort((a, b) => a.publishedMs - b.publishedMs);
    expect(fired(run(merged).decisions)).toEqual([]);
  });

  it('a replay of the whole stream fires nothing new (each mention id counted once)', () => {
    const from = T0 + 20 * DAY + 10 * HOUR;
    const stream = generate({ days: 30, rate: () => 40, tone: (t) => (t >= from && t < from + 6 * HOUR ? -0.4 : 0.2), seed: 10 });
    const first = run(stream);
    expect(fired(first.decisions)).toHaveLength(1);
    // The same mentions again (a consumer group reset): late or repeats, never re-evaluated.
    const again = run(stream, brand(), first.engine);
    expect(fired(again.decisions)).toEqual([]);
  });

  it('near-duplicates are counted once', () => {
    const stream = generate({ days: 30, ...steady, seed: 11 });
    const at = T0 + 25 * DAY + 9 * HOUR;
    const original = signal(at, -0.9, 'press', { terms: ['recall'] });
    const copies = Array.from({ length: 120 }, (_, i) => signal(at + i * 20_000, -0.9, `reposter-${i}`, { duplicateOf: original.id, terms: ['recall'] }));
    const merged = [...stream, original, ...copies].sort((a, b) => a.publishedMs - b.publishedMs);
    expect(fired(run(merged).decisions)).toEqual([]);
  });

  it('writes the summary in the brand’s language', () => {
    const from = T0 + 20 * DAY + 10 * HOUR;
    const stream = generate({ days: 30, rate: () => 40, tone: (t) => (t >= from && t < from + 6 * HOUR ? -0.4 : 0.2), seed: 10 });
    const [alert] = fired(run(stream, brand({ default_window: '1h' }, 'fr')).decisions);
    expect(alert!.explanation.summary).toMatch(/^acme : le ton moyen est passé à -0,\d\d \(habituellement \+0,\d\d\) sur l/);
  });

  it('for_windows waits for consecutive windows; cooldown keeps a flapping metric quiet', () => {
    const from = T0 + 20 * DAY + 10 * HOUR;
    const stream = generate({ days: 30, rate: () => 40, tone: (t) => (t >= from && t < from + 6 * HOUR ? -0.4 : 0.2), seed: 10 });
    const rules = [{ name: 'tone', metric: 'mean_tone', for_windows: 3 }];
    const [alert] = fired(run(stream, brand({ default_window: '1h', rules })).decisions);
    expect(alert!.windowStart).toBe(new Date(from + 2 * HOUR).toISOString());
    // Two drops three hours apart: the second falls in the cooldown of the first.
    const flapping = generate({ days: 30, rate: () => 40, tone: (t) => ((t >= from && t < from + 2 * HOUR) || (t >= from + 6 * HOUR && t < from + 8 * HOUR) ? -0.4 : 0.2), seed: 12 });
    expect(fired(run(flapping, brand({ default_window: '1h', rules: [{ name: 'tone', metric: 'mean_tone', cooldown_minutes: 600 }] })).decisions)).toHaveLength(1);
    expect(fired(run(flapping, brand({ default_window: '1h', rules: [{ name: 'tone', metric: 'mean_tone', cooldown_minutes: 0 }] })).decisions)).toHaveLength(2);
  });
});

describe('alert statistics', () => {
  it('a window of 3 mentions never "doubles" into an alert, whatever its share', () => {
    const [rule] = resolveRules(BrandAlertsSchema.parse({ default_window: '1h', rules: [{ name: 'neg', metric: 'negative_share', preset: 'sensitive', min_mentions: 1 }] }));
    const history = Array.from({ length: 30 }, (_, i) => ({ start: i, mentions: 40, cappedMentions: 40, authors: 40, negativeAuthors: 8 + (i % 3), toneSum: 0, toneSquares: 10 }));
    const three = { start: 99, mentions: 3, cappedMentions: 3, authors: 3, negativeAuthors: 3, toneSum: -2.4, toneSquares: 2 };
    const e = evaluate(rule!, three, history, 'test')!;
    expect(e.value).toBe(1);
    expect(e.deviation).toBeLessThan(rule!.threshold);
  });

  it('the Poisson tail speaks z', () => {
    expect(zOfUpperTail(poissonUpperTail(20, 10))).toBeGreaterThan(2.5);
    expect(zOfUpperTail(poissonUpperTail(12, 10))).toBeLessThan(1);
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(zOfUpperTail(0.5)).toBeCloseTo(0, 6);
    expect(zOfUpperTail(0.001)).toBeCloseTo(3.0902, 3);
  });

  it('presets set thresholds; explicit values win; --preset replaces them', () => {
    const alerts = BrandAlertsSchema.parse({ rules: [{ name: 'a', metric: 'volume', preset: 'strict', min_mentions: 5 }] });
    expect(resolveRules(alerts)[0]).toMatchObject({ threshold: 5, minMentions: 5, forWindows: 2, window: '1d' });
    expect(resolveRules(alerts, { preset: 'sensitive' })[0]).toMatchObject({ threshold: 2.5, minMentions: 8, forWindows: 1 });
    expect(resolveRules(undefined).map((r) => [r.name, r.metric, r.preset])).toEqual([['tone-drop', 'mean_tone', 'balanced'], ['volume-spike', 'volume', 'balanced']]);
  });
});
