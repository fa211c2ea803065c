// The shipped sentiment model, stored in config/models/sentiment.json (see
// config/models/MODEL_CARD.md), trained by scripts/train-sentiment.ts. Two formats:
//  - ecoute-sentiment-hash/2 (issue 16, built, not shipped): a 3-class logistic regression over the hashed
//    words, word pairs and character n-grams of hashed-features.ts plus the lexicon and rule
//    features, its weights int16-quantized and base64-packed, with the temperature that calibrates
//    its probabilities (fitted on held-out data);
//  - ecoute-sentiment-lr/1 (shipped): named opinion-word features (features.ts), mixed at run
//    time with the rules' own view as its `mix` says, its confidence mapped by its `confidence`
//    (fitted on leave-one-set-out predictions, confidence.ts).
// Loaded once, on first use; when the file is missing or unreadable, sentiment falls back to the
// rules alone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../../core/types.js';
import { packageRoot } from '../resources.js';
import type { Token } from '../tokenize.js';
import { sentimentFeatures, type Features } from './features.js';
import { DENSE_SLOTS, hashedFeatures } from './hashed-features.js';
import type { RuleResult } from './rules/index.js';
import { EcouteError } from '../../core/errors.js';
import { parseConfidenceMap, type ConfidenceMap } from './confidence.js';

export const MODEL_FORMAT = 'ecoute-sentiment-lr/1';
export const HASHED_FORMAT = 'ecoute-sentiment-hash/2';
export const CLASSES = ['negative', 'neutral', 'positive'] as const;

export interface ModelFile {
  format: string;
  classes: readonly string[];
  /** Per class. */
  bias: number[];
  /** Feature name → one weight per class. */
  weights: Record<string, number[]>;
  /** How the model's probabilities meet the rules' view (absent: the values before issue 16). */
  mix?: Partial<MixOptions>;
  /** Raw confidence → probability that the label is right, fitted out of source (confidence.ts). */
  confidence?: ConfidenceMap;
  meta?: Record<string, unknown>;
}

/**
 * How a named model's probabilities become a label (sentiment.ts, combine()): chosen by the
 * leave-one-set-out mean, so they travel with the model they were chosen for.
 */
export interface MixOptions {
  /** Share of the model in the final probabilities; the rules' distribution has the rest. */
  share: number;
  /** Steepness of the rules' distribution: r = sum / √(sum² + alpha). */
  alpha: number;
  /** Added to the neutral class's log-probability before the label is chosen (the 3-class threshold). */
  neutralBias: number;
  /** Below this probability the most probable polar class is not believed: neutral. */
  unsure: number;
}

export const LEGACY_MIX: MixOptions = { share: 0.75, alpha: 6, neutralBias: 0, unsure: 0.4 };

export interface HashedModelFile {
  format: typeof HASHED_FORMAT;
  classes: readonly string[];
  /** Hashed sparse features fall in 2^bits buckets after the DENSE_SLOTS dense ones. */
  bits: number;
  bias: number[];
  /** Weight = int16 × scale. */
  scale: number;
  /** Base64 of little-endian int16, feature-major: slot·3 + class. */
  weights: string;
  /** Logits are divided by it before softmax (calibration, fitted on held-out data). */
  temperature: number;
  confidence?: ConfidenceMap;
  meta?: Record<string, unknown>;
}

export interface NamedModel {
  kind: 'named';
  bias: Float64Array;
  weights: Map<string, Float64Array>;
  mix: MixOptions;
  confidence?: ConfidenceMap;
  meta: Record<string, unknown>;
}

export interface HashedModel {
  kind: 'hashed';
  bits: number;
  bias: Float64Array;
  /** Feature-major: W[slot·3 + k]. */
  W: Float32Array;
  temperature: number;
  confidence?: ConfidenceMap;
  meta: Record<string, unknown>;
}

export type SentimentModel = NamedModel | HashedModel;

