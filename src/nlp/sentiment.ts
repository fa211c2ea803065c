// Lexicon-and-rules sentiment, in the manner of VADER (Hutto & Gilbert, 2014), for English and
// French. Each sentiment word or phrase contributes its valence (-4..4), changed by the rules:
//
//  - negation flips and dampens (× -0.74) the next few words: English not/n't/no/never/without...;
//    French "ne … pas/plus/jamais/rien" (the scope opens at "ne", so "je n'aime pas" is caught),
//    bare "pas", "jamais", "aucun", "sans"; colloquial "j'aime pas" negates the verb before "pas";
//  - intensifiers multiply ("very", "so", "très", "trop", "vraiment"), diminishers dampen ("a bit",
//    "slightly", "un peu", "plutôt");
//  - contrast: in a sentence with "but"/"mais", what comes before weighs × 0.5, what follows × 1.5;
//  - exclamation marks amplify their sentence; a word in capitals amid normal text is emphasised;
//  - emoji and emoticons carry their own valence (never negated);
//  - phrases ("does not work", "pas terrible", "waste of money") win over their words;
//  - a negation reaches its word across articles, pronouns and "think"-verbs, stops at a new
//    French subject; "far from", "loin de", "lacks", "manque de" negate; "would have been great"
//    says it was not; words no lexicon lists read through a negating prefix ("unrecommended",
//    "inintéressant", sentiment/morphology.ts);
//  - reviews complain without opinion words: "too many", "trop long", a mark in the text ("1/10",
//    "0 étoiles") and a wait ("we waited 40 minutes") count (sentiment/patterns.ts).
//
// Then the shipped model (sentiment/model.ts, config/models/MODEL_CARD.md), a logistic regression
// over the words (negation-marked) and what the rules found, gives negative/neutral/positive
// probabilities; they are mixed with the rules' own view (combine()), adjusted by the brand's
// calibration when there is one, and the label is the most probable class, the score
// P(positive) − P(negative). Without a model (or for language 'other') the rules' sum maps to -1..1
// with x / sqrt(x² + 15) (VADER's normalisation). A star rating, when the source gives one, then
// pulls the score strongly toward it.
import type { Lang, Sentiment, SentimentDriver, SentimentLabel } from '../core/types.js';
import { frenchValence, getLexicons, phraseKey, type LanguageLexicon, type Phrase } from './lexicon.js';
import { applyCalibration, type Calibration } from './sentiment/calibration.js';
import { sentimentFeatures } from './sentiment/features.js';
import { getModel, modelLogits, probabilities } from './sentiment/model.js';
import { derivedValence } from './sentiment/morphology.js';
import { markAt, waitAt } from './sentiment/patterns.js';
import {
  AMBIGUOUS, EN_EXCLAMATIVE, EN_FACTIVE, EN_LITTLE_AFTER, EN_OBJECTS, EN_RULES, EN_TELLING,
  EN_TOO_MUCH_OF, EN_TOO_NOT_BEFORE, EN_WOULD, FR_BARE_NEGATORS, FR_COULD, FR_NE_PARTICLES,
  FR_RETRO_VERBS, FR_RULES, FR_SUBJECTS, FR_TOO_NEGATIVE, FR_WOULD, LACKING, NEGATION_SCALAR,
  PHRASE_NEGATORS,
} from './sentiment/rule-words.js';
import type { Token } from './tokenize.js';

/** "would have been great": weaker than "not great". */
const COUNTERFACTUAL_SCALAR = -0.6;
/** "lacks depth" when the lexicon does not score "lacks". */
const LACK_VALENCE = -1.2;
/** "too many", "trop long". */
const TOO_VALENCE = -1.2;
const ALPHA = 15;
const NEUTRAL_BAND = 0.1;
const MAX_DRIVERS = 8;
/** Strong opposite drivers make a text 'mixed' unless the model is at least this sure of a class. */
const MIXED_MAX_PROBABILITY = 0.6;
/** Below this probability, the model's most probable polar class is not believed: neutral. */
const UNSURE_PROBABILITY = 0.4;
/** Share of the model in the final probabilities (the rules have the rest), see combine(). */
const MODEL_SHARE = 0.75;
/** Steepness of the rules' distribution: a sum of 2.4 (one "great") puts 70 % on its side. */
const RULE_ALPHA = 6;
/** Weight of the text when a rating is given (the rating gets the rest). */
const TEXT_WEIGHT_WITH_RATING = 0.4;


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
interface Scope {
  start: number;
  /** Words left in the scope. */
  left: number;
  scalar: number;
}

