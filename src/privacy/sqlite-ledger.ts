// Privacy (issue 14, H4): the embedded PrivacyLedger, data_dir/privacy.sqlite. `has` is a query on
// every call (better-sqlite3 is synchronous, the row is indexed): `ecoute run` sees an erasure made
// by `ecoute privacy erase` in another process at once, with no cache to go stale.
import type Database from 'better-sqlite3';
import { guarded, openSqlite } from '../core/sqlite.js';
import type { ErasureLogEntry, PrivacyLedger, SuppressionEntry } from './suppression.js';

export const PRIVACY_FILE = 'privacy.sqlite';

export class SqlitePrivacyLedger implements PrivacyLedger {
  private readonly db: Database.Database;
  private readonly hasStmt: Database.Statement<[string], number>;

  constructor(private readonly file: string) {
    // FULL: a suppression confirmed to the person must survive a crash.
    this.db = openSqlite(file, {
      synchronous: 'FULL',
      version: 1,
      schema: (db) =>
        db.exec(`
CREATE TABLE IF NOT EXISTS suppressions (author_key TEXT PRIMARY KEY, at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS erasures (n INTEGER PRIMARY KEY AUTOINCREMENT, author_key TEXT NOT NULL, source TEXT NOT NULL, at_ms INTEGER NOT NULL, by TEXT NOT NULL, counts TEXT NOT NULL);`),
    });
    this.hasStmt = this.db.prepare('SELECT 1 FROM suppressions WHERE author_key = ?').pluck() as Database.Statement<[string], number>;
  }

  has(authorKey: string): boolean {
    return guarded(this.file, 'reading the suppression list', () => this.hasStmt.get(authorKey) !== undefined);
  }

  async suppress(entry: SuppressionEntry): Promise<void> {
    guarded(this.file, 'writing the suppression list', () =>
      this.db.prepare('INSERT OR IGNORE INTO suppressions (author_key, at_ms) VALUES (?, ?)').run(entry.authorKey, Date.parse(entry.at)),
    );
  }

  async entry(authorKey: string): Promise<SuppressionEntry | undefined> {
    const ms = this.db.prepare('SELECT at_ms FROM suppressions WHERE author_key = ?').pluck().get(authorKey) as number | undefined;
    return ms === undefined ? undefined : { authorKey, at: new Date(ms).toISOString() };
  }

  async logErasure(e: ErasureLogEntry): Promise<void> {
    guarded(this.file, 'writing the erasure log', () =>
      this.db.prepare('INSERT INTO erasures (author_key, source, at_ms, by, counts) VALUES (?, ?, ?, ?, ?)').run(e.authorKey, e.source, Date.parse(e.at), e.by, JSON.stringify(e.counts)),
    );
  }

  async erasures(authorKey?: string): Promise<ErasureLogEntry[]> {
    const rows = this.db
      .prepare(`SELECT author_key, source, at_ms, by, counts FROM erasures${authorKey ? ' WHERE author_key = ?' : ''} ORDER BY n DESC`)
      .all(...(authorKey ? [authorKey] : [])) as { author_key: string; source: string; at_ms: number; by: string; counts: string }[];
    return rows.map((r) => ({ authorKey: r.author_key, source: r.source, at: new Date(r.at_ms).toISOString(), by: r.by, counts: JSON.parse(r.counts) as Record<string, number> }));
  }

  async refresh(): Promise<void> {
    // Read on every `has`.
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
