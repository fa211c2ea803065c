// Replay protection: a signed request is accepted once. Its signature is remembered until its
// timestamp leaves the tolerance window (after that the timestamp check refuses it anyway), so the
// memory needed is bounded by (requests per second × tolerance), and capped by `maxEntries`.
//
// Signatures live in a small SQLite table under the data dir, so a restart does not reopen the
// window (WAL, synchronous=NORMAL: survives a crashed or killed process; a power loss may forget
// the last few, and then a replay only re-sends mentions whose ids make them harmless).
//
// A signature is recorded only after its request got a final answer (202, or 400 for a body that
// will never be valid), never before the mentions are durable: a crash in between lets the sender's
// identical retry through (at-least-once, duplicates are idempotent), where recording first would
// refuse it as a replay and lose the mentions. Meanwhile the signature is held "in flight", so two
// concurrent copies of one request are not both accepted.
//
// The guard fails closed: its file is checked at start like every data file (a missing, emptied or
// damaged file stops écoute instead of forgetting what was accepted), and a signature that cannot
// be written (disk full) stays refused from memory until it is written.
import type Database from 'better-sqlite3';
import { guarded, isDiskError, openSqlite } from '../../core/sqlite.js';

export interface ReplayGuardOptions {
  /** SQLite file shared by every webhook source, or ':memory:' (no persistence across restarts). */
  file: string;
  source: string;
  /** Most signatures remembered for this source; beyond, requests are refused until old ones expire. */
  maxEntries?: number;
}

export type Claim = { ok: true } | { ok: false; why: 'replay' | 'in-flight' } | { ok: false; why: 'full'; retryAfterMs: number };

export class ReplayGuard {
  private readonly db: Database.Database;
  private readonly source: string;
  private readonly maxEntries: number;
  private readonly file: string;
  private readonly inFlight = new Set<string>();
  /** Accepted signatures not yet written (the disk was full), by expiry: refused all the same. */
  private readonly unsaved = new Map<string, number>();
  private count = 0;
  private readonly stmt: {
    seen: Database.Statement<[string, string, number], { expires_at: number }>;
    put: Database.Statement<[string, string, number]>;
    prune: Database.Statement<[string, number]>;
    count: Database.Statement<[string], { n: number }>;
    oldest: Database.Statement<[string], { expires_at: number | null }>;
  };
  private readonly timer: NodeJS.Timeout;

  constructor(options: ReplayGuardOptions) {
    this.file = options.file;
    this.db = openSqlite(options.file, {
      synchronous: 'NORMAL',
      version: 1,
      schema: (db) =>
        db.exec(`CREATE TABLE IF NOT EXISTS webhook_signatures (
          source TEXT NOT NULL, signature TEXT NOT NULL, expires_at INTEGER NOT NULL,
          PRIMARY KEY (source, signature)) WITHOUT ROWID;
          CREATE INDEX IF NOT EXISTS webhook_signatures_expiry ON webhook_signatures (source, expires_at);`),
    });
    this.stmt = {
      seen: this.db.prepare('SELECT expires_at FROM webhook_signatures WHERE source = ? AND signature = ? AND expires_at >= ?'),
      put: this.db.prepare(
        'INSERT INTO webhook_signatures (source, signature, expires_at) VALUES (?, ?, ?) ON CONFLICT (source, signature) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)',
      ),
      prune: this.db.prepare('DELETE FROM webhook_signatures WHERE source = ? AND expires_at < ?'),
      count: this.db.prepare('SELECT COUNT(*) AS n FROM webhook_signatures WHERE source = ?'),
      oldest: this.db.prepare('SELECT MIN(expires_at) AS expires_at FROM webhook_signatures WHERE source = ?'),
    };
    this.source = options.source;
    this.maxEntries = options.maxEntries ?? 100_000;
    try {
      this.prune();
    } catch (error) {
      // Starting on a full disk: expired rows are deleted later; the lookups do not need it.
      if (!isDiskError(error)) throw error;
      this.count = this.stmt.count.get(this.source)?.n ?? 0;
    }
    this.timer = setInterval(() => {
      // From a timer: a write refused by a full disk is tried again at the next tick.
      try {
        this.prune();
      } catch {
        // reported by guarded
      }
    }, 30_000);
    this.timer.unref();
  }

  /** Holds a verified signature while its request is handled; refuses one already seen or held. */
  claim(signature: string, now = Date.now()): Claim {
    if (this.inFlight.has(signature)) return { ok: false, why: 'in-flight' };
    if ((this.unsaved.get(signature) ?? 0) >= now) return { ok: false, why: 'replay' };
    if (guarded(this.file, 'looking up a webhook signature', () => this.stmt.seen.get(this.source, signature, now))) return { ok: false, why: 'replay' };
    if (this.count + this.inFlight.size + this.unsaved.size >= this.maxEntries) {
      this.prune(now);
      if (this.count + this.inFlight.size + this.unsaved.size >= this.maxEntries) {
        const oldest = this.stmt.oldest.get(this.source)?.expires_at ?? now + 1000;
        return { ok: false, why: 'full', retryAfterMs: Math.max(1000, oldest - now) };
      }
    }
    this.inFlight.add(signature);
    return { ok: true };
  }

  /** The request got its final answer: remember the signature until it expires. */
  commit(signature: string, expiresAt: number): void {
    this.inFlight.delete(signature);
    this.unsaved.set(signature, expiresAt);
    this.flushUnsaved();
  }

  /** Writes the accepted signatures held in memory; those the disk refuses stay held (and refused). */
  private flushUnsaved(now?: number): void {
    for (const [signature, expiresAt] of this.unsaved) {
      if (now !== undefined && expiresAt < now) {
        this.unsaved.delete(signature);
        continue;
      }
      try {
        guarded(this.file, 'remembering an accepted webhook signature', () => this.stmt.put.run(this.source, signature, expiresAt));
      } catch {
        // A full disk (reported once by guarded): kept in memory, written at the next commit or prune.
        return;
      }
      this.unsaved.delete(signature);
      // An expired row not yet pruned may be overwritten: the count is exact again after each prune.
      this.count += 1;
    }
  }

  /** The request failed in a way the sender should retry (bus down): forget it. */
  release(signature: string): void {
    this.inFlight.delete(signature);
  }

  /** Signatures remembered (tests, status). */
  size(): number {
    return this.count;
  }

  prune(now = Date.now()): void {
    this.flushUnsaved(now);
    guarded(this.file, 'forgetting expired webhook signatures', () => this.stmt.prune.run(this.source, now));
    this.count = this.stmt.count.get(this.source)?.n ?? 0;
  }

  close(): void {
    clearInterval(this.timer);
    this.flushUnsaved();
    this.db.close();
  }
}
