// Issue 16: the tone toward a brand in Elasticsearch reads, with no script (the integ-test build
// has no painless): a document with a tone toward the brand that differs from its own carries it in
// ecoute.brand_tone.<brand> (and its label in ecoute.brand_labels, `brand<SEP>label`); every other
// document reads the mention's own tone. A brand's sum of tones is then two sums: the mention's
// tone over the documents without the brand's field, and the brand's field.
import type { estypes } from '@elastic/elasticsearch';
import type { SentimentLabel } from '../../core/types.js';
import { FIELDS, literal, SEP } from './schema.js';

type EsQuery = estypes.QueryDslQueryContainer;
type Aggs = Record<string, estypes.AggregationsAggregationContainer>;

const towardField = (brand: string): string => `${FIELDS.brandTone}.${brand}`;

/** Documents without a tone of their own toward `brand`: they read the mention's. */
export const ownToneOf = (brand: string): EsQuery => ({ bool: { must_not: [{ exists: { field: towardField(brand) } }] } });

/** The tone filter of a read filtered on `brand`: the tone toward the brand is `label`. */
export function labelTowardFilter(brand: string, label: SentimentLabel): EsQuery {
  return {
    bool: {
      should: [{ bool: { filter: [{ term: { [FIELDS.sentiment]: label } }, ownToneOf(brand)] } }, { term: { [FIELDS.brandLabels]: `${brand}${SEP}${label}` } }],
      minimum_should_match: 1,
    },
  };
}

/** Sub-aggregations whose results toneSumOf() reads: the sum of the tones toward `brand`. */
export function toneSumAggs(brand: string): Aggs {
  return {
    own_tone: { filter: ownToneOf(brand), aggs: { sum: { sum: { field: FIELDS.tone } } } },
    toward_tone: { sum: { field: towardField(brand) } },
  };
}

type ToneSumResult = { own_tone?: { sum?: { value: number | null } }; toward_tone?: { value: number | null } };

export function toneSumOf(bucket: unknown): number {
  const b = bucket as ToneSumResult | undefined;
  return (b?.own_tone?.sum?.value ?? 0) + (b?.toward_tone?.value ?? 0);
}

/** The tone labels toward `brand`: those of the mention where it has none of its own, else its own. */
export function labelAggs(brand: string, size: number): Aggs {
  return {
    own_labels: { filter: ownToneOf(brand), aggs: { labels: { terms: { field: FIELDS.sentiment, size } } } },
    toward_labels: { terms: { field: FIELDS.brandLabels, include: `${literal(brand)}${SEP}.*`, size } },
  };
}

type KeyBuckets = { buckets?: { key: string | number; doc_count: number }[] };

export function labelCountsOf(aggs: Record<string, unknown> | undefined, brand: string): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  const own = (aggs?.own_labels as { labels?: KeyBuckets } | undefined)?.labels?.buckets ?? [];
  for (const b of own) counts.set(String(b.key), (counts.get(String(b.key)) ?? 0) + b.doc_count);
  const prefix = `${brand}${SEP}`;
  for (const b of (aggs?.toward_labels as KeyBuckets | undefined)?.buckets ?? []) {
    const label = String(b.key).slice(prefix.length);
    counts.set(label, (counts.get(label) ?? 0) + b.doc_count);
  }
  return [...counts].map(([value, count]) => ({ value, count }));
}

/** Documents whose semantic-field tones read reversed for `brand`. */
export const flippedFor = (brand: string): EsQuery => ({ term: { [FIELDS.brandFlip]: brand } });
