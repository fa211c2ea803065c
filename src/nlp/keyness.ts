// Keyness: how much more a term belongs to a target set of texts than to a background, by the
// log-likelihood ratio G² (Dunning 1993; Rayson & Garside 2000). G² above 3.84 is significant at
// p < 0.05, above 10.83 at p < 0.001. Used for "what is new this week" terms in the store and
// the reports.

/**
 * G² of a term seen `a` times in a target of size `c` and `b` times in a background of size `d`.
 * Signed: negative when the term is relatively rarer in the target than in the background.
 */
export function logLikelihood(a: number, b: number, c: number, d: number): number {
  if (c <= 0 || d <= 0 || a + b <= 0) return 0;
  const e1 = (c * (a + b)) / (c + d);
  const e2 = (d * (a + b)) / (c + d);
  const part = (observed: number, expected: number) => (observed > 0 ? observed * Math.log(observed / expected) : 0);
  const g2 = 2 * (part(a, e1) + part(b, e2));
  return a / c >= b / d ? g2 : -g2;
}