interface Negation extends Scope {
  /** French "ne" waiting for its particle. */
  ne?: boolean;
  /** Contributions negated while "ne" waited: their text runs on to the particle ("n'aime pas"). */
  negated?: Contribution[];
  /** Words it negated so far. */
  hits: number;
  /** A negator with a tone of its own ("lacks"), counted when it negates nothing. */
  own?: { value: number; at: number; head: string } | undefined;
}

/** Words with valence of these tokens (used to decide whether an ambiguous booster boosts). */
function wordValence(t: Token, lang: Lang, lex: LanguageLexicon): number | undefined {
  if (t.kind !== 'word') return undefined;
  if (lang === 'en') {
    // "like" is a sentiment verb, not a preposition ("looks like a toy").
    if ((t.lower === 'like' || t.lower === 'likes' || t.lower === 'liked') && t.pos !== undefined && t.pos !== 'VERB') return 0;
    return lex.words.get(t.lower) ?? lex.words.get(t.lemma) ?? derivedValence(lex, lang, t.lower);
  }
  return frenchValence(lex, t.lower) ?? derivedValence(lex, lang, t.lower);
}

/** "tell (you) how", "believe how": a telling verb, maybe with its object, before `i`. */
function tellsAt(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1]!.lower;
  if (EN_TELLING.has(prev)) return true;
  return i >= 2 && EN_OBJECTS.has(prev) && EN_TELLING.has(tokens[i - 2]!.lower);
}

/** The phrase key of tokens i … i+n-1 (the head of a phrase's contribution). */
function joinKeys(tokens: readonly Token[], i: number, n: number): string {
  let key = phraseKey(tokens[i]!);
  for (let k = 1; k < n; k++) key += ' ' + phraseKey(tokens[i + k]!);
  return key;
}

function joinTokens(tokens: readonly Token[], from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct') continue;
    s += (s !== '' && t.space ? ' ' : '') + t.lower;
  }
  return s;
}

function isSentenceEnd(text: string): boolean {
  return /[.!?…\n]/.test(text);
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0 in JSON
}

/** What the lexicons and rules found in a text: the contributions and the counts the model reads. */
export interface RuleResult {
  contributions: Contribution[];
  /** Sum of the contributions, and its squashing to -1..1. */
  sum: number;
  textScore: number;
  positive: number;
  negative: number;
  maxPositive: number;
  maxNegative: number;
  /** Counts of word (or phrase) contributions by sign, and of emoji ones. */
  positiveWords: number;
  negativeWords: number;
  positiveEmoji: number;
  negativeEmoji: number;
  exclamations: number;
  questions: number;
  contrasts: number;
  negations: number;
  /** Words in capitals amid normal text. */
  capitals: number;
  words: number;
  /** Per token: inside a negation scope (the model's word features are marked "NOT_"). */
  negated: boolean[];
  /** Strong positive and negative drivers that balance each other. */
  mixed: boolean;
}

/**
 * Lexicons and rules over tokenized text. `lang` 'other' only scores emoji and emoticons.
 */
