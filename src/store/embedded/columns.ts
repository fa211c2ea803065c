// What every read filters and counts on, one compact column per attribute, indexed by the mention's
// integer key (mentions.doc), in memory: published instant, tone, source, language, tone label,
// copy-or-original, brands and semantic fields. Counting, facets, timelines and share of voice over
// a million mentions are then one loop over typed arrays (a few ms) instead of SQLite joining the
// mention rows and the side tables for each request. 30 bytes a mention (see docs/embedded-store-speed.md):
//   published 8 (Float64) + tone 8 (Float64) + source 2 + lang 2 (Uint16 codes) + label 1 + flags 1
//   (Uint8) + brands 4 + fields 4 (Uint32 bit sets) + author 4 (Uint32 code of the author key, for
//   exact distinct-author counts; the dictionary holds each author key once, and forgets an
//   erased author's key) + tone slot 4 (Uint32: where the doc's field tones start in the tone pool).
// The tone pool holds each doc's field tones (Float64, NaN: no tone) in the order of its field bits,
// 8 bytes a (mention, field) pair: the perceived image's per-author field tones (fieldAuthors) are
// then a loop too. An update appends the doc's new tones (the old slot is left unused).
// Brands and fields are bit sets over a dictionary of at most 32 values each; a store with more
// distinct brands or fields than that says so (`usable` false) and its reads take the SQL path.
// The columns are loaded from the tables on first read and kept current by the store's own writes;
// another connection's commit (PRAGMA data_version) makes the store load them again.
import type Database from 'better-sqlite3';
import type { StoredBrandTone } from '../brand-tone.js';
import { compareBinary } from './column-reads.js';

const ALIVE = 1;
export const COPY = 2;
/** Docs read per query when loading. */
const LOAD_RANGE = 65_536;
/** Bits of a Uint32 bit set. */
const MAX_SET_VALUES = 32;

/** One mention as the columns hold it. */
export interface DocRow {
  doc: number;
  publishedMs: number;
  score: number;
  source: string;
  lang: string;
  sentiment: string;
  duplicate: boolean;
  brands: readonly string[];
  fields: readonly string[];
  /** Each field's tone (null: none), in the order of `fields`. */
  fieldTones: readonly (number | null)[];
  authorKey: string;
  /** Issue 16: the tone toward each brand that differs from the mention's (src/store/brand-tone.ts). */
  brandTones?: ReadonlyMap<string, StoredBrandTone>;
}

/** Filters as codes: a request's filters resolved against the dictionaries. */
export interface ColumnFilter {
  /** Bit of the brand that must be present; 0: any. */
  brandBit: number;
  /** Code that must match; -1: any. */
  source: number;
  lang: number;
  sentiment: number;
  fromMs: number;
  toMs: number;
  /** What the flags & COPY must equal: 0 originals, COPY copies, -1 either. */
  copy: number;
  /** A filter value no mention has: nothing matches. */
  none: boolean;
}

export class Dictionary {
  readonly values: string[] = [];
  private readonly codes = new Map<string, number>();
  code(value: string): number {
    let c = this.codes.get(value);
    if (c === undefined) {
      c = this.values.length;
      this.codes.set(value, c);
      this.values.push(value);
    }
    return c;
  }
  find(value: string): number | undefined {
    return this.codes.get(value);
  }
  /** Drops a value (its code is not reused; no live doc may still hold it). */
  forget(value: string): void {
    const c = this.codes.get(value);
    if (c === undefined) return;
    this.codes.delete(value);
    this.values[c] = '';
  }
  get size(): number {
    return this.values.length;
  }
}

