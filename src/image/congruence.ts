// Congruence between the intended and the perceived image: 1 − the Jensen–Shannon divergence
// (base 2, so 0..1) between the two distributions over semantic fields. The tone-weighted variant
// compares distributions over (field, positive or negative): a field's share is split by its tone
// t into (1 + t)/2 positive and (1 − t)/2 negative, so a field perceived as much as intended but
// with the opposite tone lowers it.

function jensenShannon(p: readonly number[], q: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    const qi = q[i]!;
    const m = (pi + qi) / 2;
    if (pi > 0) d += 0.5 * pi * Math.log2(pi / m);
    if (qi > 0) d += 0.5 * qi * Math.log2(qi / m);
  }
  return Math.min(1, Math.max(0, d));
}

function normalized(values: readonly number[]): number[] {
  const total = values.reduce((s, v) => s + v, 0);
  return values.map((v) => (total > 0 ? v / total : 0));
}

const split = (shares: readonly number[], tones: readonly number[]): number[] =>
  shares.flatMap((s, i) => {
    const t = Number.isFinite(tones[i]!) ? Math.max(-1, Math.min(1, tones[i]!)) : 0;
    return [(s * (1 + t)) / 2, (s * (1 - t)) / 2];
  });

/**
 * intended: shares and tones per field; perceived: counts (any scale) and mean tones (NaN: no
 * tone, read as neutral) for the same fields in the same order.
 */
export function congruenceOf(
  intendedShares: readonly number[],
  intendedTones: readonly number[],
  perceivedCounts: readonly number[],
  perceivedTones: readonly number[],
): { score: number; toneWeighted: number } {
  const q = normalized(intendedShares);
  const p = normalized(perceivedCounts);
  return {
    score: 1 - jensenShannon(q, p),
    toneWeighted: 1 - jensenShannon(split(q, intendedTones), split(p, perceivedTones)),
  };
}