export function ruleSentiment(tokens: readonly Token[], lang: Lang): RuleResult {
  const lexicons = getLexicons();
  const lex = lang === 'en' ? lexicons.en : lang === 'fr' ? lexicons.fr : undefined;
  const rules = lang === 'en' ? EN_RULES : FR_RULES;
  const contributions: Contribution[] = [];
  const exclamations: number[] = [0];
  const contrasts: { sentence: number; at: number; initial: boolean }[] = [];
  const emojiSeen = new Map<string, number>();

  // Capitals emphasise only when the rest of the text is not shouted.
  let capsWords = 0;
  let words = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.text.length < 2) continue;
    words++;
    if (t.text !== t.lower && t.text === t.text.toUpperCase()) capsWords++;
  }
  const shouting = words > 0 && capsWords / words > 0.5;

  const negatedAt: boolean[] = new Array<boolean>(tokens.length).fill(false);
  let negations = 0;
  let questions = 0;
  let capitals = 0;
  let sentence = 0;
  let closing = false;
  let wordsInSentence = 0;
  let neg: Negation | undefined;
  let boost: Scope | undefined;

  // A negation that ends having negated nothing: a negator with a tone of its own ("lacks
  // depth") counts that tone.
  const closeNeg = (): void => {
    if (neg?.own !== undefined && neg.hits === 0) {
      const { value, at, head } = neg.own;
      contributions.push({ value, text: head, sentence, at, head, end: at + 1, from: at, negated: false });
    }
    neg = undefined;
  };
  const openNeg = (scope: Omit<Negation, 'hits'>): void => {
    closeNeg();
    neg = { ...scope, hits: 0 };
  };
  const closeNegAfterWord = (): void => {
    if (neg !== undefined && --neg.left <= 0) closeNeg();
  };
  const endScopes = (): void => {
    closeNeg();
    boost = undefined;
  };
  // A word that is neither a modifier nor a sentiment word uses up scope (articles, pronouns and
  // the like do not use up a negation's).
  const tick = (t?: Token): void => {
    // Transparent words only while the negation has not reached its word yet.
    if (neg !== undefined && (t === undefined || neg.hits > 0 || !rules.transparent.has(t.lower)) && --neg.left <= 0) closeNeg();
    if (boost !== undefined && --boost.left <= 0) boost = undefined;
  };
  const push = (value: number, start: number, end: number, negatable: boolean, head: string): void => {
    let first = start;
    let negated = false;
    if (boost !== undefined) {
      value *= boost.scalar;
      first = Math.min(first, boost.start);
      boost = undefined;
    }
    let scope: Negation | undefined;
    if (negatable && neg !== undefined) {
      neg.hits++;
      value *= neg.scalar;
      first = Math.min(first, neg.start);
      negated = true;
      if (neg.ne === true) scope = neg;
    }
    if (!shouting && end - start === 1) {
      const t = tokens[start]!;
      if (t.text.length >= 3 && t.text !== t.lower && t.text === t.text.toUpperCase()) {
        value *= 1.25;
        capitals++;
      }
    }
    const c: Contribution = { value, text: joinTokens(tokens, first, end), sentence, at: start, head, end, negated, from: first };
    contributions.push(c);
    if (scope !== undefined) (scope.negated ??= []).push(c);
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct') {
      endScopes();
      if (isSentenceEnd(t.text)) {
        for (const c of t.text) {
          if (c === '!') exclamations[sentence]! += 1;
          else if (c === '?') questions++;
        }
        closing = true;
      }
      continue;
    }
    if (closing) {
      sentence++;
      exclamations.push(0);
      closing = false;
      wordsInSentence = 0;
    }
    if (t.kind === 'emoji' || t.kind === 'emoticon' || t.kind === 'symbol') {
      const v = lexicons.emoji.get(t.lower);
      if (v === undefined && t.kind === 'symbol') {
        tick();
        continue;
      }
      if (v !== undefined && v !== 0) {
        // The same emoji repeated ("😡😡😡") adds less and less.
        const seen = (emojiSeen.get(t.lower) ?? 0) + 1;
        emojiSeen.set(t.lower, seen);
        contributions.push({ value: v / seen, text: t.lower, sentence, at: i, head: t.lower, end: i + 1, from: i, negated: false });
      }
      continue;
    }
    if (t.kind === 'number') {
      // A mark given in the text: "1/10", "2 out of 5", "0 étoiles" (in any language: "10/10").
      const mark = markAt(tokens, i);
      if (mark !== undefined) {
        const text = tokens.slice(i, mark.end).map((u) => u.text).join(' ').replace(/ \/ /g, '/');
        contributions.push({ value: mark.value, text, sentence, at: i, head: text, end: mark.end, from: i, negated: false });
        i = mark.end - 1;
        continue;
      }
    }
    if (t.kind !== 'word') {
      tick(t);
      continue;
    }
    if (lex === undefined) continue;
    wordsInSentence++;
    if (neg !== undefined) negatedAt[i] = true;

    const next = tokens[i + 1];
    const nextWord = next !== undefined && next.kind === 'word' ? next : undefined;
    const lower = t.lower;

    // 1. Two-word modifiers: "a bit", "un peu", "par contre".
    if (nextWord !== undefined && rules.starts2.has(lower)) {
      const two = `${lower} ${nextWord.lower}`;
      if (rules.contrast2.has(two)) {
        contrasts.push({ sentence, at: i, initial: wordsInSentence === 1 });
        endScopes();
        i++;
        continue;
      }
      const b2 = rules.boosters2.get(two);
      if (b2 !== undefined) {
        boost = { start: i, left: 3, scalar: b2 };
        i++;
        continue;
      }
    }

    // 2. Phrases, longest first: the key grows word by word while some phrase starts with it.
    if (lex.phraseStarts.has(phraseKey(t))) {
      let key = phraseKey(t);
      let phrase: Phrase | undefined;
      let n = 0;
      for (let k = 1; k < lex.maxPhraseLength && i + k < tokens.length; k++) {
        const u = tokens[i + k]!;
        if (u.kind !== 'word' && u.kind !== 'number') break;
        key += ' ' + phraseKey(u);
        const found = lex.phrases.get(key);
        if (found !== undefined) {
          phrase = found;
          n = k + 1;
        }
        if (!lex.phrasePrefixes.has(key)) break;
      }
      if (phrase !== undefined) {
        if (phrase.valence !== 0) push(phrase.valence, i, i + n, !phrase.negated, joinKeys(tokens, i, n));
        if (phrase.negated) {
          closeNeg();
          // The words after the phrase's own negation are negated for the model ("not good").
          let after = false;
          for (let k = 0; k < n; k++) {
            if (after) negatedAt[i + k] = true;
            else if (PHRASE_NEGATORS.has(tokens[i + k]!.key) || PHRASE_NEGATORS.has(tokens[i + k]!.lower)) after = true;
          }
        } else if (neg !== undefined) {
          for (let k = 1; k < n; k++) negatedAt[i + k] = true;
        }
        i += n - 1;
        continue;
      }
    }

    // 3. Contrast.
    if (rules.contrast.has(lower)) {
      contrasts.push({ sentence, at: i, initial: wordsInSentence === 1 });
      endScopes();
      continue;
    }

    // 4. Negation.
    if (lang === 'fr') {
      if (neg !== undefined && neg.ne !== true && FR_SUBJECTS.has(lower)) closeNeg();
      if (t.key === 'ne') {
        openNeg({ start: i, left: 6, scalar: NEGATION_SCALAR, ne: true });
        negatedAt[i] = false;
        negations++;
        continue;
      }
      // "ne … que" restricts, it does not negate: "je n'ai que des éloges".
      if (neg?.ne === true && t.key === 'que') {
        for (let k = neg.start; k <= i; k++) negatedAt[k] = false;
        for (const c of neg.negated ?? []) {
          c.value /= NEGATION_SCALAR;
          c.negated = false;
          c.text = joinTokens(tokens, c.at, c.end);
        }
        neg = undefined;
        continue;
      }
      if (neg?.ne === true && FR_NE_PARTICLES.has(lower)) {
        negatedAt[i] = false;
        for (const c of neg.negated ?? []) c.text = joinTokens(tokens, c.from, i + 1);
        neg.ne = false;
        neg.negated = undefined;
        neg.left = 3;
        continue;
      }
      const bare = FR_BARE_NEGATORS.get(lower);
      if (bare !== undefined && neg === undefined) {
        // "j'aime pas": the verb just before is negated.
        const last = contributions[contributions.length - 1];
        if ((lower === 'pas' || lower === 'jamais') && last !== undefined && last.end === i && !last.negated && FR_RETRO_VERBS.has(last.head)) {
          last.value *= NEGATION_SCALAR;
          last.negated = true;
          last.text = joinTokens(tokens, last.from, i + 1);
        }
        // Spoken French drops "ne": the word before a bare "pas" is what is negated ("j'aime pas").
        if (lower === 'pas' && i > 0 && tokens[i - 1]!.kind === 'word') negatedAt[i - 1] = true;
        openNeg({ start: i, left: lower === 'peu' ? 2 : 3, scalar: bare });
        negatedAt[i] = false;
        negations++;
        continue;
      }
      // "loin d'être parfait" negates like "pas"; "aurait pu être génial" says it was not.
      const second = tokens[i + 1];
      if (lower === 'loin' && second !== undefined && second.key === 'de') {
        openNeg({ start: i, left: 3, scalar: NEGATION_SCALAR });
        negations++;
        i++;
        continue;
      }
      if (FR_WOULD.has(lower) && second !== undefined && FR_COULD.has(second.lower) && (tokens[i + 2]?.lower === 'être' || tokens[i + 2]?.lower === 'etre')) {
        openNeg({ start: i, left: 3, scalar: COUNTERFACTUAL_SCALAR });
        i += 2;
        continue;
      }
    } else {
      const second = tokens[i + 1];
      // "not only bad but…", "not just a cult": no negation.
      if (t.key === 'not' && second !== undefined && (second.lower === 'only' || second.lower === 'just')) {
        i++;
        continue;
      }
      // "far from the best", "anything but funny" negate like "not".
      if ((lower === 'far' && second?.lower === 'from') || (lower === 'anything' && second?.lower === 'but')) {
        openNeg({ start: i, left: 3, scalar: NEGATION_SCALAR });
        negatedAt[i] = false;
        negations++;
        i++;
        continue;
      }
      // "would have been great (had…)", "could've been good": it was not.
      if (EN_WOULD.has(t.key) && second !== undefined && second.key === 'have' && tokens[i + 2]?.lower === 'been') {
        openNeg({ start: i, left: 3, scalar: COUNTERFACTUAL_SCALAR });
        i += 2;
        continue;
      }
      const scalar = rules.negators.get(lower) ?? (t.key === 'not' ? NEGATION_SCALAR : undefined);
      if (scalar !== undefined) {
        openNeg({ start: i, left: 3, scalar });
        negatedAt[i] = false;
        negations++;
        continue;
      }
    }
    // "lacks depth", "manque de rythme": negates what follows, or counts its own tone.
    // ("il ne manque que…" is "ne … que", handled above.)
    if (rules.lack.has(lower) && neg?.ne !== true) {
      const own = wordValence(t, lang, lex);
      const value = LACKING.has(lower) ? (own !== undefined && own < 0 ? own : LACK_VALENCE) : (own ?? 0);
      openNeg({ start: i, left: 3, scalar: NEGATION_SCALAR, own: value !== 0 ? { value, at: i, head: lower } : undefined });
      negations++;
      continue;
    }
    if (lang === 'en' && (lower === 'little' || lower === 'few') && i > 0 && EN_LITTLE_AFTER.has(tokens[i - 1]!.lower)) {
      openNeg({ start: i, left: 2, scalar: NEGATION_SCALAR });
      continue;
    }
    if (lang === 'en' && neg !== undefined && EN_FACTIVE.has(lower)) {
      closeNeg();
      continue;
    }
    // Exclamatives are asserted, not negated: "I can't tell you how disappointed I was", "I did
    // not expect it to be so good", "never had such bland food". ("not so good" is a negation.)
    if (lang === 'en' && neg !== undefined && i - neg.start >= 2) {
      if (EN_EXCLAMATIVE.has(lower)) {
        closeNeg(); // and "so"/"such" go on to intensify what follows
      } else if ((lower === 'how' || lower === 'why') && tellsAt(tokens, i)) {
        closeNeg();
        continue;
      }
    }

    // "too many close ups", "trop long", "trop de pub": too much of something is a complaint
    // (before a sentiment word, "too" and "trop" only intensify it: "too good", "trop bien").
    if (nextWord !== undefined && ((lang === 'en' && lower === 'too') || (lang === 'fr' && lower === 'trop'))) {
      const follows = wordValence(nextWord, lang, lex);
      const plain = follows === undefined || follows === 0;
      const last = contributions[contributions.length - 1];
      // "I liked it way too much." intensifies the liking.
      const liking = nextWord.lower === 'much' && tokens[i + 2]?.kind !== 'word' && last !== undefined && last.sentence === sentence && last.value > 0;
      const complaint = !liking && (lang === 'en'
        ? (plain && !rules.boosters.has(nextWord.lower) && !EN_TOO_NOT_BEFORE.has(nextWord.lower)) || EN_TOO_MUCH_OF.has(nextWord.lower)
        : plain && FR_TOO_NEGATIVE.has(nextWord.lower));
      if (complaint) {
        const of = lang === 'fr' && nextWord.key === 'de' && tokens[i + 2]?.kind === 'word';
        const end = of ? i + 3 : i + 2;
        push(TOO_VALENCE, i, end, true, lower);
        i = end - 1;
        closeNegAfterWord();
        continue;
      }
    }

    // "we waited 40 minutes", "j'attends depuis 3 semaines".
    const wait = waitAt(tokens, i, lang);
    if (wait !== undefined) {
      push(wait.value, i, wait.end, true, lower);
      i = wait.end - 1;
      closeNegAfterWord();
      continue;
    }

    // 5. Boosters (an ambiguous one only when a sentiment word follows).
    const b = rules.boosters.get(lower);
    if (b !== undefined) {
      const follows = nextWord !== undefined ? wordValence(nextWord, lang, lex) : undefined;
      const followsBooster = nextWord !== undefined && rules.boosters.has(nextWord.lower);
      if (!AMBIGUOUS.has(lower) || (follows !== undefined && follows !== 0) || followsBooster) {
        // Boosters stack: "really very good".
        boost = boost !== undefined ? { start: boost.start, left: 3, scalar: boost.scalar * b } : { start: i, left: 3, scalar: b };
        continue;
      }
    }

    // 6. Sentiment words (and emoticons read as words: "xD").
    const v = wordValence(t, lang, lex) ?? lexicons.emoji.get(lower);
    if (v === undefined || v === 0) {
      tick(t);
      continue;
    }
    push(v, i, i + 1, true, lower);
    closeNegAfterWord();
  }
  closeNeg();

  // Contrast: the clause after "but" outweighs the one before (the last "but" of a sentence).
  const lastContrast = new Map<number, { sentence: number; at: number; initial: boolean }>();
  for (const c of contrasts) lastContrast.set(c.sentence, c);
  for (const c of lastContrast.values()) {
    for (const k of contributions) {
      if (k.sentence === c.sentence) k.value *= k.at < c.at ? 0.5 : 1.5;
      else if (c.initial && k.sentence === c.sentence - 1) k.value *= 0.5;
    }
  }
  // Exclamation marks amplify their sentence.
  for (const k of contributions) {
    const marks = exclamations[k.sentence] ?? 0;
    if (marks > 0) k.value *= 1 + 0.15 * Math.min(marks, 3);
  }

  let sum = 0;
  let positive = 0;
  let negative = 0;
  let maxPositive = 0;
  let maxNegative = 0;
  let positiveWords = 0;
  let negativeWords = 0;
  let positiveEmoji = 0;
  let negativeEmoji = 0;
  for (const c of contributions) {
    sum += c.value;
    const emoji = tokens[c.at]!.kind !== 'word';
    if (c.value > 0) {
      positive += c.value;
      maxPositive = Math.max(maxPositive, c.value);
      if (emoji) positiveEmoji++;
      else positiveWords++;
    } else {
      negative -= c.value;
      maxNegative = Math.max(maxNegative, -c.value);
      if (emoji) negativeEmoji++;
      else negativeWords++;
    }
  }
  const textScore = sum / Math.sqrt(sum * sum + ALPHA);
  const majority = Math.max(positive, negative);
  const minority = Math.min(positive, negative);
  const balance = majority > 0 ? minority / majority : 0;
  let marks = 0;
  for (const e of exclamations) marks += e;
  return {
    contributions, sum, textScore, positive, negative, maxPositive, maxNegative,
    positiveWords, negativeWords, positiveEmoji, negativeEmoji,
    exclamations: marks, questions, contrasts: contrasts.length, negations, capitals, words,
    negated: negatedAt,
    mixed: maxPositive >= 1.2 && maxNegative >= 1.2 && balance >= 0.5 && Math.abs(textScore) < 0.4,
  };
}