export class DocColumns {
  readonly sources = new Dictionary();
  readonly langs = new Dictionary();
  readonly sentiments = new Dictionary();
  readonly brandNames = new Dictionary();
  readonly fieldNames = new Dictionary();
  readonly authorKeys = new Dictionary();
  published = new Float64Array(0);
  score = new Float64Array(0);
  source = new Uint16Array(0);
  lang = new Uint16Array(0);
  sentiment = new Uint8Array(0);
  flags = new Uint8Array(0);
  brands = new Uint32Array(0);
  fields = new Uint32Array(0);
  author = new Uint32Array(0);
  /** Where each doc's field tones start in `tones` (one per bit of `fields`, lowest bit first). */
  toneAt = new Uint32Array(0);
  /** The field tones of every doc (NaN: the field has no tone). */
  tones = new Float64Array(0);
  /** One past the last tone slot used. */
  private tonesEnd = 0;
  /**
   * Issue 16: per doc, the tone toward each of its brands that differs from the mention's own
   * (mention_brands.tone/label/field_sign). Sparse: only mentions naming several brands with
   * different tones have an entry. A brand's reads see them through withBrandTones().
   */
  readonly brandTones = new Map<number, Map<string, StoredBrandTone>>();
  /** One past the highest doc ever set. */
  end = 0;
  /** False when a dictionary outgrew its code width: reads must not use these columns. */
  usable = true;
  /** The author codes in BINARY order of their keys (authorOrder()); undefined: not made yet or stale. */
  private authorOrderCache: Int32Array | undefined;

  /**
   * Every author code, ordered by its key in SQLite's BINARY order: fieldAuthors folds each field's
   * authors in that order (the SQL path's GROUP BY order) by walking this once instead of sorting
   * the field's authors by key (at a million mentions, 60,000 authors sorted by text per field and
   * per call were most of the report's image analysis). Made once, and again after a new author
   * key got a code; an erased author's key (forget) keeps its place, it has no docs left.
   */
  authorOrder(): Int32Array {
    const keys = this.authorKeys.values;
    if (this.authorOrderCache?.length !== keys.length) {
      const order = Int32Array.from(keys, (_, i) => i);
      const sorted = Array.from(order).sort((x, y) => compareBinary(keys[x]!, keys[y]!));
      this.authorOrderCache = Int32Array.from(sorted);
    }
    return this.authorOrderCache;
  }

