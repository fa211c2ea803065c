// fieldAuthors for Elasticsearch (the perceived image, issue 13). Per semantic field present, the
// authors of the matching mentions that hold it (exists on analysis.fields.<name>.hits), each with
// their mentions with the field (the doc count) and their mean tone (avg of
// analysis.fields.<name>.tone). The distinct authors of all matching mentions are counted by
// distinctAuthors's composite pages. The shared FieldAuthorsFold then bins them exactly as the
// embedded store does (per field, authors in authorKey order).
//
// es17 (issue 13, the report at 1,000,000 mentions): one request per field cost a pass of its own
// and its own fixed cost (~14 requests a call, a 60,000-slot composite each). Now the head request
// also counts each field's mentions, which bound its authors (an author has at least one mention),
// and the fields are packed into as few requests as fit under search.max_buckets: in one request,
// a `filter` aggregation per field with a `terms` aggregation on authorKey of `size` = that bound,
// over only the mentions holding one of the request's fields. A terms aggregation whose size is at
// least the number of its values lists them all (sum_other_doc_count 0): exact, as the composite
// pages were. A field with more mentions than a request can hold buckets is read alone, with a
// terms aggregation of AUTHOR_PAGE buckets; when its authors are more than that (the list comes
// back cut: sum_other_doc_count > 0), by composite pages as before (exact whatever its authors). Keys come back (the fold sums in
// authorKey order, so the tone sums are the embedded store's to the last bit), other keys of each
// bucket are left out of the response (filter_path).
import type { estypes } from '@elastic/elasticsearch';
import { FieldAuthorsFold, type AuthorFieldRow } from '../field-authors.js';
import { resolveFilters, resolveQuery } from '../request.js';
import type { FieldAuthors, FieldAuthorsRequest } from '../types.js';
import { AUTHOR_PAGE, distinctAuthors } from './aggregations.js';
import { filteredQuery } from './request-builder.js';
import { FIELDS } from './schema.js';
import type { Service } from './service.js';

/** Semantic fields come from the lexicons and brand configs: a bounded set. */
const MAX_FIELDS = 1000;
/** Requests in flight at once: the fields' requests are independent (two: one per core here). */
const PARALLEL = 2;

type AuthorBucket = { key: string; doc_count: number; tone?: { value: number | null } };
type CompositeBucket = { key: { a: string }; doc_count: number; tone?: { value: number | null } };

const hitsOf = (field: string): string => `analysis.fields.${field}.hits`;
const toneOf = (field: string): string => `analysis.fields.${field}.tone`;

/** Code point order (UTF-8 byte order, as Elasticsearch sorts keywords), not UTF-16 unit order. */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (code points above U+FFFF) sort after U+E000..U+FFFF.
    x = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
    y = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
    return x - y;
  }
  return a.length - b.length;
}

/** One field's rows by composite pages (a field with more mentions than a packed request holds). */
async function compositeRows(service: Service, query: estypes.QueryDslQueryContainer, field: string): Promise<AuthorFieldRow[]> {
  const rows: AuthorFieldRow[] = [];
  const withField: estypes.QueryDslQueryContainer = { bool: { filter: [query, { exists: { field: hitsOf(field) } }] } };
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
          aggs: { tone: { avg: { field: toneOf(field) } } },
        },
      },
    });
    const agg = response.aggregations?.authors as { buckets?: CompositeBucket[]; after_key?: Record<string, string> } | undefined;
    const buckets = agg?.buckets ?? [];
    for (const b of buckets) rows.push({ field, mentions: b.doc_count, tone: b.tone?.value ?? null });
    if (buckets.length < AUTHOR_PAGE || agg?.after_key === undefined) return rows;
    after = agg.after_key;
  }
}

/**
 * Several fields' rows in one request (their mention counts summing to at most AUTHOR_PAGE), or one
 * larger field: per field a terms aggregation of as many buckets as its mentions (at most
 * AUTHOR_PAGE). A field whose list came back cut (more authors than buckets) is read again by
 * composite pages.
 */