/**
 * Sentiment of tokenized text: the rules alone (the model's own contribution is added by
 * scoreSentiment). `rating` is the source's star rating normalized to 0..1.
 */
export function ruleOnlySentiment(tokens: readonly Token[], lang: Lang, rating?: number): Sentiment {
  return summarize(ruleSentiment(tokens, lang), lang, rating);
}

/**
 * Sentiment of tokenized text: the lexicons and rules, then the shipped model over their findings
 * and the words (see sentiment/model.ts), then the brand's calibration when there is one, then
 * the star rating when the source gives one. `lang` 'other' is scored by emoji, emoticons and the
 * rating alone.
 */
export function scoreSentiment(tokens: readonly Token[], lang: Lang, rating?: number, calibration?: Calibration): Sentiment {
  const rules = ruleSentiment(tokens, lang);
  const model = lang === 'other' || rules.words === 0 ? null : getModel();
  if (model === null) return summarize(rules, lang, rating);
  const features = sentimentFeatures(tokens, lang, rules);
  let logits = modelLogits(model, features);
  if (calibration !== undefined) logits = applyCalibration(calibration, logits, lang);
  return summarize(rules, lang, rating, combine(probabilities(logits), rules));
}

/**
 * The model's probabilities mixed with the rules' own view: MODEL_SHARE of the model, the rest a
 * distribution read off the rules' sum (all of it neutral without evidence, all of it on one
 * side for strong evidence). The model is small and learned from few, topical texts; the mixture
 * keeps what the rules know sure (a lone "great", a negated "pas bon", "!!!" amplifying) from being
 * overturned by its quirks. Cross-validated on the training sets, it costs well under a point.
 */
