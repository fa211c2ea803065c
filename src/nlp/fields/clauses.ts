// Clauses of a tokenized text, for the tone of a semantic field: the tone of a field hit is the
// tone of the clause that holds it, so "great camera but awful battery" is positive on one field
// and negative on the other.
//
// Two levels:
//  - a clause ends at a sentence end (. ! ? … newline), a ";", or a contrast ("but", "however",
//    "although", "mais", "cependant", "par contre", "même si"...), unless the contrast stands
//    between commas ("The price, however, is fair");
//  - inside it, a part ends at a comma, colon, parenthesis or dash ("Great camera, awful
//    battery"). A part without any tone ("La livraison, comme prévu, ...") takes its clause's tone.
//
// The contrast words are those of the sentiment rules (src/nlp/sentiment.ts) plus concessive
// conjunctions ("although", "même si"), which split clauses but do not weigh them.
import type { Lang } from '../../core/types.js';
import type { Token } from '../tokenize.js';

const CONTRAST: Record<'en' | 'fr', { words: ReadonlySet<string>; phrases: readonly (readonly string[])[] }> = {
  en: {
    words: new Set(['but', 'however', 'nevertheless', 'nonetheless', 'although', 'though', 'whereas', 'except']),
    phrases: [['that', 'said'], ['even', 'so'], ['even', 'though'], ['even', 'if'], ['on', 'the', 'other', 'hand']],
  },
  fr: {
    words: new Set(['mais', 'cependant', 'pourtant', 'toutefois', 'néanmoins', 'neanmoins', 'quoique', 'tandis']),
    phrases: [['par', 'contre'], ['en', 'revanche'], ['sauf', 'que'], ['bien', 'que'], ['alors', 'que'], ['même', 'si'], ['meme', 'si'], ["d'", 'un', 'autre', 'côté']],
  },
};

const CLAUSE_END = /[.!?…;\n]/;
const PART_END = /[,:()[\]{}—–]/;

export interface Span {
  from: number;
  /** Exclusive. */
  to: number;
}

export interface ClauseMap {
  /** Per token: index in `parts`, or -1 for a boundary (punctuation, contrast word). */
  partOf: Int32Array;
  parts: Span[];
  /** Per part: index in `clauses`. */
  clauseOfPart: number[];
  clauses: Span[];
}

function isComma(t: Token | undefined): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === ',';
}

function phraseAt(tokens: readonly Token[], i: number, phrases: readonly (readonly string[])[]): number {
  for (const phrase of phrases) {
    if (tokens[i]!.lower !== phrase[0]) continue;
    let ok = true;
    for (let k = 1; k < phrase.length && ok; k++) ok = tokens[i + k]?.lower === phrase[k];
    if (ok) return phrase.length;
  }
  return 0;
}

/** Whether tokens [from, to) hold a contrast ("but", "though", "mais", "par contre"). */
export function hasContrast(tokens: readonly Token[], from: number, to: number, lang: Lang): boolean {
  const contrast = lang === 'fr' ? CONTRAST.fr : lang === 'en' ? CONTRAST.en : undefined;
  if (contrast === undefined) return false;
  for (let i = from; i < to; i++) {
    if (tokens[i]!.kind === 'word' && (contrast.words.has(tokens[i]!.lower) || phraseAt(tokens, i, contrast.phrases) > 0)) return true;
  }
  return false;
}

/** Splits tokens into clauses and parts of clauses (see the top of this file). */
export function clauseMap(tokens: readonly Token[], lang: Lang): ClauseMap {
  const contrast = lang === 'fr' ? CONTRAST.fr : lang === 'en' ? CONTRAST.en : undefined;
  const partOf = new Int32Array(tokens.length).fill(-1);
  const parts: Span[] = [];
  const clauseOfPart: number[] = [];
  const clauses: Span[] = [];
  let clauseFrom = 0;
  let partFrom = 0;

  const closePart = (to: number): void => {
    if (to > partFrom) {
      for (let k = partFrom; k < to; k++) partOf[k] = parts.length;
      parts.push({ from: partFrom, to });
      clauseOfPart.push(clauses.length);
    }
  };
  const closeClause = (to: number, next: number): void => {
    closePart(to);
    if (to > clauseFrom) clauses.push({ from: clauseFrom, to });
    // A clause that held no part (only punctuation) leaves nothing to point to.
    clauseFrom = next;
    partFrom = next;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct') {
      if (CLAUSE_END.test(t.text)) {
        closeClause(i, i + 1);
      } else if (PART_END.test(t.text) || (t.text === '-' && t.space)) {
        closePart(i);
        partFrom = i + 1;
      }
      continue;
    }
    if (t.kind !== 'word' || contrast === undefined) continue;
    const n = contrast.words.has(t.lower) ? 1 : phraseAt(tokens, i, contrast.phrases);
    if (n === 0) continue;
    // Between commas the contrast is parenthetical ("La livraison, en revanche, une catastrophe"):
    // the commas already make parts, and the clause stays whole.
    if (isComma(tokens[i - 1]) && isComma(tokens[i + n])) {
      i += n - 1;
      continue;
    }
    closeClause(i, i + n);
    i += n - 1;
  }
  closeClause(tokens.length, tokens.length);
  // Parts closed before their clause was pushed point at the right clause index already: a part
  // is always pushed before the clause that holds it.
  return { partOf, parts, clauseOfPart, clauses };
}
