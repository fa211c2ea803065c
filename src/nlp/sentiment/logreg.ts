// Multinomial logistic regression (softmax) with L2 regularization, fitted by L-BFGS on the whole
// objective. No ML dependency: this is all écoute needs, for the shipped sentiment model
// (scripts/train-sentiment.ts) and for per-brand calibration (`ecoute sentiment calibrate`).
// Full-batch optimisation of a strictly convex objective, with a fixed order of summation, makes
// training deterministic: the same data gives the same weights, bit for bit.

/** One example: indices of its non-zero features and their values. */
export interface SparseRow {
  idx: Int32Array;
  val: Float64Array;
}

export interface SoftmaxOptions {
  /** L2 penalty λ: the objective is Σ wᵢ·(−log p(yᵢ)) / Σ wᵢ + λ/2 · ‖W‖² (biases unpenalized). */
  l2: number;
  /** Per-feature penalty multipliers (e.g. weaker on a few dense features); default 1. */
  l2Scale?: Float64Array;
  maxIter?: number;
  /** Stops when the gradient norm falls below this. */
  tolerance?: number;
  /** Example weights (default 1). */
  weights?: Float64Array;
  /** Starting point (warm start), laid out like the result. */
  init?: Float64Array;
  /** Per example, class scores added to the learned ones (a layer fitted on top of a model). */
  offsets?: readonly ArrayLike<number>[];
  /**
   * Per example, a bitmask of the classes its label was chosen among (bit k: class k; 0 or absent:
   * all). Its loss is the log-loss of the softmax over those classes alone, so an example from a
   * set without a neutral label (binary reviews) teaches negative against positive and says
   * nothing about how often texts are neutral.
   */
  classMasks?: Uint8Array;
}

/**
 * Weights laid out feature-major: W[f*K + k] for feature f and class k, then K biases at the
 * end (index dim*K + k).
 */
export function trainSoftmax(rows: readonly SparseRow[], labels: readonly number[], dim: number, classes: number, options: SoftmaxOptions): Float64Array {
  const K = classes;
  const n = rows.length;
  const weights = options.weights ?? new Float64Array(n).fill(1);
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  const l2 = options.l2;
  const scale = options.l2Scale;
  const size = dim * K + K;
  const scores = new Float64Array(K);

  const objective = (W: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      const wi = weights[i]! / total;
      if (wi === 0) continue;
      logits(W, row, dim, K, scores);
      const offset = options.offsets?.[i];
      if (offset !== undefined) for (let k = 0; k < K; k++) scores[k]! += offset[k]!;
      const mask = options.classMasks?.[i] ?? 0;
      if (mask !== 0) for (let k = 0; k < K; k++) if ((mask & (1 << k)) === 0) scores[k] = -Infinity;
      const lse = logSumExp(scores);
      const y = labels[i]!;
      loss += wi * (lse - scores[y]!);
      for (let k = 0; k < K; k++) {
        const g = wi * (Math.exp(scores[k]! - lse) - (k === y ? 1 : 0));
        if (g === 0) continue;
        for (let j = 0; j < row.idx.length; j++) grad[row.idx[j]! * K + k]! += g * row.val[j]!;
        grad[dim * K + k]! += g;
      }
    }
    for (let f = 0; f < dim; f++) {
      const lambda = l2 * (scale?.[f] ?? 1);
      for (let k = 0; k < K; k++) {
        const w = W[f * K + k]!;
        loss += 0.5 * lambda * w * w;
        grad[f * K + k]! += lambda * w;
      }
    }
    return loss;
  };
  const x0 = options.init !== undefined && options.init.length === size ? Float64Array.from(options.init) : new Float64Array(size);
  return lbfgs(objective, x0, options.maxIter ?? 300, options.tolerance ?? 1e-6);
}

/** Class scores (before softmax) of one row. */
export function logits(W: ArrayLike<number>, row: SparseRow, dim: number, K: number, out: Float64Array = new Float64Array(K)): Float64Array {
  for (let k = 0; k < K; k++) out[k] = W[dim * K + k]!;
  for (let j = 0; j < row.idx.length; j++) {
    const base = row.idx[j]! * K;
    const v = row.val[j]!;
    for (let k = 0; k < K; k++) out[k]! += W[base + k]! * v;
  }
  return out;
}

export function logSumExp(x: ArrayLike<number>): number {
  let max = -Infinity;
  for (let k = 0; k < x.length; k++) max = Math.max(max, x[k]!);
  let s = 0;
  for (let k = 0; k < x.length; k++) s += Math.exp(x[k]! - max);
  return max + Math.log(s);
}

/** Softmax in place. */
export function softmax(x: Float64Array): Float64Array {
  const lse = logSumExp(x);
  for (let k = 0; k < x.length; k++) x[k] = Math.exp(x[k]! - lse);
  return x;
}

/** Limited-memory BFGS with a backtracking (Armijo) line search. Minimizes f; returns the argmin. */
export function lbfgs(f: (x: Float64Array, grad: Float64Array) => number, x0: Float64Array, maxIter: number, tolerance: number, memory = 10): Float64Array {
  const size = x0.length;
  let x = x0;
  let g = new Float64Array(size);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  const d = new Float64Array(size);
  for (let iter = 0; iter < maxIter; iter++) {
    if (Math.sqrt(dot(g, g)) < tolerance) break;
    // Two-loop recursion: d = −H·g.
    d.set(g);
    for (let m = S.length - 1; m >= 0; m--) {
      alpha[m] = rho[m]! * dot(S[m]!, d);
      axpy(-alpha[m]!, Y[m]!, d);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let i = 0; i < size; i++) d[i]! *= gamma;
    } else {
      const norm = Math.sqrt(dot(g, g));
      for (let i = 0; i < size; i++) d[i]! /= Math.max(1, norm);
    }
    for (let m = 0; m < S.length; m++) {
      const beta = rho[m]! * dot(Y[m]!, d);
      axpy(alpha[m]! - beta, S[m]!, d);
    }
    for (let i = 0; i < size; i++) d[i] = -d[i]!;
    let slope = dot(g, d);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < size; i++) d[i] = -g[i]!;
      slope = dot(g, d);
    }
    let step = 1;
    const xNew = new Float64Array(size);
    const gNew = new Float64Array(size);
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < size; i++) xNew[i] = x[i]! + step * d[i]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx)) break; // no progress possible
    const s = new Float64Array(size);
    const y = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const converged = Math.abs(fx - fNew) < 1e-10 * Math.max(1, Math.abs(fx));
    x = xNew;
    g = gNew;
    fx = fNew;
    if (converged) break;
  }
  return x;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}
