// Negation and booster scopes, and recording a contribution through them.
import type { Token } from '../../tokenize.js';
import type { Contribution, Negation, RuleState } from './state.js';
import { joinTokens } from './text.js';

/** Capitals amid normal text ("it was GREAT") weigh this much more. */
const CAPITALS_SCALAR = 1.25;

/**
 * A negation ends. One that negated nothing and has a tone of its own ("lacks depth") counts
 * that tone.
 */
export function closeNeg(s: RuleState): void {
  const neg = s.neg;
  if (neg?.own !== undefined && neg.hits === 0) {
    const { value, at, head } = neg.own;
    s.contributions.push({ value, text: head, sentence: s.sentence, at, head, end: at + 1, from: at, negated: false });
  }
  s.neg = undefined;
}

/** A new negation replaces the open one. */
export function openNeg(s: RuleState, scope: Omit<Negation, 'hits'>): void {
  closeNeg(s);
  s.neg = { ...scope, hits: 0 };
}

/** After a sentiment word: the negation reaches one word less. */
export function closeNegAfterWord(s: RuleState): void {
  if (s.neg !== undefined && --s.neg.left <= 0) closeNeg(s);
}

/** Punctuation and contrast end every scope. */
export function endScopes(s: RuleState): void {
  closeNeg(s);
  s.boost = undefined;
}

/**
 * A word that is neither a modifier nor a sentiment word uses up scope (articles, pronouns and
 * the like do not use up a negation's, while it has not reached its word yet). Without a token
 * (a symbol), the negation's scope is used up in any case.
 */
export function tick(s: RuleState, t?: Token): void {
  const neg = s.neg;
  if (neg !== undefined && (t === undefined || neg.hits > 0 || !s.rules.transparent.has(t.lower)) && --neg.left <= 0) closeNeg(s);
  if (s.boost !== undefined && --s.boost.left <= 0) s.boost = undefined;
}

/**
 * Records the contribution of tokens start … end-1 with valence `value`, through the open booster,
 * the open negation (when `negatable`) and capitals; `head` names it for the rules that look back.
 */
export function push(s: RuleState, value: number, start: number, end: number, negatable: boolean, head: string): void {
  let first = start;
  let negated = false;
  const boost = s.boost;
  if (boost !== undefined) {
    value *= boost.scalar;
    first = Math.min(first, boost.start);
    s.boost = undefined;
  }
  const neg = s.neg;
  let scope: Negation | undefined;
  if (negatable && neg !== undefined) {
    neg.hits++;
    value *= neg.scalar;
    first = Math.min(first, neg.start);
    negated = true;
    if (neg.ne === true) scope = neg;
  }
  if (!s.shouting && end - start === 1) {
    const t = s.tokens[start]!;
    if (t.text.length >= 3 && t.text !== t.lower && t.text === t.text.toUpperCase()) {
      value *= CAPITALS_SCALAR;
      s.capitals++;
    }
  }
  const c: Contribution = { value, text: joinTokens(s.tokens, first, end), sentence: s.sentence, at: start, head, end, negated, from: first };
  s.contributions.push(c);
  if (scope !== undefined) (scope.negated ??= []).push(c);
}
