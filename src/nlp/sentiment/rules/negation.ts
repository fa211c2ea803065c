// Negation: what opens a scope that flips and dampens the next few words, what closes one, and
// what looks like a negation but is not ("not only", "ne … que", "I can't tell you how…").
//  - English: not/n't/no/never/without..., "far from", "anything but"; "would have been great"
//    says it was not;
//  - French: "ne … pas/plus/jamais/rien" (the scope opens at "ne", so "je n'aime pas" is caught),
//    bare "pas", "jamais", "aucun", "sans"; colloquial "j'aime pas" negates the verb before "pas";
//    "loin de"; "aurait pu être génial"; a new subject ends a negation;
//  - both: "lacks", "manque de" negate what follows, or count their own tone.
import type { Token } from '../../tokenize.js';
import {
  EN_EXCLAMATIVE, EN_FACTIVE, EN_LITTLE_AFTER, EN_OBJECTS, EN_TELLING, EN_WOULD, FR_BARE_NEGATORS,
  FR_COULD, FR_NE_PARTICLES, FR_RETRO_VERBS, FR_SUBJECTS, FR_WOULD, LACKING, NEGATION_SCALAR,
} from '../rule-words.js';
import { closeNeg, openNeg } from './scopes.js';
import type { WordStep } from './state.js';
import { joinTokens, wordValence } from './text.js';

/** "would have been great": weaker than "not great". */
const COUNTERFACTUAL_SCALAR = -0.6;
/** "lacks depth" when the lexicon does not score "lacks". */
const LACK_VALENCE = -1.2;
/** Words a negation reaches; French "ne" waits longer for its particle. */
const NEGATION_SCOPE = 3;
const NE_SCOPE = 6;

// --- French ------------------------------------------------------------------------------------

/** A new subject ("je", "il"…) ends a bare negation; the word goes on to the next steps. */
export const frenchNewSubject: WordStep = (s, i) => {
  if (s.neg !== undefined && s.neg.ne !== true && FR_SUBJECTS.has(s.tokens[i]!.lower)) closeNeg(s);
  return undefined;
};

/** "ne" opens a scope that waits for its particle. */
export const frenchNe: WordStep = (s, i) => {
  if (s.tokens[i]!.key !== 'ne') return undefined;
  openNeg(s, { start: i, left: NE_SCOPE, scalar: NEGATION_SCALAR, ne: true });
  s.negated[i] = false;
  s.negations++;
  return i;
};

/** "ne … que" restricts, it does not negate: "je n'ai que des éloges". */
export const frenchNeQue: WordStep = (s, i) => {
  const neg = s.neg;
  if (neg?.ne !== true || s.tokens[i]!.key !== 'que') return undefined;
  for (let k = neg.start; k <= i; k++) s.negated[k] = false;
  for (const c of neg.negated ?? []) {
    c.value /= NEGATION_SCALAR;
    c.negated = false;
    c.text = joinTokens(s.tokens, c.at, c.end);
  }
  s.neg = undefined;
  return i;
};

/** "ne … pas": the particle; what "ne" negated is quoted up to it ("n'aime pas"). */
export const frenchNeParticle: WordStep = (s, i) => {
  const neg = s.neg;
  if (neg?.ne !== true || !FR_NE_PARTICLES.has(s.tokens[i]!.lower)) return undefined;
  s.negated[i] = false;
  for (const c of neg.negated ?? []) c.text = joinTokens(s.tokens, c.from, i + 1);
  neg.ne = false;
  neg.negated = undefined;
  neg.left = NEGATION_SCOPE;
  return i;
};

/** Bare "pas", "jamais", "sans", "peu"…, and spoken French's "j'aime pas". */
export const frenchBareNegator: WordStep = (s, i) => {
  const { tokens } = s;
  const lower = tokens[i]!.lower;
  const bare = FR_BARE_NEGATORS.get(lower);
  if (bare === undefined || s.neg !== undefined) return undefined;
  // "j'aime pas": the verb just before is negated.
  const last = s.contributions[s.contributions.length - 1];
  if ((lower === 'pas' || lower === 'jamais') && last !== undefined && last.end === i && !last.negated && FR_RETRO_VERBS.has(last.head)) {
    last.value *= NEGATION_SCALAR;
    last.negated = true;
    last.text = joinTokens(tokens, last.from, i + 1);
  }
  // Spoken French drops "ne": the word before a bare "pas" is what is negated ("j'aime pas").
  if (lower === 'pas' && i > 0 && tokens[i - 1]!.kind === 'word') s.negated[i - 1] = true;
  openNeg(s, { start: i, left: lower === 'peu' ? 2 : NEGATION_SCOPE, scalar: bare });
  s.negated[i] = false;
  s.negations++;
  return i;
};

/** "loin d'être parfait" negates like "pas". */
export const frenchFarFrom: WordStep = (s, i) => {
  const second = s.tokens[i + 1];
  if (s.tokens[i]!.lower !== 'loin' || second === undefined || second.key !== 'de') return undefined;
  openNeg(s, { start: i, left: NEGATION_SCOPE, scalar: NEGATION_SCALAR });
  s.negations++;
  return i + 1;
};

