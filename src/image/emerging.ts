// Emerging terms: what weighs in a brand's mentions (keyness, src/nlp/keyness.ts) but belongs to
// no semantic field: the image people give the brand that nobody planned. Against the previous
// period of the same length, and against the brand's competitors (their mentions of the same
// period), by the log-likelihood G² on mention frequencies. The top terms of each side come from
// the store (topTerms) through `Reads`, which asks each (brand, period) once per analysis.
import { analyze } from '../nlp/analyze.js';
import { foldedWords } from '../nlp/normalize.js';
import type { FieldSet } from '../nlp/fields.js';
import { logLikelihood } from '../nlp/keyness.js';
import type { TermCount } from '../store/types.js';
import type { EmergingTerm } from './types.js';

/** G² above this is significant at p < 0.001. */
export const MIN_KEYNESS = 10.83;
/** A term must hold in at least this many mentions of the period. */
export const MIN_MENTIONS = 3;
/** Emerging terms kept per comparison. */
export const MAX_TERMS = 10;
/** Top terms read per side of a comparison. */
export const CANDIDATES = 1000;

export interface Side {
  terms: readonly TermCount[];
  /** Mentions of that side (the keyness denominator). */
  mentions: number;
}

export interface EmergingScope {
  current: Side;
  /** The previous period (none: it has no mention, and nothing can be new against it). */
  previous?: Side;
  /** The competitors' mentions of the same period, summed. */
  competitors?: Side[];
  /** The brand's fields: a term one of them holds is no emerging term. */
  fields: FieldSet;
  /** Folded words naming the brand or its competitors (the brand's name is no finding). */
  names: ReadonlySet<string>;
}

/** Whether a term (its label, as written) holds a word of a semantic field, read in English or French. */
function inAField(label: string, fields: FieldSet): boolean {
  return (['en', 'fr'] as const).some((lang) => Object.keys(analyze(label, { lang, fields }).fields).length > 0);
}

function keep(scope: EmergingScope, term: string, label: string): boolean {
  const words = [...foldedWords(term), ...foldedWords(label)];
  if (words.some((w) => scope.names.has(w) || /^\d+$/.test(w))) return false;
  return !inAField(label, scope.fields);
}

/**
 * Terms of `current` that stand out against `background` (several sides summed). A term missing
 * from a truncated list may still occur there: it counts at that list's smallest frequency (an
 * upper bound), so the keyness is never overstated.
 */
function standOut(current: Side, background: readonly Side[]): { t: TermCount; keyness: number }[] {
  const counts = new Map<string, number>();
  let mentions = 0;
  let floor = 0;
  for (const side of background) {
    mentions += side.mentions;
    for (const t of side.terms) counts.set(t.term, (counts.get(t.term) ?? 0) + t.mentions);
    if (side.terms.length >= CANDIDATES) floor += side.terms[side.terms.length - 1]!.mentions;
  }
  if (mentions === 0 || current.mentions === 0) return [];
  return current.terms
    .filter((t) => t.mentions >= MIN_MENTIONS)
    .map((t) => ({ t, keyness: Math.round(logLikelihood(t.mentions, counts.get(t.term) ?? floor, current.mentions, mentions) * 1000) / 1000 }))
    .filter((x) => x.keyness >= MIN_KEYNESS)
    .sort((a, b) => b.keyness - a.keyness || (a.t.term < b.t.term ? -1 : 1));
}

export function emergingTerms(scope: EmergingScope): EmergingTerm[] {
  const out: EmergingTerm[] = [];
  // Two term keys can read the same ("barista", "barista 2" labelled so): one line per label.
  const seen = (t: TermCount) => out.some((e) => e.term === t.term || e.label === t.label);
  const add = (scored: { t: TermCount; keyness: number }[], against: EmergingTerm['against']) => {
    let n = 0;
    for (const { t, keyness } of scored) {
      if (n >= MAX_TERMS) break;
      if (seen(t) || !keep(scope, t.term, t.label)) continue;
      out.push({ term: t.term, label: t.label, count: t.mentions, keyness, against });
      n++;
    }
  };
  if (scope.previous && scope.previous.mentions > 0) add(standOut(scope.current, [scope.previous]), 'previous');
  if (scope.competitors && scope.competitors.length > 0) add(standOut(scope.current, scope.competitors), 'competitors');
  return out;
}
