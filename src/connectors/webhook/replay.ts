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
import type Database from 'better-sqlite3';
import { openSqlite } from '../../core/sqlite.js';

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
  private readonly inFlight = new Set<string>();
  private count: number;
  private readonly stmt: {
    seen: Database.Statement<[string, string, number], { expires_at: number }>;
    put: Database.Statement<[string, string, number]>;
    prune: Database.Statement<[string, number]>;
    count: Database.Statement<[string], { n: number }>;
    oldest: Database.Statement<[string], { expires_at: number | null }>;
  };
  private readonly timer: NodeJS.Timeout;

  constructor(options: ReplayGuardOptions) {
    this.db = openSqlite(options.file, { synchronous: 'NORMAL' });
    this.db.exec(`CREATE TABLE IF NOT EXISTS webhook_signatures (
      source TEXT NOT NULL, signature TEXT NOT NULL, expires_at INTEGER NOT NULL,
      PRIMARY KEY (source, signature)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS webhook_signatures_expiry ON webhook_signatures (source, expires_at);`);
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
    this.stmt.prune.run(this.source, Date.now());
    this.count = this.stmt.count.get(this.source)?.n ?? 0;
    this.timer = setInterval(() => this.prune(), 30_000);
    this.timer.unref();
  }

  /** Holds a verified signature while its request is handled; refuses one already seen or held. */
  claim(signature: string, now = Date.now()): Claim {
    if (this.inFlight.has(signature)) return { ok: false, why: 'in-flight' };
    if (this.stmt.seen.get(this.source, signature, now)) return { ok: false, why: 'replay' };
    if (this.count + this.inFlight.size >= this.maxEntries) {
      this.prune(now);
      if (this.count + this.inFlight.size >= this.maxEntries) {
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
    // An expired row not yet pruned may be overwritten: the count is exact again after each prune.
    this.stmt.put.run(this.source, signature, expiresAt);
    this.count += 1;
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
    this.stmt.prune.run(this.source, now);
    this.count = this.stmt.count.get(this.source)?.n ?? 0;
  }

  close(): void {
    clearInterval(this.timer);
    this.db.close();
  }
}