/** "aurait pu être génial" says it was not. */
export const frenchCounterfactual: WordStep = (s, i) => {
  const { tokens } = s;
  const second = tokens[i + 1];
  if (!FR_WOULD.has(tokens[i]!.lower) || second === undefined || !FR_COULD.has(second.lower)) return undefined;
  if (tokens[i + 2]?.lower !== 'être' && tokens[i + 2]?.lower !== 'etre') return undefined;
  openNeg(s, { start: i, left: NEGATION_SCOPE, scalar: COUNTERFACTUAL_SCALAR });
  return i + 2;
};

// --- English -----------------------------------------------------------------------------------

/** "not only bad but…", "not just a cult": no negation. */
export const englishNotOnly: WordStep = (s, i) => {
  const second = s.tokens[i + 1];
  if (s.tokens[i]!.key !== 'not' || second === undefined || (second.lower !== 'only' && second.lower !== 'just')) return undefined;
  return i + 1;
};

/** "far from the best", "anything but funny" negate like "not". */
export const englishFarFrom: WordStep = (s, i) => {
  const lower = s.tokens[i]!.lower;
  const second = s.tokens[i + 1];
  if (!((lower === 'far' && second?.lower === 'from') || (lower === 'anything' && second?.lower === 'but'))) return undefined;
  openNeg(s, { start: i, left: NEGATION_SCOPE, scalar: NEGATION_SCALAR });
  s.negated[i] = false;
  s.negations++;
  return i + 1;
};

/** "would have been great (had…)", "could've been good": it was not. */
export const englishCounterfactual: WordStep = (s, i) => {
  const { tokens } = s;
  const second = tokens[i + 1];
  if (!EN_WOULD.has(tokens[i]!.key) || second === undefined || second.key !== 'have' || tokens[i + 2]?.lower !== 'been') return undefined;
  openNeg(s, { start: i, left: NEGATION_SCOPE, scalar: COUNTERFACTUAL_SCALAR });
  return i + 2;
};

/** "not", "never", "no", "without"…, each with its own strength. */
export const englishNegator: WordStep = (s, i) => {
  const t = s.tokens[i]!;
  const scalar = s.rules.negators.get(t.lower) ?? (t.key === 'not' ? NEGATION_SCALAR : undefined);
  if (scalar === undefined) return undefined;
  openNeg(s, { start: i, left: NEGATION_SCOPE, scalar });
  s.negated[i] = false;
  s.negations++;
  return i;
};

/** "very little", "has few": negates what follows. */
export const englishLittle: WordStep = (s, i) => {
  const lower = s.tokens[i]!.lower;
  if ((lower !== 'little' && lower !== 'few') || i === 0 || !EN_LITTLE_AFTER.has(s.tokens[i - 1]!.lower)) return undefined;
  openNeg(s, { start: i, left: 2, scalar: NEGATION_SCALAR });
  return i;
};

/** "I did not realize how good": a factive verb ends the negation. */
export const englishFactive: WordStep = (s, i) => {
  if (s.neg === undefined || !EN_FACTIVE.has(s.tokens[i]!.lower)) return undefined;
  closeNeg(s);
  return i;
};

/** "tell (you) how", "believe how": a telling verb, maybe with its object, before `i`. */
function tellsAt(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1]!.lower;
  if (EN_TELLING.has(prev)) return true;
  return i >= 2 && EN_OBJECTS.has(prev) && EN_TELLING.has(tokens[i - 2]!.lower);
}

/**
 * Exclamatives are asserted, not negated: "I can't tell you how disappointed I was", "I did not
 * expect it to be so good", "never had such bland food". ("not so good" is a negation.)
 * "so" and "such" close the negation and go on to intensify what follows.
 */
export const englishExclamative: WordStep = (s, i) => {
  const neg = s.neg;
  if (neg === undefined || i - neg.start < 2) return undefined;
  const lower = s.tokens[i]!.lower;
  if (EN_EXCLAMATIVE.has(lower)) {
    closeNeg(s);
    return undefined;
  }
  if ((lower === 'how' || lower === 'why') && tellsAt(s.tokens, i)) {
    closeNeg(s);
    return i;
  }
  return undefined;
};

// --- both --------------------------------------------------------------------------------------

/**
 * "lacks depth", "manque de rythme": negates what follows, or counts its own tone.
 * ("il ne manque que…" is "ne … que", see frenchNeQue.)
 */
export const lack: WordStep = (s, i, lex) => {
  const t = s.tokens[i]!;
  const lower = t.lower;
  if (!s.rules.lack.has(lower) || s.neg?.ne === true) return undefined;
  const own = wordValence(t, s.lang, lex);
  const value = LACKING.has(lower) ? (own !== undefined && own < 0 ? own : LACK_VALENCE) : (own ?? 0);
  openNeg(s, { start: i, left: NEGATION_SCOPE, scalar: NEGATION_SCALAR, own: value !== 0 ? { value, at: i, head: lower } : undefined });
  s.negations++;
  return i;
};
