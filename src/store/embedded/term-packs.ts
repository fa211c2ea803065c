// The top-terms rollup (schema v4): per brand × UTC day × copy-or-original, one row holding a packed
// vector of (term, label, count, mentions) — the sums of mention_terms over the mentions of that key,
// label = coalesce(mention_terms.label, term). A row per (key, term, label) would be a million rows
// for 200,000 mentions (a day's vocabulary is most of the vocabulary), and SQLite spends ~2 µs a row
// summing them: a 90-day top terms took over a second. Packed, it reads 90 blobs and sums typed
// arrays in code (a few ms).
//
// Writes: a write transaction collects each mention's contribution (and, for an update or an
// erasure, the old one with the opposite sign) in a TermDeltas, and flushes it before committing:
// each touched key gets one more part, the transaction's deltas packed (entries may be negative).
// A key's vector is the sum of its parts, always exactly the raw rows it stands for. When a key
// has MAX_PARTS parts, the flush merges them into one (entries no mention holds any more dropped):
// rewriting a key's whole vector (~5,000 terms) on every batch made a batch spread over 90 days
// rewrite 700 vectors, and loading fell from ~2,000 to ~300 mentions/s.
// Terms and labels are stored as codes of term_dict (codes are never reused or changed).
import type Database from 'better-sqlite3';
import type { TermCount } from '../types.js';
import { compareBinary } from './column-reads.js';
import { DAY_MS } from './rollups.js';

export const TERM_PACK_SCHEMA = `
CREATE TABLE IF NOT EXISTS term_dict (
  code INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS term_packs (
  brand TEXT NOT NULL,   -- '' : every mention
  day INTEGER NOT NULL,  -- UTC day number
  dup INTEGER NOT NULL,  -- 1: near-duplicates, 0: originals
  part INTEGER NOT NULL, -- the key's vector is the sum of its parts
  data BLOB NOT NULL,    -- see pack()
  PRIMARY KEY (brand, day, dup, part)
) WITHOUT ROWID;
`;

/** Parts a key may have before a flush merges them. */
const MAX_PARTS = 8;

/** A key's vector, sorted by (term, label) code. */
interface Vector {
  count: Float64Array;
  term: Int32Array;
  label: Int32Array;
  mentions: Int32Array;
}

/** Layout: n (u32), 4 bytes of padding, count f64 × n, term i32 × n, label i32 × n, mentions i32 × n. */
function pack(v: Vector): Buffer {
  const n = v.term.length;
  const buf = Buffer.alloc(8 + 20 * n);
  buf.writeUInt32LE(n, 0);
  const ab = buf.buffer;
  const o = buf.byteOffset;
  new Float64Array(ab, o + 8, n).set(v.count);
  new Int32Array(ab, o + 8 + 8 * n, n).set(v.term);
  new Int32Array(ab, o + 8 + 12 * n, n).set(v.label);
  new Int32Array(ab, o + 8 + 16 * n, n).set(v.mentions);
  return buf;
}

function unpack(buf: Buffer): Vector {
  const n = buf.readUInt32LE(0);
  // A copy into an aligned buffer: SQLite's blob may start anywhere.
  const ab = new ArrayBuffer(20 * n);
  new Uint8Array(ab).set(buf.subarray(8, 8 + 20 * n));
  return {
    count: new Float64Array(ab, 0, n),
    term: new Int32Array(ab, 8 * n, n),
    label: new Int32Array(ab, 12 * n, n),
    mentions: new Int32Array(ab, 16 * n, n),
  };
}

/** term_dict through a cache; drop() after a rolled-back transaction (its new codes are gone). */
export class TermDictionary {
  private codes = new Map<string, number>();
  private texts = new Map<number, string>();
  private readonly find: Database.Statement<[string], unknown>;
  private readonly add: Database.Statement<[string], unknown>;
  private readonly textOf: Database.Statement<[number], unknown>;
  constructor(db: Database.Database) {
    this.find = db.prepare('SELECT code FROM term_dict WHERE text = ?').pluck() as Database.Statement<[string], unknown>;
    this.add = db.prepare('INSERT INTO term_dict (text) VALUES (?)');
    this.textOf = db.prepare('SELECT text FROM term_dict WHERE code = ?').pluck() as Database.Statement<[number], unknown>;
  }
  /** The code of a text, added to term_dict if new (in a write transaction). */
  code(text: string): number {
    let c = this.codes.get(text);
    if (c === undefined) {
      c = (this.find.get(text) as number | undefined) ?? Number(this.add.run(text).lastInsertRowid);
      this.codes.set(text, c);
      this.texts.set(c, text);
    }
    return c;
  }
  text(code: number): string {
    let t = this.texts.get(code);
    if (t === undefined) {
      t = this.textOf.get(code) as string;
      this.texts.set(code, t);
      this.codes.set(t, code);
    }
    return t;
  }
  drop(): void {
    this.codes = new Map();
    this.texts = new Map();
  }
}

/** One mention's terms as the rollup counts them. */
export interface TermRows {
  day: number;
  dup: number;
  brands: readonly string[];
  terms: readonly { term: string; label: string; count: number }[];
}

