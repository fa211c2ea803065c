// Semantic fields: what a mention talks about (price, delivery, service and support...) and how the
// brand comes across (Aaker's five personality dimensions), each with its own tone.
//
// The shipped fields are word lists in config/lexicons/fields/{en,fr}.yaml (format in
// config/lexicons/README.md), matched on the lemmas and stems analyze() produces (see
// fields/matcher.ts). For each field found: `hits`, how many times an entry of the field occurs,
// and `tone` (-1..1), the mean over those hits of the tone of the clause holding each one (see
// fields/clauses.ts), so "great camera but awful battery" is positive on one field and negative on
// another. The tone of a clause is the sentiment module's own valence of that clause's tokens
// (ruleSentiment: its lexicons and rules, negation and intensifiers included), not a second
// sentiment model; a mention that is one clause without tone words takes the mention's score.
//
// Brands add or override fields in their config (`brands[].fields`); see brandFieldSets.
import type { FieldHit, Lang, Sentiment } from '../core/types.js';
import { clauseMap, type ClauseMap, type Span } from './fields/clauses.js';
import { compileLists, findMatches, TokenForms, type CompiledLists, type ListLang } from './fields/matcher.js';
import { readLexiconYaml } from './resources.js';
import { ruleSentiment } from './sentiment.js';
import type { Token } from './tokenize.js';
import { remember } from '../core/bounded-cache.js';
import { EcouteError } from '../core/errors.js';

export { TokenForms } from './fields/matcher.js';

/** Field names: stable snake_case, the keys of `Analysis.fields` and of brand overrides. */
export const FIELD_NAME_RE = /^[a-z][a-z0-9_]*$/;

/** Entries matched to be ignored, never reported ("in order to" is not about delivery). */
const IGNORE = '_ignore';

const LANGS: readonly ListLang[] = ['en', 'fr'];

/** A brand's addition to, or override of, one field. */
export interface FieldOverride {
  en?: readonly string[] | undefined;
  fr?: readonly string[] | undefined;
  /** Add the entries to the shipped ones instead of replacing them. */
  extend?: boolean | undefined;
}

/** A brand's `fields`: field name → its entries. */
export type FieldOverrides = Readonly<Record<string, FieldOverride>>;

type FieldEntries = Map<string, Record<ListLang, readonly string[]>>;

/** Compiled fields, ready to match: the shipped ones, or the shipped ones with brand overrides. */
export interface FieldSet {
  /** Names of the fields that can be reported, in lexicon order. */
  readonly names: readonly string[];
  readonly lists: CompiledLists;
  /** Entries per field and language, as compiled (before de-duplication). */
  readonly entries: ReadonlyMap<string, Readonly<Record<ListLang, readonly string[]>>>;
}

// ---------------------------------------------------------------------------------------------
// Loading

/** Reads config/lexicons/fields/<lang>.yaml: a mapping of field name → list of entries. */
function readFieldFile(lang: ListLang): Map<string, string[]> {
  const file = `fields/${lang}.yaml`;
  const doc = readLexiconYaml(file);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new EcouteError('LEXICON_INVALID', `config/lexicons/${file}: must be a mapping of field name to a list of entries`);
  const out = new Map<string, string[]>();
  for (const [name, list] of Object.entries(doc as Record<string, unknown>)) {
    if (name !== IGNORE && !FIELD_NAME_RE.test(name)) throw new EcouteError('LEXICON_INVALID', `config/lexicons/${file}: "${name}" is not a snake_case field name`);
    if (!Array.isArray(list) || !list.every((e) => typeof e === 'string' || typeof e === 'number')) {
      throw new EcouteError('LEXICON_INVALID', `config/lexicons/${file}: ${name} must be a list of words or phrases`);
    }
    out.set(name, list.map(String));
  }
  return out;
}

let shippedEntries: FieldEntries | undefined;

function shipped(): FieldEntries {
  if (shippedEntries === undefined) {
    const en = readFieldFile('en');
    const fr = readFieldFile('fr');
    const entries: FieldEntries = new Map();
    for (const name of new Set([...en.keys(), ...fr.keys()])) {
      entries.set(name, { en: en.get(name) ?? [], fr: fr.get(name) ?? [] });
    }
    shippedEntries = entries;
  }
  return shippedEntries;
}

