// The statistics of the image analysis: Wilson intervals for shares, a seeded generator, and the
// Poisson bootstrap over histograms (each observation drawn Poisson(1) times, so a bin holding c
// observations is drawn Poisson(c) times: resampling costs one draw per bin, not per mention, which
// keeps a period of a million mentions fast). See docs/image.md for what the numbers mean.
import type { Interval } from './types.js';

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** Wilson score interval of k successes in n trials (95 %); [0, 0] when n is 0. */
export function wilson(k: number, n: number, z = Z95): Interval {
  if (n <= 0) return [0, 0];
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** mulberry32: a small, fast, seeded generator; the same seed gives the same intervals on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from a string (the brand and period), so each analysis has its own, stable one. */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** A Poisson(lambda) draw: multiplication for small lambda, Hörmann's PTRS (transformed rejection) above. */
export function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = random();
    while (p > limit) {
      k++;
      p *= random();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
  }
}

/** The 2.5 % and 97.5 % quantiles of the values (sorted in place); null when there are none. */
export function percentileInterval(values: number[]): Interval | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  finite.sort((a, b) => a - b);
  const at = (q: number): number => {
    const pos = q * (finite.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return finite[lo]! + (finite[hi]! - finite[lo]!) * (pos - lo);
  };
  return [at(0.025), at(0.975)];
}

/** Half the width of an interval. */
export const halfWidth = (ci: Interval): number => (ci[1] - ci[0]) / 2;