function combine(p: readonly [number, number, number], rules: RuleResult): [number, number, number] {
  const r = rules.sum / Math.sqrt(rules.sum * rules.sum + RULE_ALPHA);
  const w = 1 - MODEL_SHARE;
  return [
    MODEL_SHARE * p[0] + w * Math.max(-r, 0),
    MODEL_SHARE * p[1] + w * (1 - Math.abs(r)),
    MODEL_SHARE * p[2] + w * Math.max(r, 0),
  ];
}

/**
 * The shipped model's class scores (negative, neutral, positive; before softmax) for tokenized
 * text, without calibration: what a brand's calibration is fitted on. Undefined when the model
 * does not apply (no model, language 'other', no words).
 */
export function modelScores(tokens: readonly Token[], lang: Lang): [number, number, number] | undefined {
  const rules = ruleSentiment(tokens, lang);
  const model = lang === 'other' || rules.words === 0 ? null : getModel();
  if (model === null) return undefined;
  return modelLogits(model, sentimentFeatures(tokens, lang, rules));
}

function summarize(rules: RuleResult, lang: Lang, rating: number | undefined, probs?: readonly [number, number, number]): Sentiment {
  const { contributions, positive, negative } = rules;
  const byText = new Map<string, number>();
  for (const c of contributions) byText.set(c.text, (byText.get(c.text) ?? 0) + c.value);
  const majority = Math.max(positive, negative);
  const minority = Math.min(positive, negative);
  const balance = majority > 0 ? minority / majority : 0;
  // P(positive) − P(negative) of the model mixed with the rules, or the rules' squashed sum alone.
  const textScore = probs !== undefined ? probs[2] - probs[0] : rules.textScore;
  const best = probs !== undefined ? Math.max(probs[0], probs[1], probs[2]) : 0;
  const mixedText = rules.mixed && (probs === undefined || best < MIXED_MAX_PROBABILITY);

  let score = textScore;
  let r: number | undefined;
  if (typeof rating === 'number' && Number.isFinite(rating)) {
    r = 2 * Math.min(1, Math.max(0, rating)) - 1;
    score = TEXT_WEIGHT_WITH_RATING * textScore + (1 - TEXT_WEIGHT_WITH_RATING) * r;
    // The rating is shown among the drivers, weighted like a strong word.
    if (r !== 0) byText.set('(rating)', r * 3);
  }

  let label: SentimentLabel;
  let confidence: number;
  const evidence = positive + negative;
  if (mixedText && Math.abs(score) < 0.4) {
    label = 'mixed';
    confidence = 0.4 + 0.4 * balance;
  } else if (probs !== undefined && r === undefined) {
    // The model decides: its most probable class, with its probability as the confidence.
    const k = probs.indexOf(best);
    label = k === 2 ? 'positive' : k === 0 ? 'negative' : 'neutral';
    confidence = best;
    // Close to a three-way tie the model has no opinion: that is neutral.
    if (label !== 'neutral' && best < UNSURE_PROBABILITY) {
      label = 'neutral';
      confidence = probs[1];
    }
  } else {
    if (Math.abs(score) < NEUTRAL_BAND) label = 'neutral';
    else label = score > 0 ? 'positive' : 'negative';
    if (label === 'neutral') {
      if (evidence === 0) confidence = r !== undefined ? 0.75 : lang === 'other' ? 0.4 : 0.7;
      else confidence = 0.55 - 0.25 * (Math.abs(score) / NEUTRAL_BAND);
    } else {
      confidence = 0.35 + 0.45 * Math.abs(score) + 0.2 * (1 - balance);
      if (evidence === 0) confidence = 0.35 + 0.45 * Math.abs(score); // rating alone
      if (r !== undefined && evidence > 0 && Math.sign(r) === Math.sign(textScore)) confidence += 0.1;
    }
  }
  confidence = Math.max(0, Math.min(1, confidence));

  const drivers: SentimentDriver[] = [...byText]
    .filter(([, w]) => Math.abs(w) >= 0.05)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, MAX_DRIVERS)
    .map(([text, w]) => ({ text, weight: round(w, 2) }));

  return { score: round(score), label, confidence: round(confidence), drivers };
}
