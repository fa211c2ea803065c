// Which brands a mention is about: each brand's boolean query (minus its exclude query) evaluated
// against the mention's words, lemmas and fields, the same forms and fields search uses.
//
// Brands are matched mid-analysis (src/streams/analyze.ts): after the language is known and the
// lemmas are computed, before the sentiment is scored (a brand's calibration shapes it). So a
// brand query may name the fields known by then (lang, source, author, title, site, rating, date)
// and no other: `brand:` is what brand matching decides, `sentiment:`, `field:` and `flag:` are not
// computed yet. parseBrandQuery refuses those, and the
// config cross-checks call it, so `ecoute config validate` says so instead of a query that
// silently never matches.
import type { BrandConfig } from '../config/schema.js';
import type { RawMention } from '../core/types.js';
import { fold, foldedWords } from '../nlp/normalize.js';
import { fieldsOf, QuerySyntaxError, type QueryField, type QueryNode } from '../query/ast.js';
import { compileMatcher, type MatchFields } from '../query/match.js';
import { parseQuery } from '../query/parse.js';

/** What brand matching sees of a mention, mid-analysis. */
export interface BrandMatchInput {
  /** The mention as the connector gave it (source, title, url, publishedAt, rating, lang hint...). */
  mention: RawMention;
  /** The text analysed: title and text. */
  body: string;
  /** analysis.lemmas. */
  lemmas: readonly string[];
  /** analysis.lang: the source's hint when it wins, else the detected language. */
  lang: string;
  /** The mention's authorKey (what `author:` compares, with the handle when handles are kept). */
  authorKey?: string;
  authorHandle?: string;
}

export type BrandMatcher = (input: BrandMatchInput) => string[];

/** Why a field cannot be used in a brand query: it is not known when brands are matched. */
const UNKNOWN_WHEN_MATCHING: Partial<Record<QueryField, string>> = {
  brand: "the brands of a mention are what brand matching decides (write the other brand's words instead)",
  sentiment: "the sentiment is scored after brands are matched, since a brand's calibration shapes it (filter searches by sentiment instead)",
  field: "semantic fields are found after brands are matched, since a brand's field overrides shape them (filter searches by field instead)",
  flag: 'flags are computed after brands are matched (filter searches by flag instead)',
};

/** Fields a brand query may name. */
export const BRAND_QUERY_FIELDS: readonly QueryField[] = ['lang', 'source', 'author', 'title', 'site', 'rating', 'date'];

/** Parses a brand's query or exclude query; refuses fields not known when brands are matched. */
export function parseBrandQuery(text: string): QueryNode {
  const node = parseQuery(text);
  for (const field of fieldsOf(node)) {
    const why = UNKNOWN_WHEN_MATCHING[field];
    if (why === undefined) continue;
    // The AST keeps no offsets: point at the first `field:` in the text, for the message.
    const at = new RegExp(`(^|[^\\p{L}\\p{N}_])${field}:`, 'iu').exec(text);
    const offset = at ? at.index + at[1]!.length : undefined;
    const where = offset === undefined ? '' : ` (at column ${offset + 1})`;
    throw new QuerySyntaxError(`field "${field}:" cannot be used in a brand query${where}: ${why}; a brand query may name ${BRAND_QUERY_FIELDS.map((f) => `${f}:`).join(', ')}`, offset);
  }
  return node;
}

/** The fields of the mention the matcher compares with `lang:` and `source:`. */
function fieldsFor(input: BrandMatchInput): MatchFields {
  const m = input.mention;
  const fields: MatchFields = { lang: input.lang, source: m.source, publishedMs: Date.parse(m.publishedAt) };
  if (input.authorKey !== undefined) fields.authorKey = input.authorKey;
  if (input.authorHandle !== undefined) fields.authorHandle = input.authorHandle;
  if (m.title !== undefined) fields.title = m.title;
  if (m.url !== undefined) fields.url = m.url;
  if (typeof m.rating === 'number') fields.rating = m.rating;
  return fields;
}

export function brandMatcher(brands: readonly BrandConfig[]): BrandMatcher {
  const compiled = brands.map((brand) => ({
    id: brand.id,
    matches: compileMatcher(parseBrandQuery(brand.query)),
    excluded: brand.exclude === undefined ? undefined : compileMatcher(parseBrandQuery(brand.exclude)),
  }));
  return (input) => {
    const doc = { words: foldedWords(input.body), lemmas: input.lemmas.map(fold), fields: fieldsFor(input) };
    return compiled.filter((b) => b.matches(doc) && !b.excluded?.(doc)).map((b) => b.id);
  };
}