/** The pending changes of a write transaction, per key then per (term, label). */
export class TermDeltas {
  private readonly byKey = new Map<string, { brand: string; day: number; dup: number; entries: Map<string, { term: string; label: string; count: number; mentions: number }> }>();

  /** Adds (sign 1) or takes out (sign -1) one mention's rows, under '' and each of its brands. */
  add(rows: TermRows, sign: 1 | -1): void {
    for (const brand of ['', ...new Set(rows.brands)]) {
      const key = `${brand}\u0000${rows.day}\u0000${rows.dup}`;
      let k = this.byKey.get(key);
      if (!k) this.byKey.set(key, (k = { brand, day: rows.day, dup: rows.dup, entries: new Map() }));
      for (const t of rows.terms) {
        const ek = `${t.term}\u0000${t.label}`;
        const e = k.entries.get(ek);
        if (e) {
          e.count += sign * t.count;
          e.mentions += sign;
        } else k.entries.set(ek, { term: t.term, label: t.label, count: sign * t.count, mentions: sign });
      }
    }
  }

  clear(): void {
    this.byKey.clear();
  }

  get empty(): boolean {
    return this.byKey.size === 0;
  }

  /** Writes every key's deltas as a part of its vector (call inside the write transaction). */
  flush(dict: TermDictionary, s: TermPackStatements): void {
    for (const k of this.byKey.values()) {
      const deltas = [...k.entries.values()]
        .filter((e) => e.mentions !== 0 || e.count !== 0)
        .map((e) => ({ term: dict.code(e.term), label: dict.code(e.label), count: e.count, mentions: e.mentions }))
        .sort((a, b) => a.term - b.term || a.label - b.label);
      if (deltas.length === 0) continue;
      // The part numbers alone (the key's columns, not its blobs) unless it is time to merge.
      const numbers = s.partNumbers.all(k.brand, k.day, k.dup) as number[];
      if (numbers.length + 1 < MAX_PARTS) {
        const next = numbers.reduce((max, p) => Math.max(max, p), -1) + 1;
        s.put.run(k.brand, k.day, k.dup, next, pack(vectorOf(deltas)));
        continue;
      }
      // Merge every part and the deltas into one part 0.
      let merged: Vector | undefined;
      for (const p of s.parts.all(k.brand, k.day, k.dup) as { data: Buffer }[]) merged = merge(merged, entriesOf(unpack(p.data)), false);
      merged = merge(merged, deltas, true);
      s.deleteKey.run(k.brand, k.day, k.dup);
      if (merged.term.length > 0) s.put.run(k.brand, k.day, k.dup, 0, pack(merged));
    }
    this.byKey.clear();
  }
}

interface Entry {
  term: number;
  label: number;
  count: number;
  mentions: number;
}

function vectorOf(entries: readonly Entry[]): Vector {
  return {
    count: Float64Array.from(entries, (e) => e.count),
    term: Int32Array.from(entries, (e) => e.term),
    label: Int32Array.from(entries, (e) => e.label),
    mentions: Int32Array.from(entries, (e) => e.mentions),
  };
}

function entriesOf(v: Vector): Entry[] {
  return Array.from(v.term, (term, i) => ({ term, label: v.label[i]!, count: v.count[i]!, mentions: v.mentions[i]! }));
}

/** `v` plus `deltas` (both sorted by term then label); `final`: drop the entries no mention holds. */
function merge(v: Vector | undefined, deltas: readonly Entry[], final: boolean): Vector {
  const n = v ? v.term.length : 0;
  const cap = n + deltas.length;
  const out: Vector = { count: new Float64Array(cap), term: new Int32Array(cap), label: new Int32Array(cap), mentions: new Int32Array(cap) };
  let i = 0;
  let j = 0;
  let k = 0;
  const push = (term: number, label: number, count: number, mentions: number): void => {
    // An entry no mention holds any more goes (its count is then 0 too, counts being sums); an
    // intermediate sum keeps even negative entries, a later part may hold their positive side.
    if (final ? mentions <= 0 : mentions === 0 && count === 0) return;
    out.term[k] = term;
    out.label[k] = label;
    out.count[k] = count;
    out.mentions[k] = mentions;
    k++;
  };
  while (i < n || j < deltas.length) {
    const d = deltas[j];
    if (i < n && (!d || v!.term[i]! < d.term || (v!.term[i] === d.term && v!.label[i]! < d.label))) {
      push(v!.term[i]!, v!.label[i]!, v!.count[i]!, v!.mentions[i]!);
      i++;
    } else if (i < n && d && v!.term[i] === d.term && v!.label[i] === d.label) {
      push(d.term, d.label, v!.count[i]! + d.count, v!.mentions[i]! + d.mentions);
      i++;
      j++;
    } else {
      push(d!.term, d!.label, d!.count, d!.mentions);
      j++;
    }
  }
  return { count: out.count.subarray(0, k), term: out.term.subarray(0, k), label: out.label.subarray(0, k), mentions: out.mentions.subarray(0, k) };
}

