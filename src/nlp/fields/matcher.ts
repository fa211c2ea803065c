// Word-list matching over analyzed tokens, shared by the semantic fields and the flags. An entry is
// a word or a phrase; it is tokenized when compiled by the same tokenizer as the text, so it
// matches on the forms analyze() produces:
//
//  - each word on its index form (English lemma, French Porter stem), folded: "deliveries" hits
//    "delivery", "livraisons" and "Livraisons" hit "livraison", "qualite" hits "qualité";
//  - or on its folded surface form: a word the lemmatizer leaves alone ("wifi", "5g") still hits;
//  - `=word` (or `=a phrase`): the lower-cased surface form only, accents kept, for words whose stem
//    is ambiguous (French "livré" and "livre" share the stem "livr");
//  - `word*`: any word whose folded surface form starts with `word` (at least 3 characters; one
//    word only): "merde*" hits "merdique".
//
// Phrases match consecutive words; a hyphen or a slash between two words without spaces is
// transparent ("rapport qualité/prix" = "rapport qualité prix"), any other punctuation or an emoji
// breaks them. A hyphenated entry also matches with spaces ("eco-friendly", "eco friendly"). At
// each word the longest entry wins and its words are consumed, so "customer service" counts once,
// not also as "service".
//
// Look-up is a Map of each entry's first word (by index form, surface form and exact form), its
// candidates sorted longest first: a token costs two or three Map look-ups, whatever the size of
// the lists.
import type { Token } from '../tokenize.js';
import { foldWord } from '../normalize.js';
import { tokenizeEnglish, tokenizeFrench } from '../tokenize.js';

export type ListLang = 'en' | 'fr';

interface WordKey {
  /** Folded index form (lemma or stem); undefined for numbers and exact entries. */
  lemma?: string;
  /** Folded surface form; undefined for exact entries. */
  surface?: string;
  /** Lower-cased surface form with its accents: exact entries only. */
  exact?: string;
}

interface Pattern {
  words: readonly WordKey[];
  /** Indexes of the labels the entry belongs to; empty for an entry that is matched to be ignored. */
  labels: number[];
}

interface Prefix {
  prefix: string;
  labels: number[];
}

/** One language's compiled lists. */
export interface LangIndex {
  byLemma: Map<string, Pattern[]>;
  bySurface: Map<string, Pattern[]>;
  byExact: Map<string, Pattern[]>;
  /** Prefix entries by their first three characters. */
  prefixes: Map<string, Prefix[]>;
  /** Number of distinct compiled entries per label (after de-duplication). */
  counts: number[];
}

export interface CompiledLists {
  /** Label names, in the order their indexes refer to. */
  labels: readonly string[];
  en: LangIndex;
  fr: LangIndex;
}

/** Lists to compile: label → language → entries. A label listed in `ignore` is matched, not counted. */
export type ListSource = ReadonlyMap<string, Readonly<Partial<Record<ListLang, readonly string[]>>>>;


/** Folded index and surface forms of a token list, computed once per analysis and on demand. */
export class TokenForms {
  private readonly lemmas: (string | undefined)[];
  private readonly surfaces: (string | undefined)[];

  constructor(readonly tokens: readonly Token[]) {
    this.lemmas = new Array<string | undefined>(tokens.length);
    this.surfaces = new Array<string | undefined>(tokens.length);
  }

  /** Folded lemma or stem; '' when the token has none. */
  lemma(i: number): string {
    let v = this.lemmas[i];
    if (v === undefined) {
      const t = this.tokens[i]!;
      const info = t.info;
      v = info === undefined ? (t.lemma === '' ? '' : foldWord(t.lemma)) : (info.foldedLemma ??= t.lemma === '' ? '' : foldWord(t.lemma));
      this.lemmas[i] = v;
    }
    return v;
  }

  surface(i: number): string {
    let v = this.surfaces[i];
    if (v === undefined) {
      const t = this.tokens[i]!;
      const info = t.info;
      v = info === undefined ? foldWord(t.lower) : (info.foldedLower ??= foldWord(t.lower));
      this.surfaces[i] = v;
    }
    return v;
  }
}

function isMatchable(t: Token): boolean {
  return t.kind === 'word' || t.kind === 'number';
}

/** A hyphen or slash glued to the words on both sides: "well-made", "qualité/prix". */
function isTransparent(tokens: readonly Token[], j: number): boolean {
  const t = tokens[j]!;
  if (t.kind !== 'punct' || (t.text !== '-' && t.text !== '/')) return false;
  const next = tokens[j + 1];
  return !t.space && next !== undefined && !next.space && isMatchable(next);
}

// ---------------------------------------------------------------------------------------------
// Compiling

const entryCache = new Map<string, WordKey[][]>();

