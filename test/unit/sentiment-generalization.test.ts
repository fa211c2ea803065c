// Issue 16: the leave-one-set-out evaluation, the hashed model's file, and calibrated confidence.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/nlp/analyze.js';
import type { LabelledSet, Polarity } from '../../src/nlp/sentiment/dataset.js';
import { leaveOneSetOut, reliability } from '../../src/nlp/sentiment/loso.js';
import { getModel, parseModel, type HashedModelFile } from '../../src/nlp/sentiment/model.js';
import { defaultOptions, fitModel, fitTemperature, featurize, groupOf } from '../../src/nlp/sentiment/train.js';
import type { Sentiment } from '../../src/core/types.js';

const words = { positive: ['great', 'lovely', 'excellent', 'superb'], negative: ['awful', 'broken', 'terrible', 'useless'], neutral: ['opens', 'monday', 'address', 'located'] };
function set(name: string, n: number, lang: 'en' | 'fr' = 'en'): LabelledSet {
  const labels: Polarity[] = ['negative', 'neutral', 'positive'];
  const examples = Array.from({ length: n }, (_, i) => {
    const label = labels[i % 3]!;
    const w = words[label];
    return { text: `the ${name} shop ${w[i % 4]} item ${i}`, label };
  });
  return { name, lang, file: `${name}.jsonl`, examples, binary: false, train: name.endsWith('_train') };
}

describe('leave-one-set-out', () => {
  it('scores every set by a model that never saw its source, the measure-only ones by one trained on all', () => {
    const sets = [set('alpha_train', 30), set('alpha_val', 12), set('beta', 30), set('airline_tweets', 15)];
    const o = { ...defaultOptions('hashed'), bits: 10, maxIter: 30 };
    const { rows, scored } = leaveOneSetOut(sets, o);
    expect(rows.map((r) => [r.set, r.how]).sort()).toEqual([
      ['airline_tweets', 'measure only'], ['alpha_train', 'left out'], ['alpha_val', 'left out'], ['beta', 'left out'],
    ]);
    expect(scored).toHaveLength(30 + 12 + 30 + 15);
    // The words carry the tone in every set: a model trained on the others gets them right.
    for (const r of rows) expect(r.figure).toBeGreaterThan(0.6);
    expect(groupOf('umsab_en_train')).toBe('umsab_en');
  }, 120_000);
});

describe('hashed model file', () => {
  it('round-trips through its file, deterministic, with a fitted temperature', () => {
    const items = [...featurize(set('gamma', 60), 10)];
    const o = { ...defaultOptions('hashed'), bits: 10, maxIter: 30 };
    const a = fitModel(items, o) as HashedModelFile;
    const b = fitModel(items, o) as HashedModelFile;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const m = parseModel(a);
    expect(m.kind).toBe('hashed');
    expect(a.temperature).toBeGreaterThan(0);
    expect(() => parseModel({ ...a, weights: 'AAAA' })).toThrow(/weight bytes/);
  });
});

describe('calibrated confidence', () => {
  it('fits the temperature that makes over-confident scores honest', () => {
    // Logits that say 95 % where the label is right 70 % of the time: T > 1.
    const z: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 1000; i++) {
      z.push([0, 0, 3.6]);
      y.push(i % 10 < 7 ? 2 : i % 2);
    }
    const t = fitTemperature(z, y);
    expect(t).toBeGreaterThan(1.5);
    const p = Math.exp(3.6 / t) / (2 + Math.exp(3.6 / t));
    expect(p).toBeCloseTo(0.7, 1);
  });

  it('measures the expected calibration error over bins', () => {
    const s = (label: Sentiment['label'], confidence: number): Sentiment => ({ score: 0, label, confidence, drivers: [] });
    const perfect = [...Array(8)].map(() => ({ gold: 'positive' as Polarity, sentiment: s('positive', 0.8) })).concat([...Array(2)].map(() => ({ gold: 'negative' as Polarity, sentiment: s('positive', 0.8) })));
    expect(reliability(perfect).ece).toBeCloseTo(0, 6);
    const over = [...Array(10)].map((_, i) => ({ gold: (i < 5 ? 'positive' : 'negative') as Polarity, sentiment: s('positive', 0.95) }));
    expect(reliability(over).ece).toBeCloseTo(0.45, 6);
  });

  it('gives analyze() a confidence that is the probability of its label', () => {
    const m = getModel();
    expect(m).not.toBeNull();
    const a = analyze('Absolutely love it, best purchase ever', { lang: 'en' }).sentiment;
    expect(a.label).toBe('positive');
    expect(a.confidence).toBeGreaterThan(0.5);
    expect(a.confidence).toBeLessThanOrEqual(1);
  });
});