async function packedRows(service: Service, query: estypes.QueryDslQueryContainer, fields: { field: string; mentions: number }[], budget: number): Promise<AuthorFieldRow[][]> {
  const anyField: estypes.QueryDslQueryContainer = { bool: { filter: [query], should: fields.map((f) => ({ exists: { field: hitsOf(f.field) } })), minimum_should_match: 1 } };
  const aggs: Record<string, estypes.AggregationsAggregationContainer> = {};
  fields.forEach((f, i) => {
    const size = Math.max(1, Math.min(f.mentions, budget));
    aggs[`f${i}`] = {
      filter: { exists: { field: hitsOf(f.field) } },
      aggs: { authors: { terms: { field: FIELDS.authorKey, size, shard_size: size }, aggs: { tone: { avg: { field: toneOf(f.field) } } } } },
    };
  });
  const response = await service.client.search({
    ...service.readTarget(),
    query: anyField,
    size: 0,
    track_total_hits: false,
    filter_path: ['aggregations.*.authors.sum_other_doc_count', 'aggregations.*.authors.buckets.key', 'aggregations.*.authors.buckets.doc_count', 'aggregations.*.authors.buckets.tone.value'],
    aggs,
  });
  const out: AuthorFieldRow[][] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!.field;
    const agg = (response.aggregations?.[`f${i}`] as { authors?: { buckets?: AuthorBucket[]; sum_other_doc_count?: number } } | undefined)?.authors;
    if ((agg?.sum_other_doc_count ?? 0) > 0) {
      out.push(await compositeRows(service, query, field));
      continue;
    }
    const buckets = [...(agg?.buckets ?? [])].sort((a, b) => byCodePoint(String(a.key), String(b.key)));
    out.push(buckets.map((b) => ({ field, mentions: b.doc_count, tone: b.tone?.value ?? null })));
  }
  return out;
}

/** Fields (largest first) packed into requests whose mention counts sum to at most AUTHOR_PAGE; a larger field alone. */
export function packFields(fields: readonly { field: string; mentions: number }[], budget = AUTHOR_PAGE): { field: string; mentions: number }[][] {
  const groups: { fields: { field: string; mentions: number }[]; used: number }[] = [];
  const singles: { field: string; mentions: number }[][] = [];
  for (const f of [...fields].sort((a, b) => b.mentions - a.mentions || byCodePoint(a.field, b.field))) {
    if (f.mentions > budget) {
      singles.push([f]);
      continue;
    }
    // First fit (largest first): few requests, each well filled.
    const group = groups.find((g) => g.used + f.mentions <= budget);
    if (group) {
      group.fields.push(f);
      group.used += f.mentions;
    } else groups.push({ fields: [f], used: f.mentions });
  }
  return [...singles, ...groups.map((g) => g.fields)];
}

/** `bucketsPerRequest`: the packing budget (tests make it small to read the composite fallback). */
export async function fieldAuthors(service: Service, request: FieldAuthorsRequest, bucketsPerRequest = AUTHOR_PAGE): Promise<FieldAuthors> {
  const query = filteredQuery(resolveQuery(request.query), resolveFilters(request));
  try {
    // The fields present (flat names, global ordinals) with their mentions, and the number of matching mentions.
    const head = await service.client.search({
      ...service.readTarget(),
      query,
      size: 0,
      track_total_hits: true,
      aggs: { names: { terms: { field: FIELDS.fieldNames, size: MAX_FIELDS } } },
    });
    const mentions = typeof head.hits.total === 'number' ? head.hits.total : (head.hits.total?.value ?? 0);
    const present = ((head.aggregations?.names as { buckets?: { key: string; doc_count: number }[] } | undefined)?.buckets ?? []).map((b) => ({ field: String(b.key), mentions: b.doc_count }));
    const fold = new FieldAuthorsFold();
    if (mentions === 0) return fold.result(0, 0);
    // A field name with no analysis.fields.<name> number (an odd document) still gets its read: empty.
    const requests = packFields(present, bucketsPerRequest);
    const perRequest: AuthorFieldRow[][][] = new Array<AuthorFieldRow[][]>(requests.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const i = next++;
        const group = requests[i]!;
        perRequest[i] = await packedRows(service, query, group, bucketsPerRequest);
      }
    };
    const [authors] = await Promise.all([distinctAuthors(service, query), ...Array.from({ length: PARALLEL }, worker)]);
    // Fields in name order, as the fold's own ties are.
    const rows = perRequest.flat().sort((a, b) => byCodePoint(a[0]?.field ?? '', b[0]?.field ?? ''));
    for (const fieldRows of rows) for (const row of fieldRows) if (row.mentions > 0) fold.add(row);
    return fold.result(mentions, authors);
  } catch (error) {
    throw service.failure('fieldAuthors', error);
  }
}
