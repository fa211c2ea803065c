// fieldAuthors for Elasticsearch (the perceived image, issue 13). For each semantic field present,
// one request over the matching mentions that hold it (exists on analysis.fields.<name>.hits):
// a composite aggregation on authorKey whose buckets carry the author's mentions with the field
// (the doc count) and their mean tone (avg of analysis.fields.<name>.tone). Read per field rather
// than one author bucket carrying two metrics per field (speed-es): each request reads only the
// mentions with that field, and its answer holds only the authors who wrote about it, where the
// per-author request answered ~500 bytes per author, mostly empty metrics, and read every mention
// once per page. The distinct authors of all matching mentions are counted by uniqueAuthors's
// composite pages. The shared FieldAuthorsFold then bins them exactly as the embedded store does
// (per field, authors in authorKey order, as before).
import type { estypes } from '@elastic/elasticsearch';
import { FieldAuthorsFold, type AuthorFieldRow } from '../field-authors.js';
import { resolveFilters, resolveQuery } from '../request.js';
import type { FieldAuthors, FieldAuthorsRequest } from '../types.js';
import { AUTHOR_PAGE, distinctAuthors } from './aggregations.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS } from './schema.js';
import { flippedFor } from './brand-tone.js';
import type { Service } from './service.js';

/** Semantic fields come from the lexicons and brand configs: a bounded set. */
const MAX_FIELDS = 1000;
/** Requests in flight at once: the fields' requests are independent (two: one per core here). */
const PARALLEL = 2;

type Sums = { sum?: { value: number | null }; n?: { value: number | null } };
type AuthorBucket = { key: { a: string }; doc_count: number; tone?: { value: number | null }; plain?: Sums; flipped?: Sums };

/** One field's (author, mentions, mean tone) rows, authors in authorKey order. */
async function fieldRows(service: Service, query: estypes.QueryDslQueryContainer, field: string, brand: string | undefined): Promise<AuthorFieldRow[]> {
  const tone = `analysis.fields.${field}.tone`;
  const sums = { sum: { sum: { field: tone } }, n: { value_count: { field: tone } } };
  // Issue 16: for a brand, an author's mean tone on the field with the tones of the mentions where
  // they read reversed toward the brand (ecoute.brand_flip) taken with the opposite sign.
  const toneAggs: Record<string, estypes.AggregationsAggregationContainer> =
    brand === undefined
      ? { tone: { avg: { field: tone } } }
      : { plain: { filter: { bool: { must_not: [flippedFor(brand)] } }, aggs: sums }, flipped: { filter: flippedFor(brand), aggs: sums } };
  const rows: AuthorFieldRow[] = [];
  const withField: estypes.QueryDslQueryContainer = { bool: { filter: [query, { exists: { field: `analysis.fields.${field}.hits` } }] } };
  let after: Record<string, string> | undefined;
  for (;;) {
    const response = await service.client.search({
      ...service.readTarget(),
      query: withField,
      size: 0,
      track_total_hits: false,
      aggs: {
        authors: {
          composite: { size: AUTHOR_PAGE, sources: [{ a: { terms: { field: FIELDS.authorKey } } }], ...(after && { after }) },
          aggs: toneAggs,
        },
      },
    });
    const agg = response.aggregations?.authors as { buckets?: AuthorBucket[]; after_key?: Record<string, string> } | undefined;
    const buckets = agg?.buckets ?? [];
    for (const b of buckets) rows.push({ field, mentions: b.doc_count, tone: brand === undefined ? (b.tone?.value ?? null) : meanOf(b) });
    if (buckets.length < AUTHOR_PAGE || agg?.after_key === undefined) return rows;
    after = agg.after_key;
  }
}

function meanOf(b: AuthorBucket): number | null {
  const n = (b.plain?.n?.value ?? 0) + (b.flipped?.n?.value ?? 0);
  return n > 0 ? ((b.plain?.sum?.value ?? 0) - (b.flipped?.sum?.value ?? 0)) / n : null;
}

export async function fieldAuthors(service: Service, request: FieldAuthorsRequest): Promise<FieldAuthors> {
  const filters = resolveFilters(request);
  const query = filteredQuery(resolveQuery(request.query), filters);
  try {
    // The fields present (flat names, global ordinals), and the number of matching mentions.
    const head = await service.client.search({
      ...service.readTarget(),
      query,
      size: 0,
      track_total_hits: true,
      aggs: { names: { terms: { field: FIELDS.fieldNames, size: MAX_FIELDS } } },
    });
    const mentions = typeof head.hits.total === 'number' ? head.hits.total : (head.hits.total?.value ?? 0);
    const names = ((head.aggregations?.names as { buckets?: { key: string }[] } | undefined)?.buckets ?? []).map((b) => String(b.key));
    const fold = new FieldAuthorsFold();
    if (mentions === 0) return fold.result(0, 0);
    const perField: AuthorFieldRow[][] = new Array<AuthorFieldRow[]>(names.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) {
        const i = next++;
        perField[i] = await fieldRows(service, query, names[i]!, filters.brand);
      }
    };
    const [authors] = await Promise.all([distinctAuthors(service, query), ...Array.from({ length: PARALLEL }, worker)]);
    for (const rows of perField) for (const row of rows) if (row.mentions > 0) fold.add(row);
    return fold.result(mentions, authors);
  } catch (error) {
    throw service.failure('fieldAuthors', error);
  }
}
