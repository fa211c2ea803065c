// Emerging terms: what weighs in a brand's mentions (keyness, src/nlp/keyness.ts) but belongs to
// no semantic field: the image people give the brand that nobody planned. Against the previous
// period of the same length (the store's significantTerms), and against the brand's competitors
// (their mentions of the same period), by the log-likelihood G² on mention frequencies.
import { analyze } from '../nlp/analyze.js';
import { foldedWords } from '../nlp/normalize.js';
import type { FieldSet } from '../nlp/fields.js';
import { logLikelihood } from '../nlp/keyness.js';
import type { MentionStore, TermCount } from '../store/types.js';
import type { EmergingTerm } from './types.js';

/** G² above this is significant at p < 0.001. */
export const MIN_KEYNESS = 10.83;
/** A term must hold in at least this many mentions of the period. */
export const MIN_MENTIONS = 3;
/** Emerging terms kept per comparison. */
export const MAX_TERMS = 10;
/** Top terms read per side of a comparison. */
const CANDIDATES = 1000;

export interface EmergingScope {
  store: MentionStore;
  brand: string;
  from: string;
  to: string;
  /** The brand's mentions in the period (the keyness denominators). */
  mentions: number;
  /** The brand's mentions in the previous period: none, and nothing can be new against it. */
  previousMentions: number;
  competitors: readonly string[];
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

export async function emergingTerms(scope: EmergingScope): Promise<EmergingTerm[]> {
  const { store, brand, from, to } = scope;
  const out: EmergingTerm[] = [];
  // Two term keys can read the same ("barista", "barista 2" labelled so): one line per label.
  const seen = (term: string, label: string) => out.some((e) => e.term === term || e.label === label);
  const previous = scope.previousMentions > 0 ? await store.significantTerms({ brand, from, to, size: 100, minMentions: MIN_MENTIONS }) : [];
  for (const t of previous) {
    if (out.length >= MAX_TERMS) break;
    if (t.score >= MIN_KEYNESS && !seen(t.term, t.label) && keep(scope, t.term, t.label)) {
      out.push({ term: t.term, label: t.label, count: t.mentions, keyness: t.score, against: 'previous' });
    }
  }
  if (scope.competitors.length > 0 && scope.mentions > 0) {
    const own = await store.topTerms({ brand, from, to, size: CANDIDATES });
    const rivals = await Promise.all(
      scope.competitors.map(async (c) => ({ terms: await store.topTerms({ brand: c, from, to, size: CANDIDATES }), mentions: await store.count({ brand: c, from, to }) })),
    );
    const background = new Map<string, number>();
    let backgroundMentions = 0;
    // A term missing from a truncated list may still occur there: count it at the list's smallest
    // frequency (an upper bound), so the keyness is never overstated.
    let floor = 0;
    for (const r of rivals) {
      backgroundMentions += r.mentions;
      for (const t of r.terms) background.set(t.term, (background.get(t.term) ?? 0) + t.mentions);
      if (r.terms.length >= CANDIDATES) floor += r.terms[r.terms.length - 1]!.mentions;
    }
    if (backgroundMentions > 0) {
      const scored = own
        .filter((t: TermCount) => t.mentions >= MIN_MENTIONS)
        .map((t) => {
          const b = background.get(t.term) ?? floor;
          return { t, keyness: Math.round(logLikelihood(t.mentions, b, scope.mentions, backgroundMentions) * 1000) / 1000 };
        })
        .filter((x) => x.keyness >= MIN_KEYNESS)
        .sort((a, b) => b.keyness - a.keyness || (a.t.term < b.t.term ? -1 : 1));
      let n = 0;
      for (const { t, keyness } of scored) {
        if (n >= MAX_TERMS) break;
        if (seen(t.term, t.label) || !keep(scope, t.term, t.label)) continue;
        out.push({ term: t.term, label: t.label, count: t.mentions, keyness, against: 'competitors' });
        n++;
      }
    }
  }
  return out;
}
