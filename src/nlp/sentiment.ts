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
// The rules are sentiment/rules/: one named step per rule, tried in order at each token
// (rules/index.ts), over one small state object (rules/state.ts).
//
// Then the shipped model (sentiment/model.ts, config/models/MODEL_CARD.md), a logistic regression
// over the words (negation-marked) and what the rules found, gives negative/neutral/positive
// probabilities; they are mixed with the rules' own view (combine()), adjusted by the brand's
// calibration when there is one, and the label is the most probable class, the score
// P(positive) − P(negative). Without a model (or for language 'other') the rules' sum maps to -1..1
// with x / sqrt(x² + 15) (VADER's normalisation). A star rating, when the source gives one, then
// pulls the score strongly toward it.
import type { Lang, Sentiment, SentimentDriver, SentimentLabel } from '../core/types.js';
import { applyCalibration, type Calibration } from './sentiment/calibration.js';
import { applyConfidenceMap, type ConfidenceKind, type ConfidenceMap } from './sentiment/confidence.js';
import { getModel, LEGACY_MIX, probabilities, textLogits, type MixOptions, type SentimentModel } from './sentiment/model.js';
import { ruleSentiment, type RuleResult } from './sentiment/rules/index.js';
import type { Token } from './tokenize.js';

export { ruleSentiment, type Contribution, type RuleResult } from './sentiment/rules/index.js';

const NEUTRAL_BAND = 0.1;
const MAX_DRIVERS = 8;
/** Strong opposite drivers make a text 'mixed' unless the model is at least this sure of a class. */
const MIXED_MAX_PROBABILITY = 0.6;
// The model's share against the rules, their steepness, the neutral threshold and the unsure
// probability travel with the model (MixOptions in sentiment/model.ts): they were chosen by the
// leave-one-set-out mean for the model they serve.
/** Weight of the text when a rating is given (the rating gets the rest). */
const TEXT_WEIGHT_WITH_RATING = 0.4;

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0 in JSON
}

/**
 * Sentiment of tokenized text: the rules alone (the model's own contribution is added by
 * scoreSentiment). `rating` is the source's star rating normalized to 0..1.
 */
export function ruleOnlySentiment(tokens: readonly Token[], lang: Lang, rating?: number): Sentiment {
  return decisionFromRules(ruleSentiment(tokens, lang), lang, rating).sentiment;
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
  if (model === null) return decisionFromRules(rules, lang, rating, rules.words === 0 ? getModel()?.confidence : undefined).sentiment;
  let logits = textLogits(model, tokens, lang, rules);
  if (calibration !== undefined) logits = applyCalibration(calibration, logits, lang);
  return sentimentFromLogits(model, rules, lang, logits, rating);
}

/**
 * The sentiment given the rules' result and the model's class scores (the evaluation's
 * leave-one-set-out runs score cached texts through this). A hashed model (issue 16) already reads
 * the rules as features: its probabilities, divided by its fitted temperature, are the answer, and
 * `confidence` is the calibrated probability of the label. The older named model is mixed with the
 * rules' own view (combine()).
 */
export function sentimentFromLogits(model: SentimentModel, rules: RuleResult, lang: Lang, logits: [number, number, number], rating?: number): Sentiment {
  return decisionFromLogits(model, rules, lang, logits, rating).sentiment;
}

/** A sentiment and how its label was chosen (the kind of decision its confidence calibration depends on). */
export interface Decision {
  sentiment: Sentiment;
  kind: ConfidenceKind | 'rating';
  /** The confidence before the model's confidence map. */
  raw: number;
}

/** sentimentFromLogits, with the kind of decision and the raw confidence (the eval fits the map on these). */
export function decisionFromLogits(model: SentimentModel, rules: RuleResult, lang: Lang, logits: [number, number, number], rating?: number, map: ConfidenceMap | undefined = model.confidence): Decision {
  if (model.kind === 'hashed') return decide(rules, lang, rating, probabilities(logits, model.temperature), true, LEGACY_MIX, map);
  return decide(rules, lang, rating, combine(probabilities(logits), rules, model.mix), false, model.mix, map);
}

/** The rules alone, with the kind of decision (texts the model does not read, or without a model). */
export function decisionFromRules(rules: RuleResult, lang: Lang, rating?: number, map?: ConfidenceMap): Decision {
  return decide(rules, lang, rating, undefined, false, LEGACY_MIX, map);
}

/**
 * The model's probabilities mixed with the rules' own view: `mix.share` of the model, the rest a
 * distribution read off the rules' sum (all of it neutral without evidence, all of it on one
 * side for strong evidence). The model is small and learned from few, topical texts; the mixture
 * keeps what the rules know sure (a lone "great", a negated "pas bon", "!!!" amplifying) from being
 * overturned by its quirks. Cross-validated on the training sets, it costs well under a point.
 */
function combine(p: readonly [number, number, number], rules: RuleResult, mix: MixOptions): [number, number, number] {
  const r = rules.sum / Math.sqrt(rules.sum * rules.sum + mix.alpha);
  const share = mix.share;
  const w = 1 - share;
  return [
    share * p[0] + w * Math.max(-r, 0),
    share * p[1] + w * (1 - Math.abs(r)),
    share * p[2] + w * Math.max(r, 0),
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
  return textLogits(model, tokens, lang, rules);
}

function decide(rules: RuleResult, lang: Lang, rating: number | undefined, probs: readonly [number, number, number] | undefined, calibrated: boolean, mix: MixOptions, map: ConfidenceMap | undefined): Decision {
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
  let kind: Decision['kind'] = r !== undefined ? 'rating' : probs === undefined ? 'rules' : 'model';
  const evidence = positive + negative;
  if (mixedText && Math.abs(score) < 0.4) {
    label = 'mixed';
    if (kind !== 'rating') kind = 'mixed';
    // Calibrated: 'mixed' is read as "not polar", right as often as the neutral class is likely.
    confidence = calibrated && probs !== undefined ? probs[1] : 0.4 + 0.4 * balance;
  } else if (probs !== undefined && r === undefined) {
    // The model decides: its most probable class (the neutral one weighed by the model's
    // threshold), with its probability as the raw confidence.
    const q = mix.neutralBias === 0 ? probs : [probs[0], probs[1] * Math.exp(mix.neutralBias), probs[2]];
    const qs = q[0]! + q[1]! + q[2]!;
    const qBest = Math.max(q[0]!, q[1]!, q[2]!);
    const k = q.indexOf(qBest);
    label = k === 2 ? 'positive' : k === 0 ? 'negative' : 'neutral';
    confidence = qBest / qs;
    // Close to a three-way tie the model has no opinion: that is neutral.
    if (!calibrated && label !== 'neutral' && confidence < mix.unsure) {
      label = 'neutral';
      confidence = q[1]! / qs;
      kind = 'unsure';
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
  const raw = confidence;
  if (kind !== 'rating') confidence = applyConfidenceMap(map, kind, confidence);

  const drivers: SentimentDriver[] = [...byText]
    .filter(([, w]) => Math.abs(w) >= 0.05)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, MAX_DRIVERS)
    .map(([text, w]) => ({ text, weight: round(w, 2) }));

  return { sentiment: { score: round(score), label, confidence: round(confidence), drivers }, kind, raw };
}