  /**
   * Loads every stored mention (emb16: in numbers only, which costs less than half of reading
   * each row's texts at a million mentions): published instant and tone from the mentions rows by
   * ranges of doc; each text column (source, language, tone label, brand, field) one value at a
   * time, its docs from the index that starts with it (no text read per row); the authors along
   * mentions_author, so author codes follow the BINARY order of their keys;
   * copies from mentions_duplicate_of. Called inside one read transaction (one snapshot).
   */
  static load(db: Database.Database): DocColumns {
    const c = new DocColumns();
    const max = (db.prepare('SELECT max(doc) FROM mentions').pluck().get() as number | null) ?? 0;
    c.grow(max + 1);
    const numbers = db.prepare('SELECT doc, published_at, sentiment_score FROM mentions WHERE doc >= ? AND doc < ?').raw();
    for (let lo = 0; lo <= max; lo += LOAD_RANGE) {
      for (const [doc, published, score] of numbers.all(lo, lo + LOAD_RANGE) as [number, number, number][]) {
        c.published[doc] = published;
        c.score[doc] = score;
        c.flags[doc] = ALIVE;
        if (doc >= c.end) c.end = doc + 1;
      }
    }
    for (const doc of db.prepare('SELECT doc FROM mentions WHERE duplicate_of IS NOT NULL').pluck().all() as number[]) c.flags[doc]! |= COPY;
    const distinct = (sql: string): string[] => db.prepare(sql).pluck().all() as string[];
    const each = (column: 'source' | 'lang' | 'sentiment_label', set: (value: string) => number, into: Uint16Array | Uint8Array): void => {
      const docs = db.prepare(`SELECT doc FROM mentions WHERE ${column} = ?`).pluck();
      for (const value of distinct(`SELECT DISTINCT ${column} FROM mentions ORDER BY 1`)) {
        const code = set(value);
        for (const doc of docs.all(value) as number[]) into[doc] = code;
      }
    };
    each('source', (v) => c.sourceCode(v), c.source);
    each('lang', (v) => c.langCode(v), c.lang);
    each('sentiment_label', (v) => c.sentimentCode(v), c.sentiment);
    // Along mentions_author (covering): each key's code when it first comes, so codes follow the keys' order.
    let lastKey: string | undefined;
    let code = -1;
    for (const [doc, key] of db.prepare('SELECT doc, author_key FROM mentions ORDER BY author_key').raw().iterate() as IterableIterator<[number, string]>) {
      if (key !== lastKey) {
        code = c.authorKeys.code(key);
        lastKey = key;
      }
      c.author[doc] = code;
    }
    const brandDocs = db.prepare('SELECT doc FROM mention_brands WHERE brand = ?').pluck();
    for (const brand of distinct('SELECT DISTINCT brand FROM mention_brands ORDER BY 1')) {
      const bit = c.bit(c.brandNames, brand);
      for (const doc of brandDocs.all(brand) as number[]) c.brands[doc]! |= bit;
    }
    const brandToneRows = db.prepare('SELECT doc, brand, tone, label, field_sign FROM mention_brands WHERE tone IS NOT NULL').raw();
    for (const [doc, brand, tone, label, sign] of brandToneRows.iterate() as IterableIterator<[number, string, number, string, number | null]>) {
      let m = c.brandTones.get(doc);
      if (!m) c.brandTones.set(doc, (m = new Map()));
      m.set(brand, { score: tone, label: label as StoredBrandTone['label'], fieldSign: sign === -1 ? -1 : 1 });
    }
    // Fields: every field's (doc, tone) rows first, so each doc's field set is whole before its
    // tone slots are placed (one per bit, lowest bit first, in doc order).
    const fieldRows = db.prepare('SELECT doc, tone FROM mention_fields WHERE field = ?').raw();
    const perField: { bit: number; rows: [number, number | null][] }[] = [];
    for (const field of distinct('SELECT DISTINCT field FROM mention_fields ORDER BY 1')) {
      const bit = c.bit(c.fieldNames, field);
      const rows = fieldRows.all(field) as [number, number | null][];
      if (bit === 0) continue;
      for (const [doc] of rows) c.fields[doc]! |= bit;
      perField.push({ bit, rows });
    }
    for (let doc = 0; doc <= max; doc++) {
      const n = popcount(c.fields[doc]!);
      if (n > 0) c.toneAt[doc] = c.reserveTones(n);
    }
    for (const { bit, rows } of perField) {
      for (const [doc, tone] of rows) c.tones[c.toneAt[doc]! + popcount(c.fields[doc]! & (bit - 1))] = tone ?? NaN;
    }
    return c;
  }

  /** The tone of field bit `bit` of doc `d` (NaN: none); the doc must hold the field. */
  toneOf(d: number, bit: number): number {
    return this.tones[this.toneAt[d]! + popcount(this.fields[d]! & (bit - 1))]!;
  }

  /** `n` consecutive tone slots (the pool grows by doubling). */
  private reserveTones(n: number): number {
    const at = this.tonesEnd;
    if (at + n > this.tones.length) {
      const grown = new Float64Array(Math.max(at + n, this.tones.length * 2, 1024));
      grown.set(this.tones);
      this.tones = grown;
    }
    this.tonesEnd = at + n;
    return at;
  }

