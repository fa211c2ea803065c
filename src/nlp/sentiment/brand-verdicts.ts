// Colloquial verdicts in a clause about a brand (issue 16, brand-tone.ts): short French phrases
// that say what the writer thinks of the brand the clause names, and that the sentence scorer
// reads as neutral because they are idioms, not opinion words: "X au top, Y à la ramasse",
// "X, bof", "X, ça va", "c'est la galère", "fait mieux", "plus jamais". They are the elliptical
// verdicts of comparative mentions ("Renault au top, Peugeot à la ramasse"), common enough in
// reviews and posts to be a kind, not a line of a test set. Used only for the tone toward each
// brand: the mention's own tone (the model and its lexicons) is left as it is.
//
// A verdict adds its weight to the clause's score: it decides a clause read as neutral and pulls a
// clause read the other way; a verdict after "pas" ("pas top") is reversed.
//
// English and French both have verdict constructions of customer service and switching that the
// sentence model, trained on whole texts, reads as neutral or backwards in a short clause: "let me
// down", "exceeded my expectations" / "a dépassé mes attentes" (read as "outdated"), "fixed my
// problem" / "a réglé mon problème" (read from "problem"), "stick with X" / "restez chez X",
// "I'm done with X" / "j'en ai fini avec X", "never buying from X again", price rises and cuts
// ("raised its prices", "Sosh les baisse": the price noun may be in the sentence's other clause).
// They are kinds of phrasing (a verb and its object), written from the kinds, not from lines.
import type { Lang, Sentiment, SentimentLabel } from '../../core/types.js';
import { fold } from '../normalize.js';
import type { Token } from '../tokenize.js';

/** Folded words, apostrophes dropped ("n'importe quoi" → "n importe quoi"). */
const FR_VERDICTS: [string, number][] = [
  // positive
  ['au top', 0.5], ['c est top', 0.5], ['trop top', 0.5], ['top', 0.3], ['nickel', 0.5], ['au poil', 0.5], ['impec', 0.5],
  ['ca va', 0.3], ['ca passe', 0.3], ['ca roule', 0.4], ['ca gere', 0.4], ['au taquet', 0.5], ['que du bonheur', 0.6],
  ['aucun souci', 0.5], ['aucun soucis', 0.5], ['sans souci', 0.4], ['aucun probleme', 0.5], ['le jour et la nuit', 0.5],
  ['pour toujours', 0.4], ['fait mieux', 0.5], ['font mieux', 0.5], ['c est mieux', 0.5], ['encore mieux', 0.5], ['bien mieux', 0.5],
  ['vaut le coup', 0.5], ['au rendez vous', 0.4], ['trop bien', 0.5], ['le pied', 0.4], ['chapeau', 0.4], ['bravo', 0.5], ['rien a redire', 0.5],
  // negative
  ['a la ramasse', -0.5], ['a la rue', -0.5], ['a la traine', -0.5], ['a la masse', -0.5], ['bof', -0.4], ['la cata', -0.6], ['une cata', -0.6],
  ['la galere', -0.5], ['une galere', -0.5], ['plus jamais', -0.6], ['a eviter', -0.6], ['a fuir', -0.6], ['fuyez', -0.6], ['une horreur', -0.6],
  ['n importe quoi', -0.5], ['pas terrible', -0.5], ['pas top', -0.5], ['pas fou', -0.4], ['pas genial', -0.4], ['bidon', -0.5], ['naze', -0.5],
  ['en carton', -0.5], ['une blague', -0.5], ['hors de prix', -0.5], ['trop cher', -0.5], ['trop chere', -0.5], ['une arnaque', -0.6], ['honte', -0.5],
  ['de pire en pire', -0.6], ['moins bien', -0.4], ['beaucoup moins', -0.4], ['pas a la hauteur', -0.5], ['pas au niveau', -0.5],
];

