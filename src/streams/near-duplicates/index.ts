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

/** Fingerprints in SQLite: one row per mention, one per (band, value) for the LSH lookup. */
export class SqliteFingerprintStore implements FingerprintStore {
  private readonly db: Database.Database;
  private readonly file: string;
  private readonly stmt: {
    get: Database.Statement<[string], Row>;
    candidates: Database.Statement<number[], Row>;
    putFingerprint: Database.Statement<[string, Buffer, number, string | null]>;
    putBand: Database.Statement<[number, number, string]>;
    pruneBands: Database.Statement<[number]>;
    pruneFingerprints: Database.Statement<[number]>;
  };
  private readonly putTransaction: (entry: FingerprintEntry, bandValues: [number, number][]) => void;

  constructor(file: string) {
    // Derived data, rebuilt by replays: it need not be synced on every write (one mention = one
    // write; syncing each made the analyze stage 20 times slower).
    this.file = file;
    this.db = openSqlite(file, {
      synchronous: 'NORMAL',
      version: 1,
      schema: (db) =>
        db.exec(`
          CREATE TABLE IF NOT EXISTS fingerprints (id TEXT PRIMARY KEY, fingerprint BLOB NOT NULL, seen_at INTEGER NOT NULL, duplicate_of TEXT);
          CREATE TABLE IF NOT EXISTS fingerprint_bands (band INTEGER NOT NULL, value INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (band, value, id)) WITHOUT ROWID;
          CREATE INDEX IF NOT EXISTS fingerprints_seen ON fingerprints (seen_at);
        `),
    });
    const where = Array.from({ length: BANDS }, () => '(b.band = ? AND b.value = ?)').join(' OR ');
    this.stmt = {
      get: this.db.prepare('SELECT id, fingerprint, seen_at, duplicate_of FROM fingerprints WHERE id = ?'),
      // Bounded: a band shared by very many texts (boilerplate) must not make one lookup huge.
      candidates: this.db.prepare(
        `SELECT DISTINCT f.id, f.fingerprint, f.seen_at, f.duplicate_of FROM fingerprint_bands b JOIN fingerprints f ON f.id = b.id WHERE ${where} ORDER BY f.seen_at LIMIT 200`,
      ),
      putFingerprint: this.db.prepare('INSERT OR IGNORE INTO fingerprints (id, fingerprint, seen_at, duplicate_of) VALUES (?, ?, ?, ?)'),
      putBand: this.db.prepare('INSERT OR IGNORE INTO fingerprint_bands (band, value, id) VALUES (?, ?, ?)'),
      pruneBands: this.db.prepare('DELETE FROM fingerprint_bands WHERE id IN (SELECT id FROM fingerprints WHERE seen_at < ?)'),
      pruneFingerprints: this.db.prepare('DELETE FROM fingerprints WHERE seen_at < ?'),
    };
    // Built once: better-sqlite3 compiles a wrapper per transaction() call.
    this.putTransaction = this.db.transaction((entry: FingerprintEntry, bandValues: [number, number][]) => {
      this.stmt.putFingerprint.run(entry.id, toBuffer(entry.fingerprint), entry.seenAt, entry.duplicateOf ?? null);
      // A duplicate is not indexed by band: whatever would match it finds its original, and
      // a thousand reposts of one text must not make that text's buckets a thousand rows long.
      if (entry.duplicateOf === undefined) for (const [i, value] of bandValues) this.stmt.putBand.run(i, value, entry.id);
    });
  }

  async get(id: string): Promise<FingerprintEntry | undefined> {
    const row = guarded(this.file, 'reading a fingerprint', () => this.stmt.get.get(id));
    return row ? entryOf(row) : undefined;
  }

  async candidates(bandValues: [number, number][]): Promise<FingerprintEntry[]> {
    if (bandValues.length === 0) return [];
    // The prepared lookup takes exactly BANDS pairs: pad with a pair that matches nothing.
    const pairs = bandValues.slice(0, BANDS);
    while (pairs.length < BANDS) pairs.push([-1, -1]);
    return guarded(this.file, 'looking up similar fingerprints', () => this.stmt.candidates.all(...pairs.flat())).map(entryOf);
  }

  async put(entry: FingerprintEntry, bandValues: [number, number][]): Promise<void> {
    guarded(this.file, 'saving a fingerprint', () => this.putTransaction(entry, bandValues));
  }

  async batch<T>(work: () => Promise<T>): Promise<T> {
    // Only the detector uses this connection, one batch at a time, so the await inside is safe.
    // A full disk fails the batch with DISK_FULL: the analyze stage retries it (decisions are by id).
    guarded(this.file, 'starting a batch of fingerprints', () => this.db.exec('BEGIN IMMEDIATE'));
    try {
      const result = await work();
      guarded(this.file, 'committing a batch of fingerprints', () => this.db.exec('COMMIT'));
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async prune(before: number): Promise<void> {
    guarded(this.file, 'forgetting old fingerprints', () =>
      this.db.transaction(() => {
        this.stmt.pruneBands.run(before);
        this.stmt.pruneFingerprints.run(before);
      })(),
    );
  }

  async close(): Promise<void> {
    this.db.close();
  }
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

interface Row {
  id: string;
  fingerprint: Buffer;
  seen_at: number;
  duplicate_of: string | null;
}

function entryOf(row: Row): FingerprintEntry {
  return { id: row.id, fingerprint: fromBuffer(row.fingerprint), seenAt: row.seen_at, ...(row.duplicate_of !== null && { duplicateOf: row.duplicate_of }) };
}