export interface TermPackStatements {
  partNumbers: Database.Statement<[string, number, number], unknown>;
  parts: Database.Statement<[string, number, number], unknown>;
  put: Database.Statement<[string, number, number, number, Buffer], unknown>;
  deleteKey: Database.Statement<[string, number, number], unknown>;
}

export function termPackStatements(db: Database.Database): TermPackStatements {
  return {
    partNumbers: db.prepare('SELECT part FROM term_packs WHERE brand = ? AND day = ? AND dup = ?').pluck() as TermPackStatements['partNumbers'],
    parts: db.prepare('SELECT data FROM term_packs WHERE brand = ? AND day = ? AND dup = ?'),
    put: db.prepare('INSERT INTO term_packs (brand, day, dup, part, data) VALUES (?, ?, ?, ?, ?)'),
    deleteKey: db.prepare('DELETE FROM term_packs WHERE brand = ? AND day = ? AND dup = ?'),
  };
}

/** The migration's backfill: every key's vector from mention_terms (in the migration's transaction). */
export function backfillTermPacks(db: Database.Database): void {
  db.exec('DELETE FROM term_packs');
  const dict = new TermDictionary(db);
  const s = termPackStatements(db);
  const dayOf = `((m.published_at - ((m.published_at % ${DAY_MS}) + ${DAY_MS}) % ${DAY_MS}) / ${DAY_MS})`;
  const rows = db
    .prepare(
      `SELECT b.brand, ${dayOf} AS day, m.duplicate_of IS NOT NULL AS dup, t.term, coalesce(t.label, t.term) AS label, sum(t.count) AS count, count(*) AS mentions
       FROM mention_terms t JOIN mentions m ON m.doc = t.doc
       JOIN (SELECT doc, brand FROM mention_brands UNION ALL SELECT doc, '' FROM mentions) b ON b.doc = t.doc
       GROUP BY 1, 2, 3, 4, 5`,
    )
    .raw()
    .all() as [string, number, number, string, string, number, number][];
  const byKey = new Map<string, { brand: string; day: number; dup: number; e: { term: number; label: number; count: number; mentions: number }[] }>();
  for (const [brand, day, dup, term, label, count, mentions] of rows) {
    const key = `${brand}\u0000${day}\u0000${dup}`;
    let k = byKey.get(key);
    if (!k) byKey.set(key, (k = { brand, day, dup, e: [] }));
    k.e.push({ term: dict.code(term), label: dict.code(label), count, mentions });
  }
  for (const k of byKey.values()) {
    k.e.sort((a, b) => a.term - b.term || a.label - b.label);
    s.put.run(k.brand, k.day, k.dup, 0, pack(merge(undefined, k.e, true)));
  }
}

/**
 * Top terms over the vectors of the scope (see rollups.ts, rollupScope): per term the sums over
 * its labels; its label the one in most mentions (ties: the smallest, in BINARY order); ordered by
 * count desc then term, cut to `size` — what the SQL path's window query gives.
 */
export function topTermsFromPacks(blobs: readonly Buffer[], dict: TermDictionary, size: number): TermCount[] {
  const vectors = blobs.map(unpack);
  let maxCode = 0;
  for (const v of vectors) for (let i = 0; i < v.term.length; i++) if (v.term[i]! > maxCode) maxCode = v.term[i]!;
  const count = new Float64Array(maxCode + 1);
  const mentions = new Float64Array(maxCode + 1);
  for (const v of vectors) {
    for (let i = 0; i < v.term.length; i++) {
      count[v.term[i]!]! += v.count[i]!;
      mentions[v.term[i]!]! += v.mentions[i]!;
    }
  }
  // The `size` best by count, ties by term text: take every term whose count reaches the size-th
  // largest, then order those by text.
  const present: number[] = [];
  for (let c = 0; c <= maxCode; c++) if (mentions[c]! > 0) present.push(c);
  let chosen = present;
  if (present.length > size) {
    const sorted = present.map((c) => count[c]!).sort((a, b) => b - a);
    const threshold = sorted[size - 1]!;
    chosen = present.filter((c) => count[c]! >= threshold);
  }
  const withText = chosen.map((c) => ({ c, term: dict.text(c) }));
  withText.sort((a, b) => count[b.c]! - count[a.c]! || binary(a.term, b.term));
  const top = withText.slice(0, size);
  // The label of each: mentions per (term, label) over the scope, for these terms only.
  const wanted = new Map(top.map((t) => [t.c, new Map<number, number>()]));
  for (const v of vectors) {
    for (let i = 0; i < v.term.length; i++) {
      const labels = wanted.get(v.term[i]!);
      if (labels) labels.set(v.label[i]!, (labels.get(v.label[i]!) ?? 0) + v.mentions[i]!);
    }
  }
  return top.map(({ c, term }) => {
    let label = term;
    let best = -1;
    for (const [code, n] of wanted.get(c)!) {
      const text = dict.text(code);
      if (n > best || (n === best && binary(text, label) < 0)) {
        best = n;
        label = text;
      }
    }
    return { term, label, count: count[c]!, mentions: mentions[c]! };
  });
}

const binary = compareBinary;
