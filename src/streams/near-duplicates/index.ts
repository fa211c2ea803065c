// Near-duplicates (syndicated news, reposts, copy-pasted reviews): each mention's text gets a
// MinHash signature over word shingles; one whose estimated Jaccard similarity with a signature
// seen before reaches `minSimilarity` marks the mention `duplicateOf` the first one seen, so
// counts are not inflated while every copy stays searchable.
//
// Where it runs: in the analyze stage, which sees every mention of every source, just before the
// batch goes to mentions.analyzed. It needs a persistent index of recent fingerprints; that is the
// FingerprintStore interface below (SQLite here, data_dir/dedup.sqlite; a distributed deployment
// can plug a shared store, since analyze workers each see only their partitions). Decisions are
// stored by mention id, so a replayed batch gets the same answers.
import type Database from 'better-sqlite3';
import { guarded, openSqlite } from '../../core/sqlite.js';
import { mentionBody } from '../../core/mention-text.js';
import type { AnalyzedMention } from '../../core/types.js';
import { BANDS, bands, fromBuffer, minhash, similarity, toBuffer } from './minhash.js';
import { BandIndex, bandKey, packBands, unpackBands } from './band-index.js';

export { bands, minhash, shingles, similarity, words } from './minhash.js';

export type { FingerprintEntry, FingerprintStore } from './types.js';
import type { FingerprintEntry, FingerprintStore } from './types.js';

export interface NearDuplicateOptions {
  /** Least estimated Jaccard similarity of the shingle sets for two texts to be near-duplicates (0..1). */
  minSimilarity?: number;
  /** Texts with fewer words are never marked ("Great app!" said twice is two opinions). */
  minWords?: number;
  /** How long a fingerprint is remembered. */
  windowMs?: number;
}

export class NearDuplicateDetector {
  private readonly minSimilarity: number;
  private readonly minWords: number;
  private readonly windowMs: number;
  private lastPrune = 0;

  constructor(
    private readonly store: FingerprintStore,
    options: NearDuplicateOptions = {},
  ) {
    this.minSimilarity = options.minSimilarity ?? 0.6;
    this.minWords = options.minWords ?? 12;
    this.windowMs = options.windowMs ?? 30 * 24 * 3600_000;
  }

  /** The id of the first-seen near-duplicate of this mention, or undefined if it is the first (or too short to tell). */
  /**
   * `scope` separates what may be compared: mentions of different brand sets are never copies of
   * each other ("Does the Barista 2 work with oat milk?" asked of Acme and of Globex are two
   * questions), so the scope is mixed into the LSH band values and such texts never meet.
   */
  async check(id: string, text: string, now = Date.now(), scope = ''): Promise<string | undefined> {
    return this.decide(id, this.prepare(text, scope), now);
  }

  /** The signature and its LSH band values (salted by scope), or undefined for a text too short to tell. */
  private prepare(text: string, scope: string): Prepared | undefined {
    const fingerprint = minhash(text, this.minWords);
    if (fingerprint === undefined) return undefined;
    const salt = scope === '' ? 0 : scopeHash(scope);
    return { fingerprint, bandValues: bands(fingerprint).map(([band, value]): [number, number] => [band, (value ^ salt) >>> 0]) };
  }

  private async decide(id: string, prepared: Prepared | undefined, now: number): Promise<string | undefined> {
    const known = await this.store.get(id);
    if (known) return known.duplicateOf;
    if (prepared === undefined) return undefined;
    const { fingerprint, bandValues } = prepared;
    const first = this.earliest(id, fingerprint, await this.store.candidates(bandValues));
    // A copy of a copy is a duplicate of the original.
    const duplicateOf = first ? (first.duplicateOf ?? first.id) : undefined;
    await this.store.put({ id, fingerprint, seenAt: now, ...(duplicateOf && { duplicateOf }) }, bandValues);
    if (now - this.lastPrune > 3600_000) {
      this.lastPrune = now;
      await this.store.prune(now - this.windowMs);
    }
    return duplicateOf;
  }

  /** The first-seen (seenAt, then id: every worker orders them the same) similar candidate. */
  private earliest(id: string, fingerprint: Uint32Array, candidates: FingerprintEntry[]): FingerprintEntry | undefined {
    return candidates
      .filter((c) => c.id !== id && similarity(c.fingerprint, fingerprint) >= this.minSimilarity)
      .sort((a, b) => a.seenAt - b.seenAt || (a.id < b.id ? -1 : 1))[0];
  }

