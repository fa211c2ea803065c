// The tokens that are not words: punctuation (sentence ends, "!" and "?"), emoji and emoticons,
// and marks given in the text ("1/10").
import type { Token } from '../../tokenize.js';
import { markAt } from '../patterns.js';
import { endScopes, tick } from './scopes.js';
import type { RuleState } from './state.js';
import { isSentenceEnd } from './text.js';

/** Punctuation ends every scope; a sentence end counts its "!" and "?" and closes the sentence. */
export function readPunctuation(s: RuleState, t: Token): void {
  endScopes(s);
  if (!isSentenceEnd(t.text)) return;
  for (const c of t.text) {
    if (c === '!') s.exclamations[s.sentence]! += 1;
    else if (c === '?') s.questions++;
  }
  s.closing = true;
}

/** The first token after a sentence end opens the next sentence. */
export function startSentence(s: RuleState): void {
  s.sentence++;
  s.exclamations.push(0);
  s.closing = false;
  s.wordsInSentence = 0;
}

/** Emoji, emoticons and symbols carry their own valence (never negated); a symbol without one uses up scope. */
export function readEmoji(s: RuleState, i: number): void {
  const t = s.tokens[i]!;
  const v = s.lexicons.emoji.get(t.lower);
  if (v === undefined && t.kind === 'symbol') {
    tick(s);
    return;
  }
  if (v !== undefined && v !== 0) {
    // The same emoji repeated ("😡😡😡") adds less and less.
    const seen = (s.emojiSeen.get(t.lower) ?? 0) + 1;
    s.emojiSeen.set(t.lower, seen);
    s.contributions.push({ value: v / seen, text: t.lower, sentence: s.sentence, at: i, head: t.lower, end: i + 1, from: i, negated: false });
  }
}

/** A mark given in the text: "1/10", "2 out of 5", "0 étoiles" (in any language: "10/10"). */
export function readMark(s: RuleState, i: number): number | undefined {
  const mark = markAt(s.tokens, i);
  if (mark === undefined) return undefined;
  const text = s.tokens.slice(i, mark.end).map((u) => u.text).join(' ').replace(/ \/ /g, '/');
  s.contributions.push({ value: mark.value, text, sentence: s.sentence, at: i, head: text, end: mark.end, from: i, negated: false });
  return mark.end - 1;
}