  set(row: DocRow): void {
    const d = row.doc;
    if (d >= this.published.length) this.grow(Math.max(d + 1, this.published.length * 2, 1024));
    this.published[d] = row.publishedMs;
    this.score[d] = row.score;
    this.source[d] = this.sourceCode(row.source);
    this.lang[d] = this.langCode(row.lang);
    this.sentiment[d] = this.sentimentCode(row.sentiment);
    this.flags[d] = ALIVE | (row.duplicate ? COPY : 0);
    let brands = 0;
    for (const b of row.brands) brands |= this.bit(this.brandNames, b);
    this.brands[d] = brands >>> 0;
    let fields = 0;
    const bits = row.fields.map((f) => this.bit(this.fieldNames, f));
    for (const b of bits) fields |= b;
    this.fields[d] = fields >>> 0;
    const n = popcount(this.fields[d]!);
    if (n > 0) {
      this.toneAt[d] = this.reserveTones(n);
      bits.forEach((b, i) => {
        if (b !== 0) this.tones[this.toneAt[d]! + popcount(this.fields[d]! & (b - 1))] = row.fieldTones[i] ?? NaN;
      });
    }
    this.author[d] = this.authorKeys.code(row.authorKey);
    if (row.brandTones !== undefined && row.brandTones.size > 0) this.brandTones.set(d, new Map(row.brandTones));
    else this.brandTones.delete(d);
    if (d >= this.end) this.end = d + 1;
  }

  delete(doc: number): void {
    if (doc < this.flags.length) this.flags[doc] = 0;
    this.brandTones.delete(doc);
  }

  /** The tone toward `brand` of doc `d` where it differs from the mention's, else undefined. */
  brandToneOf(d: number, brand: string): StoredBrandTone | undefined {
    return this.brandTones.size === 0 ? undefined : this.brandTones.get(d)?.get(brand);
  }

  /**
   * Runs `read` with the columns showing the tone toward `brand` (issue 16): the tone, the tone
   * label and the field tones (reversed where the brand's field sign is −1) of the few docs that
   * have one, put back afterwards. Every column read (filters, facets, timeline, perceived image)
   * then uses the brand's tone without a second set of loops. `read` must be synchronous.
   */
  withBrandTones<T>(brand: string, read: () => T): T {
    const saved: { d: number; score: number; sentiment: number; flipped: boolean }[] = [];
    for (const [d, tones] of this.brandTones) {
      const t = tones.get(brand);
      if (t === undefined || (this.flags[d]! & ALIVE) === 0) continue;
      saved.push({ d, score: this.score[d]!, sentiment: this.sentiment[d]!, flipped: t.fieldSign === -1 });
      this.score[d] = t.score;
      this.sentiment[d] = this.sentimentCode(t.label);
      if (t.fieldSign === -1) this.flipFieldTones(d);
    }
    try {
      return read();
    } finally {
      for (const s of saved) {
        this.score[s.d] = s.score;
        this.sentiment[s.d] = s.sentiment;
        if (s.flipped) this.flipFieldTones(s.d);
      }
    }
  }

  private flipFieldTones(d: number): void {
    const n = popcount(this.fields[d]!);
    for (let k = 0; k < n; k++) this.tones[this.toneAt[d]! + k] = -this.tones[this.toneAt[d]! + k]!;
  }

  /** A request's filters as codes (see ColumnFilter). */
  filter(f: { brand?: string; source?: string; lang?: string; sentiment?: string; fromMs?: number; toMs?: number; duplicates: 'exclude' | 'include' | 'only' }): ColumnFilter {
    let none = false;
    const code = (dict: Dictionary, value: string | undefined): number => {
      if (value === undefined) return -1;
      const c = dict.find(value);
      if (c === undefined) none = true;
      return c ?? -1;
    };
    let brandBit = 0;
    if (f.brand !== undefined) {
      const c = this.brandNames.find(f.brand);
      if (c === undefined) none = true;
      else brandBit = (1 << c) >>> 0;
    }
    return {
      brandBit,
      source: code(this.sources, f.source),
      lang: code(this.langs, f.lang),
      sentiment: code(this.sentiments, f.sentiment),
      fromMs: f.fromMs ?? -Infinity,
      toMs: f.toMs ?? Infinity,
      copy: f.duplicates === 'exclude' ? 0 : f.duplicates === 'only' ? COPY : -1,
      none,
    };
  }

