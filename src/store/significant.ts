// Significant terms: the terms of a period that stand out against the period just before it, of
// the same length, under the same query and filters. Computed from two top-terms aggregations and
// two counts, so both stores give the same answer (Elasticsearch's own significant_terms scores
// differently and cannot see our nested term counts).
import { logLikelihood } from '../nlp/keyness.js';
import { EcouteError } from '../core/errors.js';
import type { MentionStore, SignificantTerm, SignificantTermsRequest } from './types.js';

/** How many top terms of each period are compared. */
const CANDIDATES = 1000;

export async function significantTerms(store: MentionStore, request: SignificantTermsRequest): Promise<SignificantTerm[]> {
  const from = Date.parse(request.from);
  const to = Date.parse(request.to);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
    throw new EcouteError('BAD_REQUEST', `significant terms need a period with from before to, got from=${request.from} to=${request.to}`);
  }
  const { size = 20, minMentions = 2, ...scope } = request;
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw new EcouteError('BAD_REQUEST', `size: must be a whole number from 1 to 1000, got ${size}`);
  const target = { ...scope, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  const background = { ...scope, from: new Date(from - (to - from)).toISOString(), to: new Date(from).toISOString() };
  const [targetTerms, backgroundTerms, targetMentions, backgroundMentions] = await Promise.all([
    store.topTerms({ ...target, size: CANDIDATES }),
    store.topTerms({ ...background, size: CANDIDATES }),
    store.count(target),
    store.count(background),
  ]);
  // Document frequency: in how many mentions of each period the term appears.
  const before = new Map(backgroundTerms.map((t) => [t.term, t.mentions]));
  return targetTerms
    .map((t) => {
      const b = before.get(t.term) ?? 0;
      // With an empty background every term is new; the score is then the target frequency.
      const score = backgroundMentions === 0 ? t.mentions : logLikelihood(t.mentions, b, targetMentions, backgroundMentions);
      return { term: t.term, label: t.label, mentions: t.mentions, backgroundMentions: b, score: Math.round(score * 1000) / 1000 };
    })
    .filter((t) => t.score > 0 && t.mentions >= minMentions)
    .sort((x, y) => y.score - x.score || x.term.localeCompare(y.term))
    .slice(0, size);
}