/** Verdict constructions (regular expressions over the folded words, apostrophes as spaces). */
const EN_CONSTRUCTIONS: [RegExp, number][] = [
  [/\blet(s|ting)? (me|us|you|them|everyone|customers) down\b/, -0.5],
  [/\b(a|such a|total|real) let ?down\b/, -0.5],
  [/\b(exceed\w*|surpass\w*|beat) (all |every |my |our |your |all my |all our )?expectations\b/, 0.5],
  [/\b(fix\w*|solv\w*|resolv\w*|sort\w* out) (my|our|the|this|that|every|your|their|its|all (my|our|the)) (\w+ )?(problem|problems|issue|issues|bug|bugs)\b/, 0.4],
  [/\b(fixed|solved|resolved|sorted) it\b/, 0.4],
  [/\bhung up on (me|us)\b/, -0.5],
  [/(?<!on the )\brocks\b/, 0.5],
  [/\bsucks?\b/, -0.5],
  [/\b(stick|stay) with\b/, 0.4],
  [/\b(i m|i am|we re|we are|i ve been|we ve been|so) (done|finished) with\b/, -0.5],
  [/\b(fed up|sick and tired) (with|of)\b/, -0.5],
  [/\bnever (buying|ordering|using|flying|booking|going back|shopping|again)\b/, -0.5],
  [/\b(clear|obvious|real) winner\b/, 0.5],
  [/\b(rip ?off|waste of (money|time))\b/, -0.5],
];
const FR_CONSTRUCTIONS: [RegExp, number][] = [
  [/\b(depass\w*|surpass\w*) (toutes |tous )?(mes|nos|les|vos) (attentes|esperances)\b/, 0.5],
  [/\b(regl\w*|resolu\w*|resolv\w*|repar\w*|depann\w*) (mon|ma|mes|notre|nos|le|la|les|ce|ces|son|leur) (\w+ )?(probleme|problemes|souci|soucis|panne|pannes|bug|bugs)\b/, 0.4],
  [/\b(restez|allez|rester) chez\b/, 0.4],
  [/\b(j en ai|en ai|en avoir) (fini|termine|marre|assez)\b/, -0.5],
  [/\b(marre|ras le bol) (de|d)\b/, -0.5],
  [/\b(un|le|quel) (vrai |veritable )?(cauchemar|bazar|bordel|calvaire)\b/, -0.5],
  [/\bun (vrai )?reve\b/, 0.5],
  [/\b(laisse|lache) tomber\b/, -0.4],
];
/** A price rise said of a brand ("raised its prices", "augmente ses prix"); a price cut the opposite. */
const PRICE = /\b(prix|tarifs?|factures?|abonnements?|forfaits?|prices?|fees?|rates?|bills?|fares?)\b/;
const PRICE_UP: Record<'en' | 'fr', RegExp> = {
  fr: /\b(augment\w*|hausse\w*|gonfl\w*|explos\w*|flamb\w*)\b/,
  en: /\b(rais(e|es|ed|ing)|hik(e|es|ed|ing)|increas\w*|jack\w* up|doubl\w*)\b/,
};
const PRICE_DOWN: Record<'en' | 'fr', RegExp> = {
  fr: /\b(baiss\w*|diminu\w*|reduit\w*|fondu)\b/,
  en: /\b(lower(s|ed|ing)?|cut(s|ting)?|slash\w*|reduc\w*|dropp\w*)\b/,
};
/** "Sosh les baisse", "Stark keeps lowering them": the price noun is in the other clause. */
const PRICE_PRONOUN = /\b(les|them|theirs|its own|their own)\b/;

const NEGATION_BEFORE = new Set(['pas', 'jamais', 'plus']);

interface Matcher {
  phrases: { words: string[]; weight: number }[];
}

const FR: Matcher = {
  // Longest first: "pas top" before "top", "c est top" before "top".
  phrases: FR_VERDICTS.map(([p, weight]) => ({ words: p.split(' '), weight })).sort((a, b) => b.words.length - a.words.length),
};

function wordsOf(span: readonly Token[]): string[] {
  const out: string[] = [];
  for (const t of span) {
    if (t.kind !== 'word' && t.kind !== 'number') continue;
    for (const w of fold(t.lower).replace(/[’']/g, ' ').replace(/-/g, ' ').split(/\s+/)) if (w !== '') out.push(w);
  }
  return out;
}

/**
 * The verdicts' weight in a clause (0: none). `context`: the sentence the clause belongs to, where a
 * price pronoun ("les", "them") finds its noun.
 */
export function verdictWeight(span: readonly Token[], lang: Lang, context?: readonly Token[]): number {
  if (lang !== 'fr' && lang !== 'en') return 0;
  const words = wordsOf(span);
  const used = new Uint8Array(words.length);
  let sum = 0;
  const text = words.join(' ');
  for (const [re, weight] of lang === 'fr' ? FR_CONSTRUCTIONS : EN_CONSTRUCTIONS) {
    const m = re.exec(text);
    if (m === null) continue;
    // "never let me down", "n'a pas réglé mon problème", "didn't fix it": the verdict reversed.
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    sum += /\b(not|never|n t|pas|jamais|no|didn|doesn|won|can t|cannot|couldn)\s*(\w+\s*)?$/.test(before) ? -weight : weight;
  }
  if (lang === 'en') {
    sum += priceWeight(text, lang, context);
    return Math.max(-1, Math.min(1, sum));
  }
  for (const { words: p, weight } of FR.phrases) {
    for (let i = 0; i + p.length <= words.length; i++) {
      let ok = true;
      for (let j = 0; j < p.length && ok; j++) ok = used[i + j] === 0 && words[i + j] === p[j];
      if (!ok) continue;
      for (let j = 0; j < p.length; j++) used[i + j] = 1;
      // "pas top" has its own entry; "pas au top", "jamais au rendez vous" reverse the verdict.
      const negated = i > 0 && NEGATION_BEFORE.has(words[i - 1]!) && !(p[0] === 'plus' || p[0] === 'pas');
      sum += negated ? -weight : weight;
    }
  }
  sum += priceWeight(text, lang, context);
  return Math.max(-1, Math.min(1, sum));
}

function priceWeight(text: string, lang: 'en' | 'fr', context: readonly Token[] | undefined): number {
  const priced = PRICE.test(text) || (context !== undefined && PRICE_PRONOUN.test(text) && PRICE.test(wordsOf(context).join(' ')));
  if (!priced) return 0;
  if (PRICE_UP[lang].test(text)) return -0.5;
  if (PRICE_DOWN[lang].test(text)) return 0.5;
  return 0;
}

function labelOf(score: number): SentimentLabel {
  return score >= 0.1 ? 'positive' : score <= -0.1 ? 'negative' : 'neutral';
}

/** The clause's sentiment with its colloquial verdicts added (the sentence scorer's, unchanged without any). */
export function withVerdicts(span: readonly Token[], s: Sentiment, lang: Lang, context?: readonly Token[]): Sentiment {
  const v = verdictWeight(span, lang, context);
  if (v === 0) return s;
  const score = Math.max(-1, Math.min(1, s.score + v));
  return { ...s, score, label: labelOf(score), confidence: Math.max(s.confidence, 0.6) };
}
