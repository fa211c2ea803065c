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

/** "augmente ses prix", "hausse des tarifs": a price rise said of a brand; "baisse ses prix" the opposite. */
const PRICE = /\b(prix|tarifs?|factures?|abonnements?|forfaits?)\b/;
const PRICE_UP = /\b(augment\w*|hausse\w*|gonfl\w*|explos\w*|flamb\w*)\b/;
const PRICE_DOWN = /\b(baiss\w*|diminu\w*|reduit\w*|fondu)\b/;

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

/** The verdicts' weight in a clause (0: none). */
export function verdictWeight(span: readonly Token[], lang: Lang): number {
  if (lang !== 'fr') return 0;
  const words = wordsOf(span);
  const used = new Uint8Array(words.length);
  let sum = 0;
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
  const text = words.join(' ');
  if (PRICE.test(text)) {
    if (PRICE_UP.test(text)) sum -= 0.5;
    else if (PRICE_DOWN.test(text)) sum += 0.5;
  }
  return Math.max(-1, Math.min(1, sum));
}

function labelOf(score: number): SentimentLabel {
  return score >= 0.1 ? 'positive' : score <= -0.1 ? 'negative' : 'neutral';
}

/** The clause's sentiment with its colloquial verdicts added (the sentence scorer's, unchanged without any). */
export function withVerdicts(span: readonly Token[], s: Sentiment, lang: Lang): Sentiment {
  const v = verdictWeight(span, lang);
  if (v === 0) return s;
  const score = Math.max(-1, Math.min(1, s.score + v));
  return { ...s, score, label: labelOf(score), confidence: Math.max(s.confidence, 0.6) };
}
