// fieldAuthors for Elasticsearch (the perceived image, issue 13). Authors are grouped by a
// composite aggregation on authorKey, paged; each author bucket carries, per semantic field, the
// number of its mentions holding the field and their mean tone, read from the per-field numeric
// sub-fields the mapping gives analysis.fields.<name>.{hits,tone} (metric aggregations: they do
// not count against search.max_buckets, so a page can hold many authors). The shared
// FieldAuthorsFold then bins them exactly as the embedded store does.
import type { estypes } from '@elastic/elasticsearch';
import { FieldAuthorsFold } from '../field-authors.js';
import { resolveFilters, resolveQuery } from '../request.js';
import type { FieldAuthors, FieldAuthorsRequest } from '../types.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS } from './schema.js';
import type { Service } from './service.js';

/** Authors per composite page: each carries two metrics per field, far under any response limit. */
const PAGE = 10_000;
/** Semantic fields come from the lexicons and brand configs: a bounded set. */
const MAX_FIELDS = 1000;

type Metric = { value: number | null };
type AuthorBucket = { key: { a: string }; doc_count: number } & Record<string, Metric | unknown>;

export async function fieldAuthors(service: Service, request: FieldAuthorsRequest): Promise<FieldAuthors> {
  const query = filteredQuery(resolveQuery(request.query), resolveFilters(request));
  const target = service.readTarget();
  try {
    // The fields present, and the number of matching mentions.
    const head = await service.client.search({
      ...target,
      query,
      size: 0,
      track_total_hits: true,
      aggs: { fields: { nested: { path: FIELDS.fields }, aggs: { names: { terms: { field: FIELDS.fieldName, size: MAX_FIELDS } } } } },
    });
    const mentions = typeof head.hits.total === 'number' ? head.hits.total : (head.hits.total?.value ?? 0);
    const names = ((head.aggregations?.fields as { names?: { buckets?: { key: string }[] } } | undefined)?.names?.buckets ?? []).map((b) => String(b.key));
    const fold = new FieldAuthorsFold();
    if (mentions === 0) return fold.result(0, 0);
    const metrics: Record<string, estypes.AggregationsAggregationContainer> = {};
    names.forEach((name, i) => {
      metrics[`n${i}`] = { value_count: { field: `analysis.fields.${name}.hits` } };
      metrics[`t${i}`] = { avg: { field: `analysis.fields.${name}.tone` } };
    });
    let authors = 0;
    let after: Record<string, string> | undefined;
    for (;;) {
      const response = await service.client.search({
        ...target,
        query,
        size: 0,
        track_total_hits: false,
        aggs: {
          authors: {
            composite: { size: PAGE, sources: [{ a: { terms: { field: FIELDS.authorKey } } }], ...(after && { after }) },
            aggs: metrics,
          },
        },
      });
      const agg = response.aggregations?.authors as { buckets?: AuthorBucket[]; after_key?: Record<string, string> } | undefined;
      const buckets = agg?.buckets ?? [];
      authors += buckets.length;
      for (const b of buckets) {
        names.forEach((field, i) => {
          const n = (b[`n${i}`] as Metric | undefined)?.value ?? 0;
          if (n > 0) fold.add({ field, mentions: n, tone: (b[`t${i}`] as Metric | undefined)?.value ?? null });
        });
      }
      if (buckets.length < PAGE || agg?.after_key === undefined) break;
      after = agg.after_key;
    }
    return fold.result(mentions, authors);
  } catch (error) {
    throw service.failure('fieldAuthors', error);
  }
}
