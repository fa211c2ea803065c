// Issue 16: binary sets learn direction only, the named model's mix travels in its file, and the
// confidence map fitted on out-of-source predictions (nested, so the reliability figure is honest).
import { describe, expect, it } from 'vitest';
import { applyConfidenceMap, fitConfidenceMap, parseConfidenceMap } from '../../src/nlp/sentiment/confidence.js';
import { trainSoftmax } from '../../src/nlp/sentiment/logreg.js';
import { nestedCalibration, reliability, type Scored } from '../../src/nlp/sentiment/loso.js';
import { LEGACY_MIX, parseModel, type ModelFile } from '../../src/nlp/sentiment/model.js';

describe('texts of a set without a neutral label', () => {
  it('teach negative against positive and nothing about neutral', () => {
    // One feature, on for every text; all texts positive. With every class in the loss the model
    // learns that neutral is unlikely; restricted to negative/positive, neutral is left alone.
    const rows = Array.from({ length: 20 }, () => ({ idx: Int32Array.from([0]), val: Float64Array.from([1]) }));
    const labels = rows.map(() => 2);
    const full = trainSoftmax(rows, labels, 1, 3, { l2: 1e-2 });
    const polar = trainSoftmax(rows, labels, 1, 3, { l2: 1e-2, classMasks: new Uint8Array(20).fill(0b101) });
    // Neutral's score (its weight + its bias) against positive's.
    const neutralVsPositive = (W: Float64Array): number => W[1]! + W[4]! - (W[2]! + W[5]!);
    expect(neutralVsPositive(full)).toBeLessThan(-1);
    // Polar-only: neutral's weight and bias never move from 0.
    expect(polar[1]).toBe(0);
    expect(polar[4]).toBe(0);
    expect(polar[2]! + polar[5]!).toBeGreaterThan(polar[0]! + polar[3]! + 1);
  });
});

describe('named model file', () => {
  it('carries its mix and confidence map; an older file gets the values before issue 16', () => {
    const file: ModelFile = { format: 'ecoute-sentiment-lr/1', classes: ['negative', 'neutral', 'positive'], bias: [0, 0, 0], weights: {} };
    const old = parseModel(file);
    expect(old.kind === 'named' && old.mix).toEqual(LEGACY_MIX);
    expect(old.confidence).toBeUndefined();
    const m = parseModel({ ...file, mix: { share: 0.7, neutralBias: 0.15 }, confidence: { kinds: { model: [0.8, -0.1], bogus: [1, 2] } as never } });
    expect(m.kind === 'named' && m.mix).toEqual({ ...LEGACY_MIX, share: 0.7, neutralBias: 0.15 });
    expect(m.confidence?.kinds).toEqual({ model: [0.8, -0.1] });
  });
});

describe('confidence map', () => {
  it('turns an over-confident raw confidence into the share of right labels', () => {
    // Raw 0.9 right 60 % of the time, raw 0.6 right 45 %.
    const obs = [
      ...Array.from({ length: 500 }, (_, i) => ({ kind: 'model' as const, confidence: 0.9, right: i % 10 < 6 })),
      ...Array.from({ length: 500 }, (_, i) => ({ kind: 'model' as const, confidence: 0.6, right: i % 20 < 9 })),
    ];
    const map = fitConfidenceMap(obs);
    expect(applyConfidenceMap(map, 'model', 0.9)).toBeCloseTo(0.6, 1);
    expect(applyConfidenceMap(map, 'model', 0.6)).toBeCloseTo(0.45, 1);
    // Too few observations of a kind: raw confidence kept.
    expect(applyConfidenceMap(map, 'mixed', 0.7)).toBe(0.7);
    expect(parseConfidenceMap(JSON.parse(JSON.stringify(map)))?.kinds).toEqual(map.kinds);
  });

  it('is measured nested: each source mapped by a map fitted without it', () => {
    const scored: Scored[] = [];
    for (const set of ['a_train', 'b', 'c', 'd']) {
      for (let i = 0; i < 200; i++) {
        const right = i % 10 < 6;
        scored.push({ set, binary: false, gold: 'positive', kind: 'model', sentiment: { label: right ? 'positive' : 'negative', score: 0.5, confidence: 0.9, drivers: [] } });
      }
    }
    const before = reliability(scored).ece;
    const after = reliability(nestedCalibration(scored)).ece;
    expect(before).toBeGreaterThan(0.25);
    expect(after).toBeLessThan(0.05);
  });
});
