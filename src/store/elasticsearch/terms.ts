// Top and significant terms over the flat term fields of schema version 3 (schema.ts): terms
// aggregations over keyword arrays with global ordinals, no nested join.
//
// Top terms are ordered by their summed count, which no single terms aggregation can give from a
// keyword array (a mention holds each value once). A term's count is its mentions (doc count in
// term_keys) plus its extra occurrences (doc counts of its term_extra values) plus term_adjust
// (whatever a whole count cannot say). So: one request reads the most mentioned terms
// (candidates) and every extra occurrence and adjustment, the counts are summed here, and the
// answer is accepted only when no term outside the candidates could reach the last one kept:
// outside terms have at most as many mentions as the last candidate, plus their own extras,
// which are known. Otherwise the candidates grow (x4) until the bound holds or every term of the
// query is a candidate. The result is then what summing every term would give: exact, not
// sampled (within Elasticsearch's own per-shard approximation of terms aggregations, which a
// shard_size of twice the candidates keeps far away; see docs/store.md).
//
// Labels (the most frequent surface form of each term kept) come from the same request when the
// listed (term, label) pairs make them certain, else from a second request over the mentions
// holding those terms.
import type { estypes } from '@elastic/elasticsearch';
import { logLikelihood } from '../../nlp/keyness.js';
import { badRequest } from '../errors.js';
import { DEFAULT_TERMS, resolveFilters, resolveLimit, resolveQuery } from '../request.js';
import type { SearchFilters, SignificantTerm, SignificantTermsRequest, TermCount, TopTermsRequest } from '../types.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS, literal, SEP } from './schema.js';
import type { Service } from './service.js';

const BY_COUNT = [{ _count: 'desc' as const }, { _key: 'asc' as const }];
/** Buckets per page when a list must be read whole (composite aggregation). */
const PAGE = 10_000;
/** Significant terms: how many of the period's most mentioned terms are scored. */
const CANDIDATES = 1000;