function normalizeEntry(entry: string): string {
  return entry.normalize('NFC').replace(/[\u2019\u2018\u02BC`]/g, "'").replace(/\s+/g, ' ').trim();
}

/** The word-key sequences of one entry (its variants), as the tokenizer of `lang` reads them. */
function compileEntry(entry: string, lang: ListLang): WordKey[][] {
  const cacheKey = `${lang}\u0000${entry}`;
  const cached = entryCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const exact = entry.startsWith('=');
  const body = exact ? entry.slice(1).trim() : entry;
  const variants = new Set([body]);
  if (body.includes('-')) variants.add(body.replace(/-/g, ' '));
  const out: WordKey[][] = [];
  for (const variant of variants) {
    const tokens = lang === 'en' ? tokenizeEnglish(variant) : tokenizeFrench(variant);
    const words: WordKey[] = [];
    for (const t of tokens) {
      if (!isMatchable(t)) continue;
      if (exact) words.push({ exact: t.lower });
      else words.push({ ...(t.lemma !== '' && { lemma: foldWord(t.lemma) }), surface: foldWord(t.lower) });
    }
    if (words.length > 0) out.push(words);
  }
  entryCache.set(cacheKey, out);
  return out;
}

/**
 * Identity of a word of an entry: its index form (its surface for a word without one). Two entries
 * with the same index forms are one entry, counted for every label listing either ("accueil" and
 * "accueillant" share the stem "accueil"): the union is deterministic, where keeping one would
 * depend on the order of the lists.
 */
function wordKeyId(w: WordKey): string {
  return w.exact !== undefined ? `=${w.exact}` : (w.lemma ?? `|${w.surface ?? ''}`);
}

function addTo(map: Map<string, Pattern[]>, key: string, p: Pattern): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [p]);
  else if (!list.includes(p)) list.push(p);
}

const PREFIX_RE = /^[\p{L}\p{N}][\p{L}\p{N}'-]{2,}\*$/u;

function compileLang(source: ListSource, labels: readonly string[], ignore: ReadonlySet<string>, lang: ListLang): LangIndex {
  const patterns = new Map<string, Pattern>();
  const prefixes = new Map<string, Prefix>();
  const counts = labels.map(() => 0);
  labels.forEach((label, index) => {
    const entries = source.get(label)?.[lang] ?? [];
    const ignored = ignore.has(label);
    const seen = new Set<string>();
    for (const raw of entries) {
      if (typeof raw !== 'string') continue;
      const entry = normalizeEntry(raw);
      if (entry === '' || entry === '=') continue;
      if (PREFIX_RE.test(entry)) {
        const prefix = foldWord(entry.slice(0, -1).toLowerCase());
        let p = prefixes.get(prefix);
        if (p === undefined) prefixes.set(prefix, (p = { prefix, labels: [] }));
        if (!ignored && !p.labels.includes(index)) p.labels.push(index);
        if (!seen.has(`*${prefix}`)) { seen.add(`*${prefix}`); counts[index]!++; }
        continue;
      }
      let counted = false;
      for (const words of compileEntry(entry, lang)) {
        const id = words.map(wordKeyId).join(' ');
        let p = patterns.get(id);
        if (p === undefined) patterns.set(id, (p = { words, labels: [] }));
        if (!ignored && !p.labels.includes(index)) p.labels.push(index);
        if (!counted && !seen.has(id)) { seen.add(id); counted = true; counts[index]!++; }
      }
    }
  });
  // An entry listed under an ignored label is ignored whatever else lists it.
  for (const label of ignore) {
    const index = labels.indexOf(label);
    for (const raw of source.get(label)?.[lang] ?? []) {
      for (const words of compileEntry(normalizeEntry(raw), lang)) {
        const p = patterns.get(words.map(wordKeyId).join(' '));
        if (p !== undefined) p.labels = [];
      }
    }
    if (index >= 0) counts[index] = 0;
  }

  const index: LangIndex = { byLemma: new Map(), bySurface: new Map(), byExact: new Map(), prefixes: new Map(), counts };
  for (const p of patterns.values()) {
    const first = p.words[0]!;
    if (first.exact !== undefined) addTo(index.byExact, first.exact, p);
    if (first.lemma !== undefined) addTo(index.byLemma, first.lemma, p);
    // Also by surface when it equals the lemma: a token lemmatized otherwise in its context
    // ("Delivery" read as a proper noun) still finds the entry by its written form.
    if (first.surface !== undefined) addTo(index.bySurface, first.surface, p);
  }
  for (const map of [index.byLemma, index.bySurface, index.byExact]) {
    for (const list of map.values()) list.sort((a, b) => b.words.length - a.words.length);
  }
  for (const p of prefixes.values()) {
    const key = p.prefix.slice(0, 3);
    const list = index.prefixes.get(key);
    if (list === undefined) index.prefixes.set(key, [p]);
    else list.push(p);
  }
  return index;
}

/**
 * Compiles word lists for both languages. Labels keep the order of `source`; labels in `ignore`
 * hold entries that are matched (so their words are consumed) but never reported: "in order to"
 * is not about delivery.
 */
export function compileLists(source: ListSource, ignore: ReadonlySet<string> = new Set()): CompiledLists {
  const labels = [...source.keys()];
  // Each language compiled on first use (issue 15, start15: an English text tokenizes no French entry).
  let en: LangIndex | undefined;
  let fr: LangIndex | undefined;
  return { labels, get en() { return (en ??= compileLang(source, labels, ignore, 'en')); }, get fr() { return (fr ??= compileLang(source, labels, ignore, 'fr')); } };
}

// ---------------------------------------------------------------------------------------------
// Matching

function wordMatches(w: WordKey, forms: TokenForms, j: number): boolean {
  if (w.exact !== undefined) return forms.tokens[j]!.lower === w.exact;
  if (w.lemma !== undefined) {
    const lemma = forms.lemma(j);
    if (lemma !== '' && lemma === w.lemma) return true;
  }
  return w.surface !== undefined && forms.surface(j) === w.surface;
}

/** End (exclusive) of `p` matched at token i, or -1. */
function matchAt(p: Pattern, forms: TokenForms, i: number): number {
  const tokens = forms.tokens;
  let j = i + 1;
  for (let k = 1; k < p.words.length; k++) {
    while (j < tokens.length && isTransparent(tokens, j)) j++;
    if (j >= tokens.length || !isMatchable(tokens[j]!) || !wordMatches(p.words[k]!, forms, j)) return -1;
    j++;
  }
  return j;
}

function lengthOf(found: { p: Pattern | undefined }): number {
  return found.p === undefined ? 0 : found.p.words.length;
}

/** The longest entry of `list` (sorted longest first) matching at token i and longer than `min` words, with its end. */
function longest(list: Pattern[] | undefined, forms: TokenForms, i: number, min: number, out: { p: Pattern | undefined; end: number }): void {
  if (list === undefined) return;
  for (const p of list) {
    // Sorted longest first: nothing further can beat what was found.
    if (p.words.length <= min) return;
    const end = p.words.length === 1 ? i + 1 : matchAt(p, forms, i);
    if (end > 0) {
      out.p = p;
      out.end = end;
      return;
    }
  }
}

/**
 * Calls `onMatch(start, end, labels)` for each entry found in the tokens, left to right, longest
 * entry first at each word. Entries of ignored labels are consumed silently.
 */
export function findMatches(forms: TokenForms, index: LangIndex, onMatch: (start: number, end: number, labels: readonly number[]) => void): void {
  const tokens = forms.tokens;
  const found: { p: Pattern | undefined; end: number } = { p: undefined, end: -1 };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!isMatchable(t)) continue;
    found.p = undefined;
    const c = candidatesAt(forms, i, index);
    if (c === NO_CANDIDATES) continue;
    longest(c.lemma, forms, i, 0, found);
    longest(c.surface, forms, i, lengthOf(found), found);
    longest(c.exact, forms, i, lengthOf(found), found);
    const best = found.p as Pattern | undefined;
    if (best !== undefined) {
      if (best.labels.length > 0) onMatch(i, found.end, best.labels);
      i = found.end - 1;
      continue;
    }
    if (c.prefix !== undefined && c.prefix.labels.length > 0) onMatch(i, i + 1, c.prefix.labels);
  }
}

/** The entries of an index that may start at a word: found by its forms, the same for every token of it. */
interface Candidates {
  lemma: Pattern[] | undefined;
  surface: Pattern[] | undefined;
  exact: Pattern[] | undefined;
  /** The prefix entry its surface starts with, tried when no entry matches. */
  prefix: Prefix | undefined;
}

const NO_CANDIDATES: Candidates = Object.freeze({ lemma: undefined, surface: undefined, exact: undefined, prefix: undefined });

function lookUpCandidates(forms: TokenForms, i: number, index: LangIndex): Candidates {
  const lemma = forms.lemma(i);
  const surface = forms.surface(i);
  const c: Candidates = {
    lemma: lemma === '' ? undefined : index.byLemma.get(lemma),
    surface: index.bySurface.get(surface),
    exact: index.byExact.size > 0 ? index.byExact.get(forms.tokens[i]!.lower) : undefined,
    prefix: undefined,
  };
  if (index.prefixes.size > 0 && surface.length >= 3) {
    for (const p of index.prefixes.get(surface.slice(0, 3)) ?? []) {
      if (surface.startsWith(p.prefix)) {
        c.prefix = p;
        break;
      }
    }
  }
  return c.lemma === undefined && c.surface === undefined && c.exact === undefined && c.prefix === undefined ? NO_CANDIDATES : c;
}

/**
 * Candidates of token i, kept on its WordInfo for the last two indexes asked (the fields' and the
 * flags'): a word costs its Map look-ups once, not at every mention.
 */
function candidatesAt(forms: TokenForms, i: number, index: LangIndex): Candidates {
  const info = forms.tokens[i]!.info;
  if (info === undefined) return lookUpCandidates(forms, i, index);
  if (info.matchIndexA === index) return info.matchA as Candidates;
  if (info.matchIndexB === index) return info.matchB as Candidates;
  const c = lookUpCandidates(forms, i, index);
  // The older slot goes: B moves to A.
  info.matchIndexA = info.matchIndexB;
  info.matchA = info.matchB;
  info.matchIndexB = index;
  info.matchB = c;
  return c;
}