  /** Sets `duplicateOf` on each mention that has a near-duplicate seen before it (in batch order), as one unit. */
  async mark(mentions: AnalyzedMention[]): Promise<void> {
    const prepared = mentions.map((m) => this.prepare(mentionBody(m), [...m.brands].sort().join(',')));
    const originals = new Map<string, { mention: AnalyzedMention; fingerprint: Uint32Array; bandValues: [number, number][]; seenAt: number }>();
    const work = async () => {
      await this.store.prefetch?.(
        mentions.map((m) => m.id),
        prepared.flatMap((p) => (p ? [p.bandValues] : [])),
      );
      for (const [i, mention] of mentions.entries()) {
        const now = Date.now();
        // Only a shared store rechecks its originals; the embedded one skips this lookup.
        const known = this.store.recheck ? await this.store.get(mention.id) : undefined;
        const duplicateOf = await this.decide(mention.id, prepared[i], now);
        if (duplicateOf) mention.duplicateOf = duplicateOf;
        else if (!known && prepared[i]) originals.set(mention.id, { mention, ...prepared[i], seenAt: now });
      }
    };
    await (this.store.batch ? this.store.batch(work) : work());
    await this.recheck(originals);
  }

  /**
   * Shared store: the batch's new originals, looked up again once this batch's writes are visible.
   * One that now finds a similar original written before it (another worker wrote it meanwhile) is
   * that one's duplicate after all; the earlier one, rechecking, finds nothing before it and stays.
   */
  private async recheck(originals: Map<string, { mention: AnalyzedMention; fingerprint: Uint32Array; bandValues: [number, number][]; seenAt: number }>): Promise<void> {
    if (!this.store.recheck || !this.store.redirect || originals.size === 0) return;
    const fresh = await this.store.recheck(new Map([...originals].map(([id, o]) => [id, o.bandValues])));
    for (const [id, o] of originals) {
      const before = (fresh.get(id) ?? []).filter((c) => c.duplicateOf === undefined);
      const first = this.earliest(id, o.fingerprint, before);
      if (!first) continue;
      await this.store.redirect(id, first.id);
      o.mention.duplicateOf = first.id;
    }
  }
}

interface Prepared {
  fingerprint: Uint32Array;
  bandValues: [number, number][];
}

/**
 * Fingerprints in SQLite: one row per mention, appended in the order seen (`seq`), with its band
 * values; the band index is in memory (band-index.ts), rebuilt from the rows on open and after a
 * prune. Issue 15 (emb17): within a batch (`batch` + `prefetch`) the ids and the candidates' rows
 * are read in one query each up front, the batch's own fingerprints are answered from memory, and
 * its rows are written at its commit: one transaction and three statements a batch instead of a
 * savepoint, a lookup and seventeen random inserts a mention.
 */
export class SqliteFingerprintStore implements FingerprintStore {
  private readonly db: Database.Database;
  private readonly file: string;
  private readonly stmt: {
    get: Database.Statement<[string], Row>;
    known: Database.Statement<[string], Row>;
    rows: Database.Statement<[string], Row & { seq: number }>;
    put: Database.Statement<[number, string, Buffer, number, string | null, Buffer | null]>;
    after: Database.Statement<[number], { seq: number; bands: Buffer }>;
    last: Database.Statement<[], { seq: number | null }>;
    prune: Database.Statement<[number]>;
  };
  /** The band index of every original stored up to `indexedSeq` (loaded on first use). */
  private index: BandIndex | undefined;
  private indexedSeq = 0;
  /** Within a batch: the rows read up front, and the batch's own puts (written at its commit). */
  private current: Batch | undefined;

  constructor(file: string) {
    // Derived data, rebuilt by replays: it need not be synced on every write (one mention = one
    // write; syncing each made the analyze stage 20 times slower).
    this.file = file;
    this.db = openSqlite(file, {
      synchronous: 'NORMAL',
      version: 2,
      schema: (db) => {
        db.exec(`
          CREATE TABLE IF NOT EXISTS fingerprint_log (
            seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, fingerprint BLOB NOT NULL, seen_at INTEGER NOT NULL,
            duplicate_of TEXT, bands BLOB);
          CREATE INDEX IF NOT EXISTS fingerprint_log_seen ON fingerprint_log (seen_at);
        `);
        migrateV1(db);
      },
    });
    this.db.pragma('cache_size = -16000');
    this.stmt = {
      get: this.db.prepare('SELECT id, fingerprint, seen_at, duplicate_of FROM fingerprint_log WHERE id = ?'),
      known: this.db.prepare('SELECT id, fingerprint, seen_at, duplicate_of FROM fingerprint_log WHERE id IN (SELECT value FROM json_each(?))'),
      rows: this.db.prepare('SELECT seq, id, fingerprint, seen_at, duplicate_of FROM fingerprint_log WHERE seq IN (SELECT value FROM json_each(?))'),
      put: this.db.prepare('INSERT OR IGNORE INTO fingerprint_log (seq, id, fingerprint, seen_at, duplicate_of, bands) VALUES (?, ?, ?, ?, ?, ?)'),
      after: this.db.prepare('SELECT seq, bands FROM fingerprint_log WHERE seq > ? AND bands IS NOT NULL ORDER BY seq'),
      last: this.db.prepare('SELECT max(seq) AS seq FROM fingerprint_log'),
      prune: this.db.prepare('DELETE FROM fingerprint_log WHERE seen_at < ?'),
    };
  }

