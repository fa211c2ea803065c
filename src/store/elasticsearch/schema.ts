// The Elasticsearch store's layout: monthly indices <prefix>-YYYY.MM (from publishedAt, UTC), all
// created from one composable index template <prefix> that also puts them under the read alias
// <prefix>. Core features only (no analysis-common, no painless, no ingest), so it runs on the
// integ-test-zip build and on any full Elasticsearch 9.x.
//
// A stored document is the AnalyzedMention as given, plus `ecoute.*`: what the store derives for
// search and aggregations. `ecoute` is excluded from `_source`, so get() and search hits return
// exactly the mention, and the derived copies cost index space only.
import type { estypes } from '@elastic/elasticsearch';
import { mentionBody } from '../../core/mention-text.js';
import type { AnalyzedMention } from '../../core/types.js';
import { foldedWords } from '../../nlp/normalize.js';
import { foldHandle } from '../../query/match.js';
import { sitesOf } from '../../query/site.js';
import { brandTonesOf } from '../brand-tone.js';

/** Bump with every mapping change (it is written in the template's _meta). */
// v2 (issue 11): ecoute.title, ecoute.sites, ecoute.author and analysis.flags for the query
// language's title:, site:, author: (handle) and flag:; ecoute.terms.label (surface forms) and the
// nested ecoute.fields {field, tone} for the dashboard's aggregations. Additive: putSchema adds them
// to older monthly indices; documents indexed before v2 get them once written again (re-run the
// import or replay).
// v3 (issue 11, speed): terms and semantic-field names as flat keyword arrays (ecoute.term_keys,
// term_extra, term_labels, term_adjust, field_names) instead of one nested document per term: a
// terms aggregation over global ordinals instead of a nested join over ~15 Lucene documents per
// mention (10x faster to aggregate, several times faster to index). Not additive: the documents of
// an older index lack the flat fields, so ensureSchema re-derives them in place (migrate.ts); each
// index records its version in its mapping's _meta.
// Also in v3 (issue 11, proximity on lemmas): ecoute.lemma_text, the lemma tokens in text order
// with positions, which NEAR/ONEAR count on; the in-place re-derivation writes it too.
// v4 (speed-es, issues 11 and 13): ecoute.published_sort, publishedAt in epoch ms again (doc values
// only, never queried), and new monthly indices sorted on it, newest first (index.sort): a page of
// newest-first hits is then a run of neighbouring documents, whose stored _source Elasticsearch
// decompresses once per block instead of once per hit (exports, deep pages). Range filters keep
// reading ecoute.published_at, which is not the sort field (see indexSettings). Documents of a v3
// index need nothing new (no query reads the field): migrate.ts only records the version; an index
// created before v4 stays unsorted (index.sort is fixed at creation) and is read exactly as before.
export const SCHEMA_VERSION = 4;
// Issue 16 (brand17), additive, no version bump: ecoute.brand_tone.<brand> (double), and the
// keywords ecoute.brand_labels (`brand<SEP>label`) and ecoute.brand_flip (brands whose field tones
// read reversed): the tone toward each brand of a mention that names several with different tones
// (src/store/brand-tone.ts). putSchema adds them to older indices; a document without them reads
// the mention's own tone, which is right for every document written before issue 16's byBrand.
/** The oldest schema version whose documents need no re-derivation (migrate.ts). */
export const DOCUMENTS_CURRENT_SINCE = 3;

export interface IndexLayout {
  prefix: string;
  shards: number;
  replicas: number;
  refreshIntervalMs: number;
}

/** The read alias over every monthly index; also the template's name. */
export const aliasName = (prefix: string): string => prefix;
export const templateName = (prefix: string): string => prefix;
export const indexPattern = (prefix: string): string => `${prefix}-*`;