function compile(entries: FieldEntries): FieldSet {
  // The ignore list goes last; its position does not matter to matching.
  const ordered = new Map([...entries].filter(([name]) => name !== IGNORE));
  const ignore = entries.get(IGNORE);
  if (ignore !== undefined) ordered.set(IGNORE, ignore);
  const lists = compileLists(ordered, new Set([IGNORE]));
  return { names: lists.labels.filter((l) => l !== IGNORE), lists, entries: ordered };
}

let shippedSet: FieldSet | undefined;

/** The fields shipped in config/lexicons/fields/, compiled once. */
export function shippedFields(): FieldSet {
  shippedSet ??= compile(shipped());
  return shippedSet;
}

/**
 * The shipped fields with overrides applied, for one brand or several (a mention matching several
 * brands gets all their fields). Per field and language:
 *  - an override listing the language replaces the shipped entries (several brands replacing the
 *    same field: the union of their entries), or adds to them with `extend: true`;
 *  - a language the override does not list keeps the shipped entries (or has none, for a new field);
 *  - an empty list (`price: { en: [], fr: [] }`) switches the field off in that language.
 */
export function fieldSetWith(overrides: readonly FieldOverrides[]): FieldSet {
  const base = shipped();
  const replaced = new Map<string, Partial<Record<ListLang, Set<string>>>>();
  const extended = new Map<string, Partial<Record<ListLang, Set<string>>>>();
  const names = [...base.keys()];
  for (const fields of overrides) {
    for (const [name, field] of Object.entries(fields)) {
      if (!FIELD_NAME_RE.test(name) || field === null || typeof field !== 'object') continue;
      if (!names.includes(name)) names.push(name);
      const target = field.extend === true ? extended : replaced;
      let byLang = target.get(name);
      if (byLang === undefined) target.set(name, (byLang = {}));
      for (const lang of LANGS) {
        const list = field[lang];
        if (!Array.isArray(list)) continue;
        const set = (byLang[lang] ??= new Set());
        for (const entry of list) if (typeof entry === 'string') set.add(entry);
      }
    }
  }
  const merged: FieldEntries = new Map();
  for (const name of names) {
    const entry = {} as Record<ListLang, readonly string[]>;
    for (const lang of LANGS) {
      const own = replaced.get(name)?.[lang];
      const list = own !== undefined ? [...own] : [...(base.get(name)?.[lang] ?? [])];
      for (const extra of extended.get(name)?.[lang] ?? []) if (!list.includes(extra)) list.push(extra);
      entry[lang] = list;
    }
    merged.set(name, entry);
  }
  return compile(merged);
}

/**
 * For the analyze stage: the field set to use for a mention, from the ids of the brands it
 * matches. Undefined (the shipped fields) when none of them has `fields` in its config. Sets are
 * compiled on first use and kept per combination of brands.
 */
export function brandFieldSets(brands: readonly { id: string; fields?: FieldOverrides | undefined }[]): (brandIds: readonly string[]) => FieldSet | undefined {
  const withFields = new Map<string, FieldOverrides>();
  for (const b of brands) if (b.fields !== undefined && Object.keys(b.fields).length > 0) withFields.set(b.id, b.fields);
  if (withFields.size === 0) return () => undefined;
  const cache = new Map<string, FieldSet>();
  return (brandIds) => {
    const own = [...new Set(brandIds.filter((id) => withFields.has(id)))].sort();
    if (own.length === 0) return undefined;
    const key = own.join('\u0000');
    // Bounded: combinations of brands are few in practice, but never let them grow unbounded.
    const set = cache.get(key) ?? remember(cache, key, fieldSetWith(own.map((id) => withFields.get(id)!)), 256);
    return set;
  };
}

// ---------------------------------------------------------------------------------------------
// Fields of a mention

export interface FieldOptions {
  /** Fields to look for (default: the shipped ones). */
  set?: FieldSet | undefined;
  /** The mention's star rating (0..1): the tone of a field whose clause has no tone word of its own. */
  rating?: number | undefined;
  /** The mention's sentiment: the tone of a field in a one-clause mention without tone words. */
  sentiment?: Sentiment | undefined;
  /** Folded token forms, when the caller already has them (shared with the flags). */
  forms?: TokenForms | undefined;
}