  /** The band index, brought up to date with rows another process (an `ecoute ingest`) appended. */
  private bandIndex(): BandIndex {
    const index = (this.index ??= new BandIndex());
    for (const row of this.stmt.after.iterate(this.indexedSeq)) {
      index.add(row.seq, unpackBands(row.bands));
      this.indexedSeq = row.seq;
    }
    return index;
  }

  async get(id: string): Promise<FingerprintEntry | undefined> {
    const batch = this.current;
    if (batch) {
      const pending = batch.pending.get(id)?.entry;
      if (pending) return pending;
      if (batch.prefetched) return batch.known.get(id);
    }
    const row = guarded(this.file, 'reading a fingerprint', () => this.stmt.get.get(id));
    return row ? entryOf(row) : undefined;
  }

  async candidates(bandValues: [number, number][]): Promise<FingerprintEntry[]> {
    if (bandValues.length === 0) return [];
    const values = bandValues.slice(0, BANDS);
    const seqs = guarded(this.file, 'looking up similar fingerprints', () => this.bandIndex().lookup(values));
    const batch = this.current;
    const found = new Map<string, FingerprintEntry>();
    const unread: number[] = [];
    for (const seq of seqs) {
      const row = batch?.rows.get(seq);
      if (row) found.set(row.id, row);
      // Prefetched: every row the index knew of was read (one not found was pruned).
      else if (!batch?.prefetched) unread.push(seq);
    }
    if (unread.length > 0) for (const row of this.readRows(unread).values()) found.set(row.id, row);
    // This batch's own earlier originals, not written yet.
    if (batch) for (const [band, value] of values) for (const e of batch.byBand.get(bandKey(band, value)) ?? []) found.set(e.id, e);
    // As the SQL lookup was: the 200 first seen (a band shared by very many texts must not make one lookup huge).
    return [...found.values()].sort((a, b) => a.seenAt - b.seenAt).slice(0, 200);
  }

  private readRows(seqs: number[]): Map<number, FingerprintEntry> {
    const out = new Map<number, FingerprintEntry>();
    for (let i = 0; i < seqs.length; i += 5000) {
      const rows = guarded(this.file, 'reading fingerprints', () => this.stmt.rows.all(JSON.stringify(seqs.slice(i, i + 5000))));
      for (const row of rows) out.set(row.seq, entryOf(row));
    }
    return out;
  }

  async put(entry: FingerprintEntry, bandValues: [number, number][]): Promise<void> {
    // A duplicate is not indexed by band: whatever would match it finds its original, and
    // a thousand reposts of one text must not make that text's buckets a thousand rows long.
    const values = bandValues.slice(0, BANDS);
    const bands = entry.duplicateOf === undefined ? packBands(values) : null;
    const batch = this.current;
    if (batch) {
      // A replayed put keeps the first decision.
      if (batch.pending.has(entry.id) || batch.known.has(entry.id)) return;
      batch.pending.set(entry.id, { seq: batch.nextSeq++, entry, bands });
      if (bands !== null) for (const [band, value] of values) {
        const key = bandKey(band, value);
        batch.byBand.set(key, [...(batch.byBand.get(key) ?? []), entry]);
      }
      return;
    }
    guarded(this.file, 'saving a fingerprint', () => {
      this.bandIndex();
      this.write([{ seq: (this.stmt.last.get()?.seq ?? 0) + 1, entry, bands }]);
    });
  }

