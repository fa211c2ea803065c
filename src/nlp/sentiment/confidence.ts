// Calibrated `confidence` (issue 16): the probability that the label is right, on text of a kind
// the model never saw. A temperature fitted on held-out texts of the training sources does not
// hold on other sources (the model is surer of itself there than it should be), so the map from
// the model's raw confidence to a probability is fitted on out-of-source predictions: the
// leave-one-set-out ones, each text scored by a model that never saw its source
// (`npm run eval:sentiment` fits it and writes it to its JSON; `npm run train:sentiment --
// --confidence-map FILE` ships it inside the model file).
//
// The map is Platt scaling per kind of decision, c' = σ(a·logit(c) + b): the model's most probable
// class ('model'), its neutral fallback when no class is likely ('unsure'), a 'mixed' text, and
// the rules alone ('rules', texts the model does not read). Each kind's raw confidence means
// something different (a mixed text reports how balanced it is), so each gets its own (a, b).
import { trainSoftmax } from './logreg.js';

export const CONFIDENCE_KINDS = ['model', 'unsure', 'mixed', 'rules'] as const;
export type ConfidenceKind = (typeof CONFIDENCE_KINDS)[number];

/** Per kind, [a, b] of σ(a·logit(c) + b); a kind not listed keeps its raw confidence. */
export interface ConfidenceMap {
  kinds: Partial<Record<ConfidenceKind, [number, number]>>;
  /** How it was fitted, for the record. */
  fitted?: Record<string, unknown>;
}

const EPS = 1e-4;

function logit(c: number): number {
  const x = Math.min(1 - EPS, Math.max(EPS, c));
  return Math.log(x / (1 - x));
}

export function applyConfidenceMap(map: ConfidenceMap | undefined, kind: ConfidenceKind, c: number): number {
  const ab = map?.kinds[kind];
  if (ab === undefined) return c;
  return 1 / (1 + Math.exp(-(ab[0] * logit(c) + ab[1])));
}

export interface ConfidenceObservation {
  kind: ConfidenceKind;
  /** The raw (uncalibrated) confidence. */
  confidence: number;
  right: boolean;
}

/** Fewer observations of a kind than this: that kind keeps its raw confidence. */
const MIN_PER_KIND = 30;

/** Fits the map by log-loss (a lightly regularized 2-class logistic regression per kind). */
export function fitConfidenceMap(observations: readonly ConfidenceObservation[]): ConfidenceMap {
  const kinds: ConfidenceMap['kinds'] = {};
  const counts: Record<string, number> = {};
  for (const kind of CONFIDENCE_KINDS) {
    const obs = observations.filter((o) => o.kind === kind);
    counts[kind] = obs.length;
    if (obs.length < MIN_PER_KIND) continue;
    const rows = obs.map((o) => ({ idx: Int32Array.from([0]), val: Float64Array.from([logit(o.confidence)]) }));
    // Classes: 0 wrong, 1 right. W = [w0, w1, b0, b1]; a = w1 − w0, b = b1 − b0.
    const W = trainSoftmax(rows, obs.map((o) => (o.right ? 1 : 0)), 1, 2, { l2: 1e-4, maxIter: 200 });
    kinds[kind] = [round(W[1]! - W[0]!), round(W[3]! - W[2]!)];
  }
  return { kinds, fitted: { observations: counts } };
}

function round(x: number): number {
  const r = Math.round(x * 1e4) / 1e4;
  return r === 0 ? 0 : r;
}

/** Checks the shape of a stored map; undefined when absent or malformed (raw confidence then). */
export function parseConfidenceMap(value: unknown): ConfidenceMap | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const kinds = (value as { kinds?: unknown }).kinds;
  if (kinds === null || typeof kinds !== 'object') return undefined;
  const out: ConfidenceMap['kinds'] = {};
  for (const kind of CONFIDENCE_KINDS) {
    const ab = (kinds as Record<string, unknown>)[kind];
    if (Array.isArray(ab) && ab.length === 2 && ab.every((x) => typeof x === 'number' && Number.isFinite(x))) out[kind] = [ab[0] as number, ab[1] as number];
  }
  return { kinds: out };
}
