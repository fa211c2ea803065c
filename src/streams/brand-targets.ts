// Issue 16 (per-brand tone): the words that locate each brand in a mention's text, read off the
// brand's query (its terms, phrases and wildcards outside a NOT), for the tone toward each brand
// (nlp/sentiment/brand-tone.ts, `analysis.sentiment.byBrand`).
import type { BrandConfig } from '../config/schema.js';
import type { QueryNode } from '../query/ast.js';
import { fold, foldedWords } from '../nlp/normalize.js';
import type { ToneTarget } from '../nlp/sentiment/brand-tone.js';
import { parseBrandQuery } from './brands.js';

function collect(node: QueryNode, phrases: string[][], prefixes: string[]): void {
  switch (node.type) {
    case 'term':
      phrases.push(foldedWords(node.word));
      return;
    case 'phrase':
      phrases.push(node.words.map(fold));
      return;
    case 'prefix':
      prefixes.push(fold(node.prefix));
      return;
    case 'and':
    case 'or':
      for (const c of node.children) collect(c, phrases, prefixes);
      return;
    case 'near':
      for (const c of node.children) collect(c, phrases, prefixes);
      return;
    default:
      // 'not' (words that must be absent), fields, titles, ranges: they do not name the brand.
      return;
  }
}

/** The tone target of one brand: its query's words. */
export function brandToneTarget(brand: Pick<BrandConfig, 'id' | 'query'>): ToneTarget {
  const phrases: string[][] = [];
  const prefixes: string[] = [];
  collect(parseBrandQuery(brand.query), phrases, prefixes);
  return { id: brand.id, phrases: phrases.filter((p) => p.length > 0), prefixes };
}

/** Tone targets by brand id, for the analyze stage (`brandTargets`). */
export function brandToneTargets(brands: readonly Pick<BrandConfig, 'id' | 'query'>[]): (ids: readonly string[]) => ToneTarget[] {
  const byId = new Map(brands.map((b) => [b.id, brandToneTarget(b)]));
  return (ids) => ids.map((id) => byId.get(id)).filter((t): t is ToneTarget => t !== undefined);
}