/** The monthly index a mention published at `ms` (epoch ms) lives in: <prefix>-YYYY.MM, UTC. */
export function monthlyIndex(prefix: string, ms: number): string {
  const d = new Date(ms);
  return `${prefix}-${String(d.getUTCFullYear()).padStart(4, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Whether `name` is one of the monthly indices of `prefix`. */
export function isMonthlyIndex(prefix: string, name: string): boolean {
  return name.length === prefix.length + 8 && name.startsWith(`${prefix}-`) && /^\d{4}\.\d{2}$/.test(name.slice(prefix.length + 1));
}

/** Field names of what the store queries, sorts and aggregates on. */
export const FIELDS = {
  id: 'id',
  publishedMs: 'ecoute.published_at',
  publishedSort: 'ecoute.published_sort',
  text: 'ecoute.text',
  lemmas: 'ecoute.lemmas',
  lemmaText: 'ecoute.lemma_text',
  title: 'ecoute.title',
  sites: 'ecoute.sites',
  author: 'ecoute.author',
  termKeys: 'ecoute.term_keys',
  termExtra: 'ecoute.term_extra',
  termLabels: 'ecoute.term_labels',
  termAdjust: 'ecoute.term_adjust',
  termAdjustTerm: 'ecoute.term_adjust.term',
  termAdjustValue: 'ecoute.term_adjust.value',
  fieldNames: 'ecoute.field_names',
  fields: 'ecoute.fields',
  fieldName: 'ecoute.fields.field',
  fieldTone: 'ecoute.fields.tone',
  brandTone: 'ecoute.brand_tone',
  brandLabels: 'ecoute.brand_labels',
  brandFlip: 'ecoute.brand_flip',
  tone: 'analysis.sentiment.score',
  sentiment: 'analysis.sentiment.label',
  lang: 'analysis.lang',
  source: 'source',
  brands: 'brands',
  authorKey: 'authorKey',
  duplicateOf: 'duplicateOf',
} as const;

/** Keywords longer than this are not indexed (Lucene refuses terms over 32 766 bytes). */
const KEYWORD_MAX = 1000;
/** Between a term and what a flat value adds to it (an occurrence number, a surface form). */
export const SEP = '\u001f';

/** A Lucene regular expression matching `text` literally (the `include` of a terms aggregation; SEP left as it is). */
export function literal(text: string): string {
  return text.replace(/[^\p{L}\p{N}]/gu, (c) => (c === SEP ? c : `\\${c}`));
}

/** Keywords aggregated on every dashboard read: their global ordinals are built at refresh, not by the first read after it. */
const AGGREGATED = { type: 'keyword', eager_global_ordinals: true } as const;

export const MAPPINGS: estypes.MappingTypeMapping = {
  // Only what is listed here is indexed; the rest of a mention (url, author, metrics, raw, drivers…)
  // stays in _source. `raw` can hold anything a source sends: dynamic mapping would let one odd
  // document fix a field's type for the whole month, or explode the mapping.
  dynamic: false,
  _source: { excludes: ['ecoute'] },
  // The schema version the index's documents were derived with (migrate.ts reads it).
  _meta: { managed_by: 'ecoute', schema_version: SCHEMA_VERSION },
  dynamic_templates: [
    // Semantic fields {name: {hits, tone}}: names come from the lexicons (a bounded set), so a
    // dynamic object gives each field its own numeric sub-fields for per-field aggregations.
    // ignore_malformed: an odd value is left unindexed instead of failing the mention.
    { semantic_field_integers: { path_match: 'analysis.fields.*', match_mapping_type: 'long', mapping: { type: 'double', ignore_malformed: true } } },
    { semantic_field_numbers: { path_match: 'analysis.fields.*', match_mapping_type: 'double', mapping: { type: 'double', ignore_malformed: true } } },
    { semantic_field_strings: { path_match: 'analysis.fields.*', match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 256 } } },
    // Issue 16: the tone toward each brand (brand ids: a bounded set from the config), one double per brand.
    { brand_tone_integers: { path_match: 'ecoute.brand_tone.*', match_mapping_type: 'long', mapping: { type: 'double' } } },
    { brand_tone_numbers: { path_match: 'ecoute.brand_tone.*', match_mapping_type: 'double', mapping: { type: 'double' } } },
  ],
  properties: {
    id: { type: 'keyword' }, // also the sort tie-breaker (sorting on _id is disabled by default)
    source: AGGREGATED,
    sourceId: { type: 'keyword' },
    // title and text are not mapped (schema version 3): queries read ecoute.text and ecoute.title,
    // the folded words; analysing the raw text a second time cost a third of the indexing time.
    // Indices from before keep their mapping of them (mappings cannot be removed), unused.
    rating: { type: 'double', ignore_malformed: true },
    brands: AGGREGATED,
    authorKey: { type: 'keyword' },
    // Near-duplicates: the id of the first-seen copy (SearchFilters.duplicates). Mapped since
    // schema version 1, so every index made from the template indexes it; an index made before the
    // template gets it from ensureSchema (putMapping), and its documents without it are originals.
    duplicateOf: { type: 'keyword' },
    analysis: {
      properties: {
        lang: AGGREGATED,
        langConfidence: { type: 'float', ignore_malformed: true },
        tokens: { type: 'integer', ignore_malformed: true },
        sentiment: {
          properties: {
            // double, not float: a mean tone of 0.9 must come back as 0.9, as from SQLite's REAL.
            score: { type: 'double' },
            label: AGGREGATED,
            confidence: { type: 'float', ignore_malformed: true },
          },
        },
        fields: { type: 'object', dynamic: true },
        flags: {
          properties: {
            question: { type: 'boolean', ignore_malformed: true },
            ironySuspected: { type: 'boolean', ignore_malformed: true },
            profanity: { type: 'boolean', ignore_malformed: true },
          },
        },
      },
    },
    ecoute: {
      properties: {
        // Epoch ms parsed by the shared validator: every instant it accepts (any offset, any number
        // of fraction digits) sorts, filters and buckets exactly as in the embedded store.
        published_at: { type: 'date', format: 'epoch_millis' },
        // The same instant, the index sort key only (schema version 4): doc values, no index.
        published_sort: { type: 'long', index: false },
        // Folded words of title + text; see src/query/compile/elasticsearch.ts.
        text: { type: 'text', analyzer: 'whitespace' },
        // Folded words of the title alone (title:), like text.
        title: { type: 'text', analyzer: 'whitespace' },
        // The url's host and its parent domains (site:), see src/query/site.ts.
        sites: { type: 'keyword', ignore_above: KEYWORD_MAX },
        // The folded handle, when the config keeps handles (author:).
        author: { type: 'keyword', ignore_above: KEYWORD_MAX },
        // Folded lemma tokens, deduplicated: term queries only need presence.
        lemmas: { type: 'keyword', ignore_above: KEYWORD_MAX },
        // The same lemma tokens in text order, with positions: proximity (schema version 3).
        lemma_text: { type: 'text', analyzer: 'whitespace' },
        // analysis.terms, flat (schema version 3), read by aggregations.ts's topTerms:
        // - term_keys: each term once per mention: a term's doc count is its number of mentions;
        // - term_extra: `term<SEP>k` for k = 2..count, one value per occurrence after the first:
        //   a term's count is its mentions plus the doc counts of its term_extra values;
        // - term_adjust: what an integer count cannot say (a count that is not a whole number,
        //   never written by écoute's analyzer): count minus max(1, floor(count)), per term;
        // - term_labels: `term<SEP>surface form` (analysis.labels, else the term): a top term's
        //   label is its most frequent one.
        term_keys: { ...AGGREGATED, ignore_above: KEYWORD_MAX },
        term_extra: { type: 'keyword', index: false, ignore_above: KEYWORD_MAX },
        term_labels: { type: 'keyword', index: false, ignore_above: KEYWORD_MAX },
        term_adjust: { type: 'nested', properties: { term: { type: 'keyword', ignore_above: KEYWORD_MAX }, value: { type: 'double' } } },
        // Issue 16: the tone toward each brand where it differs from the mention's (see FIELDS).
        brand_tone: { type: 'object', dynamic: true },
        brand_labels: { type: 'keyword', ignore_above: KEYWORD_MAX },
        brand_flip: { type: 'keyword', ignore_above: KEYWORD_MAX },
        // The semantic fields' names, flat (schema version 3): the field facet.
        field_names: { ...AGGREGATED, ignore_above: KEYWORD_MAX },
        // One {field, tone} pair per semantic field of the mention (schema version 2): the field
        // facet and per-field stats count mentions by the nested doc count, as for terms.
        fields: {
          type: 'nested',
          properties: {
            field: { type: 'keyword', ignore_above: KEYWORD_MAX },
            tone: { type: 'double' },
          },
        },
      },
    },
  },
};

export function indexSettings(layout: IndexLayout): estypes.IndicesIndexSettings {
  return {
    number_of_shards: layout.shards,
    number_of_replicas: layout.replicas,
    refresh_interval: `${layout.refreshIntervalMs}ms`,
    // One nested pair per distinct term: a 30 000-character article has a few thousand; the
    // default limit (10 000) is close enough to reject a long text.
    mapping: { nested_objects: { limit: 50_000 } },
    // Sorted newest first (schema version 4) on a copy of the date that no query filters on: sorted
    // on published_at itself, 9.2.0 answered a count of a one-day range 0 instead of 1 (the query
    // table's `date:2026-03-05`: the range rewrite Lucene applies to the index sort field).
    sort: { field: [FIELDS.publishedSort], order: ['desc'], missing: ['_last'] },
  };
}

export function indexTemplate(layout: IndexLayout): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: templateName(layout.prefix),
    index_patterns: [indexPattern(layout.prefix)],
    // Above the built-in templates (100); two templates of the same priority may not overlap.
    priority: 200,
    version: SCHEMA_VERSION,
    _meta: { managed_by: 'ecoute', schema_version: SCHEMA_VERSION },
    template: {
      settings: indexSettings(layout),
      mappings: MAPPINGS,
      aliases: { [aliasName(layout.prefix)]: {} },
    },
  };
}

/** Derived search fields of a (validated) mention. */
export interface Derived {
  published_at: number;
  published_sort: number;
  text: string;
  title?: string;
  sites: string[];
  author?: string;
  lemmas: string[];
  lemma_text: string;
  term_keys: string[];
  term_extra: string[];
  term_labels: string[];
  term_adjust?: { term: string; value: number }[];
  field_names: string[];
  fields: { field: string; tone?: number }[];
  brand_tone?: Record<string, number>;
  brand_labels?: string[];
  brand_flip?: string[];
}

export function derive(m: AnalyzedMention, publishedMs: number): Derived {
  const lemmaTokens = foldedWords(m.analysis.lemmas.join(' '));
  return {
    published_at: publishedMs,
    published_sort: publishedMs,
    // One text like the embedded FTS column (title, newline, text): a phrase may span the two.
    text: foldedWords(mentionBody(m)).join(' '),
    ...(m.title !== undefined && { title: foldedWords(m.title).join(' ') }),
    sites: sitesOf(m.url),
    ...(m.author?.name !== undefined && { author: foldHandle(m.author.name) }),
    lemmas: [...new Set(lemmaTokens)],
    lemma_text: lemmaTokens.join(' '),
    ...flatTerms(m),
    field_names: Object.keys(m.analysis.fields ?? {}),
    fields: Object.entries(m.analysis.fields ?? {}).map(([field, hit]) => {
      const tone = (hit as { tone?: unknown } | null)?.tone;
      return typeof tone === 'number' && Number.isFinite(tone) ? { field, tone } : { field };
    }),
    ...brandTones(m),
  };
}

/** A brand id that can name a field (the config's brand ids all can); another reads the mention's tone. */
const FIELD_SAFE_BRAND = /^[a-z0-9][a-z0-9_-]*$/;

/** Issue 16: the derived brand-tone fields, only for a mention with a tone toward a brand that differs from its own. */
function brandTones(m: AnalyzedMention): Pick<Derived, 'brand_tone' | 'brand_labels' | 'brand_flip'> {
  const tones = [...brandTonesOf(m)].filter(([brand]) => FIELD_SAFE_BRAND.test(brand));
  if (tones.length === 0) return {};
  const flip = tones.filter(([, t]) => t.fieldSign === -1).map(([brand]) => brand);
  return {
    brand_tone: Object.fromEntries(tones.map(([brand, t]) => [brand, t.score])),
    brand_labels: tones.map(([brand, t]) => `${brand}${SEP}${t.label}`),
    ...(flip.length > 0 && { brand_flip: flip }),
  };
}

/** Above this many occurrences in one mention, a term's extra occurrences go to term_adjust: a long text's "the" stays a few values. */
export const MAX_EXTRA = 64;

/** analysis.terms as the flat fields (see MAPPINGS). Zero counts are not occurrences (the embedded store skips them too). */
function flatTerms(m: AnalyzedMention): Pick<Derived, 'term_keys' | 'term_extra' | 'term_labels' | 'term_adjust'> {
  const out: Pick<Derived, 'term_keys' | 'term_extra' | 'term_labels'> & { term_adjust: { term: string; value: number }[] } = {
    term_keys: [],
    term_extra: [],
    term_labels: [],
    term_adjust: [],
  };
  for (const [term, count] of Object.entries(m.analysis.terms)) {
    if (!(count > 0)) continue;
    out.term_keys.push(term);
    out.term_labels.push(`${term}${SEP}${labelOf(m, term)}`);
    const whole = Math.min(Math.max(1, Math.floor(count)), MAX_EXTRA);
    for (let k = 2; k <= whole; k++) out.term_extra.push(`${term}${SEP}${k}`);
    if (count !== whole) out.term_adjust.push({ term, value: count - whole });
  }
  if (out.term_adjust.length === 0) {
    const { term_adjust: _none, ...rest } = out;
    return rest;
  }
  return out;
}

function labelOf(m: AnalyzedMention, term: string): string {
  const labels = m.analysis.labels;
  const label = labels && Object.hasOwn(labels, term) ? labels[term] : undefined;
  return typeof label === 'string' && label !== '' ? label : term;
}

/** The document body: the mention, then the derived fields (which replace any `ecoute` key of it). */
export function toDocument(m: AnalyzedMention, publishedMs: number): string {
  return JSON.stringify({ ...m, ecoute: derive(m, publishedMs) });
}
