// The shipped sentiment model: a 3-class (negative, neutral, positive) logistic regression over
// the features of features.ts, trained by scripts/train-sentiment.ts and stored as JSON in
// config/models/sentiment.json (see config/models/MODEL_CARD.md). Loaded once, on first use; when
// the file is missing or unreadable, sentiment falls back to the rules alone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../resources.js';
import type { Features } from './features.js';
import { EcouteError } from '../../core/errors.js';

export const MODEL_FORMAT = 'ecoute-sentiment-lr/1';
export const CLASSES = ['negative', 'neutral', 'positive'] as const;

export interface ModelFile {
  format: string;
  classes: readonly string[];
  /** Per class. */
  bias: number[];
  /** Feature name → one weight per class. */
  weights: Record<string, number[]>;
  meta?: Record<string, unknown>;
}

export interface SentimentModel {
  bias: Float64Array;
  weights: Map<string, Float64Array>;
  meta: Record<string, unknown>;
}

export function modelPath(): string {
  return process.env.ECOUTE_SENTIMENT_MODEL ?? join(packageRoot(), 'config', 'models', 'sentiment.json');
}

export function parseModel(file: ModelFile): SentimentModel {
  if (file.format !== MODEL_FORMAT) throw new EcouteError('SENTIMENT_MODEL_INVALID', `sentiment model: format ${String(file.format)}, expected ${MODEL_FORMAT}`);
  if (file.classes.join() !== CLASSES.join()) throw new EcouteError('SENTIMENT_MODEL_INVALID', `sentiment model: classes ${file.classes.join()}, expected ${CLASSES.join()}`);
  const weights = new Map<string, Float64Array>();
  for (const [name, w] of Object.entries(file.weights)) weights.set(name, Float64Array.from(w));
  return { bias: Float64Array.from(file.bias), weights, meta: file.meta ?? {} };
}

let model: SentimentModel | null | undefined;

/** The shipped model, or null when there is none (rules alone then). */
export function getModel(): SentimentModel | null {
  if (model === undefined) {
    try {
      const path = modelPath();
      model = existsSync(path) ? parseModel(JSON.parse(readFileSync(path, 'utf8')) as ModelFile) : null;
    } catch {
      model = null;
    }
  }
  return model;
}

/** Replaces the loaded model (training and tests); null means rules alone, undefined reloads. */
export function setModel(m: SentimentModel | null | undefined): void {
  model = m;
}

/** Class scores before softmax: negative, neutral, positive. */
export function modelLogits(m: SentimentModel, features: Features): [number, number, number] {
  let a = m.bias[0]!;
  let b = m.bias[1]!;
  let c = m.bias[2]!;
  const { names, values } = features;
  for (let i = 0; i < names.length; i++) {
    const w = m.weights.get(names[i]!);
    if (w === undefined) continue;
    const v = values[i]!;
    a += w[0]! * v;
    b += w[1]! * v;
    c += w[2]! * v;
  }
  return [a, b, c];
}

/** Probabilities of negative, neutral, positive. */
export function probabilities(logits: readonly [number, number, number]): [number, number, number] {
  const max = Math.max(logits[0], logits[1], logits[2]);
  const a = Math.exp(logits[0] - max);
  const b = Math.exp(logits[1] - max);
  const c = Math.exp(logits[2] - max);
  const s = a + b + c;
  return [a / s, b / s, c / s];
}
