// What the API sends of a mention: snake_case JSON, and a snippet of its text, HTML-escaped, with
// the words the query looks for in <mark>. Matching is on the same folded forms and lemmas the
// stores search (src/query forms), so "livraisons" is marked for a query `livraison`.
import type { AnalyzedMention } from '../core/types.js';
import { foldWord } from '../nlp/normalize.js';
import { indexedForms } from '../query/index.js';
import { parseQuery } from '../query/index.js';

export function mentionJson(m: AnalyzedMention, marks?: Marks): Record<string, unknown> {
  return {
    id: m.id,
    source: m.source,
    ...(m.url !== undefined && { url: m.url }),
    ...(m.title !== undefined && { title: m.title }),
    text: m.text,
    snippet: snippet(m.text, marks ?? NO_MARKS),
    published_at: m.publishedAt,
    lang: m.analysis.lang,
    brands: m.brands,
    sentiment: sentimentJson(m.analysis.sentiment),
    fields: Object.keys(m.analysis.fields ?? {}).sort(),
    ...(typeof (m as { rating?: unknown }).rating === 'number' && { rating: (m as { rating?: number }).rating }),
    ...(typeof m.duplicateOf === 'string' && { duplicate_of: m.duplicateOf }),
  };
}

/**
 * Issue 16: below this confidence the tone is shown as uncertain (the eval's abstention threshold,
 * docs/tone.md) rather than stated as a verdict.
 */
export const UNCERTAIN_BELOW = 0.5;

/**
 * The mention's tone, how sure écoute is of it, and, when it names several brands, the tone toward
 * each (`by_brand`: "Globex is so much better than Acme" is positive for Globex, negative for Acme).
 */
function sentimentJson(sentiment: AnalyzedMention['analysis']['sentiment']): Record<string, unknown> {
  const byBrand = sentiment.byBrand;
  return {
    ...toneJson(sentiment),
    ...(byBrand && Object.keys(byBrand).length > 0 && { by_brand: Object.fromEntries(Object.entries(byBrand).map(([id, t]) => [id, toneJson(t)])) }),
  };
}

function toneJson(t: { label: string; score: number; confidence: number }): Record<string, unknown> {
  return { label: t.label, score: Math.round(t.score * 1000) / 1000, confidence: Math.round(t.confidence * 100) / 100, uncertain: t.confidence < UNCERTAIN_BELOW };
}

/** What a query looks for, to mark in a text: whole forms, and prefixes (`livr*`). */
export interface Marks {
  forms: ReadonlySet<string>;
  prefixes: readonly string[];
}
const NO_MARKS: Marks = { forms: new Set(), prefixes: [] };

/** The positive words of a query (not under NOT, not field values), as the forms they match. */
export function marksOf(query: string | undefined): Marks {
  if (!query || query.trim() === '') return NO_MARKS;
  const forms = new Set<string>();
  const prefixes: string[] = [];
  const addWord = (word: string) => {
    const folded = foldWord(word.toLowerCase());
    forms.add(folded);
    for (const f of indexedForms(word)) forms.add(foldWord(f));
  };
  // Walks any node shape (new operators keep `children`/`child`/`left`/`right`), skipping negations and fields.
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'not' || n.type === 'field') return;
    if (typeof n.word === 'string') addWord(n.word);
    if (Array.isArray(n.words)) for (const w of n.words) if (typeof w === 'string') addWord(w);
    if (typeof n.prefix === 'string') prefixes.push(foldWord(n.prefix.toLowerCase()));
    for (const key of ['children', 'child', 'left', 'right', 'operands']) {
      const v = n[key];
      if (Array.isArray(v)) v.forEach(walk);
      else walk(v);
    }
  };
  try {
    walk(parseQuery(query));
  } catch {
    return NO_MARKS; // a broken query is reported by the search itself
  }
  return { forms, prefixes };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const SNIPPET_CHARS = 240;

/** Up to ~240 characters of the text around the first marked word, escaped, marked words in <mark>. */
export function snippet(text: string, marks: Marks): string {
  const words = [...text.matchAll(/[\p{L}\p{M}\p{N}]+/gu)];
  const marked = (w: string): boolean => {
    const f = foldWord(w.toLowerCase());
    if (marks.forms.has(f) || marks.prefixes.some((p) => f.startsWith(p))) return true;
    return indexedForms(w).some((form) => marks.forms.has(foldWord(form)));
  };
  const hits = marks.forms.size > 0 || marks.prefixes.length > 0 ? words.filter((m) => marked(m[0])) : [];
  let start = 0;
  if (hits.length > 0 && hits[0]!.index > SNIPPET_CHARS / 3) {
    start = hits[0]!.index - Math.floor(SNIPPET_CHARS / 3);
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < hits[0]!.index) start = space + 1;
  }
  const end = Math.min(text.length, start + SNIPPET_CHARS);
  let out = start > 0 ? '…' : '';
  let at = start;
  for (const h of hits) {
    if (h.index < start || h.index + h[0].length > end) continue;
    out += `${escapeHtml(text.slice(at, h.index))}<mark>${escapeHtml(h[0])}</mark>`;
    at = h.index + h[0].length;
  }
  out += escapeHtml(text.slice(at, end));
  if (end < text.length) out += '…';
  return out;
}