export function modelPath(): string {
  return process.env.ECOUTE_SENTIMENT_MODEL ?? join(packageRoot(), 'config', 'models', 'sentiment.json');
}

function invalid(message: string): EcouteError {
  return new EcouteError('SENTIMENT_MODEL_INVALID', `sentiment model: ${message}`);
}

export function parseModel(file: ModelFile | HashedModelFile): SentimentModel {
  if (file.classes.join() !== CLASSES.join()) throw invalid(`classes ${file.classes.join()}, expected ${CLASSES.join()}`);
  if (file.format === HASHED_FORMAT) {
    const f = file as HashedModelFile;
    if (!Number.isInteger(f.bits) || f.bits < 8 || f.bits > 24) throw invalid(`bits ${String(f.bits)}, expected 8..24`);
    const bytes = Buffer.from(f.weights, 'base64');
    const slots = DENSE_SLOTS + 2 ** f.bits;
    if (bytes.length !== slots * 3 * 2) throw invalid(`${bytes.length} weight bytes, expected ${slots * 6}`);
    const W = new Float32Array(slots * 3);
    for (let i = 0; i < W.length; i++) W[i] = bytes.readInt16LE(i * 2) * f.scale;
    const temperature = Number.isFinite(f.temperature) && f.temperature > 0 ? f.temperature : 1;
    const confidence = parseConfidenceMap(f.confidence);
    return { kind: 'hashed', bits: f.bits, bias: Float64Array.from(f.bias), W, temperature, ...(confidence && { confidence }), meta: f.meta ?? {} };
  }
  if (file.format !== MODEL_FORMAT) throw invalid(`format ${String(file.format)}, expected ${HASHED_FORMAT} or ${MODEL_FORMAT}`);
  const weights = new Map<string, Float64Array>();
  for (const [name, w] of Object.entries((file as ModelFile).weights)) weights.set(name, Float64Array.from(w));
  const named = file as ModelFile;
  const mix: MixOptions = { ...LEGACY_MIX };
  for (const k of Object.keys(LEGACY_MIX) as (keyof MixOptions)[]) {
    const v = named.mix?.[k];
    if (typeof v === 'number' && Number.isFinite(v)) mix[k] = v;
  }
  const confidence = parseConfidenceMap(named.confidence);
  return { kind: 'named', bias: Float64Array.from(file.bias), weights, mix, ...(confidence && { confidence }), meta: file.meta ?? {} };
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

/** Class scores before softmax (negative, neutral, positive) of a named model. */
export function modelLogits(m: NamedModel, features: Features): [number, number, number] {
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

/** Class scores of a hashed model over its features, before the temperature. */
export function hashedLogits(m: HashedModel, idx: readonly number[], val: readonly number[]): [number, number, number] {
  let a = m.bias[0]!;
  let b = m.bias[1]!;
  let c = m.bias[2]!;
  const W = m.W;
  for (let i = 0; i < idx.length; i++) {
    const base = idx[i]! * 3;
    const v = val[i]!;
    a += W[base]! * v;
    b += W[base + 1]! * v;
    c += W[base + 2]! * v;
  }
  return [a, b, c];
}

/** Class scores of either model for tokenized text (before any temperature or calibration). */
export function textLogits(m: SentimentModel, tokens: readonly Token[], lang: Lang, rules: RuleResult): [number, number, number] {
  if (m.kind === 'named') return modelLogits(m, sentimentFeatures(tokens, lang, rules));
  const f = hashedFeatures(tokens, lang, rules, m.bits);
  return hashedLogits(m, f.idx, f.val);
}

/** Probabilities of negative, neutral, positive. */
export function probabilities(logits: readonly [number, number, number], temperature = 1): [number, number, number] {
  const t = temperature;
  const max = Math.max(logits[0], logits[1], logits[2]);
  const a = Math.exp((logits[0] - max) / t);
  const b = Math.exp((logits[1] - max) / t);
  const c = Math.exp((logits[2] - max) / t);
  const s = a + b + c;
  return [a / s, b / s, c / s];
}
