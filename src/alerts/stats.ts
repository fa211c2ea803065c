// The statistics of the detector, small and pure: robust centre and spread (median, MAD), the
// Poisson tails for counts, and the normal quantile that turns a p-value into a z so that every
// test speaks the same unit as the rule's threshold.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute deviation, scaled (× 1.4826) to estimate a standard deviation under normal noise. */
export function robustSpread(values: readonly number[], centre = median(values)): number {
  if (values.length === 0) return Number.NaN;
  return 1.4826 * median(values.map((v) => Math.abs(v - centre)));
}

function logFactorial(n: number): number {
  // Stirling series beyond a small table: exact enough for the tails below (relative error < 1e-10).
  if (n < 2) return 0;
  if (n < 30) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

const logPoisson = (k: number, lambda: number) => -lambda + k * Math.log(lambda) - logFactorial(k);

/** P(X ≥ k) for X ~ Poisson(λ). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  if (k > lambda) {
    // Sum the terms from k upwards: they only decrease.
    let term = Math.exp(logPoisson(k, lambda));
    let sum = 0;
    for (let i = k; term > sum * 1e-16 && i < k + 100_000; i++) {
      sum += term;
      term *= lambda / (i + 1);
    }
    return Math.min(1, sum);
  }
  return Math.max(0, 1 - poissonLowerTail(k - 1, lambda));
}

/** P(X ≤ k) for X ~ Poisson(λ). */
export function poissonLowerTail(k: number, lambda: number): number {
  if (k < 0) return 0;
  if (lambda <= 0) return 1;
  if (k < lambda) {
    let term = Math.exp(logPoisson(k, lambda));
    let sum = 0;
    for (let i = k; i >= 0 && term > sum * 1e-16; i--) {
      sum += term;
      term *= i / lambda;
    }
    return Math.min(1, sum);
  }
  return Math.max(0, 1 - poissonUpperTail(k + 1, lambda));
}

/** z such that P(Z ≥ z) = p for a standard normal Z (Acklam's rational approximation, |error| < 1.2e-9). */
export function zOfUpperTail(p: number): number {
  if (!(p > 0)) return 40;
  if (p >= 1) return -40;
  return -normalQuantile(p);
}

function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** 32-bit FNV-1a of a string: a deterministic priority (the same mention sampled whatever the order it came in). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
