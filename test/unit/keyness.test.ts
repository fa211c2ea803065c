import { describe, expect, it } from 'vitest';
import { logLikelihood } from '../../src/nlp/keyness.js';

describe('keyness (log-likelihood G²)', () => {
  it('is 0 when the term is as frequent in both sets', () => {
    expect(logLikelihood(10, 20, 100, 200)).toBeCloseTo(0, 10);
  });

  it('matches the textbook value and is signed by direction', () => {
    // a=50 of 1000 vs b=10 of 1000: expected 30 each, G² = 2(50 ln(50/30) + 10 ln(10/30)) = 29.11.
    expect(logLikelihood(50, 10, 1000, 1000)).toBeCloseTo(29.11, 2);
    expect(logLikelihood(10, 50, 1000, 1000)).toBeCloseTo(-29.11, 2);
  });

  it('handles terms absent from one side and empty sets', () => {
    expect(logLikelihood(6, 0, 10, 10)).toBeGreaterThan(3.84);
    expect(logLikelihood(0, 0, 10, 10)).toBe(0);
    expect(logLikelihood(3, 1, 0, 10)).toBe(0);
  });
});