  /** Appends rows (in seq order), then indexes the originals that landed. */
  private write(rows: { seq: number; entry: FingerprintEntry; bands: Buffer | null }[]): void {
    const index = this.index;
    for (const { seq, entry, bands } of rows) {
      const landed = this.stmt.put.run(seq, entry.id, toBuffer(entry.fingerprint), entry.seenAt, entry.duplicateOf ?? null, bands).changes > 0;
      if (landed && bands !== null && index && seq > this.indexedSeq) {
        index.add(seq, unpackBands(bands));
        this.indexedSeq = seq;
      }
    }
  }

  async batch<T>(work: () => Promise<T>): Promise<T> {
    // Only the detector uses this connection, one batch at a time, so the await inside is safe.
    // A full disk fails the batch with DISK_FULL: the analyze stage retries it (decisions are by id).
    guarded(this.file, 'starting a batch of fingerprints', () => this.db.exec('BEGIN IMMEDIATE'));
    try {
      // Under the write lock: the index catches up with what another process appended, and this
      // batch's rows are numbered after every stored row.
      const nextSeq = guarded(this.file, 'starting a batch of fingerprints', () => {
        this.bandIndex();
        return (this.stmt.last.get()?.seq ?? 0) + 1;
      });
      this.current = { known: new Map(), rows: new Map(), prefetched: false, pending: new Map(), byBand: new Map(), nextSeq };
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    try {
      const result = await work();
      const pending = [...this.current.pending.values()].sort((a, b) => a.seq - b.seq);
      guarded(this.file, 'committing a batch of fingerprints', () => {
        this.write(pending);
        this.db.exec('COMMIT');
      });
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      // Rows indexed then rolled back: the index is built again from what is stored.
      this.index = undefined;
      this.indexedSeq = 0;
      throw error;
    } finally {
      this.current = undefined;
    }
  }

  async prefetch(ids: string[], bandValues: [number, number][][]): Promise<void> {
    const batch = this.current;
    if (!batch) return;
    guarded(this.file, 'reading a batch of fingerprints', () => {
      for (const row of this.stmt.known.all(JSON.stringify(ids))) batch.known.set(row.id, entryOf(row));
      const index = this.bandIndex();
      const seqs = new Set<number>();
      for (const values of bandValues) index.lookup(values.slice(0, BANDS), seqs);
      batch.rows = this.readRows([...seqs]);
    });
    batch.prefetched = true;
  }

  async prune(before: number): Promise<void> {
    const removed = guarded(this.file, 'forgetting old fingerprints', () => this.stmt.prune.run(before).changes);
    // The removed rows' entries find no row any more and only cost memory: the index is built
    // again from the rows left once they are a quarter of it.
    if (this.index && removed * BANDS > this.index.size / 4) {
      this.index = undefined;
      this.indexedSeq = 0;
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Schema v1 (a band table keyed by (band, value, id)): its rows moved to the log, in the order seen. */
function migrateV1(db: Database.Database): void {
  const old = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'fingerprints'").get() as { n: number };
  if (old.n === 0) return;
  const bandsOf = db.prepare('SELECT band, value FROM fingerprint_bands WHERE id = ? ORDER BY band').raw();
  const put = db.prepare('INSERT OR IGNORE INTO fingerprint_log (id, fingerprint, seen_at, duplicate_of, bands) VALUES (?, ?, ?, ?, ?)');
  for (const row of db.prepare('SELECT id, fingerprint, seen_at, duplicate_of FROM fingerprints ORDER BY seen_at, rowid').all() as Row[]) {
    const bands = row.duplicate_of === null ? packBands(bandsOf.all(row.id) as [number, number][]) : null;
    put.run(row.id, row.fingerprint, row.seen_at, row.duplicate_of, bands);
  }
  db.exec('DROP TABLE fingerprint_bands; DROP TABLE fingerprints;');
}

/** FNV-1a of the scope, 32 bits. */
function scopeHash(scope: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < scope.length; i++) {
    hash ^= scope.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

interface Batch {
  known: Map<string, FingerprintEntry>;
  /** The stored rows the batch's band values lead to, by seq. */
  rows: Map<number, FingerprintEntry>;
  prefetched: boolean;
  pending: Map<string, { seq: number; entry: FingerprintEntry; bands: Buffer | null }>;
  /** The pending originals by band key. */
  byBand: Map<number, FingerprintEntry[]>;
  nextSeq: number;
}

interface Row {
  id: string;
  fingerprint: Buffer;
  seen_at: number;
  duplicate_of: string | null;
}

function entryOf(row: Row): FingerprintEntry {
  return { id: row.id, fingerprint: fromBuffer(row.fingerprint), seenAt: row.seen_at, ...(row.duplicate_of !== null && { duplicateOf: row.duplicate_of }) };
}
