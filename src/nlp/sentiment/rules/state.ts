// What one pass of the sentiment rules over a text knows so far: the contributions found, the
// open negation and booster scopes, and the sentence being read. The steps (the other files of
// this folder) read and change it; ruleSentiment (index.ts) runs them in order.
import type { Lang } from '../../../core/types.js';
import { getLexicons, type LanguageLexicon, type Lexicons } from '../../lexicon.js';
import type { Token } from '../../tokenize.js';
import { EN_RULES, FR_RULES, type Rules } from '../rule-words.js';

/** One sentiment word, phrase, emoji or pattern and what it adds to the text's tone. */
export interface Contribution {
  value: number;
  text: string;
  sentence: number;
  /** Index of the sentiment word (for contrast). */
  at: number;
  /** The head word, for colloquial French post-verbal negation. */
  head: string;
  end: number;
  /** First token of the quoted text (modifiers included). */
  from: number;
  negated: boolean;
}

/** What a booster or a negation reaches. */
export interface Scope {
  start: number;
  /** Words left in the scope. */
  left: number;
  scalar: number;
}

export interface Negation extends Scope {
  /** French "ne" waiting for its particle. */
  ne?: boolean;
  /** Contributions negated while "ne" waited: their text runs on to the particle ("n'aime pas"). */
  negated?: Contribution[];
  /** Words it negated so far. */
  hits: number;
  /** A negator with a tone of its own ("lacks"), counted when it negates nothing. */
  own?: { value: number; at: number; head: string } | undefined;
}

/** A "but"/"mais": where it stands, and whether it opens its sentence ("But…"). */
export interface ContrastMark {
  sentence: number;
  at: number;
  initial: boolean;
}

export interface RuleState {
  readonly tokens: readonly Token[];
  readonly lang: Lang;
  readonly lexicons: Lexicons;
  /** Undefined for language 'other': only emoji and emoticons are scored. */
  readonly lex: LanguageLexicon | undefined;
  readonly rules: Rules;
  /** More than half the words in capitals: capitals then emphasise nothing. */
  readonly shouting: boolean;
  /** Words of at least two characters. */
  readonly words: number;
  readonly contributions: Contribution[];
  /** Exclamation marks, per sentence. */
  readonly exclamations: number[];
  readonly contrasts: ContrastMark[];
  /** How often each emoji was seen so far. */
  readonly emojiSeen: Map<string, number>;
  /** Per token: inside a negation scope (the model's word features are marked "NOT_"). */
  readonly negated: boolean[];
  negations: number;
  questions: number;
  /** Words in capitals amid normal text. */
  capitals: number;
  sentence: number;
  /** A sentence end was read: the next token opens a new sentence. */
  closing: boolean;
  wordsInSentence: number;
  neg: Negation | undefined;
  boost: Scope | undefined;
}

/** Capitals emphasise only when the rest of the text is not shouted. */
function countCapitals(tokens: readonly Token[]): { words: number; shouting: boolean } {
  let capsWords = 0;
  let words = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.text.length < 2) continue;
    words++;
    if (t.text !== t.lower && t.text === t.text.toUpperCase()) capsWords++;
  }
  return { words, shouting: words > 0 && capsWords / words > 0.5 };
}

export function createState(tokens: readonly Token[], lang: Lang): RuleState {
  const lexicons = getLexicons();
  const { words, shouting } = countCapitals(tokens);
  return {
    tokens,
    lang,
    lexicons,
    lex: lang === 'en' ? lexicons.en : lang === 'fr' ? lexicons.fr : undefined,
    rules: lang === 'en' ? EN_RULES : FR_RULES,
    shouting,
    words,
    contributions: [],
    exclamations: [0],
    contrasts: [],
    emojiSeen: new Map(),
    negated: new Array<boolean>(tokens.length).fill(false),
    negations: 0,
    questions: 0,
    capitals: 0,
    sentence: 0,
    closing: false,
    wordsInSentence: 0,
    neg: undefined,
    boost: undefined,
  };
}

/**
 * A step of the rules at a word: the index of the last token it consumed, or undefined when the
 * rule does not apply there (the next step is tried). A step may change the state and still pass.
 */
export type WordStep = (s: RuleState, i: number, lex: LanguageLexicon) => number | undefined;