function round(x: number): number {
  const r = Math.round(x * 1000) / 1000;
  return r === 0 ? 0 : r; // no -0 in JSON
}

/** The tone of the clause, or part of clause, holding a token; computed once per span. */
class ClauseTones {
  private map: ClauseMap | undefined;
  private readonly partTones = new Map<number, Tone>();
  private readonly clauseTones = new Map<number, Tone>();

  constructor(
    private readonly tokens: readonly Token[],
    private readonly lang: Lang,
    private readonly rating: number | undefined,
    private readonly sentiment: Sentiment | undefined,
  ) {}

  /**
   * The tone at token i: its part of clause when that part holds a tone word (or emoji), else its
   * clause when that does; else, when the clause is the whole mention, the mention's sentiment
   * score (its model and rating read what the rules do not: "Delivery took three weeks"); else
   * half the star rating's tone when there is one; else 0.
   */
  at(i: number): number {
    this.map ??= clauseMap(this.tokens, this.lang);
    const map = this.map;
    const part = map.partOf[i] ?? -1;
    if (part < 0) return 0;
    const partTone = this.tone(this.partTones, part, map.parts[part]!);
    if (partTone.evidence) return partTone.score;
    const c = map.clauseOfPart[part]!;
    const clause = map.clauses[c]!;
    const own = map.parts[part]!;
    const clauseTone = clause.from === own.from && clause.to === own.to ? partTone : this.tone(this.clauseTones, c, clause);
    if (clauseTone.evidence) return clauseTone.score;
    if (map.clauses.length === 1 && this.sentiment !== undefined) return this.sentiment.score;
    if (this.rating !== undefined) return 0.5 * (2 * Math.min(1, Math.max(0, this.rating)) - 1);
    return 0;
  }

  private tone(cache: Map<number, Tone>, key: number, span: Span): Tone {
    let tone = cache.get(key);
    if (tone === undefined) {
      const rules = ruleSentiment(this.tokens.slice(span.from, span.to), this.lang);
      // A weak contribution alone (a lexicon's -0.2 for "robuste") is not a tone of the span's own.
      tone = { score: rules.textScore, evidence: rules.contributions.some((c) => Math.abs(c.value) >= MIN_EVIDENCE) };
      cache.set(key, tone);
    }
    return tone;
  }
}

/** Valence (VADER scale, -4..4) a word or emoji needs for its span to have a tone of its own. */
const MIN_EVIDENCE = 0.5;

interface Tone {
  score: number;
  /** The span holds words, phrases or emoji with a clear valence. */
  evidence: boolean;
}

/**
 * Semantic fields of tokenized text: `{ field: { hits, tone } }`, only the fields found, in
 * lexicon order. Text in a language without lexicons ('other') has none.
 */
export function fieldsOf(tokens: readonly Token[], lang: Lang, options: FieldOptions = {}): Record<string, FieldHit> {
  if (lang !== 'en' && lang !== 'fr') return {};
  const set = options.set ?? shippedFields();
  const forms = options.forms ?? new TokenForms(tokens);
  const found: number[] = []; // label, token: pairs
  findMatches(forms, set.lists[lang], (start, _end, labels) => {
    for (const label of labels) found.push(label, start);
  });
  if (found.length === 0) return {};
  const rating = typeof options.rating === 'number' && Number.isFinite(options.rating) ? options.rating : undefined;
  const tones = new ClauseTones(tokens, lang, rating, options.sentiment);
  const totals = new Map<number, { hits: number; tone: number }>();
  for (let k = 0; k < found.length; k += 2) {
    const label = found[k]!;
    const tone = tones.at(found[k + 1]!);
    const total = totals.get(label);
    if (total === undefined) totals.set(label, { hits: 1, tone });
    else {
      total.hits++;
      total.tone += tone;
    }
  }
  const out: Record<string, FieldHit> = {};
  for (const label of [...totals.keys()].sort((a, b) => a - b)) {
    const total = totals.get(label)!;
    out[set.lists.labels[label]!] = { hits: total.hits, tone: round(total.tone / total.hits) };
  }
  return out;
}