  /**
   * The docs passing the filter, in doc order: among `candidates` (docs in any order, e.g. FTS
   * rowids), else among every stored mention.
   */
  select(filter: ColumnFilter, candidates?: ArrayLike<number>): Int32Array {
    if (filter.none) return new Int32Array(0);
    const n = candidates ? candidates.length : this.end;
    const out = new Int32Array(n);
    return out.subarray(0, this.scan(filter, candidates, out));
  }

  /** How many docs pass the filter (as select(...).length, without holding them). */
  count(filter: ColumnFilter, candidates?: ArrayLike<number>): number {
    return filter.none ? 0 : this.scan(filter, candidates, undefined);
  }

  /** The filter loop: how many docs pass, written into `out` when given. */
  private scan(filter: ColumnFilter, candidates: ArrayLike<number> | undefined, out: Int32Array | undefined): number {
    const n = candidates ? candidates.length : this.end;
    let k = 0;
    const { published, source, lang, sentiment, flags, brands } = this;
    const { brandBit, fromMs, toMs, copy } = filter;
    const fs = filter.source;
    const fl = filter.lang;
    const ft = filter.sentiment;
    for (let i = 0; i < n; i++) {
      const d = candidates ? candidates[i]! : i;
      const flag = flags[d]!;
      if ((flag & ALIVE) === 0) continue;
      if (copy >= 0 && (flag & COPY) !== copy) continue;
      const p = published[d]!;
      if (p < fromMs || p >= toMs) continue;
      if (brandBit !== 0 && (brands[d]! & brandBit) === 0) continue;
      if (fs >= 0 && source[d] !== fs) continue;
      if (fl >= 0 && lang[d] !== fl) continue;
      if (ft >= 0 && sentiment[d] !== ft) continue;
      if (out) out[k] = d;
      k++;
    }
    return k;
  }

  private sourceCode(v: string): number {
    return this.checked(this.sources, v, 0xffff);
  }
  private langCode(v: string): number {
    return this.checked(this.langs, v, 0xffff);
  }
  private sentimentCode(v: string): number {
    return this.checked(this.sentiments, v, 0xff);
  }

  private checked(dict: Dictionary, value: string, max: number): number {
    const c = dict.code(value);
    if (c > max) this.usable = false;
    return c & max;
  }

  private bit(dict: Dictionary, value: string): number {
    const c = dict.code(value);
    if (c >= MAX_SET_VALUES) {
      this.usable = false;
      return 0;
    }
    return (1 << c) >>> 0;
  }

  private grow(size: number): void {
    const copy = <T extends Float64Array | Uint16Array | Uint8Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.published = copy(this.published, (n) => new Float64Array(n));
    this.score = copy(this.score, (n) => new Float64Array(n));
    this.source = copy(this.source, (n) => new Uint16Array(n));
    this.lang = copy(this.lang, (n) => new Uint16Array(n));
    this.sentiment = copy(this.sentiment, (n) => new Uint8Array(n));
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.brands = copy(this.brands, (n) => new Uint32Array(n));
    this.fields = copy(this.fields, (n) => new Uint32Array(n));
    this.author = copy(this.author, (n) => new Uint32Array(n));
    this.toneAt = copy(this.toneAt, (n) => new Uint32Array(n));
  }
}

/** Bits set in a 32-bit value. */
export function popcount(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * SQLite's sum() of REAL values (3.43+): Kahan–Babuška–Neumaier compensated summation, so a sum
 * here equals the one SQLite computes over the same values (in practice whatever the order).
 */
export class CompensatedSum {
  sum = 0;
  err = 0;
  add(r: number): void {
    const s = this.sum;
    const t = s + r;
    if (Math.abs(s) > Math.abs(r)) this.err += s - t + r;
    else this.err += r - t + s;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.err;
  }
}