type Bucket = { key: string; doc_count: number };
type TermsAgg = { buckets?: Bucket[]; sum_other_doc_count?: number };

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function aggregate(service: Service, what: string, query: estypes.QueryDslQueryContainer, aggs: Record<string, estypes.AggregationsAggregationContainer>): Promise<Record<string, unknown>> {
  try {
    const response = await service.client.search({ ...service.readTarget(), query, size: 0, track_total_hits: false, aggs });
    return (response.aggregations ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw service.failure(what, error);
  }
}

/** Every bucket of a keyword field under the query (composite pages: exact whatever the shards). */
async function allBuckets(service: Service, what: string, query: estypes.QueryDslQueryContainer, field: string): Promise<Bucket[]> {
  const out: Bucket[] = [];
  let after: Record<string, string> | undefined;
  for (;;) {
    const aggs = await aggregate(service, what, query, {
      all: { composite: { size: PAGE, sources: [{ k: { terms: { field } } }], ...(after && { after }) } },
    });
    const page = aggs.all as { buckets?: { key: { k: string }; doc_count: number }[]; after_key?: { k: string } } | undefined;
    const buckets = page?.buckets ?? [];
    for (const b of buckets) out.push({ key: b.key.k, doc_count: b.doc_count });
    if (buckets.length < PAGE || !page?.after_key) return out;
    after = page.after_key;
  }
}

/** Per term: occurrences beyond one per mention (term_extra) plus term_adjust. */
async function extraCounts(service: Service, query: estypes.QueryDslQueryContainer, aggs: Record<string, unknown>): Promise<Map<string, number>> {
  const extra = new Map<string, number>();
  const add = (term: string, n: number): void => {
    extra.set(term, (extra.get(term) ?? 0) + n);
  };
  const listed = aggs.extra as TermsAgg | undefined;
  const extraBuckets = (listed?.sum_other_doc_count ?? 0) > 0 ? await allBuckets(service, 'topTerms', query, FIELDS.termExtra) : (listed?.buckets ?? []);
  for (const b of extraBuckets) {
    const key = String(b.key);
    const at = key.lastIndexOf(SEP);
    if (at > 0) add(key.slice(0, at), b.doc_count);
  }
  const adjust = (aggs.adjust as { terms?: { buckets?: (Bucket & { value: { value: number } })[]; sum_other_doc_count?: number } } | undefined)?.terms;
  if ((adjust?.sum_other_doc_count ?? 0) > 0) {
    // Never written by écoute's analyzer (whole counts up to MAX_EXTRA): read them all, page by page.
    let after: Record<string, string> | undefined;
    for (;;) {
      const page = await aggregate(service, 'topTerms', query, {
        adjust: {
          nested: { path: FIELDS.termAdjust },
          aggs: { all: { composite: { size: PAGE, sources: [{ k: { terms: { field: FIELDS.termAdjustTerm } } }], ...(after && { after }) }, aggs: { value: { sum: { field: FIELDS.termAdjustValue } } } } },
        },
      });
      const all = (page.adjust as { all?: { buckets?: { key: { k: string }; value: { value: number } }[]; after_key?: { k: string } } }).all;
      for (const b of all?.buckets ?? []) add(b.key.k, b.value.value);
      if ((all?.buckets?.length ?? 0) < PAGE || !all?.after_key) break;
      after = all.after_key;
    }
  } else {
    for (const b of adjust?.buckets ?? []) add(String(b.key), b.value.value);
  }
  return extra;
}

export async function topTerms(service: Service, request: TopTermsRequest): Promise<TermCount[]> {
  const size = resolveLimit(request.size, 'size', DEFAULT_TERMS);
  const query = filteredQuery(resolveQuery(request.query), resolveFilters(request));
  for (let candidates = Math.max(size * 10, 500); ; candidates *= 4) {
    // Past a few tens of thousands of buckets (search.max_buckets), every term is read by pages.
    const whole = candidates > PAGE;
    const aggs = await aggregate(service, 'topTerms', query, {
      ...(!whole && { keys: { terms: { field: FIELDS.termKeys, size: candidates, shard_size: candidates * 2, order: BY_COUNT } } }),
      extra: { terms: { field: FIELDS.termExtra, size: PAGE, order: BY_COUNT } },
      adjust: { nested: { path: FIELDS.termAdjust }, aggs: { terms: { terms: { field: FIELDS.termAdjustTerm, size: PAGE }, aggs: { value: { sum: { field: FIELDS.termAdjustValue } } } } } },
      labels: labelsListed(size),
    });
    const keys = aggs.keys as TermsAgg | undefined;
    const listed = whole ? await allBuckets(service, 'topTerms', query, FIELDS.termKeys) : (keys?.buckets ?? []);
    const complete = whole || (keys?.sum_other_doc_count ?? 0) === 0;
    const extra = await extraCounts(service, query, aggs);
    const counted = listed
      .map((b) => ({ term: String(b.key), mentions: b.doc_count, count: b.doc_count + (extra.get(String(b.key)) ?? 0) }))
      .sort((a, b) => b.count - a.count || byCode(a.term, b.term))
      .slice(0, size);
    if (!complete) {
      // The most an unlisted term can count: the last candidate's mentions plus its own extras.
      const floor = listed[listed.length - 1]?.doc_count ?? 0;
      const seen = new Set(listed.map((b) => String(b.key)));
      let reach = floor;
      for (const [term, n] of extra) if (!seen.has(term)) reach = Math.max(reach, floor + n);
      const last = counted[counted.length - 1];
      if (counted.length < size || last === undefined || last.count <= reach) continue;
    }
    const labels = await labelsFrom(service, query, aggs.labels as TermsAgg | undefined, counted);
    return counted.map((t) => ({ term: t.term, label: labels.get(t.term) ?? t.term, count: t.count, mentions: t.mentions }));
  }
}

/** A terms aggregation over term_labels big enough to hold the usual labels of `terms` terms. */
const labelsListed = (terms: number): estypes.AggregationsAggregationContainer => ({
  terms: { field: FIELDS.termLabels, size: Math.min(PAGE, Math.max(1000, terms * 4)), shard_size: Math.min(PAGE * 2, Math.max(2000, terms * 8)), order: BY_COUNT },
});

/**
 * Labels read from the listed (term, label) pairs, for the terms whose most frequent label is
 * certain: its count beats all the term's mentions that no listed pair accounts for. The others
 * are read exactly by labelsOf.
 */
async function labelsFrom(
  service: Service,
  query: estypes.QueryDslQueryContainer,
  listed: TermsAgg | undefined,
  terms: { term: string; mentions: number }[],
): Promise<Map<string, string>> {
  const wanted = new Map(terms.map((t) => [t.term, { mentions: t.mentions, seen: 0, best: undefined as { label: string; n: number } | undefined }]));
  for (const b of listed?.buckets ?? []) {
    const key = String(b.key);
    for (let at = key.indexOf(SEP); at > 0; at = key.indexOf(SEP, at + 1)) {
      const w = wanted.get(key.slice(0, at));
      if (!w) continue;
      const label = key.slice(at + 1);
      w.seen += b.doc_count;
      if (!w.best || b.doc_count > w.best.n || (b.doc_count === w.best.n && byCode(label, w.best.label) < 0)) w.best = { label, n: b.doc_count };
      break;
    }
  }
  const labels = new Map<string, string>();
  const unsure: string[] = [];
  for (const [term, w] of wanted) {
    if (w.best && w.best.n > w.mentions - w.seen) labels.set(term, w.best.label);
    else unsure.push(term);
  }
  if (unsure.length > 0) for (const [term, label] of await labelsOf(service, query, unsure)) labels.set(term, label);
  return labels;
}

/** The most frequent surface form of each term under the query (ties: the smallest). */
async function labelsOf(service: Service, query: estypes.QueryDslQueryContainer, terms: string[]): Promise<Map<string, string>> {
  const labels = new Map<string, { label: string; n: number }>();
  if (terms.length === 0) return new Map();
  // Groups of 100 terms per regular expression: a union of literals stays far below Lucene's
  // limit on determinized states.
  const groups: string[][] = [];
  for (let k = 0; k < terms.length; k += 100) groups.push(terms.slice(k, k + 100));
  const wanted = new Set(terms);
  // Only the mentions holding one of the terms: for rising (rare) terms, a small part of the query.
  const holding: estypes.QueryDslQueryContainer = { bool: { filter: [query, { terms: { [FIELDS.termKeys]: terms } }] } };
  // Labels per term: a handful in practice; read more when a group's list was cut.
  const most = Math.max(8, Math.floor(PAGE / terms.length));
  for (let perTerm = Math.min(8, most); ; perTerm = most) {
    const aggs = await aggregate(
      service,
      'topTerms',
      holding,
      Object.fromEntries(
        groups.map((g, i) => [
          `g${i}`,
          { terms: { field: FIELDS.termLabels, include: `(${g.map(literal).join('|')})${SEP}.*`, size: g.length * perTerm, shard_size: g.length * perTerm * 2, order: BY_COUNT } },
        ]),
      ),
    );
    let complete = true;
    labels.clear();
    for (let i = 0; i < groups.length; i++) {
      const agg = aggs[`g${i}`] as TermsAgg | undefined;
      if ((agg?.sum_other_doc_count ?? 0) > 0) complete = false;
      for (const b of agg?.buckets ?? []) {
        const key = String(b.key);
        // The term is the longest wanted prefix before a separator (a term may hold SEP itself only in theory).
        for (let at = key.indexOf(SEP); at > 0; at = key.indexOf(SEP, at + 1)) {
          const term = key.slice(0, at);
          if (!wanted.has(term)) continue;
          const label = key.slice(at + 1);
          const best = labels.get(term);
          if (!best || b.doc_count > best.n || (b.doc_count === best.n && byCode(label, best.label) < 0)) labels.set(term, { label, n: b.doc_count });
          break;
        }
      }
    }
    if (complete || perTerm >= most) return new Map([...labels].map(([t, l]) => [t, l.label]));
  }
}

/**
 * Significant terms in one request: the period's CANDIDATES most mentioned terms (and their
 * labels), and the previous period's terms, each under its own filter; a candidate missing from
 * the previous period's list is looked up exactly by a second, small request (include), unless
 * that list was complete. Scored as src/store/significant.ts does (log-likelihood G² on mentions).
 */
export async function significantTerms(service: Service, request: SignificantTermsRequest): Promise<SignificantTerm[]> {
  const from = Date.parse(request.from);
  const to = Date.parse(request.to);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
    throw badRequest(`significant terms need a period with from before to, got from=${request.from} to=${request.to}`);
  }
  const { size = 20, minMentions = 2, from: _from, to: _to, ...scope } = request;
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw badRequest(`size: must be a whole number from 1 to 1000, got ${size}`);
  const span: SearchFilters & { query?: string } = { ...scope, from: new Date(from - (to - from)).toISOString(), to: new Date(to).toISOString() };
  const query = filteredQuery(resolveQuery(scope.query), resolveFilters(span));
  const target: estypes.QueryDslQueryContainer = { range: { [FIELDS.publishedMs]: { gte: from, lt: to } } };
  const before: estypes.QueryDslQueryContainer = { range: { [FIELDS.publishedMs]: { gte: from - (to - from), lt: from } } };
  const aggs = await aggregate(service, 'significantTerms', query, {
    target: {
      filter: target,
      aggs: { terms: { terms: { field: FIELDS.termKeys, size: CANDIDATES, shard_size: CANDIDATES * 2, order: BY_COUNT } }, labels: labelsListed(size) },
    },
    background: { filter: before, aggs: { terms: { terms: { field: FIELDS.termKeys, size: CANDIDATES * 5, shard_size: CANDIDATES * 10, order: BY_COUNT } } } },
  });
  type Period = { doc_count: number; terms?: TermsAgg; labels?: TermsAgg };
  const inTarget = aggs.target as Period | undefined;
  const inBackground = aggs.background as Period | undefined;
  const targetMentions = inTarget?.doc_count ?? 0;
  const backgroundMentions = inBackground?.doc_count ?? 0;
  const candidates = (inTarget?.terms?.buckets ?? []).map((b) => ({ term: String(b.key), mentions: b.doc_count }));
  const previous = new Map((inBackground?.terms?.buckets ?? []).map((b) => [String(b.key), b.doc_count]));
  const missing = candidates.filter((c) => !previous.has(c.term)).map((c) => c.term);
  if (missing.length > 0 && (inBackground?.terms?.sum_other_doc_count ?? 0) > 0) {
    const exact = await aggregate(service, 'significantTerms', { bool: { filter: [query, before] } }, {
      terms: { terms: { field: FIELDS.termKeys, include: missing, size: missing.length, shard_size: missing.length } },
    });
    for (const b of (exact.terms as TermsAgg | undefined)?.buckets ?? []) previous.set(String(b.key), b.doc_count);
  }
  const scored = candidates
    .map(({ term, mentions }) => {
      const b = previous.get(term) ?? 0;
      // With an empty background every term is new; the score is then the target frequency.
      const score = backgroundMentions === 0 ? mentions : logLikelihood(mentions, b, targetMentions, backgroundMentions);
      return { term, mentions, backgroundMentions: b, score: Math.round(score * 1000) / 1000 };
    })
    .filter((t) => t.score > 0 && t.mentions >= minMentions)
    .sort((x, y) => y.score - x.score || x.term.localeCompare(y.term))
    .slice(0, size);
  const labels = await labelsFrom(service, { bool: { filter: [query, target] } }, inTarget?.labels, scored);
  return scored.map((t) => ({ term: t.term, label: labels.get(t.term) ?? t.term, mentions: t.mentions, backgroundMentions: t.backgroundMentions, score: t.score }));
}
